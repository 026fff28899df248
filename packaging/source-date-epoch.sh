#!/bin/sh
# Print SOURCE_DATE_EPOCH for the .deb: the time of the commit being built,
# so that two builds of one commit, anywhere, stamp the same times.
#
#   packaging/source-date-epoch.sh
#
# Where it comes from, first that applies:
#   1. SOURCE_DATE_EPOCH in the environment (the reproducible-builds
#      convention: whoever sets it knows better); it must be a number.
#   2. packaging/commit-time, when `git archive` has written the commit's
#      time into it (.gitattributes: export-subst): a release tarball, a
#      forge's "download source", wherever it is unpacked (inside another
#      repository too, whose HEAD is not this source's).
#   3. git, when this tree is a checkout of its own: `git rev-parse
#      --show-toplevel` must name this very directory (not an enclosing
#      repository), with -c safe.directory for it, as a clone owned by
#      another user is still this source (git refuses it otherwise,
#      "dubious ownership", when root builds it).
# Otherwise it fails, with one line saying why and what to do: a fallback
# (the changelog's date, the build's time) would give a .deb that differs
# from every other build of the commit, silently.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd -P)
die() {
	echo "nsinit: no SOURCE_DATE_EPOCH for a reproducible build: $*; set SOURCE_DATE_EPOCH to the commit's time (git log -1 --format=%ct COMMIT)" >&2
	exit 1
}
number() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	number "$SOURCE_DATE_EPOCH" || die "SOURCE_DATE_EPOCH='$SOURCE_DATE_EPOCH' is not a number of seconds"
	echo "$SOURCE_DATE_EPOCH"
	exit 0
fi

stamp=$(cat "$top/packaging/commit-time" 2>/dev/null) || die "$top/packaging/commit-time is missing"
if number "$stamp"; then
	echo "$stamp"
	exit 0
fi

command -v git >/dev/null 2>&1 || die "$top is not from git archive and git is not installed"
git() { command git -c safe.directory="$top" -C "$top" "$@"; }
found=$(git rev-parse --show-toplevel 2>/dev/null) ||
	die "$top is neither a git checkout nor unpacked from git archive"
[ "$found" = "$top" ] ||
	die "$top is not a git checkout of its own but lies inside the repository $found"
time=$(git log -1 --format=%ct 2>/dev/null) && number "$time" ||
	die "git log found no commit in $top"
echo "$time"

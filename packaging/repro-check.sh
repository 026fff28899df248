#!/bin/sh
# Check that a release is reproducible: build some architectures again from
# a `git archive` of HEAD unpacked in another directory (another path,
# another BUILD, no .git: as a release tarball is built) and compare the
# binaries and .debs byte for byte with those of DIST. DIST was built in a
# checkout, where the commit's time (SOURCE_DATE_EPOCH) comes from git; here
# it comes from packaging/commit-time, which git archive fills in: so the
# two ways must agree too. Leave SOURCE_DATE_EPOCH unset for both.
#
#   packaging/repro-check.sh DIST VERSION ARCH...
#
# DIST must come from `make release` of the same commit, with a clean work
# tree (the archive has HEAD, not uncommitted edits). The copy reuses this
# tree's verified source tarballs (libcap, musl: checked against their pins
# again anyway), so the second build costs no second download of them; it
# fetches its own musl-dev and compiles everything afresh. The copy is
# removed afterwards unless REPRO_KEEP=1.
set -eu

die() { echo "repro-check: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: $0 DIST VERSION ARCH..."
dist=$(realpath "$1")
version=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$dist/SHA256SUMS" ] || die "$dist/SHA256SUMS is missing: run make release first"
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
	echo "repro-check: warning: the work tree has uncommitted changes; the second build is of HEAD" >&2
fi

# Another directory, of another length, so that a path that leaked into a
# binary would show.
work=$(mktemp -d /tmp/nsinit-repro-second-build.XXXXXX)
[ "${REPRO_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git -C "$top" archive --format=tar HEAD | tar -x -C "$work/src"
echo "repro-check: building $* again in $work/src (git archive of $(git -C "$top" rev-parse --short HEAD))"
# The second build finds the commit's time itself (from packaging/commit-time).
[ -z "${SOURCE_DATE_EPOCH:-}" ] ||
	echo "repro-check: warning: SOURCE_DATE_EPOCH is set; the second build ignores it and takes the commit's time" >&2
env -u SOURCE_DATE_EPOCH make -C "$work/src" --no-print-directory release RELEASE_ARCHS="$*" BUILD=out DIST="$work/dist" \
	LIBCAP_SRC_CACHE="$top/build/libcap-src" MUSL_SRC_CACHE="$top/build/musl-src" >"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log" >&2; die "the second build failed (log: $work/build.log)"; }

bad=0
for a in "$@"; do
	for f in "nsinit-$a" "nsinit_${version}-1_$a.deb"; do
		if cmp -s "$dist/$f" "$work/dist/$f"; then
			echo "same       $(sha256sum "$dist/$f" | cut -c1-16)...  $f"
		else
			echo "DIFFERENT  $f: $(sha256sum "$dist/$f" | cut -c1-16)... vs $(sha256sum "$work/dist/$f" | cut -c1-16)..."
			bad=$((bad + 1))
		fi
	done
done
# The second build's SHA256SUMS lines must be lines of the first's.
if ! grep -vxF -f "$dist/SHA256SUMS" "$work/dist/SHA256SUMS" >/dev/null; then
	echo "same       SHA256SUMS lines of $*"
else
	echo "DIFFERENT  SHA256SUMS: $(grep -vxF -f "$dist/SHA256SUMS" "$work/dist/SHA256SUMS" | tr '\n' ' ')"
	bad=$((bad + 1))
fi
[ "$bad" -eq 0 ] || die "$bad file(s) differ between the two builds: not reproducible"
echo "repro-check: ok: two builds in two directories gave the same bytes"

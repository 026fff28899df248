#!/bin/sh
# The one place nsinit's build, tests, demo and CI install Debian packages:
#   sh packaging/install.sh [--quiet-fail] [--no-install-recommends] PACKAGE...
# installs those of the packages that are not installed yet (apt-get update
# first, once), so that a machine set up once needs neither root nor the
# network again. As another user, with something missing, it prints the
# command to run as root and fails (or, with --quiet-fail, only warns: for
# optional extras such as the bench's peers). --no-install-recommends: for
# the cross toolchains, whose recommended glibc for the target (libc6-dev-*-
# cross) the musl build never uses.
set -eu
optional=
recommends=
while :; do
	case "${1:-}" in
	--quiet-fail) optional=1; shift ;;
	--no-install-recommends) recommends=--no-install-recommends; shift ;;
	*) break ;;
	esac
done
missing=
for p in "$@"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "missing:$missing; install as root: apt-get install$missing" >&2
	[ -n "$optional" ] && exit 0
	exit 1
fi
echo "installing:$missing"
# shellcheck disable=SC2086 # one word per package
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $recommends $missing >/dev/null; }; then
	echo "could not install:$missing" >&2
	[ -n "$optional" ] && exit 0
	exit 1
fi

#!/bin/sh
# Build the FROM scratch image for every architecture of a release and put
# them into one manifest list, so that `COPY --from=IMAGE /nsinit /nsinit`
# in a build for any of those platforms copies that platform's binary.
#
#   packaging/container/image.sh IMAGE DIST DEB_ARCH=OCI_PLATFORM...
#
#   IMAGE  the manifest list's name (localhost/nsinit)
#   DIST   make release's output: DIST/nsinit-DEB_ARCH for each
#   pairs  Debian's name and the OCI platform's (amd64=amd64, armhf=arm/v7)
#
# The Containerfile has no RUN, so building for another platform needs no
# emulation: every architecture of the release is built here. Afterwards
# the check that matters to users: for amd64 and arm64, an image built
# `--platform linux/ARCH` with `COPY --from=IMAGE` must hold exactly DIST's
# binary of that architecture. (Not linux/arm/v5: Debian 12's podman 4.3.1
# finds no image for that platform in `COPY --from`, a list or not; see
# README, "Getting nsinit".)
set -eu

die() { echo "image: $*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: $0 IMAGE DIST DEB_ARCH=OCI_PLATFORM..."
image=$1
dist=$(realpath "$2")
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
sh "$top/packaging/install.sh" podman
# cgroupfs, as tests/podman/setup.sh runs it; the machine's default runtime
# (nothing here runs a container, so it does not matter which).
podman() { command podman --cgroup-manager cgroupfs "$@"; }

# The context is DIST: it holds the binaries and nothing else to send.
podman manifest rm "$image" >/dev/null 2>&1 || true
podman rmi "$image" >/dev/null 2>&1 || true
podman manifest create "$image" >/dev/null
for pair in "$@"; do
	arch=${pair%%=*}
	platform=linux/${pair#*=}
	[ -f "$dist/nsinit-$arch" ] || die "$dist/nsinit-$arch is missing: run make release first"
	podman build -q --pull=never --platform "$platform" --build-arg NSINIT="nsinit-$arch" \
		-f "$top/packaging/container/Containerfile" --manifest "$image" "$dist" >/dev/null ||
		die "podman build --platform $platform failed"
	echo "image: $image: $platform from nsinit-$arch"
done
podman manifest inspect "$image" | awk -F'"' '
	/"architecture"/ { a = $4 } /"os"/ { o = $4 } /"variant"/ { v = "/" $4 }
	/^[ \t]*}/ && a != "" { print "image: in the list: " o "/" a v; a = v = "" }'

# What a user's Containerfile does, for two platforms.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
printf 'FROM scratch\nCOPY --from=%s /nsinit /nsinit\n' "$image" >"$check/Containerfile"
for arch in amd64 arm64; do
	podman build -q --pull=never --platform "linux/$arch" -t localhost/nsinit-copy-check \
		-f "$check/Containerfile" "$check" >/dev/null || die "COPY --from=$image for linux/$arch failed"
	# (podman warns that the image is not of this machine's platform)
	ctr=$(podman create localhost/nsinit-copy-check /nsinit 2>/dev/null)
	podman cp "$ctr:/nsinit" "$check/nsinit-$arch" >/dev/null
	podman rm "$ctr" >/dev/null
	podman rmi localhost/nsinit-copy-check >/dev/null
	cmp -s "$check/nsinit-$arch" "$dist/nsinit-$arch" ||
		die "COPY --from=$image in a linux/$arch build did not copy nsinit-$arch: $(file -b "$check/nsinit-$arch")"
	echo "image: COPY --from=$image in a linux/$arch build copies nsinit-$arch"
done
echo "image: ok"

#!/bin/sh
# Download Debian binary packages of another architecture and unpack them into
# a directory, without touching the machine's dpkg or apt state.
#
#   packaging/fetch-debs.sh DEB_ARCH DEST PACKAGE...
#
#   DEB_ARCH  Debian's name of the architecture (arm64, amd64, ...)
#   DEST      directory to unpack into (dpkg-deb -x); the .debs are kept in
#             DEST/debs, and DEST/.versions lists what was unpacked
#
# Environment: DEBS_MIRROR (default http://deb.debian.org/debian) and
# DEBS_SUITE (default bookworm).
#
# Used by the cross static build for musl-dev (libc.a, rcrt1.o, headers) and
# for the static busybox that check-arch runs under qemu. Why not
# `dpkg --add-architecture arm64` and `apt-get install musl-dev:arm64`: that
# changes the machine's package configuration for everyone on it, and the build
# only needs the files. apt still authenticates what it downloads (signed
# InRelease -> Packages -> .deb hashes), as for the libcap source
# (libcap-musl.sh uses the same private configuration).
set -eu

die() { echo "fetch-debs.sh: error: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: $0 DEB_ARCH DEST PACKAGE..."
arch=$1
dest=$2
shift 2
mirror=${DEBS_MIRROR:-http://deb.debian.org/debian}
suite=${DEBS_SUITE:-bookworm}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring is missing (package debian-archive-keyring)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/parts" "$tmp/prefs" "$tmp/dl"
echo "deb [arch=$arch signed-by=$keyring] $mirror $suite main" >"$tmp/sources.list"
pkgs=
for p in "$@"; do pkgs="$pkgs $p:$arch"; done
# APT::Architectures: only $arch's package lists are fetched; Sandbox::User:
# the temporary directory is not readable by _apt.
set -- -q \
	-o Dir::Etc::SourceList="$tmp/sources.list" \
	-o Dir::Etc::SourceParts="$tmp/parts" \
	-o Dir::Etc::Preferences="$tmp/prefs/none" \
	-o Dir::Etc::PreferencesParts="$tmp/prefs" \
	-o Dir::State::Lists="$tmp/lists" \
	-o Dir::Cache="$tmp/cache" \
	-o APT::Architecture="$arch" \
	-o APT::Architectures::="$arch" \
	-o APT::Sandbox::User=root \
	-o Acquire::Languages=none
echo "fetch-debs.sh: downloading$pkgs ($suite) into $dest"
apt-get "$@" update >"$tmp/update.log" 2>&1 || { cat "$tmp/update.log" >&2; die "apt-get update (private sources list) failed"; }
# shellcheck disable=SC2086 # one word per package
(cd "$tmp/dl" && apt-get "$@" download $pkgs) >"$tmp/download.log" 2>&1 ||
	{ cat "$tmp/download.log" >&2; die "apt-get download$pkgs failed"; }

rm -rf "$dest"
mkdir -p "$dest/debs"
for deb in "$tmp/dl"/*.deb; do
	dpkg-deb -x "$deb" "$dest"
	dpkg-deb -f "$deb" Package Architecture Version | paste -sd' ' >>"$dest/.versions"
	cp "$deb" "$dest/debs/"
done
sed 's/^/fetch-debs.sh: unpacked /' "$dest/.versions"

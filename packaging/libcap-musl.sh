#!/bin/sh
# Build libcap.a for musl from Debian's libcap2 source package, pinned by SHA-256.
#
#   packaging/libcap-musl.sh CACHE_DIR WORK_DIR PREFIX
#
#   CACHE_DIR  where the downloaded tarballs are kept, so that a rebuild (or a
#              `make clean` of only build/static) does not fetch them again
#   WORK_DIR   scratch directory for unpacking and building; wiped first
#   PREFIX     where to install include/sys/capability.h, include/linux/
#              capability.h and lib/libcap.a
#
# Environment: CC (default musl-gcc; may carry options, e.g. `gcc -specs
# FILE`) and CFLAGS (code generation flags for libcap's objects, e.g. -Os
# -fPIE); CROSS_COMPILE (e.g. aarch64-linux-gnu-, empty for a native build):
# the prefix of the target's ar and ranlib, which libcap's Make.Rules use;
# LIBCAP_MIRROR and LIBCAP_SUITE (see fetch-source.sh).
#
# Why Debian's source package and not upstream's tarball: see
# fetch-source.sh, which fetches it (with a private apt configuration) and
# checks it against packaging/libcap.sha256 before anything is unpacked.
#
# Why the Debian patches are applied too: bookworm's libcap2 carries security
# fixes that upstream 2.66 lacks (CVE-2023-2603 in cap_alloc.c, the cap_set_file
# TOCTOU fix in cap_file.c), and the static nsinit should be no weaker than the
# dynamic one linked against Debian's libcap2. The debian.tar.xz is therefore
# pinned as well. When Debian publishes a new libcap2 revision the old one
# leaves deb.debian.org and a fresh fetch stops with a clear message: review the
# new debian/patches and update packaging/libcap.sha256 (the cached copy under
# CACHE_DIR keeps working meanwhile).
set -eu

die() { echo "libcap-musl.sh: error: $*" >&2; exit 1; }
note() { echo "libcap-musl.sh: $*"; }

[ $# -eq 3 ] || die "usage: $0 CACHE_DIR WORK_DIR PREFIX"
here=$(cd "$(dirname "$0")" && pwd)
pins="$here/libcap.sha256"
mkdir -p "$1" "$3"
cache=$(cd "$1" && pwd)
work=$2
prefix=$(cd "$3" && pwd)
CC=${CC:-musl-gcc}
CFLAGS=${CFLAGS:--Os}
CROSS_COMPILE=${CROSS_COMPILE:-}

[ -r "$pins" ] || die "$pins is missing"
orig=$(awk '$2 ~ /\.orig\.tar\.xz$/ { print $2 }' "$pins")
debian=$(awk '$2 ~ /\.debian\.tar\.xz$/ { print $2 }' "$pins")
[ -n "$orig" ] && [ -n "$debian" ] || die "$pins must pin one .orig.tar.xz and one .debian.tar.xz"

# CC's first word is the compiler; the rest are its options.
for tool in tar xz patch make gcc "${CC%% *}" "${CROSS_COMPILE}ar" "${CROSS_COMPILE}ranlib"; do
	command -v "$tool" >/dev/null || die "$tool is not installed (make static installs what it needs)"
done

sh "$here/fetch-source.sh" libcap2 "$pins" "$cache"

# Unpack and patch afresh each time: the cost is a second, and no half-applied
# patch series from an interrupted run can survive.
rm -rf "$work"
mkdir -p "$work"
tar -xJf "$cache/$orig" -C "$work"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'libcap-*')
[ -n "$src" ] && [ -d "$src/libcap" ] || die "$orig did not unpack to libcap-*/libcap"
tar -xJf "$cache/$debian" -C "$src"
# Debian's series file: one patch per line, comments after '#'. Applied as
# dpkg-source does (-p1, no fuzz), so a patch that does not apply is an error.
sed -e 's/#.*//' "$src/debian/patches/series" | while read -r p opts; do
	[ -n "$p" ] || continue
	[ -z "$opts" ] || die "unsupported options in debian/patches/series: $p $opts"
	patch -d "$src" -p1 -F0 -N -s -t -E --no-backup-if-mismatch <"$src/debian/patches/$p" ||
		die "Debian patch $p does not apply"
done

# Only libcap.a. BUILD_CC builds _makenames, the host helper that generates
# cap_names.h, so it is the host's gcc (glibc), not CC, which may not even
# produce code for this machine. CROSS_COMPILE picks the target's ar and
# ranlib (the host's cannot index another architecture's objects). COPTS rather than
# CFLAGS: libcap's Makefiles append their own warnings and -fPIC to CFLAGS,
# and a command-line CFLAGS would throw those away. lib=lib stops Make.Rules
# from running ldd on /usr/bin/ld to guess a library directory we never use.
# SHARED/PAM_CAP/GOLANG/PTHREADS/USE_GPERF=no: no shared objects, no PAM
# module, no Go, no libpsx, and no dependence on whether gperf happens to be
# installed (so the result is the same on every machine).
note "building libcap.a with $CC"
make -s -C "$src/libcap" libcap.a \
	CC="$CC" BUILD_CC=gcc CROSS_COMPILE="$CROSS_COMPILE" COPTS="$CFLAGS" BUILD_COPTS=-O2 lib=lib \
	SHARED=no PAM_CAP=no GOLANG=no PTHREADS=no USE_GPERF=no

# Install: sys/capability.h includes <linux/capability.h>, and libcap was
# compiled against its own (newer than the kernel headers') copy of it, so that
# copy goes next to it. libcap.a last: it is what make checks for.
mkdir -p "$prefix/include/sys" "$prefix/include/linux" "$prefix/lib"
cp "$src/libcap/include/sys/capability.h" "$prefix/include/sys/"
cp "$src/libcap/include/uapi/linux/capability.h" "$prefix/include/linux/"
cp "$src/libcap/libcap.a" "$prefix/lib/libcap.a.tmp"
mv "$prefix/lib/libcap.a.tmp" "$prefix/lib/libcap.a"
note "installed $prefix/lib/libcap.a ($(basename "$src"), Debian $(sed -n '1s/.*(\(.*\)).*/\1/p' "$src/debian/changelog"))"

#!/bin/sh
# Build musl's static libc for an architecture Debian 12 has no musl-dev for
# (riscv64), from Debian 12's own musl source package, pinned by SHA-256.
#
#   packaging/musl-from-source.sh CACHE_DIR WORK_DIR ROOT GNU_TRIPLET MUSL_TRIPLET
#
#   CACHE_DIR     where the source tarballs are kept (fetched once)
#   WORK_DIR      scratch directory for unpacking and building; wiped first
#   ROOT          installed as musl-dev would unpack there:
#                 ROOT/usr/include/MUSL_TRIPLET, ROOT/usr/lib/MUSL_TRIPLET
#   GNU_TRIPLET   the cross toolchain: GNU_TRIPLET-gcc, -ar, -ranlib
#   MUSL_TRIPLET  the directory names (riscv64-linux-musl)
#
# Why: riscv64 was a Debian ports architecture in bookworm, so the archive
# (deb.debian.org) has no musl-dev:riscv64 to unpack (fetch-debs.sh does that
# for the other architectures). musl 1.2.3 supports riscv64 upstream, and
# Debian's source package is what the other architectures' musl-dev was built
# from, so building it here gives riscv64 the same musl, authenticated and
# pinned the same way as libcap's source (fetch-source.sh,
# packaging/musl.sha256).
#
# Built as Debian's debian/rules builds it (its fts addition copied in; its
# patch series, empty in 1.2.3-1, applied if there is one; -O2 and
# -fstack-protector-strong, the hardening flags of dpkg-buildflags that apply
# to a libc) except: static only (--disable-shared: no libc.so, half the
# compile time), no musl-gcc wrapper, no -g (nothing ships its debug
# information). The output is deterministic: relative source paths, no -g,
# and Debian's binutils make deterministic archives.
set -eu

die() { echo "musl-from-source.sh: error: $*" >&2; exit 1; }
note() { echo "musl-from-source.sh: $*"; }

[ $# -eq 5 ] || die "usage: $0 CACHE_DIR WORK_DIR ROOT GNU_TRIPLET MUSL_TRIPLET"
here=$(cd "$(dirname "$0")" && pwd)
pins="$here/musl.sha256"
mkdir -p "$1" "$3"
cache=$(cd "$1" && pwd)
work=$(realpath -m "$2")
root=$(cd "$3" && pwd)
gnu=$4
musl=$5

for tool in tar gzip xz patch make "$gnu-gcc" "$gnu-ar" "$gnu-ranlib"; do
	command -v "$tool" >/dev/null || die "$tool is not installed (make static installs what it needs)"
done

sh "$here/fetch-source.sh" musl "$pins" "$cache"
orig=$(awk '$2 ~ /\.orig\.tar\./ { print $2 }' "$pins")
debian=$(awk '$2 ~ /\.debian\.tar\.xz$/ { print $2 }' "$pins")

rm -rf "$work"
mkdir -p "$work"
tar -xf "$cache/$orig" -C "$work"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'musl-*')
[ -n "$src" ] && [ -f "$src/configure" ] || die "$orig did not unpack to musl-*/configure"
tar -xJf "$cache/$debian" -C "$src"
if [ -f "$src/debian/patches/series" ]; then
	sed -e 's/#.*//' "$src/debian/patches/series" | while read -r p opts; do
		[ -n "$p" ] || continue
		[ -z "$opts" ] || die "unsupported options in debian/patches/series: $p $opts"
		patch -d "$src" -p1 -F0 -N -s -t -E --no-backup-if-mismatch <"$src/debian/patches/$p" ||
			die "Debian patch $p does not apply"
	done
fi
# debian/rules' copy_fts: musl-dev ships fts(3) from musl-fts.
mkdir -p "$src/src/fts"
cp "$src/debian/musl-fts/fts.c" "$src/debian/musl-fts/config.h" "$src/src/fts/"
cp "$src/debian/musl-fts/fts.h" "$src/include/"

note "building musl ($(basename "$src"), Debian $(sed -n '1s/.*(\(.*\)).*/\1/p' "$src/debian/changelog")) for $gnu"
(cd "$src" && CC="$gnu-gcc" CROSS_COMPILE="$gnu-" CFLAGS="-O2 -fstack-protector-strong" \
	./configure --host="$gnu" --prefix=/usr --libdir="/usr/lib/$musl" \
	--includedir="/usr/include/$musl" --disable-shared --disable-wrapper >"$work/configure.log" 2>&1) ||
	{ cat "$work/configure.log" >&2; die "musl's configure failed"; }
jobs=$(nproc 2>/dev/null || echo 1)
make -s -C "$src" -j"$jobs" >"$work/make.log" 2>&1 || { tail -n 30 "$work/make.log" >&2; die "building musl failed"; }
rm -rf "$work/root"
make -s -C "$src" install DESTDIR="$work/root" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; die "installing musl failed"; }
[ -r "$work/root/usr/lib/$musl/rcrt1.o" ] || die "no rcrt1.o was built"
mkdir -p "$root/usr/include" "$root/usr/lib"
rm -rf "$root/usr/include/$musl" "$root/usr/lib/$musl"
mv "$work/root/usr/include/$musl" "$root/usr/include/"
mv "$work/root/usr/lib/$musl" "$root/usr/lib/"
rm -rf "$work"
note "installed $root/usr/lib/$musl/libc.a"

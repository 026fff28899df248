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
# LIBCAP_MIRROR (default http://deb.debian.org/debian) and LIBCAP_SUITE
# (default bookworm).
#
# Why Debian's source package and not upstream's tarball: Debian's archive is
# what every machine of this project (fresh Debian 12, root, nothing else on the
# network) can reach, and apt already authenticates it (signed InRelease ->
# Sources -> file hashes). On top of that the files are pinned in
# packaging/libcap.sha256 and checked before anything is unpacked, so a build
# uses exactly the source that was reviewed.
#
# Why the Debian patches are applied too: bookworm's libcap2 carries security
# fixes that upstream 2.66 lacks (CVE-2023-2603 in cap_alloc.c, the cap_set_file
# TOCTOU fix in cap_file.c), and the static nsinit should be no weaker than the
# dynamic one linked against Debian's libcap2. The debian.tar.xz is therefore
# pinned as well. When Debian publishes a new libcap2 revision the old one
# leaves deb.debian.org and a fresh fetch stops with a clear message: review the
# new debian/patches and update packaging/libcap.sha256 (the cached copy under
# CACHE_DIR keeps working meanwhile).
#
# apt is used with a private sources list, state and cache directory under a
# temporary directory: the machine's apt configuration and lists are neither
# read for sources nor changed. `--download-only` avoids needing dpkg-dev; the
# tarballs are unpacked with tar and the patches applied with patch(1).
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
mirror=${LIBCAP_MIRROR:-http://deb.debian.org/debian}
suite=${LIBCAP_SUITE:-bookworm}

[ -r "$pins" ] || die "$pins is missing"
orig=$(awk '$2 ~ /\.orig\.tar\.xz$/ { print $2 }' "$pins")
debian=$(awk '$2 ~ /\.debian\.tar\.xz$/ { print $2 }' "$pins")
[ -n "$orig" ] && [ -n "$debian" ] || die "$pins must pin one .orig.tar.xz and one .debian.tar.xz"

# CC's first word is the compiler; the rest are its options.
for tool in sha256sum tar xz patch make gcc "${CC%% *}" "${CROSS_COMPILE}ar" "${CROSS_COMPILE}ranlib"; do
	command -v "$tool" >/dev/null || die "$tool is not installed (make static installs what it needs)"
done

# Check the cached tarballs against the pins. Prints nothing and succeeds when
# all are present and match; fails (and says which) otherwise.
verify() {
	(cd "$cache" && sha256sum --quiet --strict -c "$pins")
}

fetch() {
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/parts" "$tmp/prefs" "$tmp/dl"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
		>"$tmp/sources.list"
	[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		die "/usr/share/keyrings/debian-archive-keyring.gpg is missing (package debian-archive-keyring)"
	# Sandbox::User=root: the temporary directory is not readable by _apt.
	set -- -q \
		-o Dir::Etc::SourceList="$tmp/sources.list" \
		-o Dir::Etc::SourceParts="$tmp/parts" \
		-o Dir::Etc::Preferences="$tmp/prefs/none" \
		-o Dir::Etc::PreferencesParts="$tmp/prefs" \
		-o Dir::State::Lists="$tmp/lists" \
		-o Dir::Cache="$tmp/cache" \
		-o APT::Sandbox::User=root \
		-o Acquire::Languages=none
	note "fetching Debian's libcap2 source package ($suite) into $cache"
	apt-get "$@" update >"$tmp/update.log" 2>&1 || { cat "$tmp/update.log" >&2; die "apt-get update (private sources list) failed"; }
	(cd "$tmp/dl" && apt-get "$@" source --download-only libcap2) >"$tmp/source.log" 2>&1 ||
		{ cat "$tmp/source.log" >&2; die "apt-get source --download-only libcap2 failed"; }
	for f in "$orig" "$debian"; do
		if [ ! -f "$tmp/dl/$f" ]; then
			# Debian moved on (a new revision replaces the old one in the
			# archive). Keep what it has now aside for review, unverified.
			rm -rf "$cache/unpinned" && mkdir -p "$cache/unpinned"
			cp "$tmp/dl"/*.tar.* "$cache/unpinned/"
			die "Debian's $suite no longer has $f (pinned in $pins).
  It now has (kept, NOT verified, in $cache/unpinned/ for review):
$(cd "$cache/unpinned" && sha256sum *.orig.tar.xz *.debian.tar.xz | sed 's/^/    /')
  Review the new source (debian/changelog and debian/patches in particular);
  if it is fine, put the lines above into packaging/libcap.sha256."
		fi
	done
	cp "$tmp/dl/$orig" "$tmp/dl/$debian" "$cache/"
	rm -rf "$tmp"
	trap - EXIT
}

if ! verify >/dev/null 2>&1; then
	# Fetch only what is missing: a present but different file is not
	# silently replaced, it is an error below.
	if [ ! -f "$cache/$orig" ] || [ ! -f "$cache/$debian" ]; then
		fetch
	fi
	if ! verify; then
		die "SHA-256 mismatch for the libcap source in $cache (pins: $pins):
  expected: $(cat "$pins" | tr '\n' ' ')
  got:      $(cd "$cache" && sha256sum "$orig" "$debian" | tr '\n' ' ')
  Not building from unverified source. If the cache is damaged, remove $cache
  and rerun; if the pins are outdated, review the source and update them."
	fi
fi
note "verified $orig and $debian against $pins"

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

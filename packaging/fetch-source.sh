#!/bin/sh
# Fetch a Debian source package's files into a cache directory, checked
# against SHA-256 pins, once.
#
#   packaging/fetch-source.sh SOURCE_PACKAGE PINS CACHE_DIR
#
#   SOURCE_PACKAGE  Debian's source package name (libcap2, musl)
#   PINS            a sha256sum(1) file naming every file wanted from it
#                   (the .orig tarball and the .debian.tar.xz)
#   CACHE_DIR       where the files are kept, so that a rebuild does not
#                   fetch them again
#
# Environment: SOURCE_MIRROR (default http://deb.debian.org/debian; the old
# LIBCAP_MIRROR is honoured too) and SOURCE_SUITE (default bookworm; or
# LIBCAP_SUITE).
#
# Used by libcap-musl.sh (libcap2) and musl-from-source.sh (musl). Why
# Debian's source packages: Debian's archive is what every machine of this
# project (fresh Debian 12, root, nothing else on the network) can reach, and
# apt already authenticates it (signed InRelease -> Sources -> file hashes).
# On top of that the files are pinned in PINS and checked before anything is
# unpacked, so a build uses exactly the source that was reviewed. When Debian
# publishes a new revision the old one leaves deb.debian.org and a fresh fetch
# stops with a clear message: review the new source and update PINS (the
# cached copy keeps working meanwhile).
#
# apt is used with a private sources list, state and cache directory under a
# temporary directory: the machine's apt configuration and lists are neither
# read for sources nor changed. `--download-only` avoids needing dpkg-dev.
set -eu

die() { echo "fetch-source.sh: error: $*" >&2; exit 1; }
note() { echo "fetch-source.sh: $*"; }

[ $# -eq 3 ] || die "usage: $0 SOURCE_PACKAGE PINS CACHE_DIR"
pkg=$1
pins=$(realpath "$2")
mkdir -p "$3"
cache=$(cd "$3" && pwd)
mirror=${SOURCE_MIRROR:-${LIBCAP_MIRROR:-http://deb.debian.org/debian}}
suite=${SOURCE_SUITE:-${LIBCAP_SUITE:-bookworm}}

[ -r "$pins" ] || die "$pins is missing"
files=$(awk 'NF == 2 { print $2 }' "$pins")
[ -n "$files" ] || die "$pins pins no file"
for tool in sha256sum apt-get; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done

# Check the cached files against the pins. Prints nothing and succeeds when
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
	note "fetching Debian's $pkg source package ($suite) into $cache"
	apt-get "$@" update >"$tmp/update.log" 2>&1 || { cat "$tmp/update.log" >&2; die "apt-get update (private sources list) failed"; }
	(cd "$tmp/dl" && apt-get "$@" source --download-only "$pkg") >"$tmp/source.log" 2>&1 ||
		{ cat "$tmp/source.log" >&2; die "apt-get source --download-only $pkg failed"; }
	for f in $files; do
		if [ ! -f "$tmp/dl/$f" ]; then
			# Debian moved on (a new revision replaces the old one in the
			# archive). Keep what it has now aside for review, unverified.
			rm -rf "$cache/unpinned" && mkdir -p "$cache/unpinned"
			cp "$tmp/dl"/*.tar.* "$cache/unpinned/"
			die "Debian's $suite no longer has $f (pinned in $pins).
  It now has (kept, NOT verified, in $cache/unpinned/ for review):
$(cd "$cache/unpinned" && sha256sum *.tar.* | sed 's/^/    /')
  Review the new source (debian/changelog and debian/patches in particular);
  if it is fine, put the lines above into $pins."
		fi
	done
	for f in $files; do cp "$tmp/dl/$f" "$cache/"; done
	rm -rf "$tmp"
	trap - EXIT
}

if ! verify >/dev/null 2>&1; then
	# Fetch only what is missing: a present but different file is not
	# silently replaced, it is an error below.
	for f in $files; do
		if [ ! -f "$cache/$f" ]; then fetch; break; fi
	done
	if ! verify; then
		die "SHA-256 mismatch for the $pkg source in $cache (pins: $pins):
  expected: $(tr '\n' ' ' <"$pins")
  got:      $(cd "$cache" && sha256sum $files | tr '\n' ' ')
  Not building from unverified source. If the cache is damaged, remove $cache
  and rerun; if the pins are outdated, review the source and update them."
	fi
fi
note "verified $(echo $files) against $pins"

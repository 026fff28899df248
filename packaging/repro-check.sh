#!/bin/sh
# Check that a release is reproducible: build some architectures again from
# a clone of HEAD in another directory (another path, another BUILD) and
# compare the binaries and .debs byte for byte with those of DIST.
#
#   packaging/repro-check.sh DIST VERSION ARCH...
#
# DIST must come from `make release` of the same commit, with a clean work
# tree (the clone has HEAD, not uncommitted edits). The clone reuses this
# tree's verified source tarballs (libcap, musl: checked against their pins
# again anyway), so the second build costs no second download of them; it
# fetches its own musl-dev and compiles everything afresh. The clone is
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
	echo "repro-check: warning: the work tree has uncommitted changes; the clone builds HEAD" >&2
fi

# Another directory, of another length, so that a path that leaked into a
# binary would show.
work=$(mktemp -d /tmp/nsinit-repro-second-build.XXXXXX)
[ "${REPRO_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
git clone -q "$top" "$work/src"
git -C "$work/src" checkout -q "$(git -C "$top" rev-parse HEAD)"
echo "repro-check: building $* again in $work/src (commit $(git -C "$work/src" rev-parse --short HEAD))"
make -C "$work/src" --no-print-directory release RELEASE_ARCHS="$*" BUILD=out DIST="$work/dist" \
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

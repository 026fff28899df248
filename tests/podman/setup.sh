#!/bin/sh
# Set up what the podman tests (tests/integration/test_podman.c) need:
#
#   tests/podman/setup.sh BUILD_DIR STATIC_NSINIT
#
# 1. podman, runc and a static busybox, installed with apt-get when missing.
#    Debian's busybox-static conflicts with its dynamic busybox package: if
#    that one is installed, busybox-static's .deb is only downloaded and
#    unpacked under BUILD_DIR/podman/, so the machine's packages stay as they are.
# 2. BUILD_DIR/podman/nsinit-bb.tar: a root holding a static busybox (with a
#    link for every applet in /bin) and empty proc/ sys/ dev/ etc/ tmp/;
#    imported as localhost/nsinit-bb.
# 3. BUILD_DIR/podman/nsinit-entry.tar: the same plus /nsinit (STATIC_NSINIT);
#    imported as localhost/nsinit-entry with ENTRYPOINT ["/nsinit", "--"].
# 3b. BUILD_DIR/podman/nsinit-runas.tar: only /nsinit, busybox and an
#    /etc/passwd and /etc/group naming the user svc; imported as
#    localhost/nsinit-runas with ENTRYPOINT ["/nsinit", "--run-as=svc", "--"].
# 4. localhost/nsinit-scratch, built from packaging/container/Containerfile.
# 5. BUILD_DIR/podman/containers.conf: the settings of the tests' `podman run`
#    flags (runc, cgroupfs, nofile and nproc limits of 1024) for what takes
#    no such flags: `podman kube play` and the pods' infra containers. The
#    tests run podman with CONTAINERS_CONF pointing at it; podman then reads
#    no other containers.conf. The pods' infra (pause) image, which podman
#    builds on first use from its catatonit, is built here, not in a test.
#
# Idempotent and quick once done: the tarballs are reproducible (sorted, fixed
# mtime and owner), and an image is imported again only when the sha256 of its
# tarball (kept in the image's label org.nsinit.tar-sha256) changed or the
# image is missing. podman build reuses its layer cache.
#
# Podman runs here with runc, cgroupfs and no network: the same global options
# as the tests use.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR STATIC_NSINIT" >&2
	exit 2
fi
build=$1
nsinit=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$build/podman
podman() { command podman --runtime runc --cgroup-manager cgroupfs "$@"; }
step() { echo "podman-setup: $*"; }
die() { echo "podman-setup: error: $*" >&2; exit 1; }

[ -x "$nsinit" ] || die "$nsinit does not exist (run 'make static' first)"
mkdir -p "$dir"

# ---- 1. packages --------------------------------------------------------
is_static() { file -bL "$1" 2>/dev/null | grep -q 'statically linked'; }

missing=
command -v podman >/dev/null || missing="$missing podman"
command -v runc >/dev/null || missing="$missing runc"
# podman's init for `podman run --init`, and its pods' infra process
[ -x /usr/libexec/podman/catatonit ] || missing="$missing catatonit"
command -v file >/dev/null || missing="$missing file"
bb_deb=
if dpkg-query -W -f '${Status}' busybox 2>/dev/null | grep -q 'ok installed'; then
	bb_deb=1 # the dynamic busybox package: unpack busybox-static's .deb instead
elif ! command -v busybox >/dev/null; then
	missing="$missing busybox-static"
fi # else: checked to be static below, once `file` is there
updated=
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086 # one word per package
	sh packaging/install.sh $missing && updated=1
fi
if [ -n "$bb_deb" ]; then
	bb=$dir/busybox-static/bin/busybox
	if [ ! -x "$bb" ]; then
		step "busybox (dynamic) is installed; unpacking busybox-static's .deb in $dir/busybox-static"
		rm -rf "$dir/busybox-static" && mkdir -p "$dir/busybox-static"
		[ -n "$updated" ] || apt-get update -qq
		(cd "$dir/busybox-static" &&
		 apt-get download -qq -o APT::Sandbox::User=root busybox-static &&
		 dpkg-deb -x busybox-static_*.deb .)
	fi
else
	bb=$(command -v busybox) || die "busybox is not installed"
fi
is_static "$bb" || die "$bb is not statically linked"
v=$(command podman --version) || die "podman does not run"
step "using $v, $(runc --version | head -n 1), static busybox $bb"

# ---- 2, 3. root file systems and their images --------------------------
# Reproducible tarballs: their sha256 changes only when their content does.
mktar() { tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .; }

# make_root DIR [NSINIT]: busybox, its applet links, empty system directories.
make_root() {
	rm -rf "$1"
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/etc" "$1/tmp"
	chmod 1777 "$1/tmp"
	cp -L "$bb" "$1/bin/busybox"
	chmod 0755 "$1/bin/busybox"
	for a in $("$1/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$1/bin/$a"
	done
	if [ $# -gt 1 ]; then
		cp "$2" "$1/nsinit"
		chmod 0755 "$1/nsinit"
	fi
}

image_id() { podman image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# drop_old ID NAME: remove image ID, which NAME was before it was replaced
# (so that rebuilds do not pile up untagged images).
drop_old() {
	if [ -n "$1" ] && [ "$1" != "$(image_id "$2")" ]; then
		podman rmi "$1" >/dev/null 2>&1 || true
	fi
}

# import_image NAME TAR [--change ...]: import unless the image exists with
# the same tarball sha256.
import_image() {
	name=$1 tarball=$2
	shift 2
	sum=$(sha256sum "$tarball" | cut -d' ' -f1)
	have=$(podman image inspect --format '{{index .Labels "org.nsinit.tar-sha256"}}' \
		"$name" 2>/dev/null || true)
	if [ "$have" = "$sum" ]; then
		step "$name: up to date ($(basename "$tarball") sha256 ${sum%"${sum#????????????}"})"
		return
	fi
	old=$(image_id "$name")
	podman import --quiet "$@" --change "LABEL org.nsinit.tar-sha256=$sum" \
		"$tarball" "$name" >/dev/null
	drop_old "$old" "$name"
	step "$name: imported from $tarball"
}

make_root "$dir/root-bb"
mktar "$dir/root-bb" "$dir/nsinit-bb.tar.new"
mv "$dir/nsinit-bb.tar.new" "$dir/nsinit-bb.tar"
import_image localhost/nsinit-bb "$dir/nsinit-bb.tar"

make_root "$dir/root-entry" "$nsinit"
mktar "$dir/root-entry" "$dir/nsinit-entry.tar.new"
mv "$dir/nsinit-entry.tar.new" "$dir/nsinit-entry.tar"
import_image localhost/nsinit-entry "$dir/nsinit-entry.tar" \
	--change 'ENTRYPOINT ["/nsinit", "--"]'

# ---- 3b. an image with only /nsinit, busybox and an /etc/passwd ---------
# For --run-as in a minimal image (tests/integration/test_podman_runas.c):
# no gosu, no setpriv, no NSS; the user svc exists only in this root.
rm -rf "$dir/root-runas"
mkdir -p "$dir/root-runas/bin" "$dir/root-runas/etc" "$dir/root-runas/proc"
cp -L "$bb" "$dir/root-runas/bin/busybox"
chmod 0755 "$dir/root-runas/bin/busybox"
for a in sh id cat grep; do ln -s busybox "$dir/root-runas/bin/$a"; done
cp "$nsinit" "$dir/root-runas/nsinit"
chmod 0755 "$dir/root-runas/nsinit"
printf 'root:x:0:0:root:/root:/bin/sh\nsvc:x:1500:1500:service:/home/svc:/bin/sh\n' \
	>"$dir/root-runas/etc/passwd"
printf 'root:x:0:\nsvc:x:1500:\nextra:x:1600:svc\n' >"$dir/root-runas/etc/group"
mktar "$dir/root-runas" "$dir/nsinit-runas.tar.new"
mv "$dir/nsinit-runas.tar.new" "$dir/nsinit-runas.tar"
import_image localhost/nsinit-runas "$dir/nsinit-runas.tar" \
	--change 'ENTRYPOINT ["/nsinit", "--run-as=svc", "--"]'

# ---- 4. the scratch image from the Containerfile -----------------------
# As documented in the Containerfile: from the top of the tree, which holds
# build/static/nsinit. With another BUILD_DIR, the context is a directory
# that holds STATIC_NSINIT at that same path.
if [ "$(realpath "$nsinit")" = "$(realpath -m "$top/build/static/nsinit")" ]; then
	ctx=$top
else
	ctx=$dir/scratch-context
	rm -rf "$ctx" && mkdir -p "$ctx/build/static"
	cp "$nsinit" "$ctx/build/static/nsinit"
fi
old=$(image_id localhost/nsinit-scratch)
if ! out=$(podman build --pull=never -f "$top/packaging/container/Containerfile" \
	-t localhost/nsinit-scratch "$ctx" 2>&1); then
	printf '%s\n' "$out" >&2
	die "podman build of packaging/container/Containerfile failed"
fi
drop_old "$old" localhost/nsinit-scratch
step "localhost/nsinit-scratch: built from packaging/container/Containerfile (context $ctx)"

# ---- 5. containers.conf for podman kube play, and the infra image -------
# The limits match the tests' `podman run --ulimit` flags: without them a
# container inherits the machine's (nofile can be a billion).
# Absolute: podman builds the pause image in a subprocess run elsewhere,
# which must find CONTAINERS_CONF too.
conf=$(cd "$dir" && pwd)/containers.conf
cat >"$conf.new" <<'EOF'
# Written by tests/podman/setup.sh: what the podman tests' `podman run` says
# with flags, for `podman kube play` and pods, which take no such flags.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
mv "$conf.new" "$conf"
export CONTAINERS_CONF="$conf"
infra=nsinit-setup-infra
podman pod rm --force --ignore "$infra" >/dev/null 2>&1 || true
if ! out=$(podman pod create --network none --name "$infra" 2>&1); then
	printf '%s\n' "$out" >&2
	die "podman pod create failed: pods cannot run here"
fi
podman pod rm --force "$infra" >/dev/null
step "$conf written; pods work (infra image $(podman images \
	--format '{{.Repository}}:{{.Tag}}' | grep -m 1 podman-pause || echo '?'))"

#!/bin/sh
# What make demo needs beyond make and a C compiler: libcap (to build nsinit),
# pkg-config, ps (procps), unshare and setsid (util-linux). Each is installed
# with apt-get only when missing, so that a machine set up once needs neither
# root nor the network again.
set -eu
missing=
pkg-config --exists libcap 2>/dev/null || missing="$missing libcap-dev"
command -v pkg-config >/dev/null || missing="$missing pkg-config"
command -v ps >/dev/null || missing="$missing procps"
command -v unshare >/dev/null && command -v setsid >/dev/null || missing="$missing util-linux"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: missing:$missing; install it as root: apt-get install$missing" >&2
	exit 1
fi
echo "demo: installing:$missing"
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null

#!/bin/sh
# What make demo needs beyond make and a C compiler: libcap (to build nsinit),
# pkg-config, ps (procps), unshare and setsid (util-linux). Each is installed
# with apt-get only when missing, so that a machine set up once needs neither
# root nor the network again.
set -eu
exec sh "$(dirname "$0")/../../packaging/install.sh" libcap-dev pkg-config procps util-linux

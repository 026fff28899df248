#!/bin/sh
# The live demo of nsinit: what goes wrong in a PID namespace without an init,
# then the same under nsinit, then a short tour of PID namespaces (orphans
# reparented, namespace inode numbers, nesting, hostnames, nothing left
# behind). Every claim it prints is checked; it exits 0 only if all hold, and
# prints a FAIL line and exits 1 otherwise.
#
#   make demo                                   (installs what is missing, builds nsinit)
#   NSINIT=/abs/path/to/nsinit sh tests/demo/demo.sh
#
# Runs as any user. As root nsinit makes a PID and a mount namespace; as
# anyone else it adds a user namespace (it lacks CAP_SYS_ADMIN), in which the
# command runs as that user, and unshare is given --user --map-root-user. No step needs root unless the kernel
# refuses user namespaces to unprivileged users: then, not being root, every
# step is skipped with a line that says so.
#
# Each step is a file, step<N>-<what>.sh, sourced in order; lib.sh holds the
# helpers. Needs ps(1), unshare(1), setsid(1), hostname(1), timeout(1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

NSINIT=${NSINIT:-}
[ -n "$NSINIT" ] || fail "NSINIT is not set: run 'make demo', or NSINIT=/abs/path/to/nsinit sh $0"
[ -x "$NSINIT" ] || fail "NSINIT=$NSINIT is not an executable file: run 'make' first"
for tool in ps unshare setsid hostname timeout mkfifo; do
	command -v "$tool" >/dev/null ||
		fail "$tool is missing: apt-get install procps util-linux hostname coreutils (or run 'make demo' as root)"
done

# Show the binary the way it can be typed from here.
case $NSINIT in
"$PWD"/*) shown=${NSINIT#"$PWD"/} ;;
*) shown=$NSINIT ;;
esac

# Who runs the demo decides how unshare is called, and what is new in step 4.
skip=
if [ "$(id -u)" -eq 0 ]; then
	root=yes
	as_user=
	# shellcheck disable=SC2034 # used by step6
	as_root=
else
	root=no
	# shellcheck disable=SC2034 # used by step1
	as_user='--user --map-root-user'
	# Step 6 renames the host inside, which takes root there.
	# shellcheck disable=SC2034 # used by step6
	as_root=--map-root-user
	unshare --user --map-root-user true 2>/dev/null ||
		skip="needs root here: this kernel refuses user namespaces to unprivileged users"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsinit-demo.XXXXXX")
started=$(date +%s%N)

printf '%snsinit demo%s: PID namespaces without an init, then with nsinit as PID 1\n' "$B" "$N"
note "(every command is run as shown, from $PWD; \$tmp is $tmp;"
note " output is indented)"
if [ "$root" = yes ]; then
	note "Running as root: nsinit makes a PID and a mount namespace."
else
	note "Running as uid $(id -u), not root: nsinit adds a user namespace, in which the"
	note "command runs as uid $(id -u) (step 6 asks for root there: --map-root-user), and"
	note "unshare is given --user --map-root-user."
fi

skipped=0
for f in "$here"/step[0-9]*.sh; do
	if [ -n "$skip" ]; then
		printf '\n%sskipped%s %s: %s\n' "$B" "$N" "${f##*/}" "$skip"
		skipped=$((skipped + 1))
		continue
	fi
	# shellcheck disable=SC1090 # each step
	. "$f"
done

ms=$((($(date +%s%N) - started) / 1000000))
if [ "$skipped" -gt 0 ]; then
	printf '\n%sdemo: %d claims hold; %d steps skipped (run as root to see them)%s\n' \
		"$B" "$claims" "$skipped" "$N"
else
	printf '\n%sdemo: all %d claims hold%s %s(%d ms)%s\n' "$G$B" "$claims" "$N" "$D" "$ms" "$N"
fi

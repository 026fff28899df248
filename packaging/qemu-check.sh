#!/bin/sh
# Run a cross-built static nsinit under qemu-user and check what qemu can
# emulate: the CLI, the exit-code policy and --timeout in -s and --no-namespace
# mode (init without a new namespace), and forwarding a signal.
#
#   packaging/qemu-check.sh QEMU NSINIT BUSYBOX
#
#   QEMU     qemu-user for the target, e.g. qemu-aarch64-static
#   NSINIT   the cross-built static nsinit
#   BUSYBOX  a static busybox of the same architecture
#
# No binfmt_misc: registering qemu there would change the machine for every
# user of it. So nsinit runs as `QEMU NSINIT`, and a command meant to be of the
# target architecture is `QEMU BUSYBOX sh -c ...` (nsinit execs qemu, a host
# binary, which runs the target's busybox). qemu-user passes execve, wait4,
# kill and signal delivery through to the host kernel. What it cannot emulate
# (qemu 7.2: clone with namespace flags, PR_SET_CHILD_SUBREAPER) is tried and
# reported, not required: the default mode (a new PID and mount namespace) and
# reaping orphans are left to a real arm64 machine.
#
# Each check prints one line; the script fails if any fails.
set -u

[ $# -eq 3 ] || { echo "usage: $0 QEMU NSINIT BUSYBOX" >&2; exit 2; }
qemu=$(command -v "$1") || { echo "qemu-check: $1 is not installed" >&2; exit 2; }
nsinit=$(realpath "$2")
bb=$(realpath "$3")
for f in "$nsinit" "$bb"; do
	[ -x "$f" ] || { echo "qemu-check: $f is missing" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

ns() { timeout 60 "$qemu" "$nsinit" "$@"; }

pass() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failures=$((failures + 1)); }

# expect NAME WANT_CODE WANT_OUTPUT_REGEX -- ARGV...: run, compare the exit
# code and (if the regex is not empty) stdout plus stderr.
expect() {
	name=$1 want=$2 re=$3
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name: exit $rc, want $want; output: $(printf '%s' "$out" | head -c 300)"
	elif [ -n "$re" ] && ! printf '%s\n' "$out" | grep -Eq "$re"; then
		fail "$name: output does not match /$re/: $(printf '%s' "$out" | head -c 300)"
	else
		pass "$name"
	fi
}

echo "qemu-check: $("$qemu" --version | head -n 1)"
echo "qemu-check: $(file -b "$nsinit")"

expect "--version" 0 '^nsinit [0-9]' -- ns --version
expect "--help" 0 '^usage: nsinit' -- ns --help
expect "bad option is misuse (125)" 125 'nsinit: ' -- ns --no-such-option -- true

# The exit-code policy, as -s (subreaper) and --no-namespace (plain init).
# The commands are the target's busybox, except the nsinit-runs-nsinit row.
printf '#!/nonexistent/interpreter\n' >"$tmp/noexec"
chmod 0644 "$tmp/noexec"
# A script without #!: execve says ENOEXEC and nsinit runs it with /bin/sh
# (the host's: qemu-user hands a host binary to the host kernel), from an
# argv it maps with the raw mmap of the target architecture.
printf 'exit 5\n' >"$tmp/nohashbang"
chmod 0755 "$tmp/nohashbang"
for mode in -s --no-namespace; do
	expect "$mode: exit 0" 0 '' -- ns $mode -- "$qemu" "$bb" sh -c 'exit 0'
	expect "$mode: exit 3" 3 '' -- ns $mode -- "$qemu" "$bb" sh -c 'exit 3'
	expect "$mode: output passes" 0 '^hello from the target busybox$' -- \
		ns $mode -- "$qemu" "$bb" echo 'hello from the target busybox'
	expect "$mode: killed by SIGTERM is 143" 143 '' -- ns $mode -- "$qemu" "$bb" sh -c 'kill -TERM $$'
	expect "$mode: killed by SIGKILL is 137" 137 '' -- ns $mode -- "$qemu" "$bb" sh -c 'kill -KILL $$'
	expect "$mode: not found is 127" 127 'nsinit: ' -- ns $mode -- /nonexistent/command
	expect "$mode: not executable is 126" 126 'nsinit: ' -- ns $mode -- "$tmp/noexec"
	expect "$mode: a script without #! runs with /bin/sh" 5 '' -- ns $mode -- "$tmp/nohashbang"
	expect "$mode: nsinit as the command" 0 '^nsinit [0-9]' -- ns $mode -- "$qemu" "$nsinit" --version
	expect "$mode: --timeout stops the command (124)" 124 '' -- \
		ns $mode --timeout=1s -- "$qemu" "$bb" sleep 30
done

# Forwarding: SIGTERM to nsinit reaches the command, whose trap exits 7. The
# command says through a fifo when its trap is set, so no sleep guesses.
# timeout(1), not the ns function: $! must be a process that passes the
# signal on (timeout does), not a subshell that would die of it.
mkfifo "$tmp/ready"
timeout 60 "$qemu" "$nsinit" -s -- "$qemu" "$bb" sh -c 'trap "exit 7" TERM; echo ready >"$1"; while :; do sleep 1; done' sh "$tmp/ready" \
	>"$tmp/fwd.out" 2>&1 &
pid=$!
if timeout 30 head -n 1 "$tmp/ready" >/dev/null; then
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 7 ]; then pass "-s: SIGTERM is forwarded"
	else fail "-s: SIGTERM is forwarded: exit $rc, want 7: $(cat "$tmp/fwd.out")"; fi
else
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"
	fail "-s: SIGTERM is forwarded: the command never became ready: $(cat "$tmp/fwd.out")"
fi

# Reaping orphans needs PR_SET_CHILD_SUBREAPER, which qemu-user 7.2 rejects
# with EINVAL (nsinit warns and goes on, as it must); reported, not counted.
out=$(ns -s -- "$qemu" "$bb" true 2>&1)
case "$out" in
*subreaper*) echo "info  -s: qemu-user does not emulate PR_SET_CHILD_SUBREAPER, so orphan reaping is not tested here: $out" ;;
*) echo "info  -s: PR_SET_CHILD_SUBREAPER works under this qemu" ;;
esac

# The default mode needs clone with CLONE_NEWPID|CLONE_NEWNS, which qemu-user
# does not emulate; reported, not counted.
out=$(ns --namespace -- "$qemu" "$bb" sh -c 'echo pid $$' 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "pid 1" ]; then
	echo "info  default mode (new PID namespace) works under this qemu"
else
	echo "info  default mode (new PID namespace) not emulated by qemu-user: exit $rc: $(printf '%s' "$out" | head -n 2 | tr '\n' ' ')"
fi

if [ "$failures" -ne 0 ]; then
	echo "qemu-check: $failures check(s) failed" >&2
	exit 1
fi
echo "qemu-check: ok"

#!/bin/sh
# The live demo of nsinit: orphan reparenting and reaping in a fresh PID
# namespace. Every claim it prints is checked; it exits 0 only if all hold.
#
#   make demo                                   (builds nsinit first)
#   NSINIT=/abs/path/to/nsinit sh tests/demo/demo.sh
#
# Needs root (CAP_SYS_ADMIN), ps(1) and setsid(1). POSIX sh; runs under dash.
#
# The inner scripts are single-quoted on purpose: the shell inside the
# namespace expands them.
# shellcheck disable=SC2016
set -eu

NSINIT=${NSINIT:-}
WATCHDOG=30 # seconds: a hung run fails the demo instead of hanging it

# Colour only on a terminal.
if [ -t 1 ]; then
	B=$(printf '\033[1m') G=$(printf '\033[32m') R=$(printf '\033[31m')
	D=$(printf '\033[2m') N=$(printf '\033[0m')
else
	B='' G='' R='' D='' N=''
fi

claims=0
tmp=

cleanup() {
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	printf '%sFAIL%s %s\n' "$R$B" "$N" "$*"
	exit 1
}

# ok CLAIM: count a claim that has just been checked, and say so.
ok() {
	claims=$((claims + 1))
	printf '   %sok%s %s\n' "$G" "$N" "$*"
}

step() {
	printf '\n%s%s%s\n' "$B" "$*" "$N"
}

# Print a file indented, or "(nothing)".
show() {
	if [ -s "$1" ]; then
		sed 's/^/      /' "$1"
	else
		printf '      %s(nothing)%s\n' "$D" "$N"
	fi
}

# run STDOUT STDERR ARGS...: run nsinit with ARGS, print the command as it can
# be typed here, keep its output; sets $rc.
run() {
	out=$1 err=$2
	shift 2
	printf '   %s$ %s' "$D" "$shown"
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./=:-]*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	printf '%s\n' "$N"
	rc=0
	timeout --foreground -k 5 "$WATCHDOG" "$NSINIT" "$@" >"$out" 2>"$err" || rc=$?
	[ "$rc" -ne 124 ] || fail "nsinit did not finish within ${WATCHDOG}s"
}

# Fail unless the last run exited 0.
ran_ok() {
	[ "$rc" -eq 0 ] && return 0
	printf '   stderr:\n'
	show "$1"
	fail "nsinit exited $rc (expected 0)"
}

# rows FILE: ps output with runs of blanks squeezed to one space, trimmed.
rows() {
	sed 's/^[[:space:]]*//; s/[[:space:]][[:space:]]*/ /g; s/[[:space:]]*$//' "$1"
}

# ---------------------------------------------------------------------------

[ -n "$NSINIT" ] || fail "NSINIT is not set: run 'make demo', or NSINIT=/abs/path/to/nsinit sh $0"
[ -x "$NSINIT" ] || fail "NSINIT=$NSINIT is not an executable file: run 'make' first"
command -v ps >/dev/null || fail "ps is missing: apt-get install procps (or run 'make demo')"
command -v setsid >/dev/null || fail "setsid is missing: apt-get install util-linux (or run 'make demo')"
[ "$(id -u)" -eq 0 ] || fail "the demo needs root: PID and mount namespaces need CAP_SYS_ADMIN"

# Show the binary the way it can be typed from here.
case $NSINIT in
"$PWD"/*) shown=${NSINIT#"$PWD"/} ;;
*) shown=$NSINIT ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsinit-demo.XXXXXX")
host_ns=$(readlink /proc/$$/ns/pid) || fail "cannot read /proc/$$/ns/pid"

printf '%snsinit demo%s: a PID 1 that adopts, reaps and cleans up orphans\n' "$B" "$N"
printf '%s(commands are run as shown, from %s; -v lines go to stderr)%s\n' "$D" "$PWD" "$N"

# --- 1 ---------------------------------------------------------------------
step "1. In a fresh PID namespace nsinit is PID 1 and the command is PID 2."
run "$tmp/1.out" "$tmp/1.err" -- sh -c 'ps -o pid,ppid,comm'
show "$tmp/1.out"
ran_ok "$tmp/1.err"
# ps shows the comm: the binary's name, cut to 15 characters by the kernel.
comm=$(basename "$NSINIT" | cut -c1-15)
rows "$tmp/1.out" | grep -qxF "1 0 $comm" ||
	fail "ps does not show nsinit ($comm) as PID 1 with PPID 0"
ok "nsinit is PID 1, with PPID 0: its parent (the relay) is outside the namespace"
rows "$tmp/1.out" | grep -qx '2 1 sh' ||
	fail "ps does not show sh as PID 2 with PPID 1"
ok "the command (sh) is PID 2, a child of nsinit"

# --- 2 ---------------------------------------------------------------------
step "2. An orphan is adopted by PID 1, and killed and reaped when the command exits."
printf '   %sThe shell double-forks a sleeper (the subshell in $(...) exits at once), waits%s\n' "$D" "$N"
printf '   %suntil it has become "sleep", prints its PID namespace and ps, and exits.%s\n' "$D" "$N"
run "$tmp/2.out" "$tmp/2.err" -v -- sh -c \
	'p=$(sleep 30 >/dev/null 2>&1 & echo $!); echo "sleeper $p"; n=0; until read c </proc/$p/comm && [ "$c" = sleep ] || [ $n -ge 300 ]; do sleep 0.01; n=$((n+1)); done; readlink /proc/$$/ns/pid; ps -o pid,ppid,comm'
show "$tmp/2.out"
printf '   nsinit -v said:\n'
show "$tmp/2.err"
ran_ok "$tmp/2.err"

sleeper=$(sed -n 's/^sleeper \([0-9][0-9]*\)$/\1/p' "$tmp/2.out")
[ -n "$sleeper" ] || fail "the inner shell did not print the sleeper's pid"
ns=$(grep -x 'pid:\[[0-9]*\]' "$tmp/2.out") || fail "the inner shell did not print its PID namespace"

rows "$tmp/2.out" | grep -qx "$sleeper 1 sleep" ||
	fail "ps does not show the sleeper ($sleeper) with PPID 1"
ok "the sleeper ($sleeper) has PPID 1: its parent exited and nsinit adopted it"
grep -qx "nsinit: reaped orphan $sleeper (sleep): killed by SIGKILL" "$tmp/2.err" ||
	fail "stderr lacks 'nsinit: reaped orphan $sleeper (sleep): killed by SIGKILL'"
ok "when sh exited, nsinit SIGKILLed the sleeper and reaped it"
grep -qx 'nsinit: shutdown: SIGKILL sent, 1 process left, done in [0-9]*\.[0-9] ms' "$tmp/2.err" ||
	fail "stderr lacks 'nsinit: shutdown: SIGKILL sent, 1 process left, done in ... ms'"
ok "the shutdown reports 1 process left over (the sleeper)"

# The namespace is gone only if no process on the host is still in it.
[ "$ns" != "$host_ns" ] || fail "the command ran in the demo's own PID namespace ($ns)"
ok "the command ran in a new PID namespace: $ns, not the demo's $host_ns"
left=0
seen=0
for link in /proc/[0-9]*/ns/pid; do
	t=$(readlink "$link" 2>/dev/null) || continue
	seen=$((seen + 1))
	[ "$t" != "$ns" ] || left=$((left + 1))
done
[ "$seen" -gt 0 ] || fail "cannot read any /proc/PID/ns/pid link on the host"
[ "$left" -eq 0 ] || fail "$left processes are still in $ns after nsinit returned"
ok "nothing left: 0 processes in $ns among the $seen on the host"

# --- 3 ---------------------------------------------------------------------
step "3. An orphan that exits on its own is reaped at once, while the command runs."
printf '   %ssetsid -f forks "sh -c ..." and exits without waiting, so the shell that%s\n' "$D" "$N"
printf '   %sexits 7 is an orphan (a shell in between could reap it itself). The command%s\n' "$D" "$N"
printf '   %swaits (at most ~3s) until that pid is gone from /proc, shows ps, and exits.%s\n' "$D" "$N"
run "$tmp/3.out" "$tmp/3.err" -v -- sh -c \
	'p=$(setsid -f sh -c "echo \$\$; exit 7"); echo "orphan $p"; n=0; while [ -e /proc/$p ] && [ $n -lt 300 ]; do sleep 0.01; n=$((n+1)); done; [ -e /proc/$p ] || echo "orphan $p is gone; sh (PID $$) still runs"; ps -o pid,ppid,stat,comm'
show "$tmp/3.out"
printf '   nsinit -v said:\n'
show "$tmp/3.err"
ran_ok "$tmp/3.err"

orphan=$(sed -n 's/^orphan \([0-9][0-9]*\)$/\1/p' "$tmp/3.out")
[ -n "$orphan" ] || fail "the inner shell did not print the orphan's pid"
grep -q "^orphan $orphan is gone; " "$tmp/3.out" ||
	fail "orphan $orphan was still in /proc after ~3s: nobody reaped it"
if rows "$tmp/3.out" | awk 'NR > 1 && $3 ~ /^Z/ { z = 1 } END { exit !z }'; then
	fail "ps shows a zombie in the namespace"
fi
ok "orphan $orphan was reaped while sh still ran: ps shows no zombie"
reaped=$(grep -n -x "nsinit: reaped orphan $orphan (sh): exited 7" "$tmp/3.err") ||
	fail "stderr lacks 'nsinit: reaped orphan $orphan (sh): exited 7'"
done_at=$(grep -n -x 'nsinit: command 2 exited 0' "$tmp/3.err") ||
	fail "stderr lacks 'nsinit: command 2 exited 0'"
reaped=${reaped%%:*} done_at=${done_at%%:*}
[ "$reaped" -lt "$done_at" ] ||
	fail "nsinit logged the reaping of $orphan only after the command had exited"
ok "nsinit reaped it, with its exit code 7, before the command (PID 2) exited"

# --- 4 ---------------------------------------------------------------------
step "4. The command's exit status passes through; death by signal N gives 128+N."
# status WANT: show the last run's exit status and stderr; fail unless WANT.
status() {
	printf '      exit status %s\n' "$rc"
	[ ! -s "$tmp/4.err" ] || show "$tmp/4.err"
	[ "$rc" -eq "$1" ] || fail "nsinit exited $rc, expected $1"
}
run "$tmp/4.out" "$tmp/4.err" -- sh -c 'exit 3'
status 3
ok "exit 3 gives 3"
run "$tmp/4.out" "$tmp/4.err" -- sh -c 'kill -TERM $$'
status 143
ok "death by SIGTERM (15) gives 143 = 128+15"

printf '\n%sdemo: all %d claims hold%s\n' "$G$B" "$claims" "$N"

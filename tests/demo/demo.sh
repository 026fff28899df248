#!/bin/sh
# The live demo of nsinit: a short tour of the experiments of the background
# articles (../shared/seeds): a fresh PID namespace with nsinit as PID 1,
# orphans adopted and reaped, namespace inode numbers inside and outside, PID
# namespaces nested five deep, hostname isolation, and nothing left behind.
# Every claim it prints is checked; it exits 0 only if all hold.
#
#   make demo                                   (builds nsinit first)
#   NSINIT=/abs/path/to/nsinit sh tests/demo/demo.sh
#
# Needs root (CAP_SYS_ADMIN), ps(1), setsid(1), hostname(1) and timeout(1).
# POSIX sh; runs under dash; uses fds 8 and 9 for itself. No sleep stands in
# for waiting: every wait is a bounded poll of the condition itself, and every
# nsinit runs under timeout(1).
#
# The inner scripts are single-quoted on purpose: the shell inside the
# namespace expands them.
# shellcheck disable=SC2016
set -eu

NSINIT=${NSINIT:-}
WATCHDOG=10 # seconds: a hung nsinit fails the demo instead of hanging it
TICK=0.01   # seconds between two looks at a condition that is polled
TRIES=500   # looks before a poll gives up (about 5 seconds)

# Colour only on a terminal.
if [ -t 1 ]; then
	B=$(printf '\033[1m') G=$(printf '\033[32m') R=$(printf '\033[31m')
	D=$(printf '\033[2m') N=$(printf '\033[0m')
else
	B='' G='' R='' D='' N=''
fi

claims=0
tmp=
bg=     # the timeout(1) process of an nsinit run in the background
pinned= # a PID namespace held open on fd 9

# Nothing is left behind, even on failure: timeout(1) leads a process group of
# its own (nsinit and the commands inside stay in it), which is killed whole.
# SIGKILL to PID 1 ends its namespace with it.
cleanup() {
	if [ -n "$bg" ]; then
		kill -s KILL -- "-$bg" 2>/dev/null || :
		wait "$bg" 2>/dev/null || :
		bg=
	fi
	[ -z "$pinned" ] || exec 9<&-
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

# note TEXT: a line of explanation.
note() {
	printf '   %s%s%s\n' "$D" "$*" "$N"
}

# Print a file indented, or "(nothing)".
show() {
	if [ -s "$1" ]; then
		sed 's/^/      /' "$1"
	else
		printf '      %s(nothing)%s\n' "$D" "$N"
	fi
}

# quote ARG: ARG as it can be typed into a shell.
quote() {
	case $1 in
	"$NSINIT") printf '%s' "$shown" ;;
	'') printf "''" ;;
	*[!A-Za-z0-9_./=:,+-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# say ARGS...: print the command line that runs nsinit with ARGS, continued
# with a backslash before it gets too wide. An argument that spans lines (an
# inner script) keeps its lines; all are indented under the first.
nl='
'
say() {
	line=$(quote "$NSINIT")
	for a in "$@"; do
		q=$(quote "$a")
		case $q in
		*"$nl"*) ;;
		*)
			last=${line##*"$nl"}
			[ $((${#last} + ${#q})) -lt 90 ] || line="$line \\$nl"
			;;
		esac
		case $line in
		*"$nl") line="$line$q" ;;
		*) line="$line $q" ;;
		esac
	done
	printf '%s\n' "$line" | awk -v d="$D" -v n="$N" \
		'{ printf "   %s%s%s%s\n", d, NR == 1 ? "$ " : "       ", $0, n }'
}

# run STDOUT STDERR ARGS...: run nsinit with ARGS, print the command as it can
# be typed here, keep its output; sets $rc.
run() {
	out=$1 err=$2
	shift 2
	say "$@"
	rc=0
	timeout --foreground -k 5 "$WATCHDOG" "$NSINIT" "$@" >"$out" 2>"$err" || rc=$?
	[ "$rc" -ne 124 ] || fail "nsinit did not finish within ${WATCHDOG}s"
}

# start STDOUT STDERR ARGS...: the same, in the background; sets $bg. The
# caller's fd 8 and 9 (the demo's own) are not passed on.
start() {
	out=$1 err=$2
	shift 2
	say "$@"
	timeout -k 5 "$WATCHDOG" "$NSINIT" "$@" >"$out" 2>"$err" 8>&- 9<&- &
	bg=$!
}

# finish: wait for the nsinit started in the background; sets $rc.
finish() {
	rc=0
	wait "$bg" || rc=$?
	bg=
	[ "$rc" -ne 124 ] || fail "nsinit did not finish within ${WATCHDOG}s"
}

# Fail unless the last run exited 0.
ran_ok() {
	[ "$rc" -eq 0 ] && return 0
	printf '   stderr:\n'
	show "$1"
	fail "nsinit exited $rc (expected 0)"
}

# poll COMMAND...: run COMMAND every $TICK seconds until it succeeds; fail
# after $TRIES looks.
poll() {
	tries=0
	until "$@"; do
		tries=$((tries + 1))
		[ "$tries" -lt "$TRIES" ] || return 1
		sleep "$TICK"
	done
}

# rows FILE: ps output with runs of blanks squeezed to one space, trimmed.
rows() {
	sed 's/^[[:space:]]*//; s/[[:space:]][[:space:]]*/ /g; s/[[:space:]]*$//' "$1"
}

# --- events ----------------------------------------------------------------
# nsinit --events writes one flat JSON object per line: string and number
# values, always an "event" and a "time" (seconds, 6 decimals). This awk reads
# exactly that (anything else is an error) and writes each event as
# "MS<TAB>EVENT key=value ...", MS being the milliseconds since the first.
json_awk='
function bad(why) { printf "line %d: %s: %s\n", NR, why, s > "/dev/stderr"; err = 1; exit 1 }
function str(   r, c) {
	r = ""
	for (i++; ; i++) {
		c = substr(s, i, 1)
		if (c == "") bad("unterminated string")
		if (c == "\"") { i++; return r }
		if (c == "\\") {
			c = substr(s, ++i, 1)
			if (c == "u") { c = "?"; i += 4 }
			else if (c == "n") c = "\\n"
			else if (c == "t") c = "\\t"
			else if (c != "\"" && c != "\\" && c != "/") bad("bad escape")
		}
		r = r c
	}
}
{
	s = $0; i = 2; ev = ""; t = ""; kv = ""
	if (substr(s, 1, 1) != "{") bad("not an object")
	for (;;) {
		if (substr(s, i, 1) != "\"") bad("no key")
		k = str()
		if (substr(s, i++, 1) != ":") bad("no colon")
		if (substr(s, i, 1) == "\"") { v = str(); if (v == "" || v ~ / /) v = "\"" v "\"" }
		else if (match(substr(s, i), /^-?[0-9]+(\.[0-9]+)?/)) { v = substr(s, i, RLENGTH); i += RLENGTH }
		else bad("bad value")
		if (k == "event") ev = v; else if (k == "time") t = v; else kv = kv " " k "=" v
		c = substr(s, i++, 1)
		if (c == "}") break
		if (c != ",") bad("no comma")
	}
	if (i <= length(s)) bad("text after the object")
	if (ev == "" || t !~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/) bad("no event or time")
	split(t, p, ".")
	us = p[1] * 1000000 + p[2]
	if (NR == 1) first = us
	printf "%.1f\t%s%s\n", (us - first) / 1000, ev, kv
}
END {
	if (err) exit 1
	if (NR == 0) { print "no events at all" > "/dev/stderr"; exit 1 }
}'

# events FILE: check FILE and print its events, one a line; FILE.kv then holds
# "EVENT key=value ..." lines, for evline.
events() {
	if ! awk "$json_awk" "$1" >"$1.t" 2>"$1.bad"; then
		show "$1"
		show "$1.bad"
		fail "$1 does not hold one JSON event per line"
	fi
	cut -f2- "$1.t" >"$1.kv"
	printf '   %sthe events, as key=value (ms since the first; raw: %s):%s\n' "$D" "$1" "$N"
	# One event a line, wrapped at 100 columns under its first value.
	awk -F '\t' '{ n = split($2, w, " "); line = sprintf("      +%6s ms  %-16s", $1, w[1])
		width = length(line)
		for (j = 2; j <= n; j++) {
			if (j > 2 && length(line) + 1 + length(w[j]) > 100) {
				print line
				line = sprintf("%" width "s", "")
			}
			line = line " " w[j]
		}
		print line }' "$1.t"
}

# evline FILE EVENT [KEY=VALUE...]: the number of the first event in FILE
# (checked by events) that is EVENT with these values; empty if none.
evline() {
	f=$1
	shift
	awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
		$1 == w[1] { for (j = 2; j <= n; j++) { hit = 0; for (k = 2; k <= NF; k++) if ($k == w[j]) hit = 1
				if (!hit) next }
			print NR; exit }' "$f.kv"
}

# evvalue FILE EVENT KEY: the value of KEY in the first EVENT of FILE.
evvalue() {
	awk -v e="$2" -v k="$3=" '$1 == e { for (j = 2; j <= NF; j++) if (index($j, k) == 1) { print substr($j, length(k) + 1); exit } }' "$1.kv"
}

# --- /proc -----------------------------------------------------------------

# in_ns NS: print the host pids of the processes whose PID namespace is NS
# (one ls for all of /proc; links it may not read are skipped).
in_ns() {
	# shellcheck disable=SC2012 # the names are /proc/N/ns/pid, and one ls is fast
	ls -l /proc/[0-9]*/ns/pid 2>/dev/null |
		awk -v ns="$1" '$NF == ns { split($(NF - 2), a, "/"); print a[3] }'
}

# nspid PID: the NSpid line of /proc/PID/status: its pid in every namespace
# from the host's down.
nspid() {
	sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null | tr -s '\t ' '  '
}

# count ARGS...: how many there are.
count() {
	echo $#
}

# children PID: its children, as the host sees them.
children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr -s ' ' '\n' | sed '/^$/d'
}

# ---------------------------------------------------------------------------

[ -n "$NSINIT" ] || fail "NSINIT is not set: run 'make demo', or NSINIT=/abs/path/to/nsinit sh $0"
[ -x "$NSINIT" ] || fail "NSINIT=$NSINIT is not an executable file: run 'make' first"
for tool in ps setsid hostname timeout mkfifo; do
	command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install procps util-linux hostname coreutils (or run 'make demo')"
done
[ "$(id -u)" -eq 0 ] || fail "the demo needs root: PID and mount namespaces need CAP_SYS_ADMIN"

# Show the binary the way it can be typed from here.
case $NSINIT in
"$PWD"/*) shown=${NSINIT#"$PWD"/} ;;
*) shown=$NSINIT ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsinit-demo.XXXXXX")
started=$(date +%s%N)

printf '%snsinit demo%s: PID namespaces, as in the background articles, with nsinit as PID 1\n' "$B" "$N"
note "(every command is run as shown, from $PWD; its output is indented)"

# --- 1 ---------------------------------------------------------------------
step "1. In a fresh PID namespace nsinit is PID 1 and the command is PID 2."
note "Like 'unshare --pid --fork --mount-proc': a fresh /proc, so ps sees only the namespace."
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
step "2. Orphans are adopted by PID 1 and reaped: seen in nsinit's --events."
note "setsid -f starts a shell that exits 7 and leaves no parent behind; a subshell in \$(...)"
note "starts a sleeper and exits. sh waits until the first is reaped and the second runs"
note "sleep, shows ps and exits: PID 1 then kills the sleeper. \$1 is the poll interval."
run "$tmp/2.out" "$tmp/2.err" --events="$tmp/2.events" -- sh -c '
p=$(setsid -f sh -c "echo \$\$; exit 7")
echo "orphan $p exits 7 on its own"
q=$(sleep 1000 >/dev/null 2>&1 & echo $!)
echo "orphan $q sleeps"
n=0
while { [ -e /proc/$p ] || [ "$(cat /proc/$q/comm)" != sleep ]; } && [ $n -lt 500 ]; do
  sleep $1; n=$((n + 1))
done
ps -o pid,ppid,stat,comm' sh "$TICK"
show "$tmp/2.out"
ran_ok "$tmp/2.err"
[ ! -s "$tmp/2.err" ] || { show "$tmp/2.err"; fail "nsinit wrote to stderr"; }
events "$tmp/2.events"

orphan=$(sed -n 's/^orphan \([0-9][0-9]*\) exits 7 on its own$/\1/p' "$tmp/2.out")
sleeper=$(sed -n 's/^orphan \([0-9][0-9]*\) sleeps$/\1/p' "$tmp/2.out")
if [ -z "$orphan" ] || [ -z "$sleeper" ]; then
	fail "the inner shell did not print the orphans' pids"
fi
rows "$tmp/2.out" | awk -v p="$sleeper" '$1 == p && $2 == 1 && $4 == "sleep" { s = 1 } END { exit !s }' ||
	fail "ps does not show the sleeper ($sleeper) with PPID 1"
ok "the sleeper ($sleeper) has PPID 1: its parent exited and nsinit adopted it"
if rows "$tmp/2.out" | awk 'NR > 1 && $3 ~ /^Z/ { z = 1 } END { exit !z }'; then
	fail "ps shows a zombie in the namespace"
fi
started_at=$(evline "$tmp/2.events" command_started pid=2)
[ -n "$started_at" ] || fail "no event command_started pid=2"
reaped7=$(evline "$tmp/2.events" reaped pid="$orphan" name=sh exit=7)
[ -n "$reaped7" ] || fail "no event reaped pid=$orphan name=sh exit=7"
cmd_done=$(evline "$tmp/2.events" command_exited pid=2 name=sh exit=0)
[ -n "$cmd_done" ] || fail "no event command_exited pid=2 name=sh exit=0"
[ "$reaped7" -lt "$cmd_done" ] || fail "orphan $orphan was reaped only after the command exited"
ok "orphan $orphan was reaped with its exit code 7 while sh ran (ps: no zombie)"
down=$(evline "$tmp/2.events" shutdown left=1 signal=SIGKILL)
[ -n "$down" ] || fail "no event shutdown left=1 signal=SIGKILL"
killed=$(evline "$tmp/2.events" reaped pid="$sleeper" name=sleep signal=SIGKILL)
[ -n "$killed" ] || fail "no event reaped pid=$sleeper name=sleep signal=SIGKILL"
if [ "$cmd_done" -gt "$down" ] || [ "$down" -gt "$killed" ]; then
	fail "the events are not in the order command_exited, shutdown, reaped"
fi
ok "when sh exited, nsinit found 1 process left, SIGKILLed the sleeper and reaped it"
last=$(wc -l <"$tmp/2.events.kv")
[ "$(evline "$tmp/2.events" exit code=0)" = "$last" ] || fail "the last event is not exit code=0"
ok "the last event is the exit, with sh's code 0"

# --- 3 ---------------------------------------------------------------------
kinds='cgroup ipc mnt net pid time user uts'
step "3. Namespace inode numbers: readlink /proc/PID/ns/* outside and inside."
note "Two processes are in the same namespace exactly when these links are equal. nsinit"
note "always makes a new pid and mnt namespace; --uts, --ipc and --net ask for three more."
for k in $kinds; do
	printf '%s %s\n' "$k" "$(readlink "/proc/$$/ns/$k")"
done >"$tmp/3.outside"
run "$tmp/3.out" "$tmp/3.err" --uts --ipc --net --events="$tmp/3.events" -- \
	sh -c 'for k in '"$kinds"'; do echo "$k $(readlink /proc/$$/ns/$k)"; done'
ran_ok "$tmp/3.err"
printf '      %-7s %-20s %-20s\n' '' 'outside (the demo)' 'inside (the command)'
for k in $kinds; do
	o=$(sed -n "s/^$k //p" "$tmp/3.outside")
	i=$(sed -n "s/^$k //p" "$tmp/3.out")
	case $o in "$k:["*"]") ;; *) fail "cannot read the demo's own /proc/$$/ns/$k" ;; esac
	case $i in "$k:["*"]") ;; *) fail "the command did not print its $k namespace" ;; esac
	if [ "$o" = "$i" ]; then what=shared; else what=new; fi
	printf '      %-7s %-20s %-20s %s\n' "$k" "$o" "$i" "$what"
	eval "what_$k=\$what"
done
events "$tmp/3.events"
for k in pid mnt uts ipc net; do
	eval "[ \"\$what_$k\" = new ]" || fail "the $k namespace inside is the demo's own"
done
ok "pid, mnt, uts, ipc and net differ: the command has namespaces of its own"
for k in cgroup time user; do
	eval "[ \"\$what_$k\" = shared ]" || fail "the $k namespace changed, though not asked for"
done
ok "cgroup, time and user are shared with the demo: nsinit was not asked for them"
while read -r k link; do
	ino=${link#*[} ino=${ino%]}
	[ -n "$(evline "$tmp/3.events" namespace "${k}_ns=$ino")" ] ||
		fail "the namespace event does not say ${k}_ns=$ino"
done <"$tmp/3.out"
ok "the namespace event reports the same 8 inode numbers as the command saw"

# --- 4 ---------------------------------------------------------------------
step "4. PID namespaces nest: five nsinit deep, one process has a pid at every level."
note "Like multi_pidns: each nsinit makes a namespace inside the one before. The innermost"
note "command records its own NSpid, then becomes a sleeper; the demo then reads, from"
note "the host, the sleeper's NSpid and each level's own /proc (/proc/PID1/root/proc)."
start "$tmp/4.out" "$tmp/4.err" --pid-file="$tmp/4.pid" -- "$NSINIT" -- "$NSINIT" -- "$NSINIT" -- "$NSINIT" -- \
	sh -c 'grep NSpid /proc/$$/status >"$1.tmp" && mv "$1.tmp" "$1" && exec sleep 1000' sh "$tmp/4.inside"
# The chain on the host: relay, PID 1, relay (the command of PID 1), PID 1, ...
leaf_sleeps() {
	[ -s "$tmp/4.inside" ] && [ -s "$tmp/4.pid" ] || return 1
	chain=$(cat "$tmp/4.pid") leaf=$chain
	while kids=$(children "$leaf") && [ -n "$kids" ]; do
		[ "$(echo "$kids" | wc -l)" -eq 1 ] || fail "process $leaf has more than one child: $kids"
		leaf=$kids chain="$chain $kids"
	done
	[ "$(cat "/proc/$leaf/comm" 2>/dev/null)" = sleep ]
}
poll leaf_sleeps || { show "$tmp/4.err"; fail "the innermost command did not start within $TRIES polls"; }
relay=$(awk '/^PPid:/ { print $2 }' "/proc/${chain%% *}/status")
printf '      %sthe chain on the host, as pstree -p shows it (relay, PID 1, relay, PID 1, ...):%s\n' "$D" "$N"
for p in $relay $chain; do
	printf '%s(%s)\n' "$(cat "/proc/$p/comm")" "$p"
done | awk 'BEGIN { line = "      " }
	NR > 1 && length(line) + length($0) > 90 { print line "-"; line = "        " $0; next }
	{ line = line (NR > 1 ? "-" : "") $0 }
	END { print line }'

printf '      %sinside, the innermost command read its /proc/$$/status:%s\n' "$D" "$N"
show "$tmp/4.inside"
# shellcheck disable=SC2046 # one word per level
set -- $(nspid "$leaf")
printf '      %sfrom the host, /proc/%s/status says:%s\n' "$D" "$leaf" "$N"
printf '      NSpid:\t%s\n' "$*"
[ $# -eq 6 ] || fail "the sleeper has $# pids (NSpid: $*), not 6: the host's and 5 namespaces'"
[ "$1" = "$leaf" ] || fail "the sleeper's first pid is $1, not its host pid $leaf"
[ "$6" = 2 ] || fail "the sleeper is $6 in the innermost namespace, not 2"
grep -qx 'NSpid:[[:space:]]*2' "$tmp/4.inside" || fail "inside, the sleeper's NSpid is not just 2"
ok "the sleeper has 6 pids, $*: the host's, then one per level, ending with 2"
ok "inside, its own /proc shows only 'NSpid: 2': a namespace cannot see its parents"
printf '      %seach level'\''s own /proc (the sleeper marked *):%s\n' "$D" "$N"
level=0
for p in $chain; do
	# PID 1 of each level: the 1st, 3rd, 5th ... of the chain.
	[ $((level % 2)) -eq 0 ] || { level=$((level + 1)); continue; }
	lv=$((level / 2 + 1))
	shift
	procs=$(for d in "/proc/$p/root/proc/"[0-9]*; do echo "${d##*/}"; done |
		sort -n | sed "s/^$1\$/$1*/" | tr '\n' ' ' | sed 's/ $//')
	printf '      level %d (PID 1 is %s on the host): %s\n' "$lv" "$p" "$procs"
	[ "$(cat "/proc/$p/root/proc/$1/comm")" = sleep ] ||
		fail "level $lv's /proc does not show the sleeper as $1"
	# Its own PID 1 and relay, and those of every level below: 2 a level.
	n=$(count "/proc/$p/root/proc/"[0-9]*)
	[ "$n" -eq $((2 * (6 - lv))) ] || fail "level $lv's /proc shows $n processes, not $((2 * (6 - lv)))"
	level=$((level + 1))
done
[ "$lv" -eq 5 ] || fail "found $lv levels of PID 1, not 5"
ok "each level's /proc shows the sleeper under that level's pid"
ok "each level sees only itself and the levels below (2 processes a level), none above"
note "Now SIGTERM to the sleeper from the host; its status passes through all 5 levels:"
kill -s TERM "$leaf"
finish
printf '      exit status %s\n' "$rc"
[ "$rc" -eq 143 ] || { show "$tmp/4.err"; fail "nsinit exited $rc, expected 143"; }
ok "the outermost nsinit exits 143 = 128+15, like the sleeper five levels down"

# --- 5 ---------------------------------------------------------------------
step "5. --uts=NAME gives the command a hostname of its own; the host's stays."
before=$(hostname)
name=nsinit-demo
[ "$before" != "$name" ] || name=nsinit-demo-2
printf '   %s$ hostname%s\n' "$D" "$N"
printf '      %s\n' "$before"
run "$tmp/5.out" "$tmp/5.err" --uts="$name" -- sh -c 'hostname; hostname renamed-inside; hostname'
show "$tmp/5.out"
ran_ok "$tmp/5.err"
after=$(hostname)
printf '   %s$ hostname%s\n' "$D" "$N"
printf '      %s\n' "$after"
[ "$(sed -n 1p "$tmp/5.out")" = "$name" ] || fail "inside, hostname is not $name"
ok "inside, the hostname is $name, as --uts set it"
[ "$(sed -n 2p "$tmp/5.out")" = renamed-inside ] || fail "the command could not rename its host"
[ "$before" = "$after" ] || fail "the host's name changed from $before to $after"
ok "the rename inside (to renamed-inside) did not reach the host: its name is still $after"

# --- 6 ---------------------------------------------------------------------
step "6. When the command exits, everything it left is killed: nothing survives."
note "sh leaves a child, an orphan and a daemon in a session of its own, then waits on a"
note "fifo. Meanwhile the demo pins the namespace (an open fd on /proc/PID1/ns/pid, so its"
note "inode number cannot go to a new namespace) and lists what is in it from the host."
mkfifo "$tmp/6.go"
exec 8<>"$tmp/6.go" # read-write: never blocks, and the fifo always has a writer
start "$tmp/6.out" "$tmp/6.err" --events="$tmp/6.events" -- sh -c '
sleep 1000 &
(sleep 1000 &)
setsid -f sleep 1000 >/dev/null
read go <"$1"' sh "$tmp/6.go"
pid1=
# Ready once the namespace holds 5 processes: nsinit, sh and 3 sleepers. PID
# 1's host pid comes from the namespace event, read as the file grows.
ready() {
	if [ -z "$pid1" ]; then
		pid1=$(awk "$json_awk" "$tmp/6.events" 2>/dev/null | cut -f2- >"$tmp/6.events.kv"
			evvalue "$tmp/6.events" namespace pid1_host_pid)
		[ -n "$pid1" ] || return 1
		command exec 9<"/proc/$pid1/ns/pid" || fail "cannot open /proc/$pid1/ns/pid"
		pinned=$(readlink /proc/$$/fd/9)
	fi
	in_ns "$pinned" >"$tmp/6.pids"
	[ "$(wc -l <"$tmp/6.pids")" -eq 5 ] &&
		[ "$(while read -r p; do cat "/proc/$p/comm"; done <"$tmp/6.pids" 2>/dev/null | grep -cx sleep)" -eq 3 ]
}
poll ready || { show "$tmp/6.err"; fail "the namespace did not fill with sh and 3 sleepers within $TRIES polls"; }
printf '      %sin %s, seen from the host:%s\n' "$D" "$pinned" "$N"
printf '      %-9s %-14s %-13s %s\n' 'host pid' NSpid 'PPID in ns' comm
pids=$(tr '\n' ' ' <"$tmp/6.pids")
: >"$tmp/6.ppids"
for p in $pids; do
	# The parent's pid in the namespace: the last of its NSpid; 0 outside.
	pp=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status")
	case " $pids" in
	*" $pp "*) pp=$(nspid "$pp") pp=${pp##* } ;;
	*) pp=0 ;;
	esac
	comm=$(cat "/proc/$p/comm")
	printf '      %-9s %-14s %-13s %s\n' "$p" "$(nspid "$p")" "$pp" "$comm"
	echo "$pp $comm" >>"$tmp/6.ppids"
done
if [ "$(grep -cx '2 sleep' "$tmp/6.ppids")" -ne 1 ] || [ "$(grep -cx '1 sleep' "$tmp/6.ppids")" -ne 2 ]; then
	fail "not one sleeper with PPID 2 (sh) and two with PPID 1 (nsinit)"
fi
ok "sh's child has PPID 2; the orphan and the daemon were adopted by PID 1"
note "Now the demo writes to the fifo: sh reads it and exits."
echo go >&8
finish
exec 8>&-
events "$tmp/6.events"
ran_ok "$tmp/6.err"
[ -n "$(evline "$tmp/6.events" shutdown left=3 signal=SIGKILL)" ] || fail "no event shutdown left=3 signal=SIGKILL"
[ "$(grep -c '^reaped .*name=sleep signal=SIGKILL' "$tmp/6.events.kv")" -eq 3 ] ||
	fail "there are not 3 events 'reaped name=sleep signal=SIGKILL'"
ok "sh exited; nsinit found 3 processes left, SIGKILLed them and reaped all 3"
alive=
while read -r p; do
	[ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" != "$pinned" ] || alive="$alive $p"
done <"$tmp/6.pids"
[ -z "$alive" ] || fail "still alive in $pinned:$alive"
left=$(in_ns "$pinned" | wc -l)
seen=$(count /proc/[0-9]*)
[ "$left" -eq 0 ] || fail "$left processes are still in $pinned after nsinit returned"
ok "nothing left: 0 processes in $pinned among the $seen on the host"
exec 9<&-
pinned=

# --- 7 ---------------------------------------------------------------------
step "7. The command's exit status passes through; death by signal N gives 128+N."
# status WANT: show the last run's exit status and stderr; fail unless WANT.
status() {
	printf '      exit status %s\n' "$rc"
	[ ! -s "$tmp/7.err" ] || show "$tmp/7.err"
	[ "$rc" -eq "$1" ] || fail "nsinit exited $rc, expected $1"
}
run "$tmp/7.out" "$tmp/7.err" -- sh -c 'exit 3'
status 3
ok "exit 3 gives 3"
run "$tmp/7.out" "$tmp/7.err" -- sh -c 'kill -TERM $$'
status 143
ok "death by SIGTERM (15) gives 143 = 128+15"

ms=$((($(date +%s%N) - started) / 1000000))
printf '\n%sdemo: all %d claims hold%s %s(%d ms)%s\n' "$G$B" "$claims" "$N" "$D" "$ms" "$N"

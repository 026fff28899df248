# Helpers of the demo, sourced by demo.sh; the steps (step*.sh) use them.
# POSIX sh; runs under dash. The demo uses fds 8 and 9 for itself.
# shellcheck shell=sh disable=SC2154 # globals of demo.sh and lib.sh

WATCHDOG=60 # seconds: a hung command fails the demo instead of hanging it (generous:
            # a step that outlives it on a busy machine would fail for no reason)
TICK=0.01   # seconds between two looks at a condition that is polled
TRIES=2000  # looks before a poll gives up: a deadline of 20 s or more (more when busy)

# Colour only on a terminal.
if [ -t 1 ]; then
	B=$(printf '\033[1m') G=$(printf '\033[32m') R=$(printf '\033[31m')
	D=$(printf '\033[2m') N=$(printf '\033[0m')
else
	B='' G='' R='' D='' N=''
fi

claims=0
tmp=
bg=     # the timeout(1) process of a command run in the background
pinned= # a PID namespace held open on fd 9

# Nothing is left behind, even on failure: timeout(1) leads a process group of
# its own (the command and whatever it starts stay in it), which is killed
# whole. SIGKILL to PID 1 ends its namespace with it.
cleanup() {
	if [ -n "$bg" ]; then
		kill -s KILL -- "-$bg" 2>/dev/null || :
		wait "$bg" 2>/dev/null || :
		bg=
	fi
	[ -z "$pinned" ] || exec 9<&-
	[ -z "$tmp" ] || rm -rf "$tmp"
}

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

# --- running commands --------------------------------------------------------

# quote ARG: ARG as it can be typed into a shell.
quote() {
	case $1 in
	"$NSINIT") printf '%s' "$shown" ;;
	*"$tmp"/*) printf '%s$tmp/%s' "${1%%"$tmp"/*}" "${1#*"$tmp"/}" ;;
	"$here"/*) printf '%s' "tests/demo/${1#"$here"/}" ;;
	'') printf "''" ;;
	*[!A-Za-z0-9_./=:,+-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# say CMD...: print the command line, continued with a backslash before it
# gets too wide. An argument that spans lines keeps its lines.
nl='
'
say() {
	line=
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
		'' | *"$nl") line="$line$q" ;;
		*) line="$line $q" ;;
		esac
	done
	printf '%s\n' "$line" | awk -v d="$D" -v n="$N" \
		'{ printf "   %s%s%s%s\n", d, NR == 1 ? "$ " : "       ", $0, n }'
}

# run STDOUT STDERR CMD...: print CMD as it can be typed, run it, keep its
# output; sets $rc.
run() {
	out=$1 err=$2
	shift 2
	say "$@"
	rc=0
	timeout --foreground -k 5 "$WATCHDOG" "$@" >"$out" 2>"$err" || rc=$?
	[ "$rc" -ne 124 ] || fail "$1 did not finish within ${WATCHDOG}s"
}

# start STDOUT STDERR CMD...: the same, in the background; sets $bg. The
# demo's own fds 8 and 9 are not passed on.
start() {
	out=$1 err=$2
	shift 2
	say "$@"
	timeout -k 5 "$WATCHDOG" "$@" >"$out" 2>"$err" 8>&- 9<&- &
	bg=$!
}

# finish: wait for the command started in the background; sets $rc.
finish() {
	rc=0
	wait "$bg" || rc=$?
	bg=
	[ "$rc" -ne 124 ] || fail "the command did not finish within ${WATCHDOG}s"
}

# Fail unless the last run exited 0.
ran_ok() {
	[ "$rc" -eq 0 ] && return 0
	printf '   stderr:\n'
	show "$1"
	fail "the command exited $rc (expected 0)"
}

# poll COMMAND...: run COMMAND every $TICK seconds until it succeeds; give up
# (status 1) after $TRIES looks. Only for what no pipe or event can announce.
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

# --- /proc -------------------------------------------------------------------

# children PID: its children, as the host sees them.
children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr -s ' ' '\n' | sed '/^$/d'
}

# child_of PID: its only child; empty while it has none.
child_of() {
	children "$1" | sed -n 1p
}

# ppid PID: its parent's pid, as the host sees it.
ppid() {
	awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# nspid PID: the NSpid line of /proc/PID/status: its pid in every namespace
# from the host's down.
nspid() {
	sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null | tr -s '\t ' '  '
}

# inside PID1 FILE: what ps would show inside the namespace whose PID 1 is
# PID1 (a host pid), read from the host through that namespace's own /proc
# (/proc/PID1/root/proc), as lines "PID PPID STATE COMMAND" in FILE.
inside() {
	for f in /proc/"$1"/root/proc/[0-9]*/stat; do
		cat "$f" 2>/dev/null
	done | sed -n 's/^\([0-9]*\) (\(.*\)) \(.\) \([0-9]*\) .*/\1 \4 \3 \2/p' | sort -n >"$2"
}

# table FILE: print what inside wrote, as ps would.
table() {
	awk 'BEGIN { printf "      %5s %5s %-5s %s\n", "PID", "PPID", "STATE", "COMMAND" }
		{ printf "      %5s %5s %-5s %s%s\n", $1, $2, $3, $4, $3 == "Z" ? " <defunct>" : "" }' "$1"
}

# has FILE N PID PPID STATE COMMAND: FILE (from inside) holds exactly N rows
# that match; an empty field matches anything.
has() {
	awk -v n="$2" -v p="$3" -v pp="$4" -v s="$5" -v c="$6" '
		(p == "" || $1 == p) && (pp == "" || $2 == pp) && (s == "" || $3 == s) &&
		(c == "" || $4 == c) { k++ }
		END { exit k != n }' "$1"
}

# signals PID: the signal lines of /proc/PID/status, hex masks of what is
# pending (ShdPnd, SigPnd), blocked, ignored and caught (has a handler).
signals() {
	grep -E '^(ShdPnd|SigPnd|SigBlk|SigIgn|SigCgt):' "/proc/$1/status" | sed 's/^/      /'
}

# mask_has PID FIELD SIGNUM: whether the mask FIELD of /proc/PID/status holds
# signal SIGNUM (bit SIGNUM-1).
mask_has() {
	m=$(sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status")
	[ -n "$m" ] || fail "cannot read $2 of process $1"
	# The low 32 bits are enough for the signals shown here.
	m=$(printf '%s' "$m" | tail -c 8)
	[ $((0x$m >> ($3 - 1) & 1)) -eq 1 ]
}

# in_ns NS: the host pids of the processes whose PID namespace is NS, e.g.
# pid:[4026532181] (one ls for all of /proc; links it may not read are skipped).
in_ns() {
	# shellcheck disable=SC2012 # the names are /proc/N/ns/pid, and one ls is fast
	ls -l /proc/[0-9]*/ns/pid 2>/dev/null |
		awk -v ns="$1" '$NF == ns { split($(NF - 2), a, "/"); print a[3] }'
}

# count ARGS...: how many there are.
count() {
	echo $#
}

# --- events ------------------------------------------------------------------
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
	printf '   %sthe events, as key=value (ms since the first):%s\n' "$D" "$N"
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

# evread FILE: parse FILE as far as it is written, quietly, into FILE.kv (for
# polling an events file that is still growing).
evread() {
	awk "$json_awk" "$1" 2>/dev/null | cut -f2- >"$1.kv"
}

# evline FILE EVENT [KEY=VALUE...]: the number of the first event in FILE.kv
# that is EVENT with these values; empty if none.
evline() {
	f=$1
	shift
	awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
		$1 == w[1] { for (j = 2; j <= n; j++) { hit = 0; for (k = 2; k <= NF; k++) if ($k == w[j]) hit = 1
				if (!hit) next }
			print NR; exit }' "$f.kv"
}

# evcount FILE EVENT [KEY=VALUE...]: how many events of FILE.kv match.
evcount() {
	f=$1
	shift
	awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
		$1 == w[1] { for (j = 2; j <= n; j++) { hit = 0; for (k = 2; k <= NF; k++) if ($k == w[j]) hit = 1
				if (!hit) next }
			c++ }
		END { print c + 0 }' "$f.kv"
}

# evvalue FILE EVENT KEY: the value of KEY in the first EVENT of FILE.kv.
evvalue() {
	awk -v e="$2" -v k="$3=" '$1 == e { for (j = 2; j <= NF; j++) if (index($j, k) == 1) { print substr($j, length(k) + 1); exit } }' "$1.kv"
}

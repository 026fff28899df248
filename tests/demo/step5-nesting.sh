# Step 5: PID namespaces nest; one process has a pid at every level.
# shellcheck shell=sh disable=SC2154,SC2016 # globals of demo.sh and lib.sh; the inner scripts are expanded inside

step "5. PID namespaces nest: five nsinit deep, one process has a pid at every level."
note "Like multi_pidns: each nsinit makes a namespace inside the one before. The innermost"
note "command records its own NSpid, then becomes a sleeper; the demo then reads, from"
note "the host, the sleeper's NSpid and each level's own /proc (/proc/PID1/root/proc)."
start "$tmp/5.out" "$tmp/5.err" "$NSINIT" --pid-file="$tmp/5.pid" -- "$NSINIT" -- "$NSINIT" -- "$NSINIT" -- "$NSINIT" -- \
	sh -c 'grep NSpid /proc/$$/status >"$1.tmp" && mv "$1.tmp" "$1" && exec sleep 1000' sh "$tmp/5.inside"
# The chain on the host: relay, PID 1, relay (the command of PID 1), PID 1, ...
leaf_sleeps() {
	[ -s "$tmp/5.inside" ] && [ -s "$tmp/5.pid" ] || return 1
	chain=$(cat "$tmp/5.pid") leaf=$chain
	while kids=$(children "$leaf") && [ -n "$kids" ]; do
		[ "$(echo "$kids" | wc -l)" -eq 1 ] || fail "process $leaf has more than one child: $kids"
		leaf=$kids chain="$chain $kids"
	done
	[ "$(cat "/proc/$leaf/comm" 2>/dev/null)" = sleep ]
}
poll leaf_sleeps || { show "$tmp/5.err"; fail "the innermost command did not start within $TRIES polls"; }
relay=$(awk '/^PPid:/ { print $2 }' "/proc/${chain%% *}/status")
printf '      %sthe chain on the host, as pstree -p shows it (relay, PID 1, relay, PID 1, ...):%s\n' "$D" "$N"
for p in $relay $chain; do
	printf '%s(%s)\n' "$(cat "/proc/$p/comm")" "$p"
done | awk 'BEGIN { line = "      " }
	NR > 1 && length(line) + length($0) > 90 { print line "-"; line = "        " $0; next }
	{ line = line (NR > 1 ? "-" : "") $0 }
	END { print line }'

printf '      %sinside, the innermost command read its /proc/$$/status:%s\n' "$D" "$N"
show "$tmp/5.inside"
# shellcheck disable=SC2046 # one word per level
set -- $(nspid "$leaf")
printf '      %sfrom the host, /proc/%s/status says:%s\n' "$D" "$leaf" "$N"
printf '      NSpid:\t%s\n' "$*"
[ $# -eq 6 ] || fail "the sleeper has $# pids (NSpid: $*), not 6: the host's and 5 namespaces'"
[ "$1" = "$leaf" ] || fail "the sleeper's first pid is $1, not its host pid $leaf"
[ "$6" = 2 ] || fail "the sleeper is $6 in the innermost namespace, not 2"
grep -qx 'NSpid:[[:space:]]*2' "$tmp/5.inside" || fail "inside, the sleeper's NSpid is not just 2"
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
[ "$rc" -eq 143 ] || { show "$tmp/5.err"; fail "nsinit exited $rc, expected 143"; }
ok "the outermost nsinit exits 143 = 128+15, like the sleeper five levels down"


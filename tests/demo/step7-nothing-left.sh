# Step 7: when the command exits, nothing it left survives.
# shellcheck shell=sh disable=SC2154,SC2016 # globals of demo.sh and lib.sh; the inner script is expanded inside

step "7. When the command exits, everything it left is killed: nothing survives."
note "sh leaves a child, an orphan and a daemon (in a session of its own), then waits for"
note "a line on a fifo. The demo holds the namespace open (fd 9 on /proc/PID1/ns/pid): its"
note "inode number cannot go to a new namespace while the demo looks for survivors."
mkfifo "$tmp/7.go"
exec 8<>"$tmp/7.go"
start "$tmp/7.out" "$tmp/7.err" "$NSINIT" --events="$tmp/7.events" -- sh -c '
sleep 1000 &
(sleep 1000 &)
setsid -f sleep 1000 >/dev/null
read -r _ <"$1"' sh "$tmp/7.go"
ready() {
	outer=$(child_of "$bg") && [ -n "$outer" ] &&
		pid1=$(child_of "$outer") && [ -n "$pid1" ] && inside "$pid1" "$tmp/7.ps" &&
		has "$tmp/7.ps" 1 '' 2 S sleep && has "$tmp/7.ps" 2 '' 1 S sleep
}
poll ready || { show "$tmp/7.err"; fail "the namespace did not fill with sh and 3 sleepers in time"; }
exec 9<"/proc/$pid1/ns/pid"
pinned=$(readlink /proc/$$/fd/9)
table "$tmp/7.ps"
ok "sh's child has PPID 2; the orphan and the daemon were adopted by PID 1"
[ "$(in_ns "$pinned" | wc -l)" -eq 5 ] || fail "the host does not see 5 processes in $pinned"

note "The demo writes a line to the fifo: sh reads it and exits."
echo go >&8
finish
exec 8>&-
events "$tmp/7.events"
ran_ok "$tmp/7.err"
[ -n "$(evline "$tmp/7.events" shutdown left=3 signal=SIGKILL)" ] || fail "no event shutdown left=3 signal=SIGKILL"
[ "$(evcount "$tmp/7.events" reaped name=sleep signal=SIGKILL)" -eq 3 ] ||
	fail "there are not 3 events 'reaped name=sleep signal=SIGKILL'"
ok "sh exited; nsinit found 3 processes left, SIGKILLed them and reaped all 3"
left=$(in_ns "$pinned" | wc -l)
[ "$left" -eq 0 ] || fail "$left processes are still in $pinned after nsinit returned"
ok "nothing left: no process on the host is in $pinned any more"
exec 9<&-
pinned=

# Step 3: an orphan's PPID before and after its parent exits.
# shellcheck shell=sh disable=SC2154,SC2016 # globals of demo.sh and lib.sh; the inner script is expanded inside

step "3. An orphan is reparented: its PPID changes to 1 when its parent exits."
note "sh starts sleep, then waits for a line on a fifo. --wait-all keeps nsinit up after"
note "sh exits, until the orphaned sleep has exited too."
mkfifo "$tmp/3.go"
exec 8<>"$tmp/3.go"
start "$tmp/3.out" "$tmp/3.err" "$NSINIT" --wait-all --events="$tmp/3.events" -- \
	sh -c 'sleep 1000 & read -r _ <"$1"' sh "$tmp/3.go"
sleeping() {
	outer=$(child_of "$bg") && [ -n "$outer" ] &&
		pid1=$(child_of "$outer") && [ -n "$pid1" ] && inside "$pid1" "$tmp/3.ps" &&
		has "$tmp/3.ps" 1 2 1 S sh && has "$tmp/3.ps" 1 '' 2 S sleep
}
poll sleeping || { show "$tmp/3.err"; fail "sh and its sleep did not start in time"; }
table "$tmp/3.ps"
ok "sleep's PPID is 2: its parent is sh"
orphan=$(awk '$4 == "sleep" { print $1 }' "$tmp/3.ps")

note "The demo writes a line to the fifo: sh reads it and exits."
echo go >&8
# The kernel gives the orphan to PID 1 as sh exits; nsinit reaps sh a moment
# later (until then it is a zombie): wait for both, with the deadline.
adopted() {
	inside "$pid1" "$tmp/3.ps" && has "$tmp/3.ps" 1 "$orphan" 1 S sleep &&
		has "$tmp/3.ps" 0 2 '' '' ''
}
poll adopted || {
	table "$tmp/3.ps"
	has "$tmp/3.ps" 0 2 '' '' '' || fail "sh (PID 2) is still there"
	fail "sleep ($orphan) did not get PPID 1 in time"
}
table "$tmp/3.ps"
ok "sh is gone (nsinit reaped it) and sleep's PPID is 1: the kernel gave the orphan to PID 1"

note "SIGTERM to the orphan (not PID 1: it dies of it); nsinit reaps it and exits."
host_sleep=$(child_of "$pid1")
say kill -TERM "$host_sleep"
kill -s TERM "$host_sleep"
finish
exec 8>&-
events "$tmp/3.events"
ran_ok "$tmp/3.err"
[ -n "$(evline "$tmp/3.events" reaped pid="$orphan" name=sleep signal=SIGTERM)" ] ||
	fail "no event reaped pid=$orphan name=sleep signal=SIGTERM"
ok "nsinit reaped the orphan and exited with sh's code 0"

# Step 1, the problem: a PID namespace whose PID 1 is a command that is not
# an init. Orphans it inherits stay zombies, and SIGTERM does not stop it.
# shellcheck shell=sh disable=SC2154,SC2086 # globals of demo.sh and lib.sh; $as_user is empty or two options

step "1. Without an init, orphans stay zombies and SIGTERM does not stop the namespace."
note "unshare makes a PID namespace and runs orphans.sh as its PID 1. orphans.sh starts"
note "3 orphans, then execs sleep, which never calls wait(). The orphans wait for a line."
mkfifo "$tmp/1.go"
exec 8<>"$tmp/1.go" # read-write: the orphans' open never blocks
start "$tmp/1.out" "$tmp/1.err" unshare $as_user --pid --fork --mount-proc \
	sh "$here/orphans.sh" 3 "$tmp/1.go"

# unshare is what the caller started; its child is PID 1 of the namespace.
orphans_wait() {
	outer=$(child_of "$bg") && [ -n "$outer" ] &&
		pid1=$(child_of "$outer") && [ -n "$pid1" ] && inside "$pid1" "$tmp/1.ps" &&
		has "$tmp/1.ps" 1 1 0 S sleep && has "$tmp/1.ps" 3 '' 1 S sh
}
poll orphans_wait || { show "$tmp/1.err"; fail "the namespace did not hold sleep and 3 orphans in time"; }
note "Inside the namespace (read from the host, in its own /proc: /proc/$pid1/root/proc):"
table "$tmp/1.ps"
ok "PID 1 is sleep; the 3 orphans have PPID 1: their parents exited, PID 1 adopted them"

note "The demo writes 3 lines to the fifo: the orphans read one each and exit."
printf 'go\ngo\ngo\n' >&8
zombies() {
	inside "$pid1" "$tmp/1.ps" && has "$tmp/1.ps" 3 '' 1 Z sh
}
poll zombies || { table "$tmp/1.ps"; fail "the 3 orphans did not become zombies in time"; }
table "$tmp/1.ps"
ok "the 3 orphans are zombies: they exited, and their parent, sleep, never waits for them"

note "SIGTERM to unshare (the pid the caller has), then to PID 1 (host pid $pid1):"
say kill -TERM "$outer"
kill -s TERM "$outer"
say kill -TERM "$pid1"
kill -s TERM "$pid1"
printf '      %sunshare, /proc/%s/status:%s\n' "$D" "$outer" "$N"
signals "$outer"
printf '      %sPID 1 (sleep), /proc/%s/status:%s\n' "$D" "$pid1" "$N"
signals "$pid1"
mask_has "$outer" SigBlk 15 || fail "unshare does not block SIGTERM (SigBlk)"
mask_has "$outer" ShdPnd 15 || fail "SIGTERM is not pending for unshare (ShdPnd)"
ok "unshare blocks SIGTERM: it stays pending (ShdPnd bit 15) and nothing is passed on"
# A signal the kernel delivers to be acted on would show as pending (a fatal
# one as SIGKILL, bit 9) until the process acts on it; one that PID 1 of a
# namespace has no handler for is dropped by kill(2) itself.
mask_has "$pid1" SigCgt 15 && fail "sleep has a handler for SIGTERM"
if mask_has "$pid1" ShdPnd 15 || mask_has "$pid1" SigPnd 15 || mask_has "$pid1" SigPnd 9 ||
	mask_has "$pid1" ShdPnd 9; then
	fail "PID 1 has a signal pending: the kernel did not drop SIGTERM"
fi
inside "$pid1" "$tmp/1.ps"
has "$tmp/1.ps" 1 1 0 S sleep || fail "PID 1 is no longer a sleeping sleep"
ok "the kernel dropped SIGTERM to PID 1: a namespace's PID 1 gets only the signals it has"
note "   a handler for (SigCgt), and sleep has none. All still runs, the zombies too."
note "Only SIGKILL ends it; the kernel then kills every process of the namespace."
say kill -KILL "$pid1"
kill -s KILL "$pid1"
finish
exec 8>&-
[ ! -d "/proc/$pid1" ] || fail "PID 1 ($pid1) survived SIGKILL"
ok "SIGKILL to PID 1 ended the namespace, and unshare with it"

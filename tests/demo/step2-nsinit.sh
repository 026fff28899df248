# Step 2, the cure: the same command under nsinit. nsinit is PID 1, the
# command PID 2; nsinit reaps the orphans and passes SIGTERM on.
# shellcheck shell=sh disable=SC2154 # globals of demo.sh and lib.sh

step "2. The same under nsinit: it is PID 1, reaps the orphans and passes SIGTERM on."
note "The same orphans.sh, now as nsinit's command. --events writes what nsinit does."
mkfifo "$tmp/2.go"
exec 8<>"$tmp/2.go"
start "$tmp/2.out" "$tmp/2.err" "$NSINIT" --events="$tmp/2.events" -- \
	sh "$here/orphans.sh" 3 "$tmp/2.go"

# ps shows the comm: the binary's name, cut to 15 characters by the kernel.
comm=$(basename "$NSINIT" | cut -c1-15)
orphans_wait() {
	outer=$(child_of "$bg") && [ -n "$outer" ] &&
		pid1=$(child_of "$outer") && [ -n "$pid1" ] && inside "$pid1" "$tmp/2.ps" &&
		has "$tmp/2.ps" 1 2 1 S sleep && has "$tmp/2.ps" 3 '' 1 S sh
}
poll orphans_wait || { show "$tmp/2.err"; fail "the namespace did not hold sleep and 3 orphans in time"; }
table "$tmp/2.ps"
has "$tmp/2.ps" 1 1 0 '' "$comm" || fail "nsinit ($comm) is not PID 1 with PPID 0"
ok "nsinit is PID 1, with PPID 0: its parent (nsinit's relay, which the caller has) is outside"
ok "the command (now sleep) is PID 2; the 3 orphans have PPID 1: nsinit adopted them"

note "The demo writes 3 lines to the fifo: the orphans read one each and exit."
printf 'go\ngo\ngo\n' >&8
reaped3() {
	evread "$tmp/2.events" && [ "$(evcount "$tmp/2.events" reaped name=sh exit=0)" -eq 3 ]
}
poll reaped3 || fail "nsinit did not report 3 orphans reaped in time"
inside "$pid1" "$tmp/2.ps"
table "$tmp/2.ps"
has "$tmp/2.ps" 0 '' '' Z '' || fail "there is a zombie in the namespace"
[ "$(wc -l <"$tmp/2.ps")" -eq 2 ] || fail "the namespace holds more than nsinit and sleep"
ok "no zombie: nsinit reaped the 3 orphans (3 'reaped' events below), sleep still runs"

note "SIGTERM to nsinit's relay, the pid the caller has (host pid $outer):"
say kill -TERM "$outer"
kill -s TERM "$outer"
finish
exec 8>&-
events "$tmp/2.events"
printf '      exit status %s\n' "$rc"
[ "$rc" -eq 143 ] || { show "$tmp/2.err"; fail "nsinit exited $rc, expected 143"; }
[ -n "$(evline "$tmp/2.events" forwarded signal=SIGTERM pid=2)" ] ||
	fail "no event forwarded signal=SIGTERM pid=2"
[ -n "$(evline "$tmp/2.events" command_exited pid=2 name=sleep signal=SIGTERM)" ] ||
	fail "no event command_exited pid=2 name=sleep signal=SIGTERM"
ok "nsinit passed SIGTERM to sleep, which died of it; nsinit exits 143 = 128+15"

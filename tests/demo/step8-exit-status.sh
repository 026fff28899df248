# Step 8: the exit status passes through; death by signal N gives 128+N.
# shellcheck shell=sh disable=SC2154,SC2016 # globals of demo.sh and lib.sh; the inner scripts are expanded inside

step "8. The command's exit status passes through; death by signal N gives 128+N."
# status WANT: show the last run's exit status and stderr; fail unless WANT.
status() {
	printf '      exit status %s\n' "$rc"
	[ ! -s "$tmp/8.err" ] || show "$tmp/8.err"
	[ "$rc" -eq "$1" ] || fail "nsinit exited $rc, expected $1"
}
run "$tmp/8.out" "$tmp/8.err" "$NSINIT" -- sh -c 'exit 3'
status 3
ok "exit 3 gives 3"
run "$tmp/8.out" "$tmp/8.err" "$NSINIT" -- sh -c 'kill -TERM $$'
status 143
ok "death by SIGTERM (15) gives 143 = 128+15"

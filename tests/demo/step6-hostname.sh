# Step 6: --uts=NAME gives the command a hostname of its own.
# shellcheck shell=sh disable=SC2154,SC2086 # globals of demo.sh and lib.sh; $as_root is empty or one option

step "6. --uts=NAME gives the command a hostname of its own; the host's stays."
before=$(hostname)
name=nsinit-demo
[ "$before" != "$name" ] || name=nsinit-demo-2
printf '   %s$ hostname%s\n' "$D" "$N"
printf '      %s\n' "$before"
run "$tmp/6.out" "$tmp/6.err" "$NSINIT" $as_root --uts="$name" -- sh -c 'hostname; hostname renamed-inside; hostname'
show "$tmp/6.out"
ran_ok "$tmp/6.err"
after=$(hostname)
printf '   %s$ hostname%s\n' "$D" "$N"
printf '      %s\n' "$after"
[ "$(sed -n 1p "$tmp/6.out")" = "$name" ] || fail "inside, hostname is not $name"
ok "inside, the hostname is $name, as --uts set it"
[ "$(sed -n 2p "$tmp/6.out")" = renamed-inside ] || fail "the command could not rename its host"
[ "$before" = "$after" ] || fail "the host's name changed from $before to $after"
ok "the rename inside (to renamed-inside) did not reach the host: its name is still $after"


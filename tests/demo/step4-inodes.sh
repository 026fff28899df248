# Step 4: namespace inode numbers, outside and inside.
# shellcheck shell=sh disable=SC2154 # globals of demo.sh and lib.sh

kinds='cgroup ipc mnt net pid time user uts'
step "4. Namespace inode numbers: readlink /proc/PID/ns/* outside and inside."
note "Two processes are in the same namespace exactly when these links are equal. nsinit"
note "always makes a new pid and mnt namespace; --uts, --ipc and --net ask for three more."
[ "$root" = yes ] || note "Not being root, nsinit also makes a user namespace."
note "A number names a namespace only while it exists: once its last process has exited"
note "(and nothing holds it open) it is freed, and the kernel may give the same number to"
note "the next new namespace. So a number seen in one step may show up again in another."
for k in $kinds; do
	printf '%s %s\n' "$k" "$(readlink "/proc/$$/ns/$k")"
done >"$tmp/4.outside"
# shellcheck disable=SC2016 # the inner script is expanded inside
run "$tmp/4.out" "$tmp/4.err" "$NSINIT" --uts --ipc --net --events="$tmp/4.events" -- \
	sh -c 'for k in '"$kinds"'; do echo "$k $(readlink /proc/$$/ns/$k)"; done'
ran_ok "$tmp/4.err"
printf '      %-7s %-20s %-20s\n' '' 'outside (the demo)' 'inside (the command)'
for k in $kinds; do
	o=$(sed -n "s/^$k //p" "$tmp/4.outside")
	i=$(sed -n "s/^$k //p" "$tmp/4.out")
	case $o in "$k:["*"]") ;; *) fail "cannot read the demo's own /proc/$$/ns/$k" ;; esac
	case $i in "$k:["*"]") ;; *) fail "the command did not print its $k namespace" ;; esac
	if [ "$o" = "$i" ]; then what=shared; else what=new; fi
	printf '      %-7s %-20s %-20s %s\n' "$k" "$o" "$i" "$what"
	eval "what_$k=\$what"
done
events "$tmp/4.events"
new='pid mnt uts ipc net' shared='cgroup time user'
[ "$root" = yes ] || new="$new user" shared='cgroup time'
for k in $new; do
	eval "[ \"\$what_$k\" = new ]" || fail "the $k namespace inside is the demo's own"
done
ok "$(echo "$new" | sed 's/ /, /g; s/, \([a-z]*\)$/ and \1/') differ: the command has namespaces of its own"
for k in $shared; do
	eval "[ \"\$what_$k\" = shared ]" || fail "the $k namespace changed, though not asked for"
done
ok "$(echo "$shared" | sed 's/ /, /g; s/, \([a-z]*\)$/ and \1/') are shared with the demo: nsinit was not asked for them"
while read -r k link; do
	ino=${link#*[} ino=${ino%]}
	[ -n "$(evline "$tmp/4.events" namespace "${k}_ns=$ino")" ] ||
		fail "the namespace event does not say ${k}_ns=$ino"
done <"$tmp/4.out"
ok "the namespace event reports the same 8 inode numbers as the command saw"

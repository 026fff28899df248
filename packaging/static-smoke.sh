#!/bin/sh
# Runs the static binary as PID 1 in a chroot that holds nothing but it and
# a static busybox (make static-smoke). Fails unless `ps` there shows nsinit
# as PID 1, the command's output comes through, and PID 1's maps show it
# loaded at a different address each run with its RELRO page read-only.
#
#   sh packaging/static-smoke.sh BINARY BUSYBOX ROOT
#
# ROOT (made, and removed afterwards) holds bin/busybox (plus its applet
# links), /nsinit and an empty proc/. It is bind-mounted onto itself so
# that / is a mount point inside the chroot: nsinit makes mount propagation
# private from / before mounting a fresh /proc in its new mount namespace,
# and refuses (rightly) when / is not a mount. The bind mount is undone on
# every exit path; a leftover from an interrupted run is undone first, and
# nothing is removed while still mounted.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 BINARY BUSYBOX ROOT" >&2; exit 2; }
bin=$1
busybox=$2
mkdir -p "$3"
root=$(cd "$3" && pwd)

mounts() {
	findmnt -rn -o TARGET | awk -v r="$root" '$0 == r || index($0, r "/") == 1'
}
unmount() {
	for i in 1 2 3; do
		[ -n "$(mounts)" ] || return 0
		for m in $(mounts | sort -r); do umount "$m" 2>/dev/null || true; done
	done
	echo "static-smoke: cannot unmount: $(mounts | tr '\n' ' ')" >&2
	return 1
}

unmount
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/proc"
cp "$busybox" "$root/bin/busybox"
chroot "$root" /bin/busybox --install -s
cp "$bin" "$root/nsinit"
trap 'unmount' EXIT
trap 'exit 130' INT TERM HUP
mount --bind "$root" "$root"

echo "chroot $root /nsinit -- /bin/sh -c 'ps; echo ok'"
rc=0
out=$(timeout 30 chroot "$root" /nsinit -- /bin/sh -c 'ps; echo ok' 2>&1) || rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
[ $rc -eq 0 ] || { echo "static-smoke: exit status $rc" >&2; exit 1; }
printf '%s\n' "$out" | awk '$1 == "1" && /nsinit/ { f = 1 } END { exit !f }' ||
	{ echo "static-smoke: ps does not show nsinit as PID 1" >&2; exit 1; }
[ "$(printf '%s\n' "$out" | tail -n 1)" = ok ] ||
	{ echo "static-smoke: the command's output did not come through" >&2; exit 1; }

relro=$(readelf -lW "$bin" | awk '$1 == "GNU_RELRO" { print $3 }')
pagesz=$(getconf PAGESIZE)
prev=
for run in 1 2; do
	maps=$(timeout 30 chroot "$root" /nsinit -- /bin/cat /proc/1/maps 2>&1) ||
		{ echo "static-smoke: cannot read PID 1's maps: $maps" >&2; exit 1; }
	base=$(printf '%s\n' "$maps" | awk '$6 ~ /\/nsinit$/ && $3 == "00000000" { sub(/-.*/, "", $1); print $1; exit }')
	[ -n "$base" ] || { echo "static-smoke: /nsinit not in PID 1's maps: $maps" >&2; exit 1; }
	want=$((0x$base + (relro & ~(pagesz - 1))))
	perms=$(printf '%s\n' "$maps" | while read -r range perms rest; do
		lo=${range%-*}
		hi=${range#*-}
		if [ $((0x$lo)) -le $want ] && [ $want -lt $((0x$hi)) ]; then echo "$perms"; break; fi
	done)
	echo "static-smoke: run $run: PID 1 loaded at 0x$base; its RELRO page is $perms"
	[ "$perms" = r--p ] || { echo "static-smoke: the RELRO page is not read-only at run time" >&2; exit 1; }
	[ "$base" != "$prev" ] || { echo "static-smoke: loaded at the same address twice: no ASLR" >&2; exit 1; }
	prev=$base
done
unmount
trap - EXIT
rm -rf "$root"
echo "static-smoke: ok"

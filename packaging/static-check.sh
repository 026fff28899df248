#!/bin/sh
# Fails unless the static binary is what a libc-less root can run, hardened
# as promised (make static runs it; packaging/static.mk passes what it
# knows). readelf reads any architecture's ELF; size and nm are the
# target's. Each check names what it found.
#   - `file` says static-pie; ELF type DYN (position-independent, so the
#     kernel picks a random base); no program interpreter; no NEEDED entry
#     (the dynamic section of a static-pie only drives rcrt1.o's relocation)
#   - full RELRO: a GNU_RELRO segment and BIND_NOW
#   - no segment both writable and executable, the stack included
#   - code apart from data: the executable segment holds neither the ELF
#     headers (offset 0) nor .rodata
#   - stack protector: __stack_chk_fail is linked in
#   - nsinit's sources saw libcap's <sys/capability.h>, not glibc's
#   - the stripped size and the segments' code and data are within budget
#
# The environment names everything:
#   STATIC_BIN         the stripped binary
#   STATIC_UNSTRIPPED  the same, unstripped (for nm and size)
#   STATIC_NM, STATIC_SIZE
#                      the target's nm and size
#   STATIC_CC          the target's compiler driver with the flags nsinit's
#                      sources are compiled with (the include path)
#   STATIC_LIBCAP      where libcap for musl was installed
#   STATIC_MAX_LOAD    the budget of the segments' code and data, in bytes
#   STATIC_MAX_SIZE    the file's limit; empty: STATIC_MAX_LOAD plus the
#                      alignment padding between the segments
#   STATIC_ARCH        the architecture's Debian name, for the size line
set -eu
: "${STATIC_BIN:?}" "${STATIC_UNSTRIPPED:?}" "${STATIC_NM:?}" "${STATIC_SIZE:?}" "${STATIC_CC:?}"
: "${STATIC_LIBCAP:?}" "${STATIC_MAX_LOAD:?}" "${STATIC_ARCH:?}"
STATIC_MAX_SIZE=${STATIC_MAX_SIZE:-}

f=$STATIC_BIN
u=$STATIC_UNSTRIPPED
fail() {
	echo "static-check: $f: $*" >&2
	exit 1
}

desc=$(file -b "$f")
echo "file: $desc"
case "$desc" in *"static-pie linked"*) ;; *) fail "file does not say static-pie linked";; esac
type=$(readelf -hW "$f" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')
[ "$type" = DYN ] || fail "ELF type is $type, not DYN (not position-independent)"
phdrs=$(readelf -lW "$f")
if printf '%s\n' "$phdrs" | grep -q INTERP; then fail "has a program interpreter"; fi
dyn=$(readelf -dW "$f")
if printf '%s\n' "$dyn" | grep -q NEEDED; then
	fail "needs shared libraries: $(printf '%s\n' "$dyn" | grep NEEDED)"
fi
printf '%s\n' "$phdrs" | grep -q GNU_RELRO || fail "no GNU_RELRO segment"
printf '%s\n' "$dyn" | grep -Eq 'BIND_NOW|FLAGS_1.* NOW' || fail "not linked with -z now (no BIND_NOW)"
wx=$(printf '%s\n' "$phdrs" | awk '/^ +[A-Z_]+ +0x/ { n = split($0, w, " "); f = "";
	for (i = 7; i < n; i++) f = f w[i]; if (f ~ /W/ && f ~ /E/) print }')
[ -z "$wx" ] || fail "segment both writable and executable: $wx"
printf '%s\n' "$phdrs" | grep -q 'GNU_STACK.* RW ' || fail "the stack is not RW only"
code=$(printf '%s\n' "$phdrs" | awk '$1 == "LOAD" && $0 ~ / R E / { print $2; exit }')
[ -n "$code" ] && [ "$code" != 0x000000 ] ||
	fail "the code segment starts at offset 0 (holds the ELF headers): linked with -z noseparate-code?"
codeidx=$(printf '%s\n' "$phdrs" | awk '/^ +[A-Z_]+ +0x/ { i++ } $1 == "LOAD" && / R E / { printf "%02d", i - 1; exit }')
if printf '%s\n' "$phdrs" | grep -E "^ +$codeidx " | grep -q '\.rodata'; then fail "the code segment holds .rodata"; fi
$STATIC_NM "$u" | grep -q ' __stack_chk_fail$' || fail "no __stack_chk_fail: built without a stack protector?"
echo "elf: $type, $(printf '%s\n' "$phdrs" | awk '$1 == "LOAD" { n = split($0, w, " "); fl = w[7];
	for (i = 8; i < n; i++) fl = fl " " w[i]; f = f sep fl; sep = ", " }
	END { printf "LOAD segments %s", f }'), GNU_RELRO, BIND_NOW, no INTERP, no NEEDED, stack protector"

hdr=$(echo '#include <sys/capability.h>' | $STATIC_CC -H -E -o /dev/null -x c - 2>&1 | sed -n 's/^\. //p')
libcap_abs=$(cd "$STATIC_LIBCAP" && pwd)
case "$hdr" in "$libcap_abs"/*|"$STATIC_LIBCAP"/*) ;;
	*) fail "<sys/capability.h> resolves to '$hdr', not libcap's for musl";; esac

size=$(stat -c %s "$f")
maxsize=$STATIC_MAX_SIZE
if [ -z "$maxsize" ]; then
	align=0
	n=0
	for al in $(printf '%s\n' "$phdrs" | awk '$1 == "LOAD" { print $NF }'); do
		n=$((n + 1))
		[ $((al)) -le $align ] || align=$((al))
	done
	maxsize=$((STATIC_MAX_LOAD + (n - 1) * align))
fi
echo "size: $size bytes stripped (limit $maxsize), $(stat -c %s "$u") unstripped, $STATIC_ARCH"
$STATIC_SIZE -A "$u" | awk '/^\./ && $2 > 0 && $3 > 0 { printf "  %-14s %6d\n", $1, $2 }'
[ "$size" -le "$maxsize" ] || fail "$size bytes, over $maxsize"
load=0
for z in $(printf '%s\n' "$phdrs" | awk '$1 == "LOAD" { print $5 }'); do
	load=$((load + z))
done
echo "segments: $load bytes of code and data (limit $STATIC_MAX_LOAD)"
[ "$load" -le "$STATIC_MAX_LOAD" ] || fail "the segments hold $load bytes, over $STATIC_MAX_LOAD"

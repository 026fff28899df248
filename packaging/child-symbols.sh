#!/bin/sh
# The command's child shares PID 1's memory until its execve (clone3 with
# CLONE_VM, spawn/command.c), while PID 1's loop goes on. Its code is right
# only while it touches nothing the two share: errno, malloc's heap, stdio,
# libc's locks. This fails unless every symbol the child's object refers to
# is defined in the objects checked with it or is on the allowlist below.
#
#   sh packaging/child-symbols.sh [--sanitized] NM OBJECT...
#
# OBJECT: spawn/child.o first, then the nsinit helpers it calls that are
# checked with it (every reference of theirs too: nm sees objects, not
# functions). NM: the nm of the objects' architecture. --sanitized: the
# objects were built with -fsanitize=..., whose run-time calls are allowed
# (the sanitizers refuse clone3 with CLONE_VM: lib/rawsys.c forks there).
#
# The allowlist, and why each is safe in memory shared with PID 1:
#   raw_syscall, raw_mmap_anon
#       lib/rawsys.c: the system call itself, returning -errno and never
#       touching errno. Not checked here: where an architecture has no
#       entry of its own it wraps libc's syscall(2), which sets errno, and
#       there the child is a fork (raw_clone_vm says ENOSYS).
#   link_hello
#       spawn/link.c: fills the message on the caller's stack (memset).
#   memcpy memmove memset memcmp strlen strnlen strchr strrchr strcspn
#   strspn strcmp strncmp, and their _FORTIFY_SOURCE __*_chk forms
#       pure: they read their arguments and write only the buffer given;
#       no errno, no lock, no allocation. gcc emits memcpy and memset
#       itself for struct copies and initialisers.
#   __stack_chk_fail, __stack_chk_fail_local, __stack_chk_guard
#       the stack protector: the canary is written once, before main; the
#       failure ends a child whose stack is smashed.
#   __aeabi_uldivmod __aeabi_ldivmod __aeabi_uidivmod __aeabi_idivmod
#   __aeabi_uidiv __aeabi_idiv __aeabi_llsr __aeabi_llsl __aeabi_lasr
#   __udivmoddi4 __divmoddi4 __udivdi3 __umoddi3 __divdi3 __moddi3
#       libgcc's integer arithmetic where the machine has no instruction
#       for it (64-bit division on armhf, armel and i386, 64-bit shifts on
#       armel's Thumb-1): functions of their arguments only.
#   _GLOBAL_OFFSET_TABLE_, .TOC., __gnu_local_gp
#       the linker's own symbols for position-independent code (i386,
#       ppc64el, mips64el): no code, no state.
# Not allowed, for instance: getenv (environ is PID 1's), strerror and
# anything else that sets or reads errno, malloc, printf and the rest of stdio,
# die or warn (lib/msg.c: errno and stdio's stderr), libc's system call
# wrappers (errno), setuid and friends (they signal every thread).
set -eu

sanitized=
if [ "${1:-}" = --sanitized ]; then
	sanitized=1
	shift
fi
[ $# -ge 2 ] || { echo "usage: $0 [--sanitized] NM OBJECT..." >&2; exit 2; }
nm=$1
shift

pure='memcpy memmove memset memcmp strlen strnlen strchr strrchr strcspn strspn strcmp strncmp'
allowed=" raw_syscall raw_mmap_anon link_hello $pure __stack_chk_fail __stack_chk_fail_local"
allowed="$allowed __stack_chk_guard _GLOBAL_OFFSET_TABLE_ .TOC. __gnu_local_gp"
allowed="$allowed __aeabi_uldivmod __aeabi_ldivmod __aeabi_uidivmod __aeabi_idivmod __aeabi_uidiv"
allowed="$allowed __aeabi_idiv __aeabi_llsr __aeabi_llsl __aeabi_lasr __udivmoddi4 __divmoddi4"
allowed="$allowed __udivdi3 __umoddi3 __divdi3 __moddi3 "
for f in $pure; do
	allowed="${allowed}__${f}_chk "
done

for o in "$@"; do
	[ -r "$o" ] || { echo "child-symbols: $o: no such object" >&2; exit 2; }
done
# What the objects define themselves (nm exits non-zero on an object it
# cannot read, an LTO object without its plugin say: that fails too).
defined=" $(for o in "$@"; do "$nm" --defined-only -g "$o" | awk 'NF >= 3 { print $NF }'; done | tr '\n' ' ') "

bad=
for o in "$@"; do
	syms=$("$nm" -u "$o" | awk '{ print $NF }')
	for s in $syms; do
		case "$allowed$defined" in *" $s "*) continue;; esac
		if [ -n "$sanitized" ]; then
			case "$s" in __asan_*|__ubsan_*|__sanitizer_*|__lsan_*|__msan_*|__tsan_*) continue;; esac
		fi
		bad="$bad
  $o: $s"
	done
done
if [ -n "$bad" ]; then
	echo "child-symbols: the command's child (which shares PID 1's memory) refers to what is not allowed:$bad" >&2
	echo "child-symbols: use a raw system call (lib/rawsys.h), or see packaging/child-symbols.sh" >&2
	exit 1
fi
echo "child-symbols: $* refer to nothing outside the allowlist"

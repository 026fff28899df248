/* System calls for the command's child, which shares PID 1's memory until
 * its execve (clone3 with CLONE_VM, as posix_spawn does, but without
 * CLONE_VFORK, so that PID 1 goes on meanwhile). errno lives in memory the
 * two share, so these return -errno and never touch it. */
#ifndef NSINIT_RAWSYS_H
#define NSINIT_RAWSYS_H

#include <stddef.h>
#include <stdint.h>

/* The start of the kernel's struct clone_args (<linux/sched.h>): version 0,
 * 64 bytes, the size every kernel with clone3 takes, whatever the build
 * machine's headers add. For clone3 here (lib/rawsys.c) and in lib/sys.c. */
struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* syscall(2) without errno: the result, or -errno. */
long raw_syscall(long n, long a, long b, long c, long d, long e, long f);

/* RAW(SYS_x, args...): up to six arguments, the rest 0. */
#define RAW(...) raw_syscall_args(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define raw_syscall_args(n, a, b, c, d, e, f, ...)                                    \
	raw_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* An anonymous, private, read-write mapping of size bytes: its address, or
 * -errno (an address may be negative as a long on 32-bit architectures:
 * only -4095..-1 is an error). */
long raw_mmap_anon(size_t size);

/* clone3 with CLONE_VM and SIGCHLD onto [stack, stack + size): the child
 * runs fn(arg), which must not return, on that stack, in our memory. Returns
 * the child's pid, or -errno: -ENOSYS where clone3 is refused (seccomp,
 * valgrind, a kernel before 5.3), where the sanitizers would lose track of
 * the stack, or on an architecture without the entry written here. */
long raw_clone_vm(void *stack, size_t size, void (*fn)(void *), void *arg);

#endif

/* The system call entry, by architecture: x86_64 and aarch64 here; other
 * architectures go through libc's syscall(2). Only x86_64 has the clone3
 * entry that lets the child share memory; elsewhere raw_clone_vm says
 * ENOSYS and the caller forks. */
#include "lib/rawsys.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_VM
#define CLONE_VM 0x00000100
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RAW_NO_CLONE_VM 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RAW_NO_CLONE_VM 1
#endif
#endif

#if defined(__x86_64__)

long raw_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* The child starts on the new stack (16-byte aligned at its top) with every
 * register as the parent had it but rax (0): r12 and r13 carry fn and arg.
 * fn must not return; hlt faults if it does. */
__attribute__((unused)) static long clone_entry(struct clone_args_v0 *args, void (*fn)(void *), void *arg)
{
	register void (*r12)(void *) __asm__("r12") = fn;
	register void *r13 __asm__("r13") = arg;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "a"((long)SYS_clone3), "D"(args), "S"(sizeof(*args)), "r"(r12), "r"(r13)
			 : "rcx", "r11", "memory");
	return ret;
}

#elif defined(__aarch64__)

long raw_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

/* No clone3 entry here yet: qemu-user, where CI runs the arm64 build, has
 * no clone3 to try one on, and an entry never run is not shipped. arm64
 * forks (raw_clone_vm says ENOSYS); its raw system calls above do run
 * there, in the forked child. */
#define RAW_NO_CLONE_VM 1

#else

#define RAW_NO_CLONE_VM 1

long raw_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(n, a, b, c, d, e, f);

	/* -1 only: an address above 2 GiB (mmap on a 32-bit architecture) is
	 * negative as a long and is no error. */
	return r == -1 ? -errno : r;
}

#endif

/* mmap2 where the architecture has it (the 32-bit ones, whose SYS_mmap, if
 * any, is old_mmap: one pointer to the six arguments). s390x has only
 * old_mmap: musl's syscall(2) builds its block of six itself, glibc's passes
 * the registers as they are. The other 64-bit architectures take the six in
 * registers. */
long raw_mmap_anon(size_t size)
{
#if defined(SYS_mmap2)
	return RAW(SYS_mmap2, NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#elif defined(__s390x__) && defined(__GLIBC__)
	unsigned long args[6] = { 0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  (unsigned long)-1, 0 };

	return RAW(SYS_mmap, args);
#else
	return RAW(SYS_mmap, NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#endif
}

long raw_clone_vm(void *stack, size_t size, void (*fn)(void *), void *arg)
{
#ifdef RAW_NO_CLONE_VM
	(void)stack;
	(void)size;
	(void)fn;
	(void)arg;
	return -ENOSYS;
#else
	struct clone_args_v0 args = {
		.flags = CLONE_VM,
		.exit_signal = SIGCHLD,
		.stack = (uint64_t)(uintptr_t)stack,
		.stack_size = size,
	};

	return clone_entry(&args, fn, arg);
#endif
}

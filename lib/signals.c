/* Signal masks and the signalfd. nsinit never installs a handler: everything
 * it cares about arrives through one signalfd and is handled synchronously. */
#include "lib/signals.h"

#include "lib/msg.h"
#include "lib/sys.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Signals raised synchronously by a fault in nsinit itself. Blocking them
 * would make the kernel kill nsinit silently instead of dumping core. */
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT };

/* Every signal but the fault signals, as the kernel counts them. Not
 * sigfillset(): glibc leaves out 32 and 33, musl 32 to 34, the signals each
 * keeps for its threads; sigprocmask() would filter them out too. nsinit is
 * single-threaded, so it blocks all 64 with the raw system call: in the
 * static build a `kill -34` (SIGRTMIN to kill(1) and glibc) would otherwise
 * kill nsinit instead of reaching the command. */
static void handled_set(sigset_t *set)
{
	sigemptyset(set);
	memset(set, 0xff, KERNEL_SIGSET_BYTES);
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
		sigdelset(set, fault_signals[i]);
}

void signals_take_over(sigset_t *original)
{
	sigset_t set;

	handled_set(&set);
	sigemptyset(original);
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, original, KERNEL_SIGSET_BYTES) < 0)
		die_errno("cannot block signals");
	/* Dispositions survive execve only as SIG_DFL or SIG_IGN, so SIGCHLD is
	 * either already default or ignored; either way default is right. */
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR)
		die_errno("cannot reset SIGCHLD to its default action");
}

static int open_fd(int flags)
{
	sigset_t set;
	int fd;

	handled_set(&set);
	/* The raw call, for the same reason: the wrappers may filter the set. */
	fd = (int)syscall(SYS_signalfd4, -1, &set, KERNEL_SIGSET_BYTES, SFD_CLOEXEC | flags);
	if (fd < 0)
		die_errno("cannot create a signalfd");
	return fd;
}

int signals_open_fd(void)
{
	return open_fd(SFD_NONBLOCK);
}

int signals_open_blocking_fd(void)
{
	return open_fd(0);
}

void signals_read_once(int sigfd, void (*handle)(void *ctx, const struct signalfd_siginfo *si),
		       void *ctx)
{
	static struct signalfd_siginfo si[16]; /* static: see signals_drain */
	ssize_t n = sys_read(sigfd, si, sizeof(si));

	if (n < 0)
		warn_errno("cannot read signals");
	for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
		handle(ctx, &si[i]);
}

void signals_drain(int sigfd, void (*handle)(void *ctx, const struct signalfd_siginfo *si),
		   void *ctx)
{
	/* Static: nsinit is single-threaded, and a small stack (ulimit -s)
	 * must not cost the relay or PID 1 a crash. */
	static struct signalfd_siginfo si[16];
	ssize_t n;

	/* A short read means the queue is empty: no second read to learn it. */
	do {
		n = sys_read(sigfd, si, sizeof(si));
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
			handle(ctx, &si[i]);
	} while (n == (ssize_t)sizeof(si));
	if (n < 0 && errno != EAGAIN)
		warn_errno("cannot read signals");
}

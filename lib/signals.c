/* Signal masks and the signalfd. nsinit never installs a handler: everything
 * it cares about arrives through one signalfd and is handled synchronously. */
#include "signals.h"

#include "msg.h"
#include "sys.h"

#include <errno.h>

#include <stddef.h>
#include <sys/signalfd.h>

/* Signals raised synchronously by a fault in nsinit itself. Blocking them
 * would make the kernel kill nsinit silently instead of dumping core. */
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT };

static void handled_set(sigset_t *set)
{
	sigfillset(set);
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
		sigdelset(set, fault_signals[i]);
}

void signals_take_over(sigset_t *original)
{
	sigset_t set;

	handled_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, original) < 0)
		die_errno("cannot block signals");
	/* Dispositions survive execve only as SIG_DFL or SIG_IGN, so SIGCHLD is
	 * either already default or ignored; either way default is right. */
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR)
		die_errno("cannot reset SIGCHLD to its default action");
}

int signals_open_fd(void)
{
	sigset_t set;
	int fd;

	handled_set(&set);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die_errno("cannot create a signalfd");
	return fd;
}

void signals_drain(int sigfd, void (*handle)(void *ctx, const struct signalfd_siginfo *si),
		   void *ctx)
{
	struct signalfd_siginfo si[16];
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

void signals_give_back(const sigset_t *original)
{
	if (sigprocmask(SIG_SETMASK, original, NULL) < 0)
		die_errno("cannot restore the signal mask");
}

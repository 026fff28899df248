/* Forwarding: every signal PID 1 receives, except SIGCHLD, goes on to the
 * command, but not the ones that already reached it. */
#include "pid1.h"

#include "msg.h"
#include "signame.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* A signal the kernel generated for a whole process group (a terminal's
 * Ctrl-C, Ctrl-\, Ctrl-Z, SIGWINCH, a hangup) arrives with SI_KERNEL. If the
 * command is in our process group it got the same signal: forwarding it would
 * deliver it twice. */
static bool already_delivered(const struct pid1 *p, const struct signalfd_siginfo *si)
{
	if (si->ssi_code != SI_KERNEL)
		return false;
	return getpgid(p->command) == getpgrp();
}

void forward_signal(struct pid1 *p, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;
	char name[SIGNAME_MAX];

	if (sig == SIGCHLD)
		return;
	/* Our own doing, such as SIGPIPE from writing to a closed stderr. */
	if ((pid_t)si->ssi_pid == getpid() && si->ssi_code == SI_USER)
		return;
	signame_format(sig, name, sizeof(name));
	if (!p->command) {
		note("ignored %s: the command has exited", name);
		return;
	}
	if (already_delivered(p, si))
		return;
	/* The command is our unreaped child, so its pid cannot have been reused. */
	if (kill(p->command, sig) < 0)
		warn_errno("cannot forward %s to %d", name, (int)p->command);
	else
		note("forwarded %s to %d", name, (int)p->command);
}

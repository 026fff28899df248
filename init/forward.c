/* Forwarding: every signal PID 1 receives, except SIGCHLD, goes on to the
 * command (or its process group), after -r rewrites, except the ones that
 * already reached it. */
#include "pid1.h"

#include "clock.h"
#include "events.h"
#include "msg.h"
#include "signame.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* The signals that mean "stop": what runtimes and service managers send
 * (docker/podman stop, systemctl stop, Ctrl-C, a STOPSIGNAL of QUIT). */
static bool is_stop_signal(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT;
}

/* Send sig to the target: the command, its process group, or, once the
 * command is gone and --wait-all keeps PID 1 for what it left, everything. */
static void deliver(struct pid1 *p, int sig, const char *name)
{
	int r;

	if (!p->command) {
		if (!p->opts->wait_all || p->sd.begun) {
			note("ignored %s: the command has exited", name);
			return;
		}
		note("forwarded %s to every process left", name);
		shutdown_signal_all(p, sig);
		return;
	}
	/* The command is our unreaped child, so its pid cannot have been reused;
	 * in group mode it leads its own process group (command.c). */
	r = -1;
	if (p->opts->target == TARGET_GROUP)
		r = kill(-p->command, sig);
	/* ESRCH in group mode: the command left the group it led (setpgid or
	 * setsid of its own); it still gets the signal. */
	if (r < 0)
		r = kill(p->command, sig);
	if (r < 0 && errno != ESRCH) {
		warn_errno("cannot forward %s to %d", name, (int)p->command);
		return;
	}
	note("forwarded %s to %s%d", name, p->opts->target == TARGET_GROUP ? "group " : "",
	     (int)p->command);
	event_forwarded(name, p->command, "pid1");
}

void forward_signal(struct pid1 *p, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo, to;
	char name[SIGNAME_MAX];

	if (sig == SIGCHLD)
		return;
	/* A terminal's signals (Ctrl-C, Ctrl-Z, SIGWINCH, hangup) and the
	 * kernel's SIGHUP to an orphaned process group come with SI_KERNEL and
	 * went to a whole process group: the command's own, if it is in the
	 * foreground, or ours, which the command shares unless it has a group
	 * of its own. Either way forwarding would deliver it twice or deliver
	 * what nsinit's own process group caused (dumb-init's spurious SIGHUP). */
	if (si->ssi_code == SI_KERNEL)
		return;
	/* Our own doing, such as SIGPIPE from writing to a closed stderr. */
	if (si->ssi_code == SI_USER && (pid_t)si->ssi_pid == p->self)
		return;
	if (is_stop_signal(sig) && !p->stop_us)
		p->stop_us = clock_now_us();
	to = p->opts->rewrite[sig];
	if (to == 0) {
		note("dropped %s", signame_format(sig, name, sizeof(name)));
		return;
	}
	deliver(p, to, signame_format(to, name, sizeof(name)));
}

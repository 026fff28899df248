/* Forwarding: what PID 1 does with a signal it receives. What the signal
 * means is decided once, by sigpolicy_decide(), which the relay calls too;
 * this file only carries the decision out. */
#include "init/pid1.h"

#include "lib/clock.h"
#include "lib/events.h"
#include "lib/msg.h"
#include "lib/signame.h"
#include "spawn/terminal.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Send sig to the command, or its process group (-g). The command is our
 * unreaped child, so its pid cannot have been reused; it leads its own
 * process group (command.c). */
static void to_command(struct pid1 *p, int sig, const char *name)
{
	int r = -1;

	/* SIGCONT goes to the whole group in every mode: a terminal's Ctrl-Z
	 * stopped all of it (a script and its sleep), and fg must wake all
	 * of it, or the script waits for ever on a child still stopped. */
	if (p->opts->target == TARGET_GROUP || sig == SIGCONT)
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

/* The command is gone. With --wait-all, PID 1 stays for what it left, and
 * passes signals on to all of it; otherwise there is nobody to tell. */
static void to_what_is_left(struct pid1 *p, int sig, const char *name)
{
	if (!p->opts->wait_all || p->sd.begun) {
		note("ignored %s: the command has exited", name);
		return;
	}
	note("forwarded %s to every process left", name);
	shutdown_signal_all(p, sig);
}

void pid1_stop_requested(struct pid1 *p, int sig)
{
	if (p->stop_us)
		return;
	p->stop_us = clock_now_us();
	p->stop_sig = sig;
	/* Once the command is gone, the stop itself goes to all that is left. */
	p->stop_spread = !p->command;
}

void forward_stop(struct pid1 *p, int sig)
{
	char name[SIGNAME_MAX];

	signame_format(sig, name, sizeof(name));
	/* --stop-delay: the first stop waits (a load balancer stops sending
	 * traffic meanwhile); a second one means the caller will not wait, and
	 * passes on at once, in place of the first. */
	if (p->opts->stop_delay_us && p->command && !p->held_sig) {
		p->held_sig = sig;
		p->held_until_us = clock_now_us() + p->opts->stop_delay_us;
		note("holding %s for --stop-delay", name);
		if (events_fd() >= 0) {
			struct event e;

			event_begin(&e, "stop_held");
			event_str(&e, "signal", name);
			event_int(&e, "ms", (long long)(p->opts->stop_delay_us / 1000));
			event_end(&e);
		}
		return;
	}
	if (p->held_sig) {
		note("a second stop signal: passing %s on now", name);
		p->held_sig = 0;
	}
	pid1_stop_requested(p, sig);
	forward_send(p, sig);
}

void forward_held(struct pid1 *p)
{
	int sig = p->held_sig;

	if (!sig || clock_now_us() < p->held_until_us)
		return;
	p->held_sig = 0;
	pid1_stop_requested(p, sig);
	forward_send(p, sig);
}

void forward_send(struct pid1 *p, int sig)
{
	char name[SIGNAME_MAX];

	signame_format(sig, name, sizeof(name));
	if (!p->command) {
		to_what_is_left(p, sig, name);
		return;
	}
	/* fg: the shell made our group the terminal's foreground again before
	 * it sent SIGCONT; the command must have it back before it runs on, or
	 * its next read of the terminal stops it with SIGTTIN. (With a relay,
	 * the relay does this: only it sees the caller's process groups.) */
	if (sig == SIGCONT && p->relay_sock < 0)
		terminal_give_to(p->command, p->opts->tty_foreground);
	to_command(p, sig, name);
}

void forward_signal(struct pid1 *p, const struct signalfd_siginfo *si)
{
	const struct sig_view view = { .relay = false, .has_relay = p->relay_sock >= 0,
				       .self = p->self };
	struct sig_decision d = sigpolicy_decide(&p->opts->rules, &view, (int)si->ssi_signo,
						 si->ssi_code, (pid_t)si->ssi_pid);
	char name[SIGNAME_MAX];

	switch (d.verdict) {
	case SIG_CHILD:
	case SIG_OURS:
	case SIG_ECHO:
		return;
	case SIG_DROPPED:
		note("dropped %s", signame_format((int)si->ssi_signo, name, sizeof(name)));
		return;
	case SIG_FORWARD:
		break;
	}
	if (d.stop)
		forward_stop(p, d.sig);
	else
		forward_send(p, d.sig);
}

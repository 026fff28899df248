/* PID 1's decisions, as one pure function (see lifecycle.h): the stop
 * signal's way (held for --stop-delay, forwarded, spread with --wait-all),
 * --stop-timeout, --timeout and its --grace, and the shutdown's two steps. */
#include "init/lifecycle.h"

#include <signal.h>

/* With -s, what SIGKILL missed (a process forked mid-walk, then reparented
 * to us without a SIGCHLD) is looked for again this often. */
#define REWALK_US 100000

struct lifecycle lifecycle_start(uint64_t timeout_at)
{
	struct lifecycle s = { .phase = PHASE_STARTING, .timeout_at = timeout_at };

	return s;
}

static bool shutting_down(const struct lifecycle *s)
{
	return s->phase == PHASE_GRACE || s->phase == PHASE_KILLED || s->phase == PHASE_DONE;
}

/* The earlier of two deadlines, 0 being none. */
static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/* When --stop-timeout runs out after a stop signal, or 0: none by default,
 * so that the caller's own stop timeout rules (podman stop -t, systemd's
 * TimeoutStopSec, Kubernetes' grace period). */
static uint64_t stop_deadline(const struct lifecycle_config *c, const struct lifecycle *s)
{
	return s->stop_at && c->stop_timeout_us ? s->stop_at + c->stop_timeout_us : 0;
}

/* --timeout: when it runs out, and once it has, when the grace after its
 * stop signal ends. It bounds the command, and with --wait-all the whole
 * tree, which outlives the command. */
static uint64_t timeout_deadline(const struct lifecycle_config *c, const struct lifecycle *s)
{
	if (!s->timeout_at || (s->command_gone && !c->wait_all))
		return 0;
	return s->timed_out ? s->timeout_at + c->grace_us : s->timeout_at;
}

/* sig goes to the command while it lives; once it is gone, with
 * --wait-all, to what it left; else to nobody. */
static void send(const struct lifecycle_config *c, const struct lifecycle *s, int sig,
		 struct lifecycle_actions *a)
{
	if (!s->command_gone) {
		a->what |= ACT_FORWARD;
		a->forward_sig = sig;
	} else if (c->wait_all && s->phase == PHASE_LEFTOVERS) {
		a->what |= ACT_SPREAD;
		a->spread_sig = sig;
	} else {
		a->what |= ACT_IGNORE;
		a->ignore_sig = sig;
	}
}

/* A stop signal went out as sig: note when, for --stop-timeout, and
 * whether it reached what the command left (with --wait-all, it must). */
static void stop_requested(struct lifecycle *s, int sig, uint64_t now, bool spread)
{
	if (s->stop_at)
		return;
	s->stop_at = now;
	s->stop_sig = sig;
	s->stop_spread = spread;
}

/* A stop signal: --stop-delay holds the first one (a load balancer stops
 * sending traffic meanwhile); a second one means the caller will not wait,
 * and passes on at once, in place of the first. */
static void stop(const struct lifecycle_config *c, struct lifecycle *s, int sig, uint64_t now,
		 struct lifecycle_actions *a)
{
	/* Held only before any stop has gone out: once the command is
	 * stopping, another stop is the caller's hurry. */
	if (c->stop_delay_us && !s->command_gone && !s->held_sig && !s->stop_at) {
		s->held_sig = sig;
		s->held_until = now + c->stop_delay_us;
		a->what |= ACT_HOLD;
		return;
	}
	if (s->held_sig)
		a->what |= ACT_SECOND_STOP;
	s->held_sig = 0;
	/* Once the command is gone, send() gives it to all that is left. */
	stop_requested(s, sig, now, s->command_gone);
	send(c, s, sig, a);
}

/* The kill-child signal to everything left; SIGKILL after --grace, unless
 * it was SIGKILL. */
static void shut_down(const struct lifecycle_config *c, struct lifecycle *s,
		      enum shutdown_reason why, uint64_t now, struct lifecycle_actions *a)
{
	if (shutting_down(s))
		return;
	s->phase = c->kill_is_sigkill ? PHASE_KILLED : PHASE_GRACE;
	s->grace_until = now + c->grace_us;
	s->reason = why;
	a->what |= ACT_SHUTDOWN;
	a->reason = why;
}

/* During the shutdown: SIGKILL once the grace is over (and again and again
 * without a namespace, for what a walk missed); done once nothing is left,
 * or, without a namespace, nothing of ours. */
static void tick_shutdown(const struct lifecycle_config *c, struct lifecycle *s,
			  const struct lifecycle_input *in, struct lifecycle_actions *a)
{
	if (s->phase == PHASE_GRACE && in->now >= s->grace_until) {
		s->phase = PHASE_KILLED;
		a->what |= ACT_KILL | ACT_GRACE_OVER;
	} else if (s->phase == PHASE_KILLED && !c->owns_namespace) {
		a->what |= ACT_KILL;
	}
	if (in->none_left || (!c->owns_namespace && in->out_of_reach)) {
		s->phase = PHASE_DONE;
		return;
	}
	if (s->phase == PHASE_GRACE)
		a->wake_at = s->grace_until;
	else if (!c->owns_namespace)
		a->wake_at = in->now + REWALK_US;
}

/* After every wakeup: the held stop, --timeout, --wait-all, --stop-timeout,
 * and the command's exit. */
static void tick(const struct lifecycle_config *c, struct lifecycle *s,
		 const struct lifecycle_input *in, struct lifecycle_actions *a)
{
	uint64_t now = in->now, limit;

	if (shutting_down(s)) {
		if (s->phase != PHASE_DONE)
			tick_shutdown(c, s, in, a);
		return;
	}
	if (s->held_sig && now >= s->held_until) {
		int sig = s->held_sig;

		s->held_sig = 0;
		stop_requested(s, sig, now, s->command_gone);
		send(c, s, sig, a);
	}
	limit = timeout_deadline(c, s);
	if (limit && now >= limit) {
		if (!s->timed_out) {
			/* The stop signal (TERM, or what -r makes of it). */
			s->timed_out = true;
			a->what |= ACT_TIMED_OUT;
			if (c->term_as) {
				send(c, s, c->term_as, a);
				if (a->what & (ACT_FORWARD | ACT_SPREAD))
					a->what |= ACT_CONT;
			}
		} else {
			shut_down(c, s, REASON_TIMEOUT, now, a);
		}
	}
	if (!shutting_down(s) && s->phase == PHASE_LEFTOVERS) {
		/* Without a namespace, the caller's own children (nsinit's
		 * before it ran the command) are reaped, never waited for. */
		if (in->none_left || (!c->owns_namespace && in->out_of_reach)) {
			s->phase = PHASE_DONE;
			return;
		}
		/* --timeout ran out: the stop went to what is left, which
		 * gets the kill-child signal once --grace is over. */
		if (!s->timed_out) {
			if (s->stop_at && !s->stop_spread) {
				s->stop_spread = true;
				a->what |= ACT_SPREAD;
				a->spread_sig = s->stop_sig;
			}
			if (stop_deadline(c, s) && now >= stop_deadline(c, s))
				shut_down(c, s, REASON_WAIT_ALL_TIMEOUT, now, a);
		}
	} else if (!shutting_down(s) && s->command_gone) {
		if (!s->timed_out && !s->stop_at && !in->none_left)
			a->what |= ACT_WARN_DAEMONS;
		shut_down(c, s,
			  s->not_started ? REASON_NOT_STARTED
			  : s->timed_out ? REASON_TIMEOUT
					 : REASON_COMMAND_EXITED,
			  now, a);
	} else if (!shutting_down(s) && stop_deadline(c, s) && now >= stop_deadline(c, s)) {
		shut_down(c, s, REASON_STOP_TIMEOUT, now, a);
	}
	if (shutting_down(s)) {
		if (in->none_left)
			s->phase = PHASE_DONE;
		else if (s->phase == PHASE_GRACE)
			a->wake_at = s->grace_until;
		else if (!c->owns_namespace)
			a->wake_at = now + REWALK_US;
		return;
	}
	a->wake_at = earliest(earliest(stop_deadline(c, s), timeout_deadline(c, s)),
			      s->held_sig ? s->held_until : 0);
}

struct lifecycle_actions lifecycle_decide(const struct lifecycle_config *c, struct lifecycle *s,
					  const struct lifecycle_input *in)
{
	struct lifecycle_actions a = { 0 };

	switch (in->kind) {
	case IN_STARTED:
		if (s->phase == PHASE_STARTING)
			s->phase = PHASE_RUNNING;
		break;
	case IN_NOT_STARTED:
		s->not_started = true;
		break;
	case IN_COMMAND_EXITED:
		s->command_gone = true;
		s->held_sig = 0;
		if (!shutting_down(s))
			s->phase = c->wait_all && !s->not_started ? PHASE_LEFTOVERS : PHASE_RUNNING;
		break;
	case IN_SIGNAL:
		if (in->stop)
			stop(c, s, in->sig, in->now, &a);
		else
			send(c, s, in->sig, &a);
		break;
	case IN_STOP_DELIVERED:
		/* The relay gave it to the command alone, which may have exited
		 * since: what it left still has to get it. */
		stop_requested(s, in->sig, in->now, false);
		break;
	case IN_RELAY_GONE:
		shut_down(c, s, REASON_RELAY_GONE, in->now, &a);
		break;
	case IN_TICK:
		tick(c, s, in, &a);
		break;
	}
	return a;
}

/* PID 1's decisions (init/lifecycle.c), as tables: each scenario is a list
 * of inputs at given times, each with the actions and the phase after it. */
#include "init/lifecycle.h"

#include <criterion/criterion.h>
#include <signal.h>

#define S 1000000ULL /* a second, in microseconds */

struct step {
	enum input_kind kind;
	uint64_t now;
	int sig;
	bool stop, none_left, out_of_reach;
	/* what must come out */
	unsigned what;
	int sig_out;            /* forward_sig, spread_sig or ignore_sig, per what */
	enum shutdown_reason reason;
	enum phase phase;
	uint64_t wake_at;       /* IN_TICK only; ~0: not checked */
};

struct scenario {
	const char *name;
	struct lifecycle_config cfg;
	uint64_t timeout_at;
	struct step steps[12];
};

#define NOCHECK (~0ULL)
#define TICK(t, none, what, ph, wake) { IN_TICK, t, 0, false, none, false, what, 0, 0, ph, wake }
#define END { .kind = (enum input_kind)-1 }

static const struct lifecycle_config plain = { .grace_us = 5 * S, .kill_is_sigkill = true,
					       .owns_namespace = true, .term_as = SIGTERM };
static const struct lifecycle_config graceful = { .grace_us = 5 * S, .owns_namespace = true,
						  .term_as = SIGTERM };

static const struct scenario scenarios[] = {
	{ "the command exits: kill-child (SIGKILL), done when none is left", plain, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		TICK(1, false, 0, PHASE_RUNNING, 0),
		{ IN_COMMAND_EXITED, 2, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_TICK, 2, 0, false, false, false, ACT_WARN_DAEMONS | ACT_SHUTDOWN, 0,
		  REASON_COMMAND_EXITED, PHASE_KILLED, 0 },
		TICK(3, true, 0, PHASE_DONE, NOCHECK),
		END } },
	{ "a stop is forwarded; the exit that follows warns of no daemons", plain, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_SIGNAL, 1, SIGTERM, true, false, false, ACT_FORWARD, SIGTERM, 0, PHASE_RUNNING, NOCHECK },
		{ IN_SIGNAL, 2, SIGTERM, true, false, false, ACT_FORWARD, SIGTERM, 0, PHASE_RUNNING, NOCHECK },
		/* No timer of nsinit's: the caller's stop timeout rules. */
		TICK(2, false, 0, PHASE_RUNNING, 0),
		{ IN_COMMAND_EXITED, 3, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_TICK, 3, 0, false, false, false, ACT_SHUTDOWN, 0, REASON_COMMAND_EXITED, PHASE_KILLED, 0 },
		TICK(4, true, 0, PHASE_DONE, NOCHECK),
		END } },
	{ "--stop-delay holds the first stop; the second passes at once", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .owns_namespace = true,
		.stop_delay_us = 10 * S, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_SIGNAL, 1 * S, SIGTERM, true, false, false, ACT_HOLD, 0, 0, PHASE_RUNNING, NOCHECK },
		TICK(2 * S, false, 0, PHASE_RUNNING, 11 * S),
		{ IN_SIGNAL, 3 * S, SIGINT, true, false, false, ACT_SECOND_STOP | ACT_FORWARD, SIGINT, 0,
		  PHASE_RUNNING, NOCHECK },
		TICK(11 * S, false, 0, PHASE_RUNNING, 0),
		END } },
	{ "--stop-delay: a stop after the held one went out passes at once", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .owns_namespace = true,
		.stop_delay_us = 2 * S, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_SIGNAL, 1 * S, SIGTERM, true, false, false, ACT_HOLD, 0, 0, PHASE_RUNNING, NOCHECK },
		TICK(3 * S, false, ACT_FORWARD, PHASE_RUNNING, 0),
		{ IN_SIGNAL, 4 * S, SIGTERM, true, false, false, ACT_FORWARD, SIGTERM, 0, PHASE_RUNNING,
		  NOCHECK },
		END } },
	{ "--stop-delay: the held stop goes out when the delay is over", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .owns_namespace = true,
		.stop_delay_us = 10 * S, .term_as = SIGTERM }, 0, {
		{ IN_SIGNAL, 1 * S, SIGTERM, true, false, false, ACT_HOLD, 0, 0, PHASE_STARTING, NOCHECK },
		TICK(11 * S, false, ACT_FORWARD, PHASE_STARTING, 0),
		END } },
	{ "--stop-timeout: the command outlives it after a stop", {
		.grace_us = 5 * S, .owns_namespace = true, .stop_timeout_us = 3 * S, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_SIGNAL, 1 * S, SIGTERM, true, false, false, ACT_FORWARD, SIGTERM, 0, PHASE_RUNNING, NOCHECK },
		TICK(2 * S, false, 0, PHASE_RUNNING, 4 * S),
		{ IN_TICK, 4 * S, 0, false, false, false, ACT_SHUTDOWN, 0, REASON_STOP_TIMEOUT, PHASE_GRACE, 9 * S },
		/* --grace, then SIGKILL */
		TICK(6 * S, false, 0, PHASE_GRACE, 9 * S),
		TICK(9 * S, false, ACT_KILL | ACT_GRACE_OVER, PHASE_KILLED, 0),
		TICK(10 * S, true, 0, PHASE_DONE, NOCHECK),
		END } },
	{ "a relay message's stop already delivered starts --stop-timeout", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .owns_namespace = true,
		.stop_timeout_us = 3 * S, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_STOP_DELIVERED, 1 * S, SIGTERM, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		TICK(2 * S, false, 0, PHASE_RUNNING, 4 * S),
		END } },
	{ "--timeout: the stop signal, then after --grace the kill-child signal; 124", graceful, 10 * S, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		TICK(1 * S, false, 0, PHASE_RUNNING, 10 * S),
		TICK(10 * S, false, ACT_TIMED_OUT | ACT_FORWARD | ACT_CONT, PHASE_RUNNING, 15 * S),
		{ IN_TICK, 15 * S, 0, false, false, false, ACT_SHUTDOWN, 0, REASON_TIMEOUT, PHASE_GRACE, 20 * S },
		END } },
	{ "--timeout: -r TERM:0 sends nothing, the kill-child signal still follows", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .owns_namespace = true }, 10 * S, {
		TICK(10 * S, false, ACT_TIMED_OUT, PHASE_STARTING, 15 * S),
		{ IN_TICK, 15 * S, 0, false, false, false, ACT_SHUTDOWN, 0, REASON_TIMEOUT, PHASE_KILLED, 0 },
		END } },
	{ "--timeout under --wait-all: what is left gets the stop, then --grace", {
		.grace_us = 5 * S, .owns_namespace = true, .wait_all = true, .term_as = SIGTERM }, 10 * S, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_COMMAND_EXITED, 1 * S, 0, false, false, false, 0, 0, 0, PHASE_LEFTOVERS, NOCHECK },
		TICK(2 * S, false, 0, PHASE_LEFTOVERS, 10 * S),
		TICK(10 * S, false, ACT_TIMED_OUT | ACT_SPREAD | ACT_CONT, PHASE_LEFTOVERS, 15 * S),
		TICK(12 * S, false, 0, PHASE_LEFTOVERS, 15 * S),
		{ IN_TICK, 15 * S, 0, false, false, false, ACT_SHUTDOWN, 0, REASON_TIMEOUT, PHASE_GRACE, 20 * S },
		TICK(16 * S, true, 0, PHASE_DONE, NOCHECK),
		END } },
	{ "--wait-all: stay until none is left; a stop goes on to what is left", {
		.grace_us = 5 * S, .owns_namespace = true, .wait_all = true, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_SIGNAL, 1 * S, SIGTERM, true, false, false, ACT_FORWARD, SIGTERM, 0, PHASE_RUNNING, NOCHECK },
		{ IN_COMMAND_EXITED, 2 * S, 0, false, false, false, 0, 0, 0, PHASE_LEFTOVERS, NOCHECK },
		TICK(2 * S, false, ACT_SPREAD, PHASE_LEFTOVERS, 0),
		{ IN_SIGNAL, 3 * S, SIGHUP, false, false, false, ACT_SPREAD, SIGHUP, 0, PHASE_LEFTOVERS, NOCHECK },
		TICK(4 * S, true, 0, PHASE_DONE, NOCHECK),
		END } },
	{ "--wait-all: a stop the relay gave the command, told after it exited, reaches what is left", {
		.grace_us = 5 * S, .owns_namespace = true, .wait_all = true, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		/* The command exits at once on the TERM the relay sent it;
		 * PID 1 reaps it before it reads the relay's word. */
		{ IN_COMMAND_EXITED, 1 * S, 0, false, false, false, 0, 0, 0, PHASE_LEFTOVERS, NOCHECK },
		{ IN_STOP_DELIVERED, 1 * S, SIGTERM, false, false, false, 0, 0, 0, PHASE_LEFTOVERS, NOCHECK },
		{ IN_TICK, 1 * S, 0, false, false, false, ACT_SPREAD, SIGTERM, 0, PHASE_LEFTOVERS, 0 },
		TICK(2 * S, true, 0, PHASE_DONE, NOCHECK),
		END } },
	{ "-s --wait-all: the caller's own children are not waited for", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .wait_all = true, .term_as = SIGTERM }, 10 * S, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_COMMAND_EXITED, 1, 0, false, false, false, 0, 0, 0, PHASE_LEFTOVERS, NOCHECK },
		{ IN_TICK, 2, 0, false, false, true, 0, 0, 0, PHASE_DONE, NOCHECK },
		END } },
	{ "--wait-all with --stop-timeout: what is left outlives it", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .owns_namespace = true, .wait_all = true,
		.stop_timeout_us = 3 * S, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_COMMAND_EXITED, 1 * S, 0, false, false, false, 0, 0, 0, PHASE_LEFTOVERS, NOCHECK },
		{ IN_SIGNAL, 2 * S, SIGTERM, true, false, false, ACT_SPREAD, SIGTERM, 0, PHASE_LEFTOVERS, NOCHECK },
		TICK(3 * S, false, 0, PHASE_LEFTOVERS, 5 * S),
		{ IN_TICK, 5 * S, 0, false, false, false, ACT_SHUTDOWN, 0, REASON_WAIT_ALL_TIMEOUT, PHASE_KILLED, 0 },
		END } },
	{ "the relay gone: kill-child at once, signals after the exit are ignored", graceful, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_RELAY_GONE, 1 * S, 0, false, false, false, ACT_SHUTDOWN, 0, REASON_RELAY_GONE, PHASE_GRACE, NOCHECK },
		{ IN_RELAY_GONE, 1 * S, 0, false, false, false, 0, 0, 0, PHASE_GRACE, NOCHECK },
		{ IN_COMMAND_EXITED, 2 * S, 0, false, false, false, 0, 0, 0, PHASE_GRACE, NOCHECK },
		{ IN_SIGNAL, 2 * S, SIGHUP, false, false, false, ACT_IGNORE, SIGHUP, 0, PHASE_GRACE, NOCHECK },
		TICK(3 * S, true, 0, PHASE_DONE, NOCHECK),
		END } },
	{ "a failed start: not_started, never a daemons warning's exit", plain, 0, {
		{ IN_NOT_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_STARTING, NOCHECK },
		{ IN_COMMAND_EXITED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_TICK, 1, 0, false, true, false, ACT_SHUTDOWN, 0, REASON_NOT_STARTED, PHASE_DONE, NOCHECK },
		END } },
	{ "a stop before the start completed reaches the command's child", plain, 0, {
		{ IN_SIGNAL, 0, SIGTERM, true, false, false, ACT_FORWARD, SIGTERM, 0, PHASE_STARTING, NOCHECK },
		{ IN_NOT_STARTED, 1, 0, false, false, false, 0, 0, 0, PHASE_STARTING, NOCHECK },
		{ IN_COMMAND_EXITED, 1, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_TICK, 1, 0, false, true, false, ACT_SHUTDOWN, 0, REASON_NOT_STARTED, PHASE_DONE, NOCHECK },
		END } },
	{ "without a namespace: SIGKILL again and again until what is left is out of reach", {
		.grace_us = 5 * S, .kill_is_sigkill = true, .term_as = SIGTERM }, 0, {
		{ IN_STARTED, 0, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_COMMAND_EXITED, 1 * S, 0, false, false, false, 0, 0, 0, PHASE_RUNNING, NOCHECK },
		{ IN_TICK, 1 * S, 0, false, false, false, ACT_WARN_DAEMONS | ACT_SHUTDOWN, 0,
		  REASON_COMMAND_EXITED, PHASE_KILLED, 1 * S + 100000 },
		TICK(1 * S + 100000, false, ACT_KILL, PHASE_KILLED, 1 * S + 200000),
		{ IN_TICK, 2 * S, 0, false, false, true, ACT_KILL, 0, 0, PHASE_DONE, NOCHECK },
		END } },
};

static int sig_of(const struct lifecycle_actions *a)
{
	return a->what & ACT_FORWARD ? a->forward_sig
	       : a->what & ACT_SPREAD ? a->spread_sig
	       : a->what & ACT_IGNORE ? a->ignore_sig
				      : 0;
}

Test(lifecycle, every_transition)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *sc = &scenarios[i];
		struct lifecycle s = lifecycle_start(sc->timeout_at);

		for (size_t k = 0; sc->steps[k].kind != (enum input_kind)-1; k++) {
			const struct step *st = &sc->steps[k];
			struct lifecycle_input in = { st->kind, st->now, st->sig, st->stop,
						      st->none_left, st->out_of_reach };
			struct lifecycle_actions a = lifecycle_decide(&sc->cfg, &s, &in);

			cr_expect_eq(a.what, st->what, "%s, step %zu: actions %#x, want %#x", sc->name,
				     k, a.what, st->what);
			if (st->sig_out)
				cr_expect_eq(sig_of(&a), st->sig_out, "%s, step %zu: signal %d, want %d",
					     sc->name, k, sig_of(&a), st->sig_out);
			if (st->what & ACT_SHUTDOWN)
				cr_expect_eq(a.reason, st->reason, "%s, step %zu: reason %d, want %d",
					     sc->name, k, a.reason, st->reason);
			cr_expect_eq(s.phase, st->phase, "%s, step %zu: phase %d, want %d", sc->name, k,
				     s.phase, st->phase);
			if (st->kind == IN_TICK && st->wake_at != NOCHECK)
				cr_expect_eq(a.wake_at, st->wake_at,
					     "%s, step %zu: wake at %llu, want %llu", sc->name, k,
					     (unsigned long long)a.wake_at,
					     (unsigned long long)st->wake_at);
		}
	}
}

/* --timeout makes 124 whatever the command did: the state says it ran out. */
Test(lifecycle, timed_out_is_remembered)
{
	struct lifecycle s = lifecycle_start(5 * S);
	struct lifecycle_input tick = { .kind = IN_TICK, .now = 5 * S };

	(void)lifecycle_decide(&graceful, &s, &(struct lifecycle_input){ .kind = IN_STARTED });
	(void)lifecycle_decide(&graceful, &s, &tick);
	cr_expect(s.timed_out);
}

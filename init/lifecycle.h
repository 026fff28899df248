/* What PID 1 does next: one pure function over a small state.
 *
 * PID 1's loop turns what it sees (the command started or not, exited, a
 * signal to forward, a stop the relay delivered itself, the relay gone,
 * and after every wakeup the time and whether any child is left) into
 * inputs; lifecycle_decide() returns the next state and the actions, which
 * forward.c and shutdown.c carry out. No system calls, no clock: the time
 * is an input, so every transition has a row in tests/unit/test_lifecycle.c.
 *
 *   STARTING --started--> RUNNING --command exited--> (shutdown)
 *       |                    |  \--, --wait-all: LEFTOVERS --none left--> DONE
 *       '--failed, killed----'     '--stop + --stop-timeout, --timeout,
 *                                     relay gone--> GRACE --grace over--> KILLED
 *   GRACE or KILLED --none left--> DONE
 */
#ifndef NSINIT_LIFECYCLE_H
#define NSINIT_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

enum phase {
	PHASE_STARTING,  /* the command's execve has no outcome yet */
	PHASE_RUNNING,   /* the command runs (or was started and runs on) */
	PHASE_LEFTOVERS, /* --wait-all: the command is gone, what it left runs on */
	PHASE_GRACE,     /* the kill-child signal went out; SIGKILL when grace ends */
	PHASE_KILLED,    /* SIGKILL went out: only reaping is left */
	PHASE_DONE,      /* nothing is left: PID 1 returns */
};

/* Why the shutdown began; the events name it with the token, the log with
 * the sentence (shutdown.c). */
enum shutdown_reason {
	REASON_COMMAND_EXITED,
	REASON_RELAY_GONE,
	REASON_STOP_TIMEOUT,     /* the command outlived --stop-timeout after a stop */
	REASON_WAIT_ALL_TIMEOUT, /* --wait-all: what was left outlived --stop-timeout */
	REASON_TIMEOUT,          /* --timeout ran out */
	REASON_NOT_STARTED,      /* a step before the command's execve failed */
};

/* What the options fix for the whole run. */
struct lifecycle_config {
	uint64_t stop_timeout_us; /* --stop-timeout, or 0 */
	uint64_t stop_delay_us;   /* --stop-delay, or 0 */
	uint64_t grace_us;        /* --grace */
	bool wait_all;            /* --wait-all */
	bool kill_is_sigkill;     /* the kill-child signal is SIGKILL: no grace */
	bool owns_namespace;      /* PID 1 of a namespace: kill(-1) reaches all */
	int term_as;              /* what SIGTERM becomes under -r (0: dropped) */
};

/* The state: a phase, and what the deadlines need. */
struct lifecycle {
	enum phase phase;
	bool command_gone;       /* reaped (the GRACE and KILLED phases come
				  * either way) */
	bool not_started;        /* a step before execve failed, or a signal
				  * killed the child first */
	uint64_t stop_at;        /* when a stop signal went to the command, or 0 */
	int stop_sig;            /*   as what */
	bool stop_spread;        /* --wait-all: it went on to what is left */
	int held_sig;            /* --stop-delay: a stop held back, or 0 */
	uint64_t held_until;
	uint64_t timeout_at;     /* --timeout's deadline, or 0 */
	bool timed_out;          /*   it ran out: the stop went out */
	uint64_t grace_until;    /* PHASE_GRACE: when SIGKILL follows */
	enum shutdown_reason reason;
};

/* The state at the start; timeout_at is 0 without --timeout. */
struct lifecycle lifecycle_start(uint64_t timeout_at);

enum input_kind {
	IN_STARTED,        /* the command's execve succeeded */
	IN_NOT_STARTED,    /* a step before it failed, or a signal killed it */
	IN_COMMAND_EXITED, /* the command was reaped */
	IN_SIGNAL,         /* forward sig (after -r); stop: a stop signal */
	IN_STOP_DELIVERED, /* the relay delivered stop signal sig itself */
	IN_RELAY_GONE,
	IN_TICK,           /* after every wakeup: the deadlines and what is left */
};

struct lifecycle_input {
	enum input_kind kind;
	uint64_t now;     /* CLOCK_MONOTONIC, microseconds */
	int sig;          /* IN_SIGNAL, IN_STOP_DELIVERED */
	bool stop;        /* IN_SIGNAL: TERM, INT or QUIT (sigpolicy.h) */
	bool none_left;   /* IN_TICK: no child at all is left */
	bool out_of_reach; /* IN_TICK, without a namespace, once the command is
			   * gone: what is left, if anything, is not ours to
			   * wait for (the caller's, or beyond a procfs) */
};

/* What to do, in this order. */
enum {
	ACT_HOLD = 1 << 0,         /* a stop waits --stop-delay: say so */
	ACT_TIMED_OUT = 1 << 1,    /* --timeout ran out: say so */
	ACT_FORWARD = 1 << 2,      /* forward_sig to the command */
	ACT_SPREAD = 1 << 3,       /* spread_sig to everything left */
	ACT_IGNORE = 1 << 4,       /* ignore_sig: nobody to send it to */
	ACT_WARN_DAEMONS = 1 << 5, /* the command left daemons: warn */
	ACT_SHUTDOWN = 1 << 6,     /* the kill-child signal to everything left */
	ACT_KILL = 1 << 7,         /* SIGKILL to everything left */
	ACT_GRACE_OVER = 1 << 8,   /*   because the grace period is over: say so */
	ACT_SECOND_STOP = 1 << 9,  /* a second stop passes the held one at once */
	ACT_CONT = 1 << 10,        /* then SIGCONT where it went, as timeout(1)
				    * does: a stopped process must see it */
};

struct lifecycle_actions {
	unsigned what;
	int forward_sig, spread_sig, ignore_sig;
	enum shutdown_reason reason; /* ACT_SHUTDOWN */
	uint64_t wake_at;            /* IN_TICK: the next deadline, or 0: none */
};

struct lifecycle_actions lifecycle_decide(const struct lifecycle_config *c, struct lifecycle *s,
					  const struct lifecycle_input *in);

#endif

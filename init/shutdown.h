/* Shutdown: carrying out PID 1's decision (lifecycle.h) to end what is
 * left: the kill-child signal, and SIGKILL when the grace is over. */
#ifndef NSINIT_SHUTDOWN_H
#define NSINIT_SHUTDOWN_H

#include "init/lifecycle.h"

#include <stdbool.h>
#include <stdint.h>

/* What the shutdown has done, for its report; shutdown.c's alone. */
struct shutdown {
	int kill_signal;
	bool owns_namespace; /* PID 1 of a PID namespace: kill(-1) reaches all */
	bool begun;
	uint64_t start_us;   /* when the kill-child signal went out */
	unsigned left;       /* processes reaped since */
};

/* Send sig to every process left: kill(-1) as PID 1 of a PID namespace,
 * else only nsinit's own descendants (never the user's others). */
void shutdown_signal_all(bool owns_namespace, int sig);

/* The kill-child signal to everything left (and SIGCONT, so that a stopped
 * process does not sit on it), with the -v line and the event. now: when
 * it was decided, which the grace period counts from too. */
void shutdown_begin(struct shutdown *sd, enum shutdown_reason why, uint64_t now);
/* SIGKILL to everything left; grace_over: say why, once. */
void shutdown_kill(const struct shutdown *sd, bool grace_over);
/* n more processes were reaped. */
void shutdown_reaped(struct shutdown *sd, unsigned n);
/* Log how the shutdown went (-v). */
void shutdown_report(const struct shutdown *sd);

#endif

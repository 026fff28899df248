/* Reaping: after every wakeup, collect every child that has exited, so that
 * one SIGCHLD standing for many exits (the kernel merges them) loses none.
 * It reports what it saw; PID 1 decides what that means (lifecycle.h). */
#ifndef NSINIT_REAP_H
#define NSINIT_REAP_H

#include <stdbool.h>
#include <sys/types.h>

struct reap_request {
	pid_t command;     /* the command while it runs, else 0 */
	pid_t hold;        /* a child not to reap yet: the command's, while its
			    * start has no outcome (its zombie tells it), or 0 */
	bool command_ran;  /* its start succeeded: its exit is the command's */
	int proc;          /* a procfs that shows our PID namespace, or -1 */
	bool want_names;   /* -v, -w or --events: read each zombie's name */
	bool warn_reaped;  /* tini -w: a warning for each orphan */
};

struct reap_report {
	bool none_left;       /* no child at all is left (ECHILD) */
	bool held;            /* the held child has exited, and waits */
	bool command_exited;
	int command_status;   /*   its wait status */
	int command_stop;     /* the command stopped (1), went on (-1), or 0 */
	unsigned reaped;      /* every child reaped, the command included */
};

void reap_all(const struct reap_request *rq, struct reap_report *out);

/* Has a child exited that is not reaped yet? */
bool reap_pending(void);

#endif

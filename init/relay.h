/* The relay: the process the caller started, left outside the namespace; a
 * role beside PID 1 (pid1.h), with the same shape: one loop. */
#ifndef NSINIT_RELAY_H
#define NSINIT_RELAY_H

#include "lib/sigpolicy.h"

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/* What the relay is asked to do. */
struct relay_request {
	const struct sig_rules *rules; /* -r, applied on the way */
	bool to_group;                 /* -g: PID 1 signals the command's group */
	bool hold_stops;               /* --stop-delay: PID 1 holds stop signals */
	bool tty_foreground;           /* we started in the terminal's foreground */
	bool needs_go;                 /* PID 1 waits for the go-ahead (link.h) */
	bool user_ns;                  /* write a user namespace's id maps first */
	bool map_current_user;         /*   keeping the caller's ids */
	const char *pid_file;          /* write PID 1's pid here first, or NULL */
	bool leads_job;                /* a shell's job on a terminal (options.h) */
	struct timespec made_at;       /* CLOCK_REALTIME just before the clone */
};

/* How the relay ended. */
struct relay_result {
	int code;       /* what nsinit exits with: PID 1's code, the command's */
	bool fall_back; /* PID 1 found no fresh /proc to be had, before the
			 * command ran: run it without a namespace */
	char why[768];  /* what PID 1 said of it, for the warning */
};

/* Set up from outside what PID 1 cannot (a user namespace's id maps) and the
 * pid file, and give PID 1 the go-ahead on `sock`. Then forward signals to
 * the command (through its pidfd once PID 1 has handed it over, else through
 * PID 1), reap PID 1, remove the pid file and fill *res: the exit code PID 1
 * left (125 if the set-up failed), or a fallback. Until the command runs,
 * the relay keeps the caller's fds and directory, for that fallback. */
void relay_run(const struct relay_request *rq, pid_t pid1, int sock, struct relay_result *res);

#endif

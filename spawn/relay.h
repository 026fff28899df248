/* The relay: the process the caller started, left outside the namespace. */
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
	struct timespec made_at;       /* CLOCK_REALTIME just before the clone */
	char *fallback_why;            /* PID 1's LINK_FALLBACK goes here */
	size_t fallback_len;
};

/* relay_run's answer when PID 1 said LINK_FALLBACK: run without a namespace. */
#define RELAY_FALLBACK (-1)

/* Set up from outside what PID 1 cannot (a user namespace's id maps) and the
 * pid file, and give PID 1 the go-ahead on `sock`. Then forward signals to
 * the command (through its pidfd once PID 1 has handed it over, else through
 * PID 1), reap PID 1, remove the pid file and return the exit code PID 1
 * left (125 if the set-up failed), or RELAY_FALLBACK. Until the command runs,
 * the relay keeps the caller's fds and directory, for that fallback. */
int relay_run(const struct relay_request *rq, pid_t pid1, int sock);

#endif

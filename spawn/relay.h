/* The relay: the process the caller started, left outside the namespace. */
#ifndef NSINIT_RELAY_H
#define NSINIT_RELAY_H

#include "options.h"

#include <sys/types.h>

/* Set up from outside what PID 1 cannot (a user namespace's id maps, when
 * `ns_flags` has CLONE_NEWUSER) and the pid file, and give PID 1 the
 * go-ahead on `sock`. Then forward signals to the command (or to PID 1 until
 * the command's pidfd has arrived on `sock`), reap PID 1, remove the pid file
 * and return the exit code PID 1 left (125 if the set-up failed). */
int relay_run(const struct options *opts, pid_t pid1, unsigned long ns_flags, int sock);

#endif

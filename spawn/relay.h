/* The relay: the process the caller started, left outside the namespace. */
#ifndef NSINIT_RELAY_H
#define NSINIT_RELAY_H

#include <sys/types.h>

/* Forward signals to the command (or to PID 1 until the command's pidfd has
 * arrived on `sock`), reap PID 1 and return the exit code it left. */
int relay_run(pid_t pid1, int sock);

#endif

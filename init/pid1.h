/* PID 1: start the command, then one loop that turns what it sees into
 * inputs of lifecycle_decide() and carries out the actions. */
#ifndef NSINIT_PID1_H
#define NSINIT_PID1_H

#include "init/options.h"

#include <signal.h>

/* Be init: start the command, run the loop, return nsinit's exit code.
 * `relay_sock` is PID 1's end of the relay's socket, or -1 without a relay;
 * `pidfile_dirfd`: the directory of a pid file that PID 1 (no relay)
 * removes at exit, kept open; else -1. */
int pid1_run(const struct options *opts, const sigset_t *original_mask, int relay_sock,
	     int pidfile_dirfd);

#endif

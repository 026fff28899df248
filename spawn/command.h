/* Starting the command. */
#ifndef NSINIT_COMMAND_H
#define NSINIT_COMMAND_H

#include "options.h"

#include <signal.h>
#include <sys/types.h>

/* Fork and exec opts->command (searching PATH) with the signal mask nsinit
 * was started with, the capabilities the options leave it, and LISTEN_PID
 * rewritten if it named nsinit. Returns the command's pid once execve has
 * succeeded.
 * If it failed, reaps the child, prints "cannot run 'X': <reason>" and
 * returns -1 with *exit_code set to 126 or 127. */
pid_t command_start(const struct options *opts, const sigset_t *original_mask, int *exit_code);

#endif

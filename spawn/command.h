/* Starting the command. */
#ifndef NSINIT_COMMAND_H
#define NSINIT_COMMAND_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Fork and exec argv (searching PATH) with the signal mask nsinit was
 * started with; if rewrite_listen_pid, LISTEN_PID is set to the command's
 * own pid. Returns the command's pid once execve has succeeded.
 * If it failed, reaps the child, prints "cannot run 'X': <reason>" and
 * returns -1 with *exit_code set to 126 or 127. */
pid_t command_start(char *const argv[], const sigset_t *original_mask, bool rewrite_listen_pid,
		    int *exit_code);

#endif

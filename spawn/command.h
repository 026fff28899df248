/* Starting the command. */
#ifndef NSINIT_COMMAND_H
#define NSINIT_COMMAND_H

#include <signal.h>
#include <sys/types.h>

/* Fork and exec argv (searching PATH) with the signal mask nsinit was
 * started with. Returns the command's pid once execve has succeeded.
 * If it failed, reaps the child, prints "cannot run 'X': <reason>" and
 * returns -1 with *exit_code set to 126 or 127. */
pid_t command_start(char *const argv[], const sigset_t *original_mask, int *exit_code);

#endif

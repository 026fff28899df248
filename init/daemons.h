/* Daemons the command leaves behind: said out loud before they are killed. */
#ifndef NSINIT_DAEMONS_H
#define NSINIT_DAEMONS_H

#include <stddef.h>
#include <sys/types.h>

/* Once the command has exited on its own: if what is left includes
 * processes that started a session of their own (daemons, such as cron),
 * say so in one line that points to --wait-all. `proc` is a procfs (O_PATH)
 * that shows our PID namespace. What is left: as PID 1 of our own
 * namespace, all it shows (only is NULL); without one (-s), the n pids of
 * `only`, the command's processes. */
void daemons_warn(int proc, const pid_t *only, size_t n);

#endif

/* Daemons the command leaves behind: said out loud before they are killed. */
#ifndef NSINIT_DAEMONS_H
#define NSINIT_DAEMONS_H

/* As PID 1 of our own namespace, once the command has exited on its own: if
 * what is left includes processes that started a session of their own
 * (daemons, such as cron), say so in one line that points to --wait-all.
 * `proc` is a procfs (O_PATH) that shows our PID namespace. */
void daemons_warn(int proc);

#endif

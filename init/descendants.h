/* Signalling our descendants when nsinit is not PID 1 of a namespace, where
 * kill(-1) would reach every process of the user. */
#ifndef NSINIT_DESCENDANTS_H
#define NSINIT_DESCENDANTS_H

#include <stdbool.h>
#include <sys/types.h>

/* Find a procfs that shows our PID namespace (/proc, or a private detached
 * instance, which needs CAP_SYS_ADMIN) and remember the children nsinit
 * already has, which are the caller's and are never signalled. Without a
 * procfs, warn once. Idempotent. PID 1 without a namespace of its own calls
 * it first thing: before the command starts and before it drops its
 * capabilities. */
void descendants_init(void);

/* The procfs fd the walk reads (-1 if none): PID 1 keeps it open when it
 * closes the fds it inherited. */
int descendants_fd(void);

/* Tell the walk the command's pid right after it started: without a
 * procfs, the command's own process group (-g, --new-session) is all that
 * can be signalled at shutdown. */
void descendants_set_command(pid_t command);

/* Send sig to every descendant of nsinit that /proc/PID/task/TID/children
 * shows, deepest first, but to none of the inherited children. Returns how
 * many were signalled. */
unsigned descendants_signal(int sig);

/* True when the shutdown has nothing left to wait for: no child but the
 * inherited ones, or no procfs to find any (they cannot be signalled, so
 * waiting could be for ever). */
bool descendants_settled(void);

#endif

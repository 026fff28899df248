/* Signalling our descendants when nsinit is not PID 1 of a namespace, where
 * kill(-1) would reach every process of the user. */
#ifndef NSINIT_DESCENDANTS_H
#define NSINIT_DESCENDANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Find a procfs that shows our PID namespace (/proc, or a private detached
 * instance, which needs CAP_SYS_ADMIN) and remember the children nsinit
 * already has and everything below them, which are the caller's and are
 * never signalled. Without a
 * procfs, warn once. Idempotent. PID 1 without a namespace of its own calls
 * it first thing: before the command starts and before it drops its
 * capabilities. */
void descendants_init(void);

/* The procfs fd the walk reads (-1 if none): PID 1 keeps it open when it
 * closes the fds it inherited. */
int descendants_fd(void);

/* Tell the walk the command's pid right after it started: it leads its own
 * process group (and session, with --new-session) of that number, which
 * its descendants inherit; without a procfs, that group is all that can be
 * signalled at shutdown. */
void descendants_set_command(pid_t command);

/* Send sig to every process of the command's that /proc/PID/task/TID/children
 * shows under nsinit, parents no later than their children (the command's
 * process group first, in one call), and to none of the caller's. Returns
 * how many were signalled. */
unsigned descendants_signal(int sig);

/* The command's processes that a walk finds now (none of the caller's),
 * in *out (malloc'd; the caller frees it); returns how many. 0 without a
 * procfs, or out of memory. */
size_t descendants_list(pid_t **out);

/* True when the shutdown has nothing left to wait for: no process of the
 * command's (the caller's are reaped as they exit, not waited for), or no
 * procfs to find any (they cannot be signalled, so waiting could be for
 * ever). */
bool descendants_settled(void);

#endif

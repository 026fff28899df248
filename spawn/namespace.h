/* Making the new namespaces: which ones, and the clone that makes them. */
#ifndef NSINIT_NAMESPACE_H
#define NSINIT_NAMESPACE_H

#include "options.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The clone flags: a PID and a mount namespace always, those the options ask
 * for (--uts, --ipc, --net, --cgroup, --time), and a user namespace with
 * --user or when nsinit lacks CAP_SYS_ADMIN (libcap is asked, not the uid):
 * owning a user namespace is what lets an unprivileged user make the rest. */
unsigned long namespace_flags(const struct options *opts);

/* Fork-like: create a child that is PID 1 of the namespaces in `flags`.
 * Returns the child's pid in the parent and 0 in the child. On failure,
 * prints the cause and the fix in one line and exits 125. */
pid_t namespace_clone(unsigned long flags);

/* Must PID 1 wait for the relay's go-ahead (handoff.h)? Only when the relay
 * has something to do first: a user namespace's maps, or the pid file.
 * Otherwise the wait would only cost a hand-off at every start. */
bool namespace_needs_go(const struct options *opts, unsigned long flags);

/* The option that asks for one of the namespaces in `flags`, without its
 * "--" ("uts", ..., "user"), or NULL if none of them has an option. */
const char *namespace_option(unsigned long flags);

/* A system setting that refuses user namespaces to unprivileged users
 * (Debian's kernel.unprivileged_userns_clone, Ubuntu's AppArmor switch),
 * as a clause naming it, its value and what to change; NULL if none does. */
const char *namespace_userns_policy(char *buf, size_t len);

#endif

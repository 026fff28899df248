/* Making the new namespaces: which ones, and the clone that makes them. */
#ifndef NSINIT_NAMESPACE_H
#define NSINIT_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The clone flags: a PID and a mount namespace always, the `extra` ones the
 * options ask for (CLONE_NEWUTS, ...), and a user namespace with `user` or
 * when nsinit lacks CAP_SYS_ADMIN (libcap is asked, not the uid): owning a
 * user namespace is what lets an unprivileged user make the rest. */
unsigned long namespace_flags(unsigned long extra, bool user);

/* Fork-like: create a child that is PID 1 of the namespaces in `flags`.
 * Returns the child's pid in the parent and 0 in the child; -1 with errno
 * if the kernel refused (namespace_explain says why). */
pid_t namespace_clone(unsigned long flags);

/* Why clone refused with err, as one clause naming the setting or limit and
 * what to change. Returns true when the refusal means "no namespace can be
 * made here" (privilege, policy, limits, a kernel without them), which a
 * caller may answer by running without one. */
bool namespace_explain(int err, unsigned long flags, char *buf, size_t len);

/* The option that asks for one of the namespaces in `flags`, without its
 * "--" ("uts", ..., "user"), or NULL if none of them has an option. */
const char *namespace_option(unsigned long flags);

/* A system setting that refuses user namespaces to unprivileged users
 * (Debian's kernel.unprivileged_userns_clone, Ubuntu's AppArmor switch),
 * as a clause naming it, its value and what to change; NULL if none does. */
const char *namespace_userns_policy(char *buf, size_t len);

#endif

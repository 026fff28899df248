/* The id maps of a new user namespace, written by the relay from outside. */
#ifndef NSINIT_USERNS_H
#define NSINIT_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

/* Write the uid and gid maps (and, where needed, "deny" to setgroups) of the
 * user namespace that `pid` was cloned into:
 *  - as root (euid 0), or with map_current_user (the default), every id our
 *    own user namespace has (0 to 4294967294 in the initial one) maps to
 *    itself, if the kernel allows it (CAP_SETUID and CAP_SETGID);
 *  - otherwise, and as the fallback, the caller's euid and egid alone map to
 *    themselves (or to 0 without map_current_user: --map-root-user),
 *    setgroups denied first.
 * Returns 0, or -1 after printing why. */
int userns_write_maps(pid_t pid, bool map_current_user);

#endif

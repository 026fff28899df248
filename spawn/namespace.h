/* Making the new PID and mount namespace. */
#ifndef NSINIT_NAMESPACE_H
#define NSINIT_NAMESPACE_H

#include <sys/types.h>

/* Fork-like: create a child that is PID 1 of a new PID namespace and has its
 * own mount namespace. Returns the child's pid in the parent and 0 in the
 * child. On failure, prints the cause and the fix and exits 125. */
pid_t namespace_clone(void);

/* In the new PID 1: make every mount private (so nothing propagates back to
 * the caller), then mount a fresh /proc that shows this namespace. Prints
 * the cause and exits 125 on failure. */
void namespace_mount_proc(void);

#endif

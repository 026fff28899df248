/* What the new PID 1 sets up inside its namespaces before the command runs. */
#ifndef NSINIT_INSIDE_H
#define NSINIT_INSIDE_H

#include <stdbool.h>
#include <stddef.h>

/* In the new PID 1, once the relay has said go: make every mount private (so
 * nothing propagates back to the caller) and mount a fresh /proc that shows
 * this namespace; with a new UTS namespace set `hostname` if not NULL; with
 * a new network namespace bring the loopback interface up. With `root`
 * (--root), the fresh /proc goes inside it and PID 1 takes it as its root,
 * so that the command runs there. `flags` are the
 * clone flags the namespaces were made with.
 *
 * Returns 0, or -1 with one line in `why` naming the cause and the fix.
 * *no_proc says that the failure was the fresh /proc (a runtime's masked
 * /proc, or none at all), which a caller may answer by running without a
 * namespace. */
int inside_setup(const char *hostname, const char *root, unsigned long flags, char *why,
		 size_t len, bool *no_proc);

#endif

/* What the new PID 1 sets up inside its namespaces before the command runs. */
#ifndef NSINIT_INSIDE_H
#define NSINIT_INSIDE_H

#include "options.h"

/* In the new PID 1, once the relay has said go: make every mount private (so
 * nothing propagates back to the caller) and mount a fresh /proc that shows
 * this namespace; with a new UTS namespace set the hostname --uts gave; with
 * a new network namespace bring the loopback interface up. `flags` are the
 * clone flags the namespaces were made with. Prints the cause and the fix
 * and exits 125 on failure. */
void inside_setup(const struct options *opts, unsigned long flags);

#endif

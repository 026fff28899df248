/* Environment variables nsinit reads (and the one it rewrites for the command). */
#ifndef NSINIT_ENVIRONMENT_H
#define NSINIT_ENVIRONMENT_H

#include "init/options.h"

#include <sys/types.h>

/* Fill in what the environment says and the command line did not; `self` is
 * nsinit's pid, which LISTEN_PID must name to be rewritten. */
void environment_read(struct options *opts, pid_t self);

#endif

/* Environment variables nsinit reads (and the one it rewrites for the command). */
#ifndef NSINIT_ENVIRONMENT_H
#define NSINIT_ENVIRONMENT_H

#include "options.h"

/* Fill the parts of opts that come from the environment. */
void environment_read(struct options *opts);

#endif

/* nsinit's roles, chosen by main(). Each returns nsinit's exit code. */
#ifndef NSINIT_ROLES_H
#define NSINIT_ROLES_H

#include "init/options.h"

#include <signal.h>

/* Make the namespaces: this process stays outside as the relay, its child is
 * their PID 1. Where none can be made and none was asked for by name, run
 * here as a subreaper instead, with one line saying why. */
int roles_in_new_namespace(const struct options *opts, const sigset_t *original_mask);

/* Be PID 1 right here: as PID 1 already, or as a child subreaper. */
int roles_here(const struct options *opts, const sigset_t *original_mask);

#endif

/* --run-as=USER[:GROUP]: who the command runs as, resolved by PID 1 in the
 * command's root and switched to by the command's child before execve. */
#ifndef NSINIT_RUNAS_H
#define NSINIT_RUNAS_H

#include "lib/passwd.h"

/* The command's child switches to the ids itself, in this order
 * (switch_ids in spawn/child.c); a step that fails there is one of these. */
enum runas_step { RUNAS_KEEPCAPS = 1, RUNAS_GROUPS, RUNAS_GID, RUNAS_UID };

struct runas {
	const char *spec; /* as given, for messages */
	struct passwd_ids ids;
};

/* In PID 1, where the command's root is "/" already (after --root's
 * chroot): resolve spec from /etc/passwd and /etc/group, and set HOME to
 * the user's where it is unset or root's. Returns 0, or -1 after one line
 * naming the problem (`name` is the command's). */
int runas_prepare(const char *spec, const char *name, struct runas *out);

/* In PID 1: the one line for a switch that failed at `step` with err. */
void runas_warn(const struct runas *r, const char *name, int step, int err);

#endif

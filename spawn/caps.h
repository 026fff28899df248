/* Capabilities, through libcap: the questions the rest of nsinit asks and the
 * orders it gives. All libcap use lives in caps.c. */
#ifndef NSINIT_CAPS_H
#define NSINIT_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Does nsinit hold CAP_SYS_ADMIN in its effective set (needed to create PID
 * and mount namespaces without a user namespace)? Dies (exit 125) if its
 * capabilities cannot be read: guessing "no" would fail open. */
bool caps_may_create_namespaces(void);

/* What the command may keep: --cap-drop, --cap-keep, --no-new-privs. */
struct caps_request {
	uint64_t drop;
	bool keep_given;
	uint64_t keep;
	bool no_new_privs;
};

/* Which step failed, if any. */
enum caps_step { CAPS_OK, CAPS_BOUNDING, CAPS_AMBIENT, CAPS_SETS, CAPS_NO_NEW_PRIVS, CAPS_READ };

struct caps_failure {
	enum caps_step step;
	int err;
};

/* In the command's child, before execve: drop what the request says from
 * every set (bounding, permitted, effective, inheritable, ambient) and set
 * no_new_privs if asked. Returns the first step that failed: the command
 * must not run with more than it was given. */
struct caps_failure caps_for_command(const struct caps_request *rq);

/* In PID 1, before the command may run: keep only what PID 1 still needs of
 * what it has. CAP_KILL, to signal the command and what it left whatever uid
 * they take; with `removes_files`, CAP_DAC_OVERRIDE too, to remove a pid
 * file from a directory root may write in only through it. */
struct caps_failure caps_for_pid1(bool removes_files);

/* "the bounding set", ... for messages. */
const char *caps_step_name(enum caps_step step);

#endif

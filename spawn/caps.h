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

/* What the command may keep: --cap-drop, --cap-keep, --no-new-privs; and
 * who it runs as. */
struct caps_request {
	uint64_t drop;
	bool keep_given;
	uint64_t keep;
	bool no_new_privs;
	bool switches_ids; /* --run-as: the child changes its uid and gids first */
	bool nonroot;      /* the command runs as a uid other than 0 */
};

/* Which step failed, if any. */
enum caps_step { CAPS_OK, CAPS_BOUNDING, CAPS_SETS, CAPS_NO_NEW_PRIVS, CAPS_READ, CAPS_PID1 };

struct caps_failure {
	enum caps_step step;
	int err;
};

/* The three sets capset(2) takes, as masks. */
struct caps_sets {
	uint64_t effective, permitted, inheritable;
};

/* What is left to do once the command's child exists. */
struct caps_plan {
	bool child_sets;         /* the child sets `child` before execve */
	struct caps_sets child;
	uint32_t child_capset[6]; /* `child` as capset(2) takes it (two struct
				   * __user_cap_data_struct), for the child,
				   * which makes only the system call */
	uint64_t ambient;        /* and raises these in its ambient set */
	bool pid1_holds_more;    /* PID 1 goes down to `pid1` after the fork */
	struct caps_sets pid1;
};

/* In PID 1, before the command's child exists: lower the bounding set (which
 * the child inherits, and which PID 1, never calling execve again, does not
 * need), set no_new_privs if asked, and keep in PID 1's own sets only what
 * PID 1 needs and what the command keeps. PID 1 needs CAP_KILL, to signal
 * the command and what it left whatever uid they take; with `removes_files`,
 * CAP_DAC_OVERRIDE too, to remove a pid file from a directory root may write
 * in only through it. Fills *plan with the rest. Fails closed: the caller
 * does not start the command on any failure. */
struct caps_failure caps_before_command(const struct caps_request *rq, bool removes_files,
					struct caps_plan *plan);

/* In PID 1, once the child exists: down to what PID 1 needs, with nothing
 * inheritable and nothing ambient. */
struct caps_failure caps_after_fork(const struct caps_plan *plan);

/* The one line for a failure, whichever process met it. */
void caps_warn(struct caps_failure f);

#endif

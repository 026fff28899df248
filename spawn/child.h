/* The command's child, from clone3 (or fork) to execve or _exit: the only
 * code that runs while it shares PID 1's memory. spawn/command.c is the
 * parent's side (the start, the go-ahead, the outcome). */
#ifndef NSINIT_CHILD_H
#define NSINIT_CHILD_H

#include <limits.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* The step that failed, in the child's report. */
enum child_stage {
	STAGE_SETSID = 1,
	STAGE_SETPGID,
	STAGE_FOREGROUND,
	STAGE_CTTY,
	STAGE_CAPS,
	STAGE_MASK,
	STAGE_RUN_AS, /* detail: the enum runas_step */
	STAGE_EXEC,
	STAGE_INTERPRETER, /* execve said ENOENT of a file that exists */
};

/* What the child writes to its end of the report socket before it exits;
 * nothing if execve succeeds. */
struct child_report {
	int32_t stage;
	int32_t err;
	int32_t detail; /* STAGE_CAPS: the enum caps_step; STAGE_RUN_AS: runas_step */
	/* STAGE_EXEC, STAGE_INTERPRETER: the file execve refused, absolute,
	 * for PID 1 to read why (spawn/exec_explain.c); "" if none was found.
	 * Sent only up to its NUL. */
	char path[PATH_MAX];
};

/* The child itself, given the struct command_launch it reads (in PID 1's
 * memory, or a copy of it after a fork): clone3's entry, and what a fork's
 * child calls. Leaves only through execve or exit_group. */
noreturn void child_run(void *launch);

#endif

/* Mapping from what happened to the command to nsinit's exit code. */
#include "lib/exitcode.h"

#include <errno.h>
#include <sys/wait.h>

int exitcode_from_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return EXIT_SIGNAL_BASE + WTERMSIG(status);
	/* Stopped or continued statuses are never final; treat as our failure. */
	return EXIT_NSINIT_FAILED;
}

int exitcode_from_exec_errno(int err)
{
	/* ENOENT covers both a missing file and a missing #! interpreter, and
	 * ENOTDIR a path through a non-directory: the shell reports both as
	 * "not found" (127). Everything else (EACCES, ENOEXEC, E2BIG, ...) means
	 * the file is there but cannot be run. */
	return (err == ENOENT || err == ENOTDIR) ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
}

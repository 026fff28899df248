/* fork + execvp, with execve's errno carried back through a close-on-exec
 * pipe (musl's posix_spawn does the same): the pipe closes with no data when
 * execve succeeds, so one read tells success from failure without a race. */
#include "command.h"

#include "caps.h"
#include "exitcode.h"
#include "fmt.h"
#include "msg.h"
#include "signals.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* In the child: leaves only through execve or _exit. */
/* The command's session and process group. By default it shares nsinit's,
 * so that a terminal's Ctrl-C or Ctrl-Z reaches it directly and a shell's
 * job control sees nsinit and the command as one job. --new-session (or
 * dumb-init's setsid mode) gives it a session of its own without a
 * controlling terminal, so that, without CAP_SYS_ADMIN (which TIOCSTI lets
 * into any terminal), it cannot push input into ours. Group
 * mode (-g) gives it a process group of its own to be signalled as a whole,
 * and the terminal too if nsinit had it, as tini does. Runs with every
 * signal still blocked, so tcsetpgrp from the background raises no SIGTTOU. */
static void set_session(const struct options *opts)
{
	if (opts->new_session) {
		if (setsid() < 0)
			die_errno("cannot start a new session");
		return;
	}
	if (opts->target != TARGET_GROUP)
		return;
	if (setpgid(0, 0) < 0)
		die_errno("cannot make a process group for the command");
	if (opts->tty_foreground)
		(void)tcsetpgrp(STDIN_FILENO, getpid()); /* best effort: it stays in the background */
}

static noreturn void exec_child(const struct options *opts, const sigset_t *mask, int report_fd)
{
	char *const *argv = opts->command;
	int err;

	set_session(opts);
	if (opts->rewrite_listen_pid) {
		char pid[16];

		fmt(pid, sizeof(pid), "%d", (int)getpid());
		if (setenv("LISTEN_PID", pid, 1) < 0)
			die_errno("cannot set LISTEN_PID");
	}
	caps_apply_to_command(opts);
	signals_give_back(mask);
	execvp(argv[0], argv);
	err = errno;
	(void)sys_write(report_fd, &err, sizeof(err));
	_exit(exitcode_from_exec_errno(err));
}

/* Why execve failed, as one clause. A missing #! interpreter also reads as
 * ENOENT, which would wrongly say the script itself is missing. */
static void report_failure(const char *name, int err)
{
	if (err == ENOENT && strchr(name, '/') && access(name, F_OK) == 0)
		warn("cannot run '%s': its #! interpreter was not found", name);
	else
		warn("cannot run '%s': %s", name, strerror(err));
}

pid_t command_start(const struct options *opts, const sigset_t *original_mask, int *exit_code)
{
	int report[2], err, status;
	ssize_t n;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) < 0)
		die_errno("cannot create a pipe");
	pid = fork();
	if (pid < 0 && errno == EAGAIN)
		die("cannot fork the command: %s: a process limit was reached; raise ulimit -u, "
		    "or a cgroup's pids.max",
		    strerror(errno));
	if (pid < 0)
		die_errno("cannot fork the command");
	if (pid == 0) {
		close(report[0]);
		exec_child(opts, original_mask, report[1]);
	}
	close(report[1]);
	n = sys_read(report[0], &err, sizeof(err));
	close(report[0]);
	if (n != (ssize_t)sizeof(err))
		return pid; /* closed by a successful execve */

	(void)sys_waitpid(pid, &status, 0);
	report_failure(opts->command[0], err);
	*exit_code = exitcode_from_exec_errno(err);
	return -1;
}

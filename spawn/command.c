/* The command's child leaves only through execve or _exit. Every step it
 * takes before execve reports {stage, errno} through a close-on-exec socket
 * (musl's posix_spawn does the same with a pipe): it closes with no data
 * when execve succeeds, so one read tells success from failure without a
 * race, and a failed step is nsinit's failure, never the command's exit.
 * The same socket carries PID 1's go-ahead the other way: the child waits
 * for it just before execve, by when PID 1 has long sent it, so the wait
 * costs two system calls and no sleep. A plain fork, not vfork: PID 1 goes
 * on while the child's execve may block (on a hung network or FUSE file
 * system), and the report survives where vfork is only a fork (qemu-user,
 * valgrind). */
#include "spawn/command.h"

#include "lib/exitcode.h"
#include "lib/fmt.h"
#include "spawn/link.h"
#include "lib/msg.h"
#include "lib/signals.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

enum stage {
	STAGE_SETSID = 1,
	STAGE_SETPGID,
	STAGE_FOREGROUND,
	STAGE_CTTY,
	STAGE_LISTEN_PID,
	STAGE_CAPS,
	STAGE_MASK,
	STAGE_EXEC,
	STAGE_INTERPRETER, /* execve said ENOENT of a file that exists */
};

struct report {
	int32_t stage;
	int32_t err;
	int32_t detail; /* STAGE_CAPS: the enum caps_step */
};

/* In the child: report and leave. */
static noreturn void fail(int report, enum stage stage, int err, int detail)
{
	struct report r = { stage, err, detail };

	(void)sys_write(report, &r, sizeof(r));
	_exit(EXIT_NSINIT_FAILED);
}

/* In the child: report that execve failed and leave with the code the
 * caller would see from a shell. */
static noreturn void fail_exec(int report, enum stage stage, int err)
{
	struct report r = { stage, err, 0 };

	(void)sys_write(report, &r, sizeof(r));
	_exit(exitcode_from_exec_errno(err));
}

/* The session and process group. By default the command leads a process
 * group of its own and gets the terminal's foreground if nsinit had it, as
 * under tini: a terminal's Ctrl-C, Ctrl-Z and SIGWINCH then reach the
 * command's group and never nsinit's. With a session of its own it has no
 * controlling terminal, so that it cannot push input into ours (TIOCSTI),
 * unless dumb-init's setsid mode asks it to take stdin's terminal: that
 * works where the terminal is no other session's (nsinit as a container's
 * PID 1 gives it up first), and elsewhere the command runs without one, as
 * under dumb-init. Runs with every signal blocked, so tcsetpgrp from the
 * background raises no SIGTTOU. */
static void set_session(const struct command_request *rq, int report)
{
	if (rq->session != SESSION_GROUP) {
		if (setsid() < 0)
			fail(report, STAGE_SETSID, errno, 0);
		if (rq->session == SESSION_CTTY && isatty(STDIN_FILENO) &&
		    ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0 && errno != EPERM)
			fail(report, STAGE_CTTY, errno, 0);
		return;
	}
	if (setpgid(0, 0) < 0)
		fail(report, STAGE_SETPGID, errno, 0);
	if (rq->tty_foreground && tcsetpgrp(STDIN_FILENO, getpid()) < 0)
		fail(report, STAGE_FOREGROUND, errno, 0);
}

/* execve, or, for a file without #! that the kernel cannot run (ENOEXEC),
 * /bin/sh with it, as glibc's execvp, tini and dumb-init do. */
static int exec_one(const char *path, char *const *argv)
{
	static char sh_name[] = "sh";
	size_t n = 0;
	char **sh;

	execv(path, argv);
	if (errno != ENOEXEC)
		return errno;
	while (argv[n])
		n++;
	sh = malloc((n + 2) * sizeof(*sh));
	if (!sh)
		return ENOEXEC;
	sh[0] = sh_name;
	sh[1] = (char *)(uintptr_t)path; /* execv's argv is not const, but is not written */
	memcpy(sh + 2, argv + 1, n * sizeof(*sh)); /* argv[1..n-1] and the NULL */
	execv("/bin/sh", sh);
	free(sh);
	return ENOEXEC;
}

/* Did execve's ENOENT come from the interpreter of a file that exists? */
static bool interpreter_missing(int err, const char *path)
{
	return err == ENOENT && access(path, F_OK) == 0;
}

/* execvp, with the same rules in the static and the dynamic build: a name
 * without '/' is looked up in $PATH (musl's default when unset), an empty
 * entry is the current directory, EACCES from one entry is remembered while
 * the search goes on. Returns the errno to report; *interp says that a file
 * was found whose #! interpreter is missing. */
static int exec_search(char *const *argv, bool *interp)
{
	const char *name = argv[0], *path = getenv("PATH");
	int err = ENOENT, e;

	*interp = false;
	/* env(1) and execvp say so for an empty name too. */
	if (!*name)
		return ENOENT;
	if (strchr(name, '/')) {
		e = exec_one(name, argv);
		*interp = interpreter_missing(e, name);
		return e;
	}
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (const char *p = path;; p++) {
		size_t len = strcspn(p, ":");
		char full[4096];

		if (fmt(full, sizeof(full), "%.*s%s%s", (int)len, p, len ? "/" : "", name) <
		    sizeof(full) - 1) {
			e = exec_one(full, argv);
			if (interpreter_missing(e, full)) {
				*interp = true;
				return e;
			}
			if (e == EACCES)
				err = EACCES;
			else if (e != ENOENT && e != ENOTDIR && e != ENAMETOOLONG && e != ELOOP)
				return e;
		}
		p += len;
		if (*p == '\0')
			return err;
	}
}

static noreturn void child(const struct command_request *rq, int report)
{
	bool interp;
	char go;
	int err;

	set_session(rq, report);
	if (rq->rewrite_listen_pid) {
		char pid[16];

		fmt(pid, sizeof(pid), "%d", (int)getpid());
		if (setenv("LISTEN_PID", pid, 1) < 0)
			fail(report, STAGE_LISTEN_PID, errno, 0);
	}
	if (caps_in_child(rq->caps) < 0)
		fail(report, STAGE_CAPS, errno, CAPS_SETS);
	/* Tell the relay our pid as it sees it (the kernel adds it). */
	if (rq->hello_sock >= 0)
		(void)link_send(rq->hello_sock, LINK_HELLO, 0, 0, NULL, 0, -1);
	/* EOF: PID 1 gave up on us. */
	if (sys_read(report, &go, 1) != 1)
		_exit(EXIT_NSINIT_FAILED);
	if (signals_give_back(rq->mask) < 0)
		fail(report, STAGE_MASK, errno, 0);
	err = exec_search(rq->argv, &interp);
	fail_exec(report, interp ? STAGE_INTERPRETER : STAGE_EXEC, err);
}

void command_start(const struct command_request *rq, struct command_launch *l)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno("cannot create a socket pair");
	l->pid = fork();
	if (l->pid < 0)
		die("cannot fork the command: %s%s", strerror(errno), msg_fork_hint(errno));
	if (l->pid == 0) {
		close(sv[0]);
		child(rq, sv[1]);
	}
	close(sv[1]);
	l->report = sv[0];
}

int command_go(struct command_launch *l)
{
	return sys_write(l->report, "g", 1) == 1 ? 0 : -1;
}

/* One line for a failed step. */
static void report_failure(const char *name, const struct report *r)
{
	static const char *const stages[] = {
		[STAGE_SETSID] = "start a new session for it",
		[STAGE_SETPGID] = "make a process group for it",
		[STAGE_FOREGROUND] = "give it the terminal's foreground",
		[STAGE_CTTY] = "give it the terminal as its controlling terminal",
		[STAGE_LISTEN_PID] = "set LISTEN_PID for it",
		[STAGE_MASK] = "give it back the signal mask",
	};

	errno = r->err;
	switch (r->stage) {
	case STAGE_EXEC:
		warn("cannot run '%s': %s", name, strerror(r->err));
		return;
	case STAGE_INTERPRETER:
		warn("cannot run '%s': its #! interpreter was not found", name);
		return;
	case STAGE_CAPS:
		caps_warn((struct caps_failure){ (enum caps_step)r->detail, r->err });
		return;
	default:
		if (r->stage > 0 && r->stage < (int)(sizeof(stages) / sizeof(stages[0])) &&
		    stages[r->stage])
			warn_errno("cannot %s before running '%s'", stages[r->stage], name);
		else
			warn("the command's child failed before running '%s'", name);
	}
}

int command_outcome(struct command_launch *l, const char *name)
{
	struct report r;
	ssize_t n = sys_read(l->report, &r, sizeof(r));

	close(l->report);
	l->report = -1;
	/* Closed by a successful execve, or by a signal that killed the
	 * child before it: both are the command's own exit from here on. */
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(r)) {
		warn("the command's child died before running '%s'", name);
		return EXIT_NSINIT_FAILED;
	}
	report_failure(name, &r);
	if (r.stage == STAGE_EXEC || r.stage == STAGE_INTERPRETER)
		return exitcode_from_exec_errno(r.err);
	return EXIT_NSINIT_FAILED;
}

void command_abort(struct command_launch *l)
{
	int status;

	(void)kill(l->pid, SIGKILL);
	(void)sys_waitpid(l->pid, &status, 0);
	if (l->report >= 0)
		close(l->report);
	l->report = -1;
}

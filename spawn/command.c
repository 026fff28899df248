/* The command's child leaves only through execve or _exit. Every step it
 * takes before execve reports {stage, errno} through a close-on-exec socket
 * (musl's posix_spawn does the same with a pipe): it closes with no data
 * when execve succeeds, so one read tells success from failure without a
 * race, and a failed step is nsinit's failure, never the command's exit.
 * The same socket first carries PID 1's go-ahead the other way, which the
 * child reads before anything else: a socket that closes with data unread
 * resets its peer, which would lose the report. Two fds in all, which a
 * tight RLIMIT_NOFILE leaves room for.
 *
 * The child shares PID 1's memory until execve (clone3 with CLONE_VM, on a
 * stack of its own): no page tables to copy, which is most of what a fork
 * costs. Unlike vfork (and posix_spawn, which is vfork), PID 1 does not
 * sleep until the execve returns: its loop goes on, so --timeout and
 * signals reach a command whose execve blocks on a hung NFS or FUSE mount.
 * Sharing memory with a running PID 1, the child writes only its own stack
 * and makes only raw system calls (lib/rawsys.h), since errno is shared
 * too. Where clone3 is refused (seccomp, valgrind, qemu-user, old kernels)
 * it is a plain fork, running the same code. */
#include "spawn/command.h"

#include "lib/errtext.h"
#include "lib/exitcode.h"
#include "lib/fmt.h"
#include "spawn/exec_explain.h"
#include "spawn/link.h"
#include "lib/msg.h"
#include "lib/rawsys.h"
#include "lib/signals.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

enum stage {
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

struct report {
	int32_t stage;
	int32_t err;
	int32_t detail; /* STAGE_CAPS: the enum caps_step; STAGE_RUN_AS: runas_step */
	/* STAGE_EXEC, STAGE_INTERPRETER: the file execve refused, absolute,
	 * for PID 1 to read why (spawn/exec_explain.c); "" if none was found.
	 * Sent only up to its NUL. */
	char path[PATH_MAX];
};

/* In the child: report and leave, with the code the caller sees. */
static noreturn void leave(int report, enum stage stage, long err, int detail,
			   const char *path, int code)
{
	struct report r = { stage, (int32_t)err, detail, "" };
	size_t len = path ? fmt(r.path, sizeof(r.path), "%s", path) : 0;

	(void)RAW(SYS_write, report, &r, offsetof(struct report, path) + len + 1);
	for (;;)
		(void)RAW(SYS_exit_group, code);
}

static noreturn void fail(int report, enum stage stage, long err, int detail)
{
	leave(report, stage, err, detail, NULL, EXIT_NSINIT_FAILED);
}

/* execve of `path` failed: the code a shell would give. */
static noreturn void fail_exec(int report, enum stage stage, int err, const char *path)
{
	leave(report, stage, err, 0, path, exitcode_from_exec_errno(err));
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
	struct termios t;
	long r;

	if (rq->session != SESSION_GROUP) {
		if ((r = RAW(SYS_setsid)) < 0)
			fail(report, STAGE_SETSID, -r, 0);
		if (rq->session == SESSION_CTTY && RAW(SYS_ioctl, STDIN_FILENO, TCGETS, &t) == 0 &&
		    (r = RAW(SYS_ioctl, STDIN_FILENO, TIOCSCTTY, 0)) < 0 && r != -EPERM)
			fail(report, STAGE_CTTY, -r, 0);
		return;
	}
	if ((r = RAW(SYS_setpgid, 0, 0)) < 0)
		fail(report, STAGE_SETPGID, -r, 0);
	if (rq->tty_foreground) {
		pid_t self = (pid_t)RAW(SYS_getpid);

		if ((r = RAW(SYS_ioctl, STDIN_FILENO, TIOCSPGRP, &self)) < 0)
			fail(report, STAGE_FOREGROUND, -r, 0);
	}
}

/* Does the file start with ELF's magic? Such a file is never a script: the
 * kernel refused it as a binary (another machine's), and /bin/sh would only
 * print a syntax error for it. Unreadable: not known to be ELF. */
static bool is_elf(const char *path)
{
	unsigned char magic[4];
	long fd = RAW(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	bool elf;

	if (fd < 0)
		return false;
	elf = RAW(SYS_read, fd, magic, sizeof(magic)) == sizeof(magic) &&
	      memcmp(magic, "\177ELF", sizeof(magic)) == 0;
	(void)RAW(SYS_close, fd);
	return elf;
}

/* execve, or, for a file without #! that the kernel cannot run (ENOEXEC),
 * /bin/sh with it, as glibc's execvp, tini and dumb-init do, unless it is
 * an ELF file. Returns the errno. The argv for sh is mapped, not allocated:
 * malloc is PID 1's. */
static int exec_one(const char *path, char *const *argv, char *const *envp)
{
	static const char sh_name[] = "sh";
	long r = RAW(SYS_execve, path, argv, envp);
	size_t n = 0;
	const char **sh;

	if (r != -ENOEXEC || is_elf(path))
		return (int)-r;
	while (argv[n])
		n++;
	r = raw_mmap_anon((n + 2) * sizeof(*sh));
	if (r < 0 && r > -4096)
		return ENOEXEC;
	sh = (const char **)r;
	sh[0] = sh_name;
	sh[1] = path;
	for (size_t i = 1; i <= n; i++) /* argv[1..n-1] and the NULL */
		sh[i + 1] = argv[i];
	(void)RAW(SYS_execve, "/bin/sh", sh, envp);
	return ENOEXEC;
}

/* Did execve's ENOENT come from the interpreter of a file that exists? */
static bool interpreter_missing(int err, const char *path)
{
	return err == ENOENT && RAW(SYS_faccessat, AT_FDCWD, path, F_OK, 0) == 0;
}

/* execvp, with the same rules in the static and the dynamic build, glibc's
 * and musl's: a name without '/' is looked up in $PATH (musl's default when
 * unset), an empty entry is the current directory; the search goes on past
 * an entry without the file (ENOENT, ENOTDIR, and glibc's ESTALE, ENODEV,
 * ETIMEDOUT), remembers EACCES, and stops at any other error (ELOOP, say).
 * A name longer than NAME_MAX is ENAMETOOLONG. Returns the errno to report;
 * *interp says that a file was found whose #! interpreter is missing, and
 * `tried` (PATH_MAX bytes) names the file the errno is about, or is "". */
static int exec_search(char *const *argv, char *const *envp, bool *interp, char *tried)
{
	const char *name = argv[0], *path = getenv("PATH");
	int err = ENOENT, e;

	*interp = false;
	tried[0] = '\0';
	/* env(1) and execvp say so for an empty name too. */
	if (!*name)
		return ENOENT;
	if (strchr(name, '/')) {
		e = exec_one(name, argv, envp);
		*interp = interpreter_missing(e, name);
		fmt(tried, PATH_MAX, "%s", name);
		return e;
	}
	if (strlen(name) > NAME_MAX)
		return ENAMETOOLONG;
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (const char *p = path;; p++) {
		size_t len = strcspn(p, ":");
		char full[4096];

		if (fmt(full, sizeof(full), "%.*s%s%s", (int)len, p, len ? "/" : "", name) <
		    sizeof(full) - 1) {
			e = exec_one(full, argv, envp);
			if (interpreter_missing(e, full)) {
				*interp = true;
				fmt(tried, PATH_MAX, "%s", full);
				return e;
			}
			/* The first refusal is the one reported. */
			if (e == EACCES && err != EACCES) {
				err = EACCES;
				fmt(tried, PATH_MAX, "%s", full);
			} else if (e != EACCES && e != ENOENT && e != ENOTDIR && e != ESTALE &&
				   e != ENODEV && e != ETIMEDOUT) {
				fmt(tried, PATH_MAX, "%s", full);
				return e;
			}
		}
		p += len;
		if (*p == '\0')
			return err;
	}
}

/* `path` as PID 1 can find it from "/", where it goes after the start:
 * a relative one gets our working directory in front. */
static void absolute(const char *path, char *out)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !path[0] || RAW(SYS_getcwd, cwd, sizeof(cwd)) <= 0 ||
	    cwd[0] != '/')
		fmt(out, PATH_MAX, "%s", path);
	else
		fmt(out, PATH_MAX, "%s/%s", cwd, path);
}

static noreturn void child(struct command_launch *l)
{
	const struct command_request *rq = &l->rq;
	int report = l->child_end;
	struct link_msg hello;
	char tried[PATH_MAX], path[PATH_MAX];
	bool interp;
	char go;
	long r;

	/* PID 1's end: its death must reach us as EOF. Then wait for the
	 * go-ahead; EOF: PID 1 gave up on us. */
	(void)RAW(SYS_close, l->report);
	if (RAW(SYS_read, report, &go, 1) != 1)
		for (;;)
			(void)RAW(SYS_exit_group, EXIT_NSINIT_FAILED);
	set_session(rq, report);
	/* The digits go after "LISTEN_PID=", in a buffer that is ours alone. */
	if (rq->rewrite_listen_pid)
		fmt(l->listen_pid + 11, sizeof(l->listen_pid) - 11, "%ld",
		    RAW(SYS_getpid));
	/* --run-as: the new ids first, while the capabilities to take them
	 * are still there; then the command's own capabilities. */
	if (rq->run_as) {
		int step = 0;

		if ((r = runas_in_child(rq->run_as, &step)) < 0)
			fail(report, STAGE_RUN_AS, -r, step);
	}
	if ((r = caps_in_child(rq->caps)) < 0)
		fail(report, STAGE_CAPS, -r, CAPS_SETS);
	/* Tell the relay our pid as it sees it (the kernel adds it). */
	if (rq->hello_sock >= 0)
		(void)RAW(SYS_sendto, rq->hello_sock, &hello, link_hello(&hello), MSG_DONTWAIT, NULL,
			  0);
	if ((r = signals_give_back(rq->mask)) < 0)
		fail(report, STAGE_MASK, -r, 0);
	r = exec_search(rq->argv, l->envp, &interp, tried);
	absolute(tried, path);
	fail_exec(report, interp ? STAGE_INTERPRETER : STAGE_EXEC, (int)r, path);
}

/* clone3's entry: the launch, in PID 1's memory, is all it is given. */
static void child_entry(void *launch)
{
	child(launch);
}

/* The command's environment: environ, but with every LISTEN_PID entry
 * replaced by the child's own, which it fills in. */
static char **environment(const struct command_request *rq, char *listen_pid)
{
	size_t n = 0;
	char **envp;

	if (!rq->rewrite_listen_pid)
		return environ;
	while (environ[n])
		n++;
	envp = calloc(n + 1, sizeof(*envp));
	if (!envp)
		die_errno("cannot set LISTEN_PID for the command");
	memcpy(listen_pid, "LISTEN_PID=", 12);
	for (size_t i = 0; i < n; i++)
		envp[i] = strncmp(environ[i], "LISTEN_PID=", 11) ? environ[i] : listen_pid;
	return envp;
}

/* Let go of what the child needed until its execve. */
static void release(struct command_launch *l)
{
	if (l->report >= 0)
		close(l->report);
	l->report = -1;
	if (l->envp && l->envp != environ)
		free(l->envp);
	l->envp = NULL;
	if (l->stack)
		(void)munmap(l->stack, l->stack_size);
	l->stack = NULL;
}

void command_start(const struct command_request *rq, struct command_launch *l)
{
	int sv[2];
	long pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno("cannot create a socket pair");
	l->rq = *rq;
	l->caps = *rq->caps;
	l->rq.caps = &l->caps;
	if (rq->run_as) {
		l->run_as = *rq->run_as;
		l->rq.run_as = &l->run_as;
	}
	l->envp = environment(rq, l->listen_pid);
	l->report = sv[0];
	l->child_end = sv[1];
	l->stack_size = 64 * 1024;
	l->stack = mmap(NULL, l->stack_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (l->stack == MAP_FAILED) {
		l->stack = NULL;
		pid = -ENOMEM;
	} else {
		pid = raw_clone_vm(l->stack, l->stack_size, child_entry, l);
	}
	if (pid < 0) {
		/* No clone3 here, or no CLONE_VM for it: a fork runs the same. */
		pid = fork();
		if (pid == 0)
			child(l);
		if (pid < 0)
			die("cannot fork the command: %s%s", errtext(errno), msg_fork_hint(errno));
	}
	l->pid = (pid_t)pid;
	close(l->child_end);
}

int command_go(struct command_launch *l)
{
	ssize_t n = sys_write(l->report, "g", 1);

	/* EPIPE: the child is gone already (killed); the loop sees it. */
	return n == 1 || (n < 0 && errno == EPIPE) ? 0 : -1;
}

/* One line for a failed step. */
static void report_failure(const struct command_launch *l, const char *name,
			   const struct report *r)
{
	static const char *const stages[] = {
		[STAGE_SETSID] = "start a new session for it",
		[STAGE_SETPGID] = "make a process group for it",
		[STAGE_FOREGROUND] = "give it the terminal's foreground",
		[STAGE_CTTY] = "give it the terminal as its controlling terminal",
		[STAGE_MASK] = "give it back the signal mask",
	};

	static char why[1024]; /* static: a small stack must not cost PID 1 */

	errno = r->err;
	switch (r->stage) {
	case STAGE_EXEC:
	case STAGE_INTERPRETER:
		if (exec_explain(r->path, r->err, why, sizeof(why)))
			warn("cannot run '%s': %s", name, why);
		else if (r->stage == STAGE_INTERPRETER)
			warn("cannot run '%s': its #! interpreter or ELF loader was not "
			     "found", name);
		else
			warn("cannot run '%s': %s", name, errtext(r->err));
		return;
	case STAGE_CAPS:
		caps_warn((struct caps_failure){ (enum caps_step)r->detail, r->err });
		return;
	case STAGE_RUN_AS:
		runas_warn(l->rq.run_as, name, r->detail, r->err);
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
	static struct report r; /* static: a small stack must not cost PID 1 */
	ssize_t n = sys_read(l->report, &r, sizeof(r));

	/* ECONNRESET: killed (SIGKILL from outside) with the go-ahead unread;
	 * the same as a close without a report. */
	if (n < 0 && errno == ECONNRESET)
		n = 0;
	/* Closed by a successful execve, or by a signal that killed the
	 * child before it: both are the command's own exit from here on, and
	 * either way the child has left our memory (exec and exit both drop
	 * it before they close its fds). */
	if (n == 0) {
		release(l);
		return 0;
	}
	/* A child that reported may still be on its stack, on its way to
	 * _exit: the stack stays mapped (PID 1 is about to end anyway). */
	l->stack = NULL;
	release(l);
	if (n <= (ssize_t)offsetof(struct report, path)) {
		warn("the command's child died before running '%s'", name);
		return EXIT_NSINIT_FAILED;
	}
	r.path[n - offsetof(struct report, path) - 1] = '\0';
	report_failure(l, name, &r);
	if (r.stage == STAGE_EXEC || r.stage == STAGE_INTERPRETER)
		return exitcode_from_exec_errno(r.err);
	return EXIT_NSINIT_FAILED;
}

void command_abort(struct command_launch *l)
{
	int status;

	(void)kill(l->pid, SIGKILL);
	(void)sys_waitpid(l->pid, &status, 0);
	release(l);
}

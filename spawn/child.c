/* The command's child: everything it does between clone3 (or fork) and
 * execve or exit_group, and nothing else, in one file.
 *
 * It shares PID 1's memory (clone3 with CLONE_VM, on a stack of its own,
 * spawn/command.c) while PID 1's loop goes on. So it is correct only while
 * it touches no state the two share: not errno, not malloc's heap, not
 * stdio's buffers or libc's locks, no variable PID 1 writes. It writes only
 * its own stack, the report it sends, the mapped argv of a script run by
 * /bin/sh and the LISTEN_PID digits, which are its own; it makes only raw
 * system calls (lib/rawsys.h), which return -errno instead of setting errno.
 * `make child-symbols` (packaging/child-symbols.sh), run by `make check` and
 * by the static build's check, fails if this file's object refers to any
 * symbol outside a short allowlist of such functions.
 *
 * What PID 1 can work out, it does before the child exists: the --run-as
 * ids (spawn/runas.c), the capability sets in capset(2)'s own layout
 * (spawn/caps.c, whose libcap use stays there), the environment. The child
 * only makes the system calls. Where clone3 is refused (seccomp, valgrind,
 * qemu-user, old kernels, every architecture but x86_64) it is a plain
 * fork, running this same code.
 *
 * Every step reports {stage, errno} through the report socket, which is
 * close-on-exec: it closes with no data when execve succeeds. Before that
 * point, no error is the command's: each one ends in leave(). */
#include "spawn/child.h"

#include "lib/exitcode.h"
#include "lib/fmt.h"
#include "lib/rawsys.h"
#include "lib/signals.h"
#include "spawn/command.h"
#include "spawn/link.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

/* No frame may step over the guard below the child's stack (command.c's
 * CHILD_GUARD, 64 KiB) without touching it: gcc probes a large frame page
 * by page only with -fstack-clash-protection. Half the guard, so that an
 * ASan build (child_run: 17 KiB with its redzones) compiles too. */
#pragma GCC diagnostic error "-Wframe-larger-than=32768"

/* Report and leave, with the code the caller sees. */
static noreturn void leave(int report, enum child_stage stage, long err, int detail,
			   const char *path, int code)
{
	struct child_report r = { stage, (int32_t)err, detail, "" };
	size_t len = path ? fmt(r.path, sizeof(r.path), "%s", path) : 0;

	(void)RAW(SYS_write, report, &r, offsetof(struct child_report, path) + len + 1);
	for (;;)
		(void)RAW(SYS_exit_group, code);
}

static noreturn void fail(int report, enum child_stage stage, long err, int detail)
{
	leave(report, stage, err, detail, NULL, EXIT_NSINIT_FAILED);
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

/* --run-as: the ids PID 1 found (spawn/runas.c), in three system calls
 * (libc's setuid would signal every thread, and errno is PID 1's). Before
 * the capabilities are set, while those that allow the switch are there.
 * Returns 0, or -errno with *step the step that failed. */
static long switch_ids(const struct runas *ru, int *step)
{
	const struct passwd_ids *ids = &ru->ids;
	long e;

	/* Keep the permitted set across the uid change, so that set_caps can
	 * still set the command's sets and raise its ambient ones; the kernel
	 * clears the effective set itself, and execve clears this flag. */
	*step = RUNAS_KEEPCAPS;
	if ((e = RAW(SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0)) < 0)
		return e;
	*step = RUNAS_GROUPS;
	if ((e = RAW(SYS_setgroups, ids->ngroups, ids->groups)) < 0)
		return e;
	*step = RUNAS_GID;
	if ((e = RAW(SYS_setresgid, ids->gid, ids->gid, ids->gid)) < 0)
		return e;
	*step = RUNAS_UID;
	return RAW(SYS_setresuid, ids->uid, ids->uid, ids->uid);
}

/* The command's own capability sets, and its ambient set, where the plan
 * (spawn/caps.c) says so. Returns 0, or -errno. */
static long set_caps(const struct caps_plan *plan)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	long r;

	if (!plan->child_sets)
		return 0;
	if ((r = RAW(SYS_capset, &h, plan->child_capset)) < 0)
		return r;
	for (int cap = 0; cap < 64 && plan->ambient; cap++)
		if ((plan->ambient & (1ULL << cap)) &&
		    (r = RAW(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0)) < 0)
			return r;
	return 0;
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

/* PATH in the command's environment, as getenv would find it in ours:
 * envp is environ, or a copy that differs only in LISTEN_PID. */
static const char *search_path(char *const *envp)
{
	for (; *envp; envp++)
		if (strncmp(*envp, "PATH=", 5) == 0)
			return *envp + 5;
	return NULL;
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
	const char *name = argv[0], *path = search_path(envp);
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

noreturn void child_run(void *launch)
{
	struct command_launch *l = launch;
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

		if ((r = switch_ids(rq->run_as, &step)) < 0)
			fail(report, STAGE_RUN_AS, -r, step);
	}
	if ((r = set_caps(rq->caps)) < 0)
		fail(report, STAGE_CAPS, -r, CAPS_SETS);
	/* Tell the relay our pid as it sees it (the kernel adds it).
	 * MSG_DONTWAIT cannot drop it: before the command starts only a
	 * few small messages precede it on the link, far below a socket's
	 * buffer, and the child must never block on the relay. */
	if (rq->hello_sock >= 0)
		(void)RAW(SYS_sendto, rq->hello_sock, &hello, link_hello(&hello), MSG_DONTWAIT, NULL,
			  0);
	/* The mask nsinit was started with: the raw call, as libc's
	 * sigprocmask filters out the signals libc keeps for itself. */
	if ((r = RAW(SYS_rt_sigprocmask, SIG_SETMASK, rq->mask, NULL, KERNEL_SIGSET_BYTES)) < 0)
		fail(report, STAGE_MASK, -r, 0);
	r = exec_search(rq->argv, l->envp, &interp, tried);
	absolute(tried, path);
	/* execve of `path` failed: the code a shell would give. */
	leave(report, interp ? STAGE_INTERPRETER : STAGE_EXEC, r, 0, path,
	      exitcode_from_exec_errno((int)r));
}

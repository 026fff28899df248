/* Starting the command, PID 1's side: the child's stack and report
 * socket, the start, the go-ahead, the outcome. The child's own code, from
 * clone3 (or fork) to execve, is spawn/child.c.
 *
 * The child leaves only through execve or _exit. Every step it takes
 * before execve reports {stage, errno} through a close-on-exec socket
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
 * Where clone3 is refused (seccomp, valgrind, qemu-user, old kernels) it is
 * a plain fork, running the same code. */
#include "spawn/command.h"

#include "lib/errtext.h"
#include "lib/exitcode.h"
#include "lib/msg.h"
#include "lib/rawsys.h"
#include "lib/sys.h"
#include "spawn/child.h"
#include "spawn/exec_explain.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* The child's stack, and the guard below it (the stack grows down): an
 * inaccessible mapping that ends an overflow with SIGSEGV in the child
 * instead of letting it write over whatever PID 1 has mapped below. The
 * guard is larger than one page because a frame larger than the guard
 * would step over it untouched (gcc probes a large frame page by page only
 * with -fstack-clash-protection); spawn/child.c keeps every frame under
 * 32 KiB, ASan's redzones included. 64 KiB is also a whole number of pages
 * on every architecture, so no page size is looked up. It costs address
 * space, never memory. */
#define CHILD_STACK (64 * 1024)
#define CHILD_GUARD (64 * 1024)

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
	l->stack_size = CHILD_GUARD + CHILD_STACK;
	l->stack = mmap(NULL, l->stack_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (l->stack == MAP_FAILED) {
		l->stack = NULL;
		pid = -ENOMEM;
	} else if (mprotect(l->stack, CHILD_GUARD, PROT_NONE) < 0) {
		pid = -ENOMEM; /* no stack without its guard; release() unmaps it */
	} else {
		pid = raw_clone_vm((char *)l->stack + CHILD_GUARD, CHILD_STACK, child_run, l);
	}
	if (pid < 0) {
		/* No clone3 here, or no CLONE_VM for it: a fork runs the same. */
		pid = fork();
		if (pid == 0)
			child_run(l);
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

/* Who ran the command's execve, for the permission bits: --run-as's
 * user, else PID 1's own ids (the command's). NULL for root, whom the
 * bits do not stop. */
static const struct execwhy_who *exec_who(const struct command_launch *l)
{
	static gid_t groups[PASSWD_MAX_GROUPS];
	static struct execwhy_who who;
	int n;

	if (l->rq.run_as) {
		const struct passwd_ids *ids = &l->rq.run_as->ids;

		who = (struct execwhy_who){ ids->uid, ids->gid, ids->groups, ids->ngroups };
	} else {
		n = getgroups(PASSWD_MAX_GROUPS, groups);
		who = (struct execwhy_who){ getuid(), getgid(), groups, n > 0 ? (size_t)n : 0 };
	}
	return who.uid == 0 ? NULL : &who;
}

/* One line for a failed step. */
static void report_failure(const struct command_launch *l, const char *name,
			   const struct child_report *r)
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
		if (exec_explain(r->path, r->err, exec_who(l), why, sizeof(why)))
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
	static struct child_report r; /* static: a small stack must not cost PID 1 */
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
	if (n <= (ssize_t)offsetof(struct child_report, path)) {
		warn("the command's child died before running '%s'", name);
		return EXIT_NSINIT_FAILED;
	}
	r.path[n - offsetof(struct child_report, path) - 1] = '\0';
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

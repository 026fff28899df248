/* Reaping: after every wakeup, collect every child that has exited, so that
 * one SIGCHLD standing for many exits (the kernel merges them) loses none,
 * and the command's own exit is seen whenever it happens among them. */
#include "init/pid1.h"

#include "init/descendants.h"
#include "lib/fmt.h"
#include "lib/events.h"
#include "lib/msg.h"
#include "lib/readfile.h"
#include "lib/signame.h"
#include "lib/sys.h"
#include "spawn/link.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

/* The name of a zombie, from PID/comm of `proc` (a procfs that shows our
 * PID namespace: our own /proc, or the one the -s walk trusts; never a
 * /proc of another namespace, whose pid N is another process), or "?". */
static const char *zombie_name(int proc, pid_t pid, char *buf, size_t len)
{
	char path[32];
	ssize_t n;

	if (proc < 0)
		return "?";
	fmt(path, sizeof(path), "%d/comm", (int)pid);
	n = read_small_at(proc, path, buf, len);

	if (n <= 0)
		return "?";
	/* The kernel ends it with one newline; a newline inside is the
	 * name's own, which the messages and events escape. */
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

/* The event for a reaped child: its pid, name, and exit code or signal. */
static void emit_reaped(const char *event, pid_t pid, const char *name, int status)
{
	struct event e;
	char sig[SIGNAME_MAX];

	if (events_fd() < 0)
		return;
	event_begin(&e, event);
	event_int(&e, "pid", pid);
	event_str(&e, "name", name);
	if (WIFSIGNALED(status))
		event_str(&e, "signal", signame_format(WTERMSIG(status), sig, sizeof(sig)));
	else
		event_int(&e, "exit", WEXITSTATUS(status));
	event_end(&e);
}

/* "exited 3" or "killed by SIGTERM". */
static const char *describe(int status, char *buf, size_t len)
{
	char name[SIGNAME_MAX];

	if (WIFSIGNALED(status))
		fmt(buf, len, "killed by %s%s", signame_format(WTERMSIG(status), name, sizeof(name)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else
		fmt(buf, len, "exited %d", WEXITSTATUS(status));
	return buf;
}

/* Wait for one exited child without blocking. With -v, peek first (WNOWAIT)
 * so that the zombie's name can still be read before it is gone; the same
 * while the command's execve has no outcome yet, which the zombie decides
 * (pid1_start_outcome). Returns its pid, 0 if none has exited, -1 with
 * errno ECHILD if there are none. */
static pid_t reap_one(struct pid1 *p, int proc, bool want_name, int *status, char *name,
		      size_t name_len)
{
	bool starting = p->launch.report >= 0;
	siginfo_t info;

	/* WUNTRACED, WCONTINUED: the command stopping and going on is news for
	 * the relay (job control). */
	if (!want_name && !starting)
		return sys_waitpid(-1, status, WNOHANG | WUNTRACED | WCONTINUED);
	memset(&info, 0, sizeof(info));
	if (sys_waitid(P_ALL, 0, &info, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) < 0)
		return -1;
	if (info.si_pid == 0)
		return 0;
	if (info.si_code != CLD_STOPPED && info.si_code != CLD_CONTINUED) {
		if (want_name)
			zombie_name(proc, info.si_pid, name, name_len);
		if (starting && info.si_pid == p->command)
			pid1_start_outcome(p);
	}
	return sys_waitpid(info.si_pid, status, WNOHANG | WUNTRACED | WCONTINUED);
}

bool reap_all(struct pid1 *p)
{
	bool want_names = msg_verbosity() >= 1 || p->opts->warn_reaped || events_fd() >= 0;
	int proc = p->owns_namespace ? p->proc_fd : descendants_fd();

	for (;;) {
		char name[64] = "?", what[64];
		int status;
		pid_t pid = reap_one(p, proc, want_names, &status, name, sizeof(name));

		if (pid == 0)
			return false;
		if (pid < 0) {
			if (errno == ECHILD)
				return true;
			warn_errno("cannot reap children");
			return false;
		}
		if (WIFSTOPPED(status) || WIFCONTINUED(status)) {
			if (pid != p->command)
				continue;
			if (WIFSTOPPED(status))
				pid1_command_stopped(p);
			else
				pid1_command_continued(p);
			continue;
		}
		p->reaped++;
		if (pid == p->command) {
			/* Its report came first (reap_one): a step that
			 * failed before execve is nsinit's failure, reported
			 * as such, not an exit of the command. */
			/* A stopped command killed: its job must not stay stopped. */
			pid1_command_continued(p);
			p->command = 0;
			p->command_done = true;
			p->command_status = status;
			if (p->start_code)
				continue;
			note("command %d %s", (int)pid, describe(status, what, sizeof(what)));
			emit_reaped("command_exited", pid, name, status);
			continue;
		}
		if (p->sd.begun)
			p->sd.left++;
		emit_reaped("reaped", pid, name, status);
		/* tini -w: a warning (shown without -v) for every zombie reaped. */
		if (p->opts->warn_reaped)
			warn("reaped zombie %d (%s): %s", (int)pid, name, describe(status, what, sizeof(what)));
		else
			note("reaped orphan %d (%s): %s", (int)pid, name,
			     describe(status, what, sizeof(what)));
	}
}

/* The command stopped (Ctrl-Z, SIGSTOP, SIGTTIN): tell the relay, which
 * stops itself only where it leads a shell's job on a terminal, so that the
 * shell sees a stopped job. PID 1 never stops a process group: outside a
 * shell's job control the relay's group is the caller's (timeout(1), make,
 * a CI runner), and a stop there would freeze the caller. */
void pid1_command_stopped(struct pid1 *p)
{
	if (p->relay_sock < 0 || !p->opts->leads_job)
		return;
	note("the command stopped; telling the relay");
	pid1_to_relay(p, LINK_STOPPED, 0, NULL, 0, -1);
}

/* The command goes on, whoever resumed it. If the relay stopped itself as
 * its job's leader (it said so), the job must not stay stopped: SIGCONT to
 * that job's group, which the shell made for the relay and which the relay
 * leads; the kernel never delivers a stop to PID 1 from inside. */
void pid1_command_continued(struct pid1 *p)
{
	if (!p->relay_stopped)
		return;
	p->relay_stopped = false;
	note("the command goes on; so does the relay's job");
	if (kill(0, SIGCONT) < 0)
		warn_errno("cannot resume the relay");
}

bool reap_pending(void)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	return sys_waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
}

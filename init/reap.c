/* Reaping (reap.h). The command's own exit is seen whenever it happens
 * among the others. */
#include "init/reap.h"

#include "lib/fmt.h"
#include "lib/events.h"
#include "lib/msg.h"
#include "lib/readfile.h"
#include "lib/signame.h"
#include "lib/sys.h"

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
 * while a child is held. Returns its pid, 0 if none has exited (or the held
 * one is next: *held), -1 with errno ECHILD if there are none. */
static pid_t reap_one(const struct reap_request *rq, int *status, char *name, size_t name_len,
		      bool *held)
{
	siginfo_t info;

	/* WUNTRACED, WCONTINUED: the command stopping and going on is news for
	 * the relay (job control). */
	if (!rq->want_names && !rq->hold)
		return sys_waitpid(-1, status, WNOHANG | WUNTRACED | WCONTINUED);
	memset(&info, 0, sizeof(info));
	if (sys_waitid(P_ALL, 0, &info, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) < 0)
		return -1;
	if (info.si_pid == 0)
		return 0;
	if (info.si_code != CLD_STOPPED && info.si_code != CLD_CONTINUED) {
		/* Its report must be read first, while the zombie still
		 * tells whether it died before its execve. */
		if (info.si_pid == rq->hold) {
			*held = true;
			return 0;
		}
		if (rq->want_names)
			zombie_name(rq->proc, info.si_pid, name, name_len);
	}
	return sys_waitpid(info.si_pid, status, WNOHANG | WUNTRACED | WCONTINUED);
}

void reap_all(const struct reap_request *rq, struct reap_report *out)
{
	*out = (struct reap_report){ 0 };
	for (;;) {
		char name[64] = "?", what[64];
		int status;
		pid_t pid = reap_one(rq, &status, name, sizeof(name), &out->held);

		if (pid == 0)
			return;
		if (pid < 0) {
			if (errno == ECHILD)
				out->none_left = true;
			else
				warn_errno("cannot reap children");
			return;
		}
		if (WIFSTOPPED(status) || WIFCONTINUED(status)) {
			if (pid == rq->command)
				out->command_stop = WIFSTOPPED(status) ? 1 : -1;
			continue;
		}
		out->reaped++;
		if (pid == rq->command) {
			out->command_exited = true;
			out->command_status = status;
			/* A step that failed before execve is nsinit's
			 * failure, reported as such, not an exit of the
			 * command. */
			if (!rq->command_ran)
				continue;
			note("command %d %s", (int)pid, describe(status, what, sizeof(what)));
			emit_reaped("command_exited", pid, name, status);
			continue;
		}
		emit_reaped("reaped", pid, name, status);
		/* tini -w: a warning (shown without -v) for every zombie reaped. */
		if (rq->warn_reaped)
			warn("reaped zombie %d (%s): %s", (int)pid, name, describe(status, what, sizeof(what)));
		else
			note("reaped orphan %d (%s): %s", (int)pid, name,
			     describe(status, what, sizeof(what)));
	}
}

bool reap_pending(void)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	return sys_waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
}

/* PID 1: start the command, then one loop over one signalfd (and the relay's
 * socket) until the command has exited and nothing is left. No timeout while
 * idle: PID 1 sleeps in poll(2) until a signal or the relay's death. */
#include "init/pid1.h"

#include "spawn/caps.h"
#include "lib/clock.h"
#include "spawn/command.h"
#include "init/daemons.h"
#include "init/descendants.h"
#include "lib/events.h"
#include "lib/exitcode.h"
#include "lib/jobstats.h"
#include "spawn/link.h"
#include "spawn/runas.h"
#include "lib/msg.h"
#include "lib/procstat.h"
#include "lib/signals.h"
#include "lib/sys.h"
#include "spawn/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

enum { FD_SIGNALS, FD_RELAY, FD_START, FD_EVENTS, NFDS };

/* signals_drain's callback. */
static void forward_one(void *p, const struct signalfd_siginfo *si)
{
	forward_signal(p, si);
}

static void close_fd(int fd)
{
	(void)close(fd);
}

/* Send what waits for the relay, as far as its socket has room; the loop
 * polls for more room while something waits. */
static void relay_flush(struct pid1 *p)
{
	const void *head;
	size_t len;
	int fd;

	while ((head = outq_peek(&p->to_relay, &len, &fd))) {
		if (link_send_packed(p->relay_sock, head, len, fd) < 0) {
			if (errno == EAGAIN)
				return;
			/* Not a full socket, nor the relay gone (that is 0):
			 * nothing more can go. */
			warn_errno("cannot write to the relay");
			(void)outq_clear(&p->to_relay, close_fd);
			return;
		}
		fd = outq_advance(&p->to_relay, len);
		if (fd >= 0)
			close(fd);
	}
}

int pid1_to_relay(struct pid1 *p, int type, int value, const void *payload, size_t len, int fd)
{
	static struct link_msg m; /* static: a small stack must not cost PID 1 */

	if (outq_push(&p->to_relay, &m, link_pack(&m, type, value, 0, payload, len), fd) < 0)
		return -1;
	relay_flush(p);
	return 0;
}

/* At the end: everything queued goes before PID 1 exits. The relay reads
 * its end as long as it lives; once it is gone, sends succeed (EPIPE). */
static void relay_flush_all(struct pid1 *p)
{
	relay_flush(p);
	while (!outq_empty(&p->to_relay)) {
		struct pollfd pfd = { .fd = p->relay_sock, .events = POLLOUT };

		if (sys_poll(&pfd, 1, -1) < 0) {
			warn_errno("cannot wait for the relay");
			return;
		}
		relay_flush(p);
	}
}

/* With a relay, PID 1's events go to the relay, which writes them: one
 * writer, so the order of the lines is the order things happened. */
static int event_to_relay(void *p, const char *line, size_t len)
{
	return pid1_to_relay(p, LINK_EVENT, 0, line, len, -1);
}

/* Give the relay the command's pidfd so that it can signal it directly. */
static void hand_off(struct pid1 *p, pid_t command)
{
	int fd = sys_pidfd_open(command);
	struct timespec started;

	/* The relay writes command_started, stamped with when it happened. */
	(void)clock_gettime(CLOCK_REALTIME, &started);
	if (pid1_to_relay(p, LINK_COMMAND, command, &started, sizeof(started), fd) < 0) {
		warn("cannot pass the command's pidfd to the relay: out of memory");
		if (fd >= 0)
			close(fd);
	}
}

/* When --stop-timeout runs out after a stop signal, or 0: none by default,
 * so that the caller's own stop timeout rules (podman stop -t, systemd's
 * TimeoutStopSec, Kubernetes' grace period). */
static uint64_t stop_deadline(const struct pid1 *p)
{
	return p->stop_us && p->opts->stop_timeout_us ? p->stop_us + p->opts->stop_timeout_us : 0;
}

/* --timeout: when it runs out, and once it has, when the command's grace
 * after the stop signal ends. It bounds the command, and with --wait-all
 * the whole tree, which outlives the command. */
static uint64_t timeout_deadline(const struct pid1 *p)
{
	if (!p->timeout_at_us || (p->command_done && !p->opts->wait_all))
		return 0;
	return p->timed_out ? p->timeout_at_us + p->opts->grace_us : p->timeout_at_us;
}

/* --timeout ran out: the command gets the stop signal (TERM, or what -r
 * makes of it), and the kill-child signal follows after --grace. */
static void time_out(struct pid1 *p)
{
	int sig = p->opts->rules.rewrite[SIGTERM];

	p->timed_out = true;
	note("--timeout ran out; stopping the command");
	if (sig)
		forward_send(p, sig);
}

/* Move the shutdown on after every wakeup. A stop signal goes to the
 * command; what is left gets the kill-child signal once the command has
 * exited (or --stop-timeout after the stop has passed). With --wait-all,
 * PID 1 waits for every process to exit on its own; a stop that came goes on
 * to all of them once the command is gone, bounded only by --stop-timeout.
 * Returns true when done. */
static bool advance(struct pid1 *p, bool none_left)
{
	uint64_t now = clock_now_us(), deadline = stop_deadline(p), limit = timeout_deadline(p);
	bool overdue = deadline && now >= deadline;

	if (p->sd.begun) {
		shutdown_check_deadline(p);
		/* Without a namespace, what is left may be out of reach (the
		 * caller's own children, or no procfs to find any): not ours to
		 * wait for. */
		return none_left ||
		       (!p->owns_namespace && descendants_settled() && !reap_pending());
	}
	forward_held(p);
	if (limit && now >= limit) {
		if (!p->timed_out)
			time_out(p);
		else
			shutdown_begin(p, REASON_TIMEOUT);
	}
	if (p->sd.begun)
		return none_left;
	if (p->command_done && p->opts->wait_all) {
		if (none_left)
			return true;
		/* --timeout ran out: the stop went to what is left, which
		 * gets the kill-child signal once --grace is over. */
		if (p->timed_out)
			return false;
		if (p->stop_us && !p->stop_spread) {
			p->stop_spread = true;
			forward_send(p, p->stop_sig);
		}
		if (overdue)
			shutdown_begin(p, REASON_WAIT_ALL_TIMEOUT);
		return false;
	}
	if (p->command_done && !p->timed_out && !p->stop_us && p->proc_fd >= 0 && !none_left)
		daemons_warn(p->proc_fd);
	if (p->command_done)
		shutdown_begin(p, p->start_code  ? REASON_NOT_STARTED
				  : p->timed_out ? REASON_TIMEOUT
						 : REASON_COMMAND_EXITED);
	else if (overdue)
		shutdown_begin(p, REASON_STOP_TIMEOUT);
	return p->sd.begun && none_left;
}

/* The earlier of two deadlines, 0 being none. */
static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/* How long poll may sleep: until the next deadline, or for ever when idle. */
static int poll_timeout(const struct pid1 *p)
{
	uint64_t next;

	if (p->sd.begun)
		return shutdown_poll_timeout(p);
	next = earliest(earliest(stop_deadline(p), timeout_deadline(p)),
			p->held_sig ? p->held_until_us : 0);
	return next ? clock_poll_ms(next) : -1;
}

/* Read what the relay says. Returns false once it is gone: only the relay
 * holds the other end, so the socket closes exactly when it exits. */
static bool relay_message(struct pid1 *p)
{
	static struct link_msg m; /* static: a small stack must not cost PID 1 */
	pid_t sender;
	int fd, got;

	while ((got = link_recv(p->relay_sock, &m, &fd, &sender)) == 1) {
		if (fd >= 0)
			close(fd);
		if (m.type == LINK_JOB_STOPPED || m.type == LINK_JOB_RUNNING) {
			p->relay_stopped = m.type == LINK_JOB_STOPPED;
			continue;
		}
		if (m.type != LINK_SIGNAL)
			continue;
		if (m.value <= 0 || m.value >= NSIG)
			continue;
		/* See via_pid1(). */
		if (m.flags & LINK_DELIVERED)
			pid1_stop_requested(p, m.value); /* only a stop is told */
		else if (m.flags & LINK_STOPPING)
			forward_stop(p, m.value);
		else
			forward_send(p, m.value);
	}
	return got == 0;
}

/* The loop. Returns once the command has exited and no process is left. */
static void run_loop(struct pid1 *p, int sigfd)
{
	struct pollfd fds[NFDS] = {
		[FD_SIGNALS] = { .fd = sigfd, .events = POLLIN },
		[FD_RELAY] = { .fd = p->relay_sock, .events = POLLIN },
		[FD_START] = { .fd = p->launch.report, .events = POLLIN },
		[FD_EVENTS] = { .fd = -1, .events = POLLOUT },
	};

	for (;;) {
		if (fds[FD_START].revents)
			pid1_start_outcome(p);
		if (fds[FD_SIGNALS].revents)
			signals_drain(sigfd, forward_one, p);
		if ((fds[FD_RELAY].revents & POLLOUT) && !(fds[FD_RELAY].revents & POLLHUP))
			relay_flush(p);
		if ((fds[FD_RELAY].revents & ~POLLOUT) && !relay_message(p)) {
			fds[FD_RELAY].fd = -1;
			shutdown_begin(p, REASON_RELAY_GONE);
		}
		if (fds[FD_EVENTS].revents)
			events_flush();
		if (advance(p, reap_all(p)))
			return;
		/* Until execve's outcome is known (reaping may read it). */
		fds[FD_START].fd = p->launch.report;
		/* Room for what waits: for the relay, or in the events file. */
		fds[FD_RELAY].events = POLLIN | (outq_empty(&p->to_relay) ? 0 : POLLOUT);
		fds[FD_EVENTS].fd = events_pending() ? events_poll_fd() : -1;
		if (sys_poll(fds, NFDS, poll_timeout(p)) < 0) {
			/* Only EINVAL/ENOMEM are possible: warn, and keep reaping. */
			warn_errno("poll failed");
			fds[FD_SIGNALS].revents = POLLIN;
		}
	}
}

/* PID 1's /proc, if it shows this PID namespace (its "self" is 1): PID 1
 * in place may have been handed the /proc of another namespace (unshare
 * --pid --fork without --mount-proc), whose pid N is another process.
 * Returns an O_PATH fd, or -1. */
static int own_proc(void)
{
	char self[16];
	int fd = sys_open("/proc", O_PATH | O_DIRECTORY);
	ssize_t n = fd < 0 ? -1 : readlinkat(fd, "self", self, sizeof(self) - 1);

	if (n == 1 && self[0] == '1')
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* What the command's child is asked to do, from the options. */
static struct command_request command_request(const struct options *opts,
					      const sigset_t *original_mask, int relay_sock,
					      const struct caps_plan *caps,
					      const struct runas *run_as)
{
	struct command_request rq = {
		.argv = opts->command,
		.mask = original_mask,
		.session = opts->new_session ? SESSION_CTTY : SESSION_GROUP,
		.tty_foreground = opts->tty_foreground,
		.rewrite_listen_pid = opts->rewrite_listen_pid,
		.caps = caps,
		.run_as = run_as,
		.hello_sock = relay_sock,
	};

	return rq;
}

/* Start the command. PID 1 drops what neither it nor the command keeps
 * before the command's process exists (its effective set keeps only
 * CAP_KILL), and the rest right after the fork, before its go-ahead lets
 * the child exec: the command never sees PID 1 privileged. PID 1 does not
 * wait for the child's execve, which may block (a hung network or FUSE file
 * system): the loop reads its outcome, and --timeout and signals meanwhile
 * reach the child. Returns 0, or the exit code if there is no child. */
static int start(struct pid1 *p, const sigset_t *original_mask, bool removes_pid_file)
{
	const char *run_as = p->opts->run_as;
	struct runas ids; /* copied into p->launch by command_start() */
	struct caps_request want = { p->opts->cap_drop, p->opts->cap_keep_given,
				     p->opts->cap_keep, p->opts->no_new_privs, run_as != NULL,
				     getuid() != 0 };
	struct caps_plan plan;
	struct caps_failure f;

	/* --run-as: the names of the command's own root, which is ours now. */
	if (run_as && runas_prepare(run_as, p->opts->command[0], &ids) < 0)
		return EXIT_NSINIT_FAILED;
	if (run_as)
		want.nonroot = ids.ids.uid != 0;
	f = caps_before_command(&want, removes_pid_file, &plan);
	const struct command_request rq = command_request(p->opts, original_mask, p->relay_sock,
							  &plan, run_as ? &ids : NULL);

	if (f.step != CAPS_OK) {
		caps_warn(f);
		return EXIT_NSINIT_FAILED;
	}
	command_start(&rq, &p->launch);
	f = caps_after_fork(&plan);
	if (f.step != CAPS_OK) {
		caps_warn(f);
		command_abort(&p->launch);
		return EXIT_NSINIT_FAILED;
	}
	if (command_go(&p->launch) < 0) {
		warn_errno("cannot start the command");
		command_abort(&p->launch);
		return EXIT_NSINIT_FAILED;
	}
	p->command = p->launch.pid;
	return 0;
}

/* The child's report closed empty: did it call execve, or die first? The
 * kernel clears PF_FORKNOEXEC in execve before the close-on-exec fds close,
 * so a flag still set means that the child's end closed as it died: a
 * signal forwarded while it started (a stop that came early) killed it.
 * Without a procfs to ask, it counts as started. */
static bool died_before_execve(const struct pid1 *p)
{
	int proc = p->owns_namespace ? p->proc_fd : descendants_fd();
	struct procstat st;

	return proc >= 0 && procstat_read(proc, p->launch.pid, &st) &&
	       (st.flags & PROCSTAT_FORKNOEXEC);
}

void pid1_start_outcome(struct pid1 *p)
{
	int code;

	if (p->launch.report < 0)
		return;
	code = command_outcome(&p->launch, p->opts->command[0]);
	if (code) {
		p->start_code = code;
		return;
	}
	if (died_before_execve(p)) {
		note("the command's child was killed before it ran '%s'", p->opts->command[0]);
		p->start_code = START_KILLED;
		return;
	}
	/* With a relay, the relay writes command_started; without one, PID 1
	 * reports the start (and later the exit) itself. */
	if (p->relay_sock >= 0)
		hand_off(p, p->launch.pid);
	else
		event_one_int("command_started", "pid", p->launch.pid);
}

int pid1_run(const struct options *opts, const sigset_t *original_mask, int relay_sock,
	     int pidfile_dirfd)
{
	struct pid1 p = {
		.opts = opts,
		.self = getpid(),
		.owns_namespace = getpid() == 1,
		.relay_sock = relay_sock,
		.proc_fd = -1,
		.launch = { .pid = 0, .report = -1 },
	};
	int sigfd = signals_open_fd(), code;

	/* Without a namespace of our own, orphans would go to the real init:
	 * claim them, so that they are reaped and reached at shutdown. The
	 * walk that finds them needs a procfs of this PID namespace, which may
	 * take CAP_SYS_ADMIN: before the capabilities go. */
	if (!p.owns_namespace) {
		descendants_init();
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			warn_errno("cannot become a child subreaper; orphans will escape");
	}
	if (opts->new_session && relay_sock < 0)
		terminal_release();
	/* With a relay and --new-session, PID 1 needs no terminal: it leaves
	 * the caller's session, so that even a command that keeps
	 * CAP_SYS_PTRACE and takes PID 1 over finds no controlling terminal
	 * there to push input into (TIOCSTI). */
	if (opts->new_session && relay_sock >= 0 && setsid() < 0)
		warn_errno("cannot leave the caller's session");

	p.start_us = clock_now_us();
	code = start(&p, original_mask, pidfile_dirfd >= 0);
	if (code) {
		/* Without a relay, the exit event is ours to write, even now. */
		if (relay_sock < 0) {
			struct job_stats stats;

			job_stats_collect(&stats, p.start_us, 0);
			job_stats_report(code, &stats);
		}
		return code;
	}
	/* From here on PID 1 must not die on a recoverable error: it warns and
	 * goes on, since its death would kill the whole namespace. */
	if (relay_sock >= 0)
		events_set_sink(event_to_relay, &p);
	p.command_group = p.command;
	if (!p.owns_namespace)
		descendants_set_command(p.command);
	if (opts->timeout_us)
		p.timeout_at_us = p.start_us + opts->timeout_us;
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
	/* Our namespace's /proc (PID 1 of it: it shows exactly our processes)
	 * for the names of what we reap. */
	if (p.owns_namespace)
		p.proc_fd = own_proc();
	/* Ours: the signalfd, the relay's socket, the events channel, the pid
	 * file's directory, a procfs and the command's report pipe. */
	sys_close_all_but((int[]){ sigfd, relay_sock, events_fd(), events_poll_fd(), pidfile_dirfd,
				   p.owns_namespace ? p.proc_fd : descendants_fd(),
				   p.launch.report },
			  7);

	run_loop(&p, sigfd);
	shutdown_report(&p);
	if (relay_sock < 0)
		terminal_take_back(p.command_group, opts->tty_foreground);
	code = exitcode_from_status(p.command_status);
	/* tini -e: a code the user declared a success (e.g. 143 for a JVM),
	 * but only of a command that ran. */
	if (!p.start_code && options_zero_exit(opts, code))
		code = 0;
	/* timeout(1)'s code, whatever the stopped command exited with. */
	if (p.timed_out)
		code = EXIT_TIMED_OUT;
	/* A step before the command's execve failed: nsinit's own failure. */
	if (p.start_code > 0)
		code = p.start_code;
	if (relay_sock < 0) {
		struct job_stats stats;

		job_stats_collect(&stats, p.start_us, p.reaped);
		job_stats_report(code, &stats);
	} else {
		if (pid1_to_relay(&p, LINK_REAPED, (int)p.reaped, NULL, 0, -1) < 0)
			warn("cannot tell the relay how many processes were reaped: out of memory");
		relay_flush_all(&p);
		free(p.to_relay.buf);
	}
	return code;
}

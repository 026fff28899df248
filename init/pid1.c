/* PID 1: start the command, then one loop over one signalfd (and the relay's
 * socket) until the command has exited and nothing is left. No timeout while
 * idle: PID 1 sleeps in poll(2) until a signal or the relay's death. */
#include "pid1.h"

#include "caps.h"
#include "clock.h"
#include "command.h"
#include "exitcode.h"
#include "handoff.h"
#include "msg.h"
#include "signals.h"
#include "sys.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

enum { FD_SIGNALS, FD_RELAY, NFDS };

/* Close every fd above stderr except `keep` (sorted ascending): the caller's
 * fds were for the command, which has its own copies now. */
static void close_inherited(const int *keep, int n)
{
	unsigned from = 3;

	for (int i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > from)
			sys_close_range(from, (unsigned)keep[i] - 1);
		from = (unsigned)keep[i] + 1;
	}
	sys_close_range(from, ~0U);
}

/* Read every pending signal and forward it. */
static void drain_signals(struct pid1 *p, int sigfd)
{
	struct signalfd_siginfo si[16];
	ssize_t n;

	while ((n = sys_read(sigfd, si, sizeof(si))) > 0)
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++)
			forward_signal(p, &si[i]);
	if (n < 0 && errno != EAGAIN)
		warn_errno("cannot read signals");
}

/* Give the relay the command's pidfd so that it can signal it directly. */
static void hand_off(int sock, pid_t command)
{
	int fd = sys_pidfd_open(command);

	handoff_send(sock, command, fd);
	if (fd >= 0)
		close(fd);
}

/* When the grace period that a stop signal started runs out, or 0. */
static uint64_t stop_deadline(const struct pid1 *p)
{
	return p->stop_us ? p->stop_us + p->opts->grace_us : 0;
}

/* Move the shutdown on after every wakeup. Staged: a stop signal goes to the
 * command first; what is left gets the kill-child signal only once the
 * command has exited, or the grace period after the stop has passed. With
 * --wait-all, PID 1 waits for every process to exit on its own, bounded by
 * that grace period once a stop was asked for. Returns true when done. */
static bool advance(struct pid1 *p, bool none_left)
{
	uint64_t deadline = stop_deadline(p);
	bool overdue = deadline && clock_now_us() >= deadline;

	if (p->sd.begun) {
		shutdown_check_deadline(p);
		return none_left;
	}
	if (p->command_done && p->opts->wait_all) {
		if (none_left)
			return true;
		if (overdue)
			shutdown_begin(p, "the grace period after the stop is over");
		return false;
	}
	if (p->command_done)
		shutdown_begin(p, "the command exited");
	else if (overdue)
		shutdown_begin(p, "the command did not stop within the grace period");
	return p->sd.begun && none_left;
}

/* How long poll may sleep: until the shutdown's or the stop's deadline, or
 * for ever when idle. */
static int poll_timeout(const struct pid1 *p)
{
	uint64_t deadline = stop_deadline(p), now;

	if (p->sd.begun || !deadline)
		return shutdown_poll_timeout(p);
	now = clock_now_us();
	if (now >= deadline)
		return 0;
	/* Round up, so as not to wake just before the deadline and spin. */
	return (deadline - now) / 1000 >= 3600000 ? 3600000 : (int)((deadline - now + 999) / 1000);
}

/* The loop. Returns once the command has exited and no process is left. */
static void run_loop(struct pid1 *p, int sigfd)
{
	struct pollfd fds[NFDS] = {
		[FD_SIGNALS] = { .fd = sigfd, .events = POLLIN },
		[FD_RELAY] = { .fd = p->relay_sock, .events = POLLIN },
	};

	for (;;) {
		if (fds[FD_SIGNALS].revents)
			drain_signals(p, sigfd);
		if (fds[FD_RELAY].revents) {
			/* The relay never writes: anything here means it died. */
			fds[FD_RELAY].fd = -1;
			shutdown_begin(p, "the relay is gone");
		}
		if (advance(p, reap_all(p)))
			return;
		if (sys_poll(fds, NFDS, poll_timeout(p)) < 0) {
			/* Only EINVAL/ENOMEM are possible: warn, and keep reaping. */
			warn_errno("poll failed");
			fds[FD_SIGNALS].revents = POLLIN;
		}
	}
}

int pid1_run(const struct options *opts, const sigset_t *original_mask, int relay_sock)
{
	struct pid1 p = {
		.opts = opts,
		.owns_namespace = getpid() == 1,
		.relay_sock = relay_sock,
	};
	int sigfd = signals_open_fd(), code = EXIT_NSINIT_FAILED;
	int keep[2] = { sigfd < relay_sock ? sigfd : relay_sock, sigfd < relay_sock ? relay_sock : sigfd };

	/* Without a namespace of our own, orphans would go to the real init:
	 * claim them, so that they are reaped and reached at shutdown. */
	if (!p.owns_namespace && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		warn_errno("cannot become a child subreaper; orphans will escape");

	p.command = command_start(opts, original_mask, &code);
	if (p.command < 0)
		return code;
	if (relay_sock >= 0)
		hand_off(relay_sock, p.command);

	/* From here on PID 1 must not die on a recoverable error. */
	caps_drop_for_pid1(opts);
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
	close_inherited(keep, 2);

	run_loop(&p, sigfd);
	shutdown_report(&p);
	code = exitcode_from_status(p.command_status);
	/* tini -e: a code the user declared a success (e.g. 143 for a JVM). */
	return options_zero_exit(opts, code) ? 0 : code;
}

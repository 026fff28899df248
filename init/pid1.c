/* PID 1: start the command, then one loop over one signalfd (and the relay's
 * socket) until the command has exited and nothing is left. No timeout while
 * idle: PID 1 sleeps in poll(2) until a signal or the relay's death. */
#include "pid1.h"

#include "caps.h"
#include "clock.h"
#include "command.h"
#include "events.h"
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

/* signals_drain's callback. */
static void forward_one(void *p, const struct signalfd_siginfo *si)
{
	forward_signal(p, si);
}

/* Give the relay the command's pidfd so that it can signal it directly. */
static void hand_off(int sock, pid_t command)
{
	int fd = sys_pidfd_open(command);

	link_send(sock, LINK_COMMAND, command, fd);
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
			shutdown_begin(p, REASON_WAIT_ALL_TIMEOUT);
		return false;
	}
	if (p->command_done)
		shutdown_begin(p, REASON_COMMAND_EXITED);
	else if (overdue)
		shutdown_begin(p, REASON_STOP_TIMEOUT);
	return p->sd.begun && none_left;
}

/* How long poll may sleep: until the shutdown's or the stop's deadline, or
 * for ever when idle. */
static int poll_timeout(const struct pid1 *p)
{
	uint64_t deadline = stop_deadline(p);

	if (p->sd.begun || !deadline)
		return shutdown_poll_timeout(p);
	return clock_poll_ms(deadline);
}

/* Read what the relay says. Returns false once it is gone: only the relay
 * holds the other end, so the socket closes exactly when it exits. */
static bool relay_message(struct pid1 *p)
{
	struct link_msg m;
	int fd, got;

	while ((got = link_recv(p->relay_sock, &m, &fd)) == 1) {
		if (fd >= 0)
			close(fd);
		/* The relay sent a stop signal straight to the command. */
		if (m.type == LINK_STOP && !p->stop_us)
			p->stop_us = clock_now_us();
	}
	return got == 0;
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
			signals_drain(sigfd, forward_one, p);
		if (fds[FD_RELAY].revents && !relay_message(p)) {
			fds[FD_RELAY].fd = -1;
			shutdown_begin(p, REASON_RELAY_GONE);
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
		.self = getpid(),
		.owns_namespace = getpid() == 1,
		.relay_sock = relay_sock,
	};
	int sigfd = signals_open_fd(), code = EXIT_NSINIT_FAILED;

	/* Without a namespace of our own, orphans would go to the real init:
	 * claim them, so that they are reaped and reached at shutdown. */
	if (!p.owns_namespace && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		warn_errno("cannot become a child subreaper; orphans will escape");

	p.command = command_start(opts, original_mask, &code);
	if (p.command < 0)
		return code;
	if (relay_sock >= 0)
		hand_off(relay_sock, p.command);
	else
		/* Without a relay, PID 1 itself reports the start and the exit. */
		event_one_int("command_started", "pid", p.command);

	/* From here on PID 1 must not die on a recoverable error. */
	caps_drop_for_pid1(opts);
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
	/* Ours: the signalfd, the relay's socket and the events channel. */
	sys_close_all_but((int[]){ sigfd, relay_sock, events_fd() }, 3);

	run_loop(&p, sigfd);
	shutdown_report(&p);
	code = exitcode_from_status(p.command_status);
	/* tini -e: a code the user declared a success (e.g. 143 for a JVM). */
	if (options_zero_exit(opts, code))
		code = 0;
	if (relay_sock < 0)
		event_one_int("exit", "code", code);
	return code;
}

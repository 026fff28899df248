/* PID 1: start the command, then one loop over one signalfd (and the relay's
 * socket) until the command has exited and nothing is left. No timeout while
 * idle: PID 1 sleeps in poll(2) until a signal or the relay's death. */
#include "pid1.h"

#include "caps.h"
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

/* The loop. Returns once the command has exited and no process is left. */
static void run_loop(struct pid1 *p, int sigfd)
{
	struct pollfd fds[NFDS] = {
		[FD_SIGNALS] = { .fd = sigfd, .events = POLLIN },
		[FD_RELAY] = { .fd = p->relay_sock, .events = POLLIN },
	};

	for (;;) {
		bool none_left;

		if (fds[FD_SIGNALS].revents)
			drain_signals(p, sigfd);
		if (fds[FD_RELAY].revents) {
			/* The relay never writes: anything here means it died. */
			fds[FD_RELAY].fd = -1;
			shutdown_begin(p, "the relay is gone");
		}
		none_left = reap_all(p);
		if (p->command_done)
			shutdown_begin(p, "the command exited");
		if (p->sd.begun) {
			if (none_left)
				return;
			shutdown_check_deadline(p);
		}
		if (sys_poll(fds, NFDS, shutdown_poll_timeout(p)) < 0) {
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
	return exitcode_from_status(p.command_status);
}

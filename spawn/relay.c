/* The relay forwards every catchable signal it gets, and exits with the status
 * PID 1 leaves, which is the command's. It signals the command directly
 * through a pidfd that PID 1 hands over, so a stop or reload costs one hop,
 * as with tini. Until then, and if pidfds are missing, signals go to PID 1,
 * which blocks them until the command runs and then forwards them. */
#include "relay.h"

#include "exitcode.h"
#include "handoff.h"
#include "msg.h"
#include "signals.h"
#include "signame.h"
#include "sys.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <unistd.h>

enum { FD_SIGNALS, FD_HANDOFF, NFDS };

struct relay {
	pid_t pid1;        /* PID 1, in our namespace */
	int command_fd;    /* pidfd of the command, or -1 */
	pid_t command_pid; /* the command's pid inside the namespace, or 0 */
};

/* Send sig to the command through its pidfd; false if that is not possible. */
static bool send_direct(struct relay *r, int sig, const char *name)
{
	if (r->command_fd < 0)
		return false;
	if (sys_pidfd_send_signal(r->command_fd, sig) == 0) {
		note("forwarded %s to %d", name, (int)r->command_pid);
		return true;
	}
	/* ESRCH: the command has exited and PID 1 is shutting down; ENOSYS:
	 * no pidfds here. Either way PID 1 decides from now on. */
	close(r->command_fd);
	r->command_fd = -1;
	return false;
}

static void forward(struct relay *r, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;
	char name[SIGNAME_MAX];

	if (sig == SIGCHLD)
		return;
	/* A terminal's signal goes to the whole foreground process group, PID 1
	 * included, which decides whether the command still needs it. */
	if (si->ssi_code == SI_KERNEL)
		return;
	/* Our own doing, such as SIGPIPE from writing to a closed stderr. */
	if ((pid_t)si->ssi_pid == getpid() && si->ssi_code == SI_USER)
		return;
	signame_format(sig, name, sizeof(name));
	if (send_direct(r, sig, name))
		return;
	if (kill(r->pid1, sig) < 0)
		warn_errno("cannot forward %s to PID 1", name);
	else
		note("forwarded %s to PID 1", name);
}

/* Take the command's pidfd when PID 1 sends it. Returns false once there is
 * nothing more to wait for on the socket. */
static bool take_handoff(struct relay *r, int sock)
{
	int got = handoff_recv(sock, &r->command_pid, &r->command_fd);

	if (got == 1 && r->command_fd >= 0)
		note("command is %d in the namespace; signals go to it directly",
		     (int)r->command_pid);
	return got == 0;
}

/* Has PID 1 exited? Then *code is what the relay exits with. */
static bool pid1_exited(const struct relay *r, int *code)
{
	int status;
	pid_t pid = sys_waitpid(r->pid1, &status, WNOHANG);

	if (pid == 0)
		return false;
	if (pid < 0) {
		/* ECHILD cannot happen while we have not reaped it; be safe. */
		warn_errno("cannot wait for PID 1");
		*code = EXIT_NSINIT_FAILED;
		return true;
	}
	*code = exitcode_from_status(status);
	return true;
}

int relay_run(pid_t pid1, int sock)
{
	struct relay r = { .pid1 = pid1, .command_fd = -1 };
	int code, sigfd;

	/* Hold nothing the caller passed on (a pipe's reader must see EOF when
	 * the command closes it), and pin no mount. */
	if (sock > 3)
		sys_close_range(3, (unsigned)sock - 1);
	sys_close_range((unsigned)sock + 1, ~0U);
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
	sigfd = signals_open_fd();
	note("namespace made: PID 1 is %d in the caller's namespace", (int)pid1);

	struct pollfd fds[NFDS] = {
		[FD_SIGNALS] = { .fd = sigfd, .events = POLLIN },
		[FD_HANDOFF] = { .fd = sock, .events = POLLIN },
	};
	for (;;) {
		struct signalfd_siginfo si[16];
		ssize_t n;

		if (fds[FD_HANDOFF].revents && !take_handoff(&r, sock))
			fds[FD_HANDOFF].fd = -1; /* keep the socket open: PID 1 watches it */
		if (fds[FD_SIGNALS].revents) {
			while ((n = sys_read(sigfd, si, sizeof(si))) > 0)
				for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++)
					forward(&r, &si[i]);
			if (n < 0 && errno != EAGAIN)
				warn_errno("cannot read signals");
		}
		if (pid1_exited(&r, &code))
			return code;
		if (sys_poll(fds, NFDS, -1) < 0)
			warn_errno("poll failed");
	}
}

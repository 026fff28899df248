/* The relay forwards every catchable signal it gets, and exits with the status
 * PID 1 leaves, which is the command's. It signals the command directly
 * through a pidfd that PID 1 hands over, so a stop or reload costs one hop,
 * as with tini; -r rewrites apply on the way. Until then, if pidfds are
 * missing, and for a process group (-g), signals go to PID 1, which blocks
 * them until the command runs and then forwards them. */
#include "relay.h"

#include "exitcode.h"
#include "handoff.h"
#include "msg.h"
#include "pidfile.h"
#include "signals.h"
#include "signame.h"
#include "sys.h"
#include "userns.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <unistd.h>

enum { FD_SIGNALS, FD_HANDOFF, NFDS };

struct relay {
	const struct options *opts;
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
	int sig = (int)si->ssi_signo, to;
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
	to = r->opts->rewrite[sig];
	if (to == 0) {
		note("dropped %s", signame_format(sig, name, sizeof(name)));
		return;
	}
	/* The pidfd reaches the command alone: a process group (-g) is PID 1's
	 * to signal. */
	if (r->opts->target == TARGET_COMMAND &&
	    send_direct(r, to, signame_format(to, name, sizeof(name))))
		return;
	/* PID 1 applies -r itself: it gets the signal as it came. */
	signame_format(sig, name, sizeof(name));
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

/* What PID 1 waits for before it mounts /proc: the maps (a process can
 * neither write its own nor act as anyone before they exist), then the pid
 * file, so that the file names a namespace that is ready to be joined and
 * exists before the command can finish. Returns false after saying why not. */
static bool set_up(const struct options *opts, pid_t pid1, unsigned long ns_flags,
		   struct pidfile *pf)
{
	if ((ns_flags & CLONE_NEWUSER) && userns_write_maps(pid1, opts->map_current_user) < 0)
		return false;
	return !opts->pid_file || pidfile_write(pf, opts->pid_file, pid1) == 0;
}

int relay_run(const struct options *opts, pid_t pid1, unsigned long ns_flags, int sock)
{
	struct relay r = { .opts = opts, .pid1 = pid1, .command_fd = -1 };
	struct pidfile pf = { .written = false };
	int code, sigfd;

	note("namespace made: PID 1 is %d in the caller's namespace", (int)pid1);
	/* Before chdir("/"): a relative --pid-file is the caller's. On failure
	 * PID 1 exits 125, which the loop below passes on. */
	handoff_go(sock, set_up(opts, pid1, ns_flags, &pf));

	/* Hold nothing the caller passed on (a pipe's reader must see EOF when
	 * the command closes it), and pin no mount. */
	if (sock > 3)
		sys_close_range(3, (unsigned)sock - 1);
	sys_close_range((unsigned)sock + 1, ~0U);
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
	sigfd = signals_open_fd();

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
		if (pid1_exited(&r, &code)) {
			pidfile_remove(&pf);
			return code;
		}
		if (sys_poll(fds, NFDS, -1) < 0)
			warn_errno("poll failed");
	}
}

/* The relay forwards every catchable signal it gets, and exits with the status
 * PID 1 leaves, which is the command's. It signals the command directly
 * through a pidfd that PID 1 hands over, so a stop or reload costs one hop,
 * as with tini; -r rewrites apply on the way. Until then, if pidfds are
 * missing, and for a process group (-g), signals go to PID 1, which blocks
 * them until the command runs and then forwards them. */
#include "relay.h"

#include "events.h"
#include "exitcode.h"
#include "fmt.h"
#include "handoff.h"
#include "msg.h"
#include "namespace.h"
#include "pidfile.h"
#include "signals.h"
#include "signame.h"
#include "sys.h"
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <unistd.h>

enum { FD_SIGNALS, FD_HANDOFF, NFDS };

struct relay {
	const struct options *opts;
	int sock;          /* the socket to PID 1 */
	pid_t self;        /* our pid, asked once: musl does not cache it */
	bool pid1_changed; /* a SIGCHLD came: time to wait for PID 1 */
	bool sock_ready;   /* SIGIO said PID 1 wrote (async mode) */
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
		event_forwarded(name, r->command_pid, "relay");
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

	if (sig == SIGCHLD) {
		r->pid1_changed = true;
		return;
	}
	/* The socket's readiness, in async mode (see go_async); a SIGIO sent
	 * with kill() has SI_USER and is forwarded like any other. */
	if (sig == SIGIO && si->ssi_code > 0 && si->ssi_fd == r->sock) {
		r->sock_ready = true;
		return;
	}
	/* A terminal's signal goes to the whole foreground process group, PID 1
	 * included, which decides whether the command still needs it. */
	if (si->ssi_code == SI_KERNEL)
		return;
	/* Our own doing, such as SIGPIPE from writing to a closed stderr. */
	if (si->ssi_code == SI_USER && (pid_t)si->ssi_pid == r->self)
		return;
	to = r->opts->rewrite[sig];
	if (to == 0) {
		note("dropped %s", signame_format(sig, name, sizeof(name)));
		return;
	}
	/* The pidfd reaches the command alone: a process group (-g) is PID 1's
	 * to signal. */
	if (r->opts->target == TARGET_COMMAND &&
	    send_direct(r, to, signame_format(to, name, sizeof(name)))) {
		/* PID 1 did not see it: tell it a stop began (staged shutdown). */
		if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT)
			link_send(r->sock, LINK_STOP, sig, -1);
		return;
	}
	/* PID 1 applies -r itself: it gets the signal as it came. */
	signame_format(sig, name, sizeof(name));
	if (kill(r->pid1, sig) < 0)
		warn_errno("cannot forward %s to PID 1", name);
	else
		note("forwarded %s to PID 1", name);
}

/* signals_drain's callback. */
static void forward_one(void *r, const struct signalfd_siginfo *si)
{
	forward(r, si);
}

/* The command's pid on our side, from its pidfd's fdinfo, or 0. */
static pid_t host_pid_of(int pidfd)
{
	char path[40], buf[512], *line;
	ssize_t n;
	int fd;

	fmt(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	fd = sys_open(path, O_RDONLY);
	n = fd < 0 ? -1 : sys_read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	line = strstr(buf, "\nPid:");
	return line ? (pid_t)atoi(line + 5) : 0;
}

static void took_command(struct relay *r, pid_t ns_pid, int fd)
{
	r->command_pid = ns_pid;
	r->command_fd = fd;
	if (fd >= 0)
		note("command is %d in the namespace; signals go to it directly", (int)ns_pid);
	if (events_fd() >= 0) {
		struct event e;

		event_begin(&e, "command_started");
		event_int(&e, "pid", ns_pid);
		if (fd >= 0)
			event_int(&e, "host_pid", host_pid_of(fd));
		event_end(&e);
	}
}

/* Messages from PID 1: the command's pidfd, and the command stopping. Returns
 * false once PID 1 has closed the socket. */
static bool take_messages(struct relay *r)
{
	struct link_msg m;
	int fd, got;

	while ((got = link_recv(r->sock, &m, &fd)) == 1) {
		if (m.type == LINK_COMMAND && r->command_fd < 0 && !r->command_pid) {
			took_command(r, m.value, fd);
			continue;
		}
		if (fd >= 0)
			close(fd);
		/* Stop as the command did, so that the caller's shell sees a
		 * stopped job; SIGCONT (fg, bg) resumes us and is forwarded. */
		if (m.type == LINK_STOPPED) {
			note("the command stopped; stopping too");
			(void)kill(getpid(), SIGSTOP);
		}
	}
	return got == 0;
}

/* The namespace event: PID 1's pid and the namespaces' inode numbers as
 * /proc/PID/ns/ shows them. */
static void emit_namespace(pid_t pid1)
{
	static const char *const kinds[] = { "pid", "mnt", "user", "uts", "ipc", "net", "cgroup", "time" };
	struct event e;

	if (events_fd() < 0)
		return;
	event_begin(&e, "namespace");
	event_int(&e, "pid1_host_pid", pid1);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char path[48], key[24];
		struct stat st;

		fmt(path, sizeof(path), "/proc/%d/ns/%s", (int)pid1, kinds[i]);
		fmt(key, sizeof(key), "%s_ns", kinds[i]);
		if (stat(path, &st) == 0)
			event_int(&e, key, (long long)st.st_ino);
	}
	event_end(&e);
}

/* Give the terminal back to our process group if we had it at the start and
 * the command took it (an interactive shell does): the caller's shell then
 * finds its job in the foreground again. SIGTTOU is blocked, so this works
 * from the background. */
static void give_back_terminal(const struct options *opts)
{
	if (opts->tty_foreground && tcgetpgrp(STDIN_FILENO) != getpgrp())
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());
}

/* Once the command's pidfd is here, the signalfd is the only thing to wait
 * on: PID 1's rare messages arrive as SIGIO (O_ASYNC with F_SETSIG, so the
 * siginfo names the socket), and the relay blocks in read(2) on the
 * signalfd. A forwarded signal then costs two system calls, a read and a
 * pidfd_send_signal, as with dumb-init, instead of poll, read and send.
 * Returns false (stay with poll) if the socket cannot do it. */
static bool go_async(struct relay *r, int sigfd)
{
	int fl = fcntl(r->sock, F_GETFL), sfl = fcntl(sigfd, F_GETFL);

	if (fl < 0 || sfl < 0 || fcntl(r->sock, F_SETOWN, r->self) < 0 ||
	    fcntl(r->sock, F_SETSIG, SIGIO) < 0 || fcntl(r->sock, F_SETFL, fl | O_ASYNC) < 0 ||
	    fcntl(sigfd, F_SETFL, sfl & ~O_NONBLOCK) < 0)
		return false;
	/* A message that came before O_ASYNC raised no SIGIO. */
	r->sock_ready = true;
	return true;
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
	/* pid1_changed starts true: PID 1 may have exited before the loop. */
	struct relay r = { .opts = opts, .sock = sock, .self = getpid(), .pid1_changed = true,
			   .pid1 = pid1, .command_fd = -1 };
	struct pidfile pf = { .written = false };
	int code, sigfd;

	note("namespace made: PID 1 is %d in the caller's namespace", (int)pid1);
	emit_namespace(pid1);
	/* Before chdir("/"): a relative --pid-file is the caller's. On failure
	 * PID 1 exits 125, which the loop below passes on. */
	if (namespace_needs_go(opts, ns_flags))
		handoff_go(sock, set_up(opts, pid1, ns_flags, &pf));

	/* Hold nothing the caller passed on (a pipe's reader must see EOF when
	 * the command closes it), and pin no mount. */
	sys_close_all_but((int[]){ sock, events_fd() }, 2);
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
	sigfd = signals_open_fd();

	struct pollfd fds[NFDS] = {
		[FD_SIGNALS] = { .fd = sigfd, .events = POLLIN },
		[FD_HANDOFF] = { .fd = sock, .events = POLLIN },
	};
	bool async = false;

	for (;;) {
		if (async) {
			struct signalfd_siginfo si[16];
			ssize_t n = 0;

			if (!r.sock_ready)
				n = sys_read(sigfd, si, sizeof(si)); /* blocks */
			for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
				forward(&r, &si[i]);
			if (n < 0)
				warn_errno("cannot read signals");
			if (r.sock_ready) {
				r.sock_ready = false;
				(void)take_messages(&r);
			}
		} else {
			if (fds[FD_HANDOFF].revents && !take_messages(&r))
				fds[FD_HANDOFF].fd = -1; /* keep it open: PID 1 watches it */
			if (fds[FD_SIGNALS].revents)
				signals_drain(sigfd, forward_one, &r);
			if (r.command_fd >= 0 && fds[FD_HANDOFF].fd >= 0)
				async = go_async(&r, sigfd);
		}
		/* Only a SIGCHLD can mean PID 1 exited: wait4 only then. */
		if (r.pid1_changed && (r.pid1_changed = false, pid1_exited(&r, &code))) {
			pidfile_remove(&pf);
			give_back_terminal(opts);
			event_one_int("exit", "code", code);
			return code;
		}
		if (!async && sys_poll(fds, NFDS, -1) < 0)
			warn_errno("poll failed");
	}
}

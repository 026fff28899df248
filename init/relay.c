/* The relay forwards every catchable signal it gets, and exits with the status
 * PID 1 leaves, which is the command's. What a signal means is decided by
 * sigpolicy_decide(), as in PID 1. Once PID 1 has handed over the command's
 * pidfd, the relay signals the command directly, so a stop or reload costs
 * one hop, as with tini, and the relay blocks in read(2) on its signalfd:
 * two system calls a signal. Until then, without pidfds, and for a process
 * group (-g), signals go to PID 1 over the link. */
#include "init/relay.h"

#include "init/linkq.h"
#include "lib/clock.h"
#include "lib/events.h"
#include "lib/exitcode.h"
#include "lib/fmt.h"
#include "lib/jobstats.h"
#include "spawn/link.h"
#include "lib/msg.h"
#include "spawn/pidfile.h"
#include "lib/readfile.h"
#include "lib/signals.h"
#include "lib/signame.h"
#include "lib/sys.h"
#include "spawn/terminal.h"
#include "spawn/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

enum { FD_SIGNALS, FD_LINK, FD_EVENTS, NFDS };

struct relay {
	const struct relay_request *rq;
	struct linkq to_pid1; /* the link to PID 1, and what waits to go */
	bool link_open;     /* PID 1 has not closed its end */
	pid_t self;         /* our pid, asked once: musl does not cache it */
	bool is_init;       /* we are PID 1 of our own namespace: reap everything */
	bool pid1_changed;  /* a SIGCHLD came: time to wait for PID 1 */
	pid_t pid1;         /* PID 1, in our namespace */
	int command_fd;     /* pidfd of the command, or -1 */
	int sigfd;
	int pidfile_dirfd;  /* held until the pid file is removed, or -1 */
	pid_t command_pid;  /* the command's pid inside the namespace, or 0 */
	pid_t command_host; /* its pid (and process group) as we see it, or 0 */
	unsigned reaped;    /* what PID 1 reaped, as it said last */
	struct relay_result *res; /* fall_back and why: PID 1's LINK_FALLBACK */
	bool let_go;        /* the caller's fds and directory are let go */
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

/* Leave the signal to PID 1, over the link, as the relay decided it (after
 * -r): PID 1 holds a stop for --stop-delay, signals a group for -g, in the
 * order the signals came. Never with kill(2): PID 1 takes a signal from
 * outside its namespace only when it is not in the relay's process group
 * (see sigpolicy.h), and a message says which are the relay's. Only once
 * PID 1 has closed the link (it is exiting) does kill(2) remain. */
static void via_pid1(struct relay *r, const struct sig_decision *d, int original)
{
	char name[SIGNAME_MAX];

	signame_format(original, name, sizeof(name));
	if (r->link_open &&
	    linkq_send(&r->to_pid1, d->stop ? LINK_STOP : LINK_SIGNAL, d->sig, NULL, 0, -1) == 0) {
		note("forwarded %s to PID 1", name);
		return;
	}
	if (kill(r->pid1, original) < 0)
		warn_errno("cannot forward %s to PID 1", name);
	else
		note("forwarded %s to PID 1", name);
}

static void forward(struct relay *r, const struct signalfd_siginfo *si)
{
	const struct sig_view view = { .relay = true, .self = r->self };
	struct sig_decision d = sigpolicy_decide(r->rq->rules, &view, (int)si->ssi_signo,
						 si->ssi_code, (pid_t)si->ssi_pid);
	char name[SIGNAME_MAX];

	switch (d.verdict) {
	case SIG_CHILD:
		r->pid1_changed = true;
		return;
	case SIG_OURS:
	case SIG_ECHO:
		return;
	case SIG_DROPPED:
		note("dropped %s", signame_format((int)si->ssi_signo, name, sizeof(name)));
		return;
	case SIG_FORWARD:
		break;
	}
	signame_format(d.sig, name, sizeof(name));
	/* fg: the shell gave our group the terminal and sent SIGCONT; the
	 * command leads its own group and needs the terminal before it wakes. */
	if (d.sig == SIGCONT)
		terminal_give_to(r->command_host, r->rq->tty_foreground);
	/* The pidfd reaches the command alone: a process group (-g) is PID 1's
	 * to signal. PID 1 still hears of a stop (for --stop-timeout). */
	/* SIGCONT wakes the command's whole group, as PID 1 does (forward.c):
	 * the terminal stopped all of it. The command leads that group, so its
	 * pid as we see it is the group's. */
	if (d.sig == SIGCONT && r->command_host > 0 && r->command_fd >= 0 &&
	    kill(-r->command_host, SIGCONT) == 0) {
		note("forwarded %s to group %d", name, (int)r->command_pid);
		event_forwarded(name, r->command_pid, "relay");
		return;
	}
	if (!r->rq->to_group && !(d.stop && r->rq->hold_stops) && send_direct(r, d.sig, name)) {
		if (d.stop && r->link_open)
			(void)linkq_send(&r->to_pid1, LINK_STOP_DELIVERED, d.sig, NULL, 0, -1);
		return;
	}
	via_pid1(r, &d, (int)si->ssi_signo);
}

/* signals_drain's callback. */
static void forward_one_cb(void *r, const struct signalfd_siginfo *si)
{
	forward(r, si);
}

/* Hold nothing the caller passed on (a pipe's reader must see EOF when the
 * command closes it), and pin no mount: once the command runs, they are its
 * alone. */
static void let_go(struct relay *r)
{
	if (r->let_go)
		return;
	r->let_go = true;
	sys_close_all_but((int[]){ r->to_pid1.sock, events_fd(), events_poll_fd(), r->sigfd, r->command_fd,
				   r->pidfile_dirfd },
			  6);
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
}

static void took_command(struct relay *r, pid_t ns_pid, int fd, const struct link_msg *m)
{
	r->command_pid = ns_pid;
	r->command_fd = fd;
	let_go(r);
	if (fd >= 0)
		note("command is %d in the namespace; signals go to it directly", (int)ns_pid);
	if (events_fd() >= 0) {
		struct event e;

		if (m->len == sizeof(struct timespec)) {
			struct timespec when;

			memcpy(&when, m->payload, sizeof(when));
			event_begin_at(&e, "command_started", &when);
		} else {
			event_begin(&e, "command_started");
		}
		event_int(&e, "pid", ns_pid);
		if (r->command_host)
			event_int(&e, "host_pid", r->command_host);
		event_end(&e);
	}
}

/* The command stopped: where the relay leads a shell's job on a terminal,
 * stop the relay itself, so that the shell sees its job stopped; fg (or
 * bg) resumes it with SIGCONT, which the loop passes on. Never a process
 * group: outside job control the relay's group is the caller's. PID 1 is
 * told first, so that it can wake the job if the command goes on alone. */
static void command_stopped(struct relay *r)
{
	if (!r->rq->leads_job)
		return;
	note("the command stopped; so does the relay, as its shell's job");
	(void)linkq_send(&r->to_pid1, LINK_JOB_STOPPED, 0, NULL, 0, -1);
	/* PID 1 must know before the relay sleeps: it reads its end as long
	 * as it lives, so this wait is short. */
	linkq_flush_all(&r->to_pid1);
	if (kill(r->self, SIGSTOP) < 0)
		warn_errno("cannot stop the relay");
	(void)linkq_send(&r->to_pid1, LINK_JOB_RUNNING, 0, NULL, 0, -1);
}

/* Messages from PID 1. Returns false once PID 1 has closed the socket.
 * The kernel names each message's sender: a message from anyone but PID
 * 1 itself (a process that got hold of PID 1's end) is dropped, and a
 * fallback counts only before the command has started: nothing the command
 * sends can make the relay run anything. */
static bool take_messages(struct relay *r)
{
	static struct link_msg m; /* static: a small stack must not cost the relay */
	pid_t sender;
	int fd, got;

	while ((got = link_recv(r->to_pid1.sock, &m, &fd, &sender)) == 1) {
		/* The command's pid as we see it, learned one way: the
		 * kernel names the sender of the child's hello. Only PID 1
		 * and its children before their execve hold PID 1's end (it
		 * is close-on-exec, and PID 1 is out of the command's reach),
		 * so the first hello before the command started is the
		 * child's. */
		if (m.type == LINK_HELLO && !r->command_host && !r->command_pid && sender > 0) {
			r->command_host = sender;
			continue;
		}
		if (sender != r->pid1) {
			note("dropped a message on PID 1's socket from %d, not PID 1", (int)sender);
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (m.type == LINK_COMMAND && r->command_fd < 0 && !r->command_pid) {
			took_command(r, m.value, fd, &m);
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (m.type == LINK_EVENT)
			events_write_line(m.payload, m.len);
		else if (m.type == LINK_REAPED && m.value >= 0)
			r->reaped = (unsigned)m.value;
		else if (m.type == LINK_STOPPED)
			command_stopped(r);
		else if (m.type == LINK_FALLBACK && !r->command_pid && !r->res->fall_back) {
			r->res->fall_back = true;
			fmt(r->res->why, sizeof(r->res->why), "%.*s", (int)m.len, m.payload);
		}
	}
	return got == 0;
}

/* The namespace event: PID 1's pid and the namespaces' inode numbers as
 * /proc/PID/ns/ shows them. */
static void emit_namespace(pid_t pid1, const struct timespec *made_at)
{
	static const char *const kinds[] = { "pid", "mnt", "user", "uts", "ipc", "net", "cgroup", "time" };
	struct event e;

	if (events_fd() < 0)
		return;
	/* Stamped with the clone: PID 1 may have started the command already. */
	event_begin_at(&e, "namespace", made_at);
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

/* Has PID 1 exited? Then *code is what the relay exits with. As the init of
 * our own namespace (a container's PID 1 with --namespace), reap every other
 * child too: orphans of `podman exec` land on us. */
static bool pid1_exited(const struct relay *r, int *code)
{
	bool done = false;
	int status;

	for (;;) {
		pid_t pid = sys_waitpid(r->is_init ? -1 : r->pid1, &status, WNOHANG);

		if (pid == 0 || (pid < 0 && errno == ECHILD && done))
			return done;
		if (pid < 0) {
			/* ECHILD cannot happen while we have not reaped it; be safe. */
			warn_errno("cannot wait for PID 1");
			*code = EXIT_NSINIT_FAILED;
			return true;
		}
		if (pid == r->pid1) {
			*code = exitcode_from_status(status);
			done = true;
			if (!r->is_init)
				return true;
		}
	}
}

/* What PID 1 waits for before it mounts /proc: the maps (a process can
 * neither write its own nor act as anyone before they exist), then the pid
 * file, so that the file names a namespace that is ready to be joined and
 * exists before the command can finish. Returns false after saying why not. */
static bool set_up(const struct relay_request *rq, pid_t pid1, struct pidfile *pf)
{
	if (rq->user_ns && userns_write_maps(pid1, rq->map_current_user) < 0)
		return false;
	return !rq->pid_file || pidfile_write(pf, rq->pid_file, pid1) == 0;
}

/* Wait for what comes next: a signal, and while the link may have news (the
 * command's pidfd, PID 1's events, a stop of the command where the relay
 * leads a shell's job) a message, and while events wait, room for them.
 * Otherwise sleep in read(2) on the signalfd: two system calls a signal. */
static void wait_and_handle(struct relay *r)
{
	struct pollfd fds[NFDS] = {
		[FD_SIGNALS] = { .fd = r->sigfd, .events = POLLIN },
		[FD_LINK] = { .fd = r->link_open ? r->to_pid1.sock : -1,
			      .events = POLLIN | (linkq_waiting(&r->to_pid1) ? POLLOUT : 0) },
		[FD_EVENTS] = { .fd = events_pending() ? events_poll_fd() : -1, .events = POLLOUT },
	};
	bool link_news = r->link_open && (r->command_fd < 0 || events_fd() >= 0 ||
					  r->rq->leads_job || linkq_waiting(&r->to_pid1));

	if (!link_news && !events_pending()) {
		signals_read_once(r->sigfd, forward_one_cb, r);
		return;
	}
	if (sys_poll(fds, NFDS, -1) < 0)
		warn_errno("poll failed");
	if ((fds[FD_LINK].revents & POLLOUT) && !(fds[FD_LINK].revents & POLLHUP))
		linkq_flush(&r->to_pid1);
	/* Closed by PID 1: our end stays open all the same, as PID 1 watches it. */
	if ((fds[FD_LINK].revents & ~POLLOUT) && !take_messages(r))
		r->link_open = false;
	if (fds[FD_EVENTS].revents)
		events_flush();
	/* One read: the signalfd blocks, and POLLIN promises one. */
	if (fds[FD_SIGNALS].revents)
		signals_read_once(r->sigfd, forward_one_cb, r);
}

void relay_run(const struct relay_request *rq, pid_t pid1, int sock, struct relay_result *res)
{
	/* pid1_changed starts true: PID 1 may have exited before the loop. */
	struct relay r = { .rq = rq, .to_pid1 = LINKQ_INIT(sock, "PID 1"), .link_open = true,
			   .self = getpid(), .pid1_changed = true, .pid1 = pid1,
			   .command_fd = -1, .pidfile_dirfd = -1, .res = res };
	struct pidfile pf = PIDFILE_NONE;
	uint64_t start_us = clock_now_us();
	struct job_stats stats;
	int code = EXIT_NSINIT_FAILED, sigfd;

	r.is_init = r.self == 1;
	note("namespace made: PID 1 is %d in the caller's namespace", (int)pid1);
	emit_namespace(pid1, &rq->made_at);
	/* Before chdir("/"): a relative --pid-file is the caller's. On failure
	 * PID 1 exits 125, which the loop below passes on. */
	if (rq->needs_go)
		link_go(sock, set_up(rq, pid1, &pf));
	r.pidfile_dirfd = pf.dirfd;

	sigfd = signals_open_blocking_fd();
	r.sigfd = sigfd;

	for (;;) {
		/* Only a SIGCHLD can mean PID 1 exited: wait4 only then. */
		if (r.pid1_changed && (r.pid1_changed = false, pid1_exited(&r, &code)))
			break;
		wait_and_handle(&r);
	}
	/* PID 1's last events (command_exited, shutdown) are still queued. */
	if (r.link_open)
		(void)take_messages(&r);
	linkq_free(&r.to_pid1);
	pidfile_remove(&pf);
	res->code = code;
	if (res->fall_back) {
		close(sigfd);
		return;
	}
	let_go(&r);
	terminal_take_back(r.command_host, rq->tty_foreground);
	/* PID 1 is reaped: its RUSAGE_CHILDREN, the whole tree's, is ours now. */
	job_stats_collect(&stats, start_us, r.reaped);
	job_stats_report(code, &stats);
}

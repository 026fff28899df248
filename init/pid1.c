/* PID 1 (pid1.h). It owns its state: the lifecycle (a phase and its
 * deadlines, changed only by lifecycle_decide()) and what the loop needs to
 * carry actions out. reap.c, forward.c and shutdown.c take narrow requests
 * and report what they saw. No timeout while idle: PID 1 sleeps in poll(2)
 * until a signal, the relay, or the next deadline. */
#include "init/pid1.h"

#include "spawn/caps.h"
#include "lib/clock.h"
#include "spawn/command.h"
#include "init/daemons.h"
#include "init/descendants.h"
#include "lib/events.h"
#include "lib/exitcode.h"
#include "init/forward.h"
#include "lib/jobstats.h"
#include "init/lifecycle.h"
#include "init/linkq.h"
#include "spawn/link.h"
#include "lib/msg.h"
#include "lib/procstat.h"
#include "init/reap.h"
#include "spawn/runas.h"
#include "init/shutdown.h"
#include "lib/signals.h"
#include "lib/signame.h"
#include "lib/sigpolicy.h"
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

/* start_code: a signal killed the command's child before its execve. */
#define START_KILLED (-1)

/* Everything the loop needs; nothing else is global. */
struct pid1 {
	const struct options *opts;
	struct lifecycle_config cfg;
	struct lifecycle lc;  /* changed by lifecycle_decide() alone */
	uint64_t wake_at;     /* the next deadline, or 0 */
	pid_t command;        /* the command's pid while it runs, else 0 */
	struct command_launch launch; /* its report socket, until execve's outcome */
	int start_code;       /* the command never ran: a step before it failed
			       * (the code), or START_KILLED */
	pid_t command_group;  /* the process group it led (its first pid) */
	int command_status;   /* its wait status, once it has exited */
	bool relay_stopped;   /* the relay stopped itself as its job's leader */
	uint64_t start_us;    /* when the command started */
	unsigned reaped;      /* every child reaped, the command included */
	pid_t self;           /* our pid, asked once: musl does not cache it */
	struct linkq to_relay; /* the socket to the relay (or -1), and what waits */
	int proc_fd;          /* our namespace's /proc, for names, or -1 */
	struct shutdown sd;
};

enum { FD_SIGNALS, FD_RELAY, FD_START, FD_EVENTS, NFDS };

static void start_outcome(struct pid1 *p);

/* Everything for the relay goes through its queue (linkq.h): PID 1 never
 * blocks on the relay, and drops nothing when the relay is slow. At the
 * end, linkq_flush_all() sends what waits before PID 1 exits. */
static int to_relay(struct pid1 *p, int type, int value, const void *payload, size_t len, int fd)
{
	return linkq_send(&p->to_relay, type, value, payload, len, fd);
}

/* With a relay, PID 1's events go to the relay, which writes them: one
 * writer, so the order of the lines is the order things happened. */
static int event_to_relay(void *p, const char *line, size_t len)
{
	return to_relay(p, LINK_EVENT, 0, line, len, -1);
}

/* Give the relay the command's pidfd so that it can signal it directly. */
static void hand_off(struct pid1 *p, pid_t command)
{
	int fd = sys_pidfd_open(command);
	struct timespec started;

	/* The relay writes command_started, stamped with when it happened. */
	(void)clock_gettime(CLOCK_REALTIME, &started);
	if (to_relay(p, LINK_COMMAND, command, &started, sizeof(started), fd) < 0) {
		warn("cannot pass the command's pidfd to the relay: out of memory");
		if (fd >= 0)
			close(fd);
	}
}

/* Daemons left behind, said before they are killed: in our own namespace
 * all that is left is the command's; without one (-s), what the walk of
 * its descendants finds. */
static void warn_daemons(const struct pid1 *p)
{
	pid_t *ours;
	size_t n;

	if (p->cfg.owns_namespace) {
		daemons_warn(p->proc_fd, NULL, 0);
		return;
	}
	n = descendants_list(&ours);
	if (n)
		daemons_warn(descendants_fd(), ours, n);
	free(ours);
}

/* Carry out what lifecycle_decide() said, in its order. */
static void carry_out(struct pid1 *p, const struct lifecycle_actions *a, uint64_t now)
{
	char name[SIGNAME_MAX];

	if (a->what & ACT_HOLD) {
		signame_format(p->lc.held_sig, name, sizeof(name));
		note("holding %s for --stop-delay", name);
		if (events_fd() >= 0) {
			struct event e;

			event_begin(&e, "stop_held");
			event_str(&e, "signal", name);
			event_int(&e, "ms", (long long)(p->opts->stop_delay_us / 1000));
			event_end(&e);
		}
	}
	if (a->what & ACT_SECOND_STOP)
		note("a second stop signal: passing %s on now",
		     signame_format(a->forward_sig, name, sizeof(name)));
	if (a->what & ACT_TIMED_OUT)
		note(p->command ? "--timeout ran out; stopping the command"
				: "--timeout ran out; stopping what the command left");
	if (a->what & ACT_FORWARD)
		forward_to_command(p->command, a->forward_sig, p->opts->target == TARGET_GROUP,
				   p->to_relay.sock < 0 && p->opts->tty_foreground);
	if (a->what & ACT_SPREAD) {
		note("forwarded %s to every process left",
		     signame_format(a->spread_sig, name, sizeof(name)));
		shutdown_signal_all(p->cfg.owns_namespace, a->spread_sig);
	}
	/* Quietly: the wake-up that makes the signal above seen. */
	if ((a->what & ACT_CONT) && (a->what & ACT_FORWARD) && kill(-p->command, SIGCONT) < 0)
		(void)kill(p->command, SIGCONT);
	if ((a->what & ACT_CONT) && (a->what & ACT_SPREAD))
		shutdown_signal_all(p->cfg.owns_namespace, SIGCONT);
	if (a->what & ACT_IGNORE)
		note("ignored %s: the command has exited",
		     signame_format(a->ignore_sig, name, sizeof(name)));
	if (a->what & ACT_WARN_DAEMONS)
		warn_daemons(p);
	if (a->what & ACT_SHUTDOWN)
		shutdown_begin(&p->sd, a->reason, now);
	if (a->what & ACT_KILL)
		shutdown_kill(&p->sd, a->what & ACT_GRACE_OVER);
}

/* One input through the decision, then its actions. */
static void decide(struct pid1 *p, struct lifecycle_input in)
{
	struct lifecycle_actions a;

	in.now = clock_now_us();
	a = lifecycle_decide(&p->cfg, &p->lc, &in);
	carry_out(p, &a, in.now);
	if (in.kind == IN_TICK)
		p->wake_at = a.wake_at;
}

/* A signal PID 1 received: what it means is sigpolicy's to say. */
static void on_signal(void *ctx, const struct signalfd_siginfo *si)
{
	struct pid1 *p = ctx;
	const struct sig_view view = { .relay = false, .has_relay = p->to_relay.sock >= 0,
				       .shares_group = p->opts->pid1_in_job,
				       .self = p->self };
	struct sig_decision d = sigpolicy_decide(&p->opts->rules, &view, (int)si->ssi_signo,
						 si->ssi_code, (pid_t)si->ssi_pid);
	char name[SIGNAME_MAX];

	if (d.verdict == SIG_DROPPED)
		note("dropped %s", signame_format((int)si->ssi_signo, name, sizeof(name)));
	if (d.verdict == SIG_FORWARD)
		decide(p, (struct lifecycle_input){ .kind = IN_SIGNAL, .sig = d.sig, .stop = d.stop });
}

/* The command stopped (Ctrl-Z, SIGSTOP, SIGTTIN): tell the relay, which
 * stops itself only where it leads a shell's job on a terminal, so that the
 * shell sees a stopped job. PID 1 never stops a process group: outside a
 * shell's job control the relay's group is the caller's (timeout(1), make,
 * a CI runner), and a stop there would freeze the caller. */
static void command_stopped(struct pid1 *p)
{
	if (p->to_relay.sock < 0 || !p->opts->leads_job)
		return;
	note("the command stopped; telling the relay");
	(void)to_relay(p, LINK_STOPPED, 0, NULL, 0, -1);
}

/* The command goes on, whoever resumed it. If the relay stopped itself as
 * its job's leader (it said so), the job must not stay stopped: SIGCONT to
 * that job's group, which the shell made for the relay and which the relay
 * leads; the kernel never delivers a stop to PID 1 from inside. */
static void command_continued(struct pid1 *p)
{
	if (!p->relay_stopped)
		return;
	p->relay_stopped = false;
	note("the command goes on; so does the relay's job");
	if (kill(0, SIGCONT) < 0)
		warn_errno("cannot resume the relay");
}

/* Read what the relay says. Returns false once it is gone: only the relay
 * holds the other end, so the socket closes exactly when it exits. */
static bool relay_message(struct pid1 *p)
{
	static struct link_msg m; /* static: a small stack must not cost PID 1 */
	pid_t sender;
	int fd, got;

	while ((got = link_recv(p->to_relay.sock, &m, &fd, &sender)) == 1) {
		if (fd >= 0)
			close(fd);
		/* Only where PID 1 shares the job's group: kill(0) wakes
		 * exactly that group, and no other may ever be signalled. */
		if (m.type == LINK_JOB_STOPPED || m.type == LINK_JOB_RUNNING) {
			p->relay_stopped = m.type == LINK_JOB_STOPPED && p->opts->pid1_in_job;
			continue;
		}
		if (m.value <= 0 || m.value >= NSIG)
			continue;
		/* See via_pid1() in relay.c. */
		if (m.type == LINK_STOP_DELIVERED)
			decide(p, (struct lifecycle_input){ .kind = IN_STOP_DELIVERED, .sig = m.value });
		else if (m.type == LINK_SIGNAL || m.type == LINK_STOP)
			decide(p, (struct lifecycle_input){ .kind = IN_SIGNAL, .sig = m.value,
							    .stop = m.type == LINK_STOP });
	}
	return got == 0;
}

/* Reap, and tell the decision what was seen. While the command's start has
 * no outcome, its child's zombie waits until its report is read. */
static bool reap(struct pid1 *p)
{
	struct reap_request rq = {
		.proc = p->cfg.owns_namespace ? p->proc_fd : descendants_fd(),
		.want_names = msg_verbosity() >= 1 || p->opts->warn_reaped || events_fd() >= 0,
		.warn_reaped = p->opts->warn_reaped,
	};
	struct reap_report r;

	for (;;) {
		rq.command = p->command;
		rq.hold = p->launch.report >= 0 ? p->launch.pid : 0;
		rq.command_ran = !p->start_code;
		reap_all(&rq, &r);
		p->reaped += r.reaped;
		shutdown_reaped(&p->sd, r.reaped - r.command_exited);
		if (r.command_stop > 0)
			command_stopped(p);
		if (r.command_stop < 0 || r.command_exited)
			command_continued(p); /* a stopped command killed too */
		if (r.command_exited) {
			p->command = 0;
			p->command_status = r.command_status;
			decide(p, (struct lifecycle_input){ .kind = IN_COMMAND_EXITED });
		}
		if (!r.held)
			return r.none_left;
		start_outcome(p);
	}
}

/* The loop. Returns once the command has exited and no process is left. */
static void run_loop(struct pid1 *p, int sigfd)
{
	struct pollfd fds[NFDS] = {
		[FD_SIGNALS] = { .fd = sigfd, .events = POLLIN },
		[FD_RELAY] = { .fd = p->to_relay.sock, .events = POLLIN },
		[FD_START] = { .fd = p->launch.report, .events = POLLIN },
		[FD_EVENTS] = { .fd = -1, .events = POLLOUT },
	};

	for (;;) {
		bool none_left, command_gone;

		if (fds[FD_START].revents)
			start_outcome(p);
		if (fds[FD_SIGNALS].revents)
			signals_drain(sigfd, on_signal, p);
		if ((fds[FD_RELAY].revents & POLLOUT) && !(fds[FD_RELAY].revents & POLLHUP))
			linkq_flush(&p->to_relay);
		if ((fds[FD_RELAY].revents & ~POLLOUT) && !relay_message(p)) {
			fds[FD_RELAY].fd = -1;
			decide(p, (struct lifecycle_input){ .kind = IN_RELAY_GONE });
		}
		if (fds[FD_EVENTS].revents)
			events_flush();
		none_left = reap(p);
		command_gone = p->lc.phase == PHASE_GRACE || p->lc.phase == PHASE_KILLED ||
			       p->lc.phase == PHASE_LEFTOVERS;
		/* Without a namespace, what is left may be out of reach (the
		 * caller's own children, or no procfs to find any): not ours to
		 * wait for. */
		decide(p, (struct lifecycle_input){
				  .kind = IN_TICK, .none_left = none_left,
				  .out_of_reach = command_gone && !p->cfg.owns_namespace &&
						  descendants_settled() && !reap_pending() });
		if (p->lc.phase == PHASE_DONE)
			return;
		/* Until execve's outcome is known (reaping may read it). */
		fds[FD_START].fd = p->launch.report;
		/* Room for what waits: for the relay, or in the events file. */
		fds[FD_RELAY].events = POLLIN | (linkq_waiting(&p->to_relay) ? POLLOUT : 0);
		fds[FD_EVENTS].fd = events_pending() ? events_poll_fd() : -1;
		if (sys_poll(fds, NFDS, p->wake_at ? clock_poll_ms(p->wake_at) : -1) < 0) {
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
	const struct command_request rq = command_request(p->opts, original_mask, p->to_relay.sock,
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
	int proc = p->cfg.owns_namespace ? p->proc_fd : descendants_fd();
	struct procstat st;

	return proc >= 0 && procstat_read(proc, p->launch.pid, &st) &&
	       (st.flags & PROCSTAT_FORKNOEXEC);
}

/* Read how the command's execve went, once its report socket is readable
 * (or its child is gone); nothing once it is known. */
static void start_outcome(struct pid1 *p)
{
	int code;

	if (p->launch.report < 0)
		return;
	code = command_outcome(&p->launch, p->opts->command[0]);
	if (code) {
		p->start_code = code;
		decide(p, (struct lifecycle_input){ .kind = IN_NOT_STARTED });
		return;
	}
	if (died_before_execve(p)) {
		note("the command's child was killed before it ran '%s'", p->opts->command[0]);
		p->start_code = START_KILLED;
		decide(p, (struct lifecycle_input){ .kind = IN_NOT_STARTED });
		return;
	}
	decide(p, (struct lifecycle_input){ .kind = IN_STARTED });
	/* With a relay, the relay writes command_started; without one, PID 1
	 * reports the start (and later the exit) itself. */
	if (p->to_relay.sock >= 0)
		hand_off(p, p->launch.pid);
	else
		event_one_int("command_started", "pid", p->launch.pid);
}

int pid1_run(const struct options *opts, const sigset_t *original_mask, int relay_sock,
	     int pidfile_dirfd)
{
	/* PID 1 of a PID namespace: kill(-1) means exactly it. The decisions
	 * (cfg) and the shutdown that carries them out both need to know. */
	const bool owns_namespace = getpid() == 1;
	struct pid1 p = {
		.opts = opts,
		.cfg = {
			.stop_timeout_us = opts->stop_timeout_us,
			.stop_delay_us = opts->stop_delay_us,
			.grace_us = opts->grace_us,
			.wait_all = opts->wait_all,
			.kill_is_sigkill = opts->kill_signal == SIGKILL,
			.owns_namespace = owns_namespace,
			.term_as = opts->rules.rewrite[SIGTERM],
		},
		.self = getpid(),
		.to_relay = LINKQ_INIT(relay_sock, "the relay"),
		.proc_fd = -1,
		.launch = { .pid = 0, .report = -1 },
		.sd = { .kill_signal = opts->kill_signal, .owns_namespace = owns_namespace },
	};
	int sigfd = signals_open_fd(), code;

	/* Without a namespace of our own, orphans would go to the real init:
	 * claim them, so that they are reaped and reached at shutdown. The
	 * walk that finds them needs a procfs of this PID namespace, which may
	 * take CAP_SYS_ADMIN: before the capabilities go. */
	if (!p.cfg.owns_namespace) {
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
	if (!p.cfg.owns_namespace)
		descendants_set_command(p.command);
	p.lc = lifecycle_start(opts->timeout_us ? p.start_us + opts->timeout_us : 0);
	if (chdir("/") < 0)
		warn_errno("cannot change directory to /");
	/* Our namespace's /proc (PID 1 of it: it shows exactly our processes)
	 * for the names of what we reap. */
	if (p.cfg.owns_namespace)
		p.proc_fd = own_proc();
	/* Ours: the signalfd, the relay's socket, the events channel, the pid
	 * file's directory, a procfs and the command's report socket. */
	sys_close_all_but((int[]){ sigfd, relay_sock, events_fd(), events_poll_fd(), pidfile_dirfd,
				   p.cfg.owns_namespace ? p.proc_fd : descendants_fd(),
				   p.launch.report },
			  7);

	run_loop(&p, sigfd);
	shutdown_report(&p.sd);
	if (relay_sock < 0)
		terminal_take_back(p.command_group, opts->tty_foreground);
	code = exitcode_from_status(p.command_status);
	/* tini -e: a code the user declared a success (e.g. 143 for a JVM),
	 * but only of a command that ran. */
	if (!p.start_code && options_zero_exit(opts, code))
		code = 0;
	/* timeout(1)'s code, whatever the stopped command exited with. */
	if (p.lc.timed_out)
		code = EXIT_TIMED_OUT;
	/* A step before the command's execve failed: nsinit's own failure. */
	if (p.start_code > 0)
		code = p.start_code;
	if (relay_sock < 0) {
		struct job_stats stats;

		job_stats_collect(&stats, p.start_us, p.reaped);
		job_stats_report(code, &stats);
	} else {
		if (to_relay(&p, LINK_REAPED, (int)p.reaped, NULL, 0, -1) < 0)
			warn("cannot tell the relay how many processes were reaped: out of memory");
		linkq_flush_all(&p.to_relay);
		linkq_free(&p.to_relay);
	}
	return code;
}

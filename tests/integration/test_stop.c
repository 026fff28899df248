/*
 * Stops: a stop signal is forwarded and nothing else happens until the
 * command exits; nsinit never kills on a timer of its own (only
 * --stop-timeout sets one). Job control never leaves the relay stopped. A
 * container's PID 1 that makes a namespace still reaps what lands on it.
 * Signal numbering is the kernel's and glibc's in every build.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(stop, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);


enum role { RELAY, INIT, SUBREAPER };

/* Where the user's signal goes: the relay, PID 1 (unshare's child), or
 * nsinit itself with -s. */
static pid_t target_of(struct hs_proc *p, enum role role)
{
	if (role != INIT)
		return p->pid;
	pid_t pid1 = hs_child_of(p->pid, hs_ms(5000));
	cr_assert(pid1 > 0, "unshare (%d) has no child: nsinit is not running", (int)p->pid);
	return pid1;
}

static bool exited_within(struct hs_proc *p, long ms)
{
	struct pollfd pf = {.fd = p->pidfd, .events = POLLIN};
	int r;
	while ((r = poll(&pf, 1, (int)ms)) < 0 && errno == EINTR)
		;
	return r == 1;
}

/* A service whose stop takes longer than any default of nsinit's (5 s of
 * --grace): its trap waits for the test's word on stdin, then flushes. */
static const char slow_stop[] =
	"exec 3<&0\n"
	"trap 'echo got; read x <&3; echo flushed; exit 0' %s\n"
	"trap 'echo usr1; exit 0' USR1\n"
	"echo ready\n"
	"while :; do sleep 1 & wait $!; done\n";

struct stop_case {
	enum role role;
	const char *opts[4]; /* nsinit's options */
	const char *trap;    /* the signal the command traps */
	int sig;             /* what the test sends */
	bool dropped;        /* -r SIG:0: the command must never see it */
};

static const struct stop_case stop_cases[] = {
	{ RELAY, { NULL }, "TERM", SIGTERM, false },
	{ RELAY, { NULL }, "INT", SIGINT, false },
	{ RELAY, { NULL }, "QUIT", SIGQUIT, false },
	{ RELAY, { "-r", "TERM:QUIT", NULL }, "QUIT", SIGTERM, false },
	{ INIT, { NULL }, "TERM", SIGTERM, false },
	{ SUBREAPER, { "-s", NULL }, "TERM", SIGTERM, false },
	{ SUBREAPER, { "-s", "-r", "TERM:0", NULL }, "TERM", SIGTERM, true },
	{ RELAY, { "-r", "TERM:0", NULL }, "TERM", SIGTERM, true },
};
#define NCASES (sizeof(stop_cases) / sizeof(stop_cases[0]))

static void spawn_case(struct hs_proc *p, const struct stop_case *c)
{
	static char script[NCASES][512];
	const char *argv[16];
	size_t k = 0, i = (size_t)(c - stop_cases);
	struct hs_opts o = {.stdin_pipe = true};

	static const char *const unshare[] = { "unshare", "--pid",	  "--fork",
					       "--mount-proc", "--kill-child", NULL };

	if (c->role == INIT)
		o.prefix = unshare;
	snprintf(script[i], sizeof script[i], slow_stop, c->trap);
	/* A short grace: if a stop ever started the kill-child timer again,
	 * the command would die within the window below, not 5 s later. */
	argv[k++] = "--grace=100ms";
	for (size_t j = 0; c->opts[j]; j++)
		argv[k++] = c->opts[j];
	argv[k++] = "--";
	argv[k++] = "sh";
	argv[k++] = "-c";
	argv[k++] = script[i];
	argv[k] = NULL;
	hs_spawn(p, &o, argv);
}

/* Issue: a service that takes 8 s to stop was SIGKILLed after 5 s. All the
 * cases run at once, so the suite waits only once. */
Test(stop, a_stop_never_kills_on_nsinits_timer)
{
	struct hs_proc p[NCASES];

	for (size_t i = 0; i < NCASES; i++)
		spawn_case(&p[i], &stop_cases[i]);
	for (size_t i = 0; i < NCASES; i++) {
		cr_assert(hs_read_until(&p[i], HS_OUT, "ready\n", hs_ms(10000)),
			  "`%s` did not start:\n%s", p[i].argv_str, S(p[i].err));
		/* The relay's own path, once PID 1 handed it the pidfd. */
		if (stop_cases[i].role == RELAY && !hs_wrapped())
			(void)hs_read_until(&p[i], HS_ERR, "\n", 200);
		cr_assert(kill(target_of(&p[i], stop_cases[i].role), stop_cases[i].sig) == 0);
	}
	for (size_t i = 0; i < NCASES; i++)
		if (!stop_cases[i].dropped)
			cr_assert(hs_read_until(&p[i], HS_OUT, "got\n", hs_ms(5000)),
				  "`%s`: the stop signal did not reach the command:\n%s\n%s",
				  p[i].argv_str, S(p[i].out), S(p[i].err));
	/* No timer of nsinit's follows a stop: lifecycle.c sets no deadline
	 * without --stop-timeout (tests/unit/test_lifecycle.c, "a stop is
	 * forwarded"); end to end, five graces later, nobody was killed. */
	long long until = hs_now_ms() + 500;
	for (size_t i = 0; i < NCASES; i++) {
		long left = (long)(until - hs_now_ms());
		cr_expect(!exited_within(&p[i], left > 0 ? left : 0),
			  "`%s` ended %s while the command was still stopping:\n%s\n%s",
			  p[i].argv_str, "before it said so", S(p[i].out), S(p[i].err));
	}
	for (size_t i = 0; i < NCASES; i++) {
		const struct stop_case *c = &stop_cases[i];
		if (c->dropped) {
			cr_assert(kill(target_of(&p[i], c->role), SIGUSR1) == 0);
		} else {
			cr_assert(write(p[i].in_fd, "go\n", 3) == 3);
		}
		cr_assert(hs_wait(&p[i], hs_ms(10000)), "`%s` did not exit", p[i].argv_str);
		(void)hs_read_eof(&p[i], HS_BOTH, hs_ms(3000)); /* what the pipes still hold */
		cr_expect_eq(hs_code(&p[i]), 0, "`%s`: %s\nstdout:\n%s\nstderr:\n%s", p[i].argv_str,
			     hs_status_str(&p[i]), S(p[i].out), S(p[i].err));
		cr_expect_str_eq(S(p[i].out), c->dropped ? "ready\nusr1\n" : "ready\ngot\nflushed\n",
				 "`%s`\nstderr:\n%s", p[i].argv_str, S(p[i].err));
		hs_cleanup(&p[i]);
	}
}

/* Outside a shell's job control (here: no terminal, the test's process
 * group) the relay never stops when the command does: its group is the
 * caller's, which must not freeze. When anything resumes the command, it
 * runs on and the relay passes its exit on. (Job control, where the relay
 * does stop with the command, is test_tty.c's.) */
Test(stop, the_relay_stops_only_under_job_control)
{
	struct hs_opts o = {.stdin_pipe = true};
	struct hs_proc p;
	pid_t pid1, command;
	hs_spawn(&p, &o,
		 HS_ARGV("--", "sh", "-c",
			 "exec 3<&0; ( read x <&3; kill -CONT $$ ) & kill -STOP $$; echo resumed; "
			 "exit 0"));
	pid1 = hs_pid1(&p, hs_ms(10000));
	cr_assert(pid1 > 0, "no PID 1");
	command = hs_child_of(pid1, hs_ms(10000));
	cr_assert(command > 0, "no command");
	long long deadline = hs_now_ms() + hs_ms(10000);
	while (hs_proc_state(command) != 'T' && hs_now_ms() < deadline)
		(void)hs_read_until(&p, HS_ERR, "\n", 20); /* polling /proc with a deadline */
	cr_assert_eq(hs_proc_state(command), 'T', "the command did not stop");
	cr_expect_neq(hs_proc_state(p.pid), 'T', "the relay stopped outside job control");
	cr_assert(write(p.in_fd, "go\n", 3) == 3);
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit (relay state %c)",
		  hs_proc_state(p.pid));
	cr_expect_eq(hs_code(&p), 0, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_str_eq(S(p.out), "resumed\n");
	hs_cleanup(&p);
}

/* The children of pid, from /proc/PID/task/PID/children. */
static int children_of(pid_t pid, pid_t *out, int max)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	char *text = hs_slurp(path);
	int n = 0;
	for (char *s = text, *end; s && *s && n < max; s = end) {
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		out[n++] = (pid_t)v;
	}
	free(text);
	return n;
}

/* Issue: as a container's PID 1 with --namespace, the relay is the outer
 * namespace's init: an orphan of `podman exec` lands on it and must be
 * reaped, not left a zombie. nsenter stands in for podman exec. */
Test(stop, a_relay_that_is_pid1_reaps_orphans)
{
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					      "--kill-child")};
	struct hs_proc p;
	hs_spawn(&p, &o, HS_ARGV("--namespace", "--", "sh", "-c",
				 "echo ready; while :; do sleep 1 & wait $!; done"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)));
	pid_t relay = hs_child_of(p.pid, hs_ms(5000));
	cr_assert(relay > 0);
	char target[16];
	snprintf(target, sizeof target, "%d", (int)relay);
	struct hs_proc e;
	/* The orphan outlives its parent sh, then exits by itself. */
	hs_run(&e, &(struct hs_opts){.prefix = HS_ARGV("nsenter", "-t", target, "-p", "-m", "--",
							"sh", "-c", "sleep 0.3 & exit 0", "x")},
	       HS_ARGV("--version"), hs_ms(10000));
	hs_cleanup(&e);
	/* Poll the relay's children until only its PID 1 is left. */
	pid_t kids[16];
	int n = 0;
	bool zombie = false;
	long long deadline = hs_now_ms() + hs_ms(5000);
	do {
		n = children_of(relay, kids, 16);
		zombie = false;
		for (int i = 0; i < n; i++)
			zombie |= hs_proc_state(kids[i]) == 'Z';
		if (n <= 1)
			break;
		(void)hs_read_until(&p, HS_ERR, "\n", 20); /* polling /proc with a deadline */
	} while (hs_now_ms() < deadline);
	cr_expect_leq(n, 1, "the relay (PID 1 here) has %d children; a zombie among them: %d", n,
		      zombie);
	hs_cleanup(&p);
}

/* Issue: -r USR1:RTMIN+3 sent 38 in the static build and 37 in the dynamic
 * one; and signal 34 (RTMIN to kill -l and glibc) killed the static nsinit.
 * Numbers are the kernel's, as kill -l and systemd count. */
Test(stop, realtime_signals_are_numbered_as_kill_l_does)
{
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("-r", "USR1:RTMIN+3", "--", "sh", "-c",
			 "trap 'echo got37' 37; trap 'echo got34' 34; echo ready; "
			 "while :; do sleep 1 & wait $!; done"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)));
	(void)hs_read_until(&p, HS_ERR, "\n", 200);
	cr_assert(kill(p.pid, SIGUSR1) == 0);
	cr_expect(hs_read_until(&p, HS_OUT, "got37\n", hs_ms(5000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	cr_assert(kill(p.pid, 34) == 0);
	cr_expect(hs_read_until(&p, HS_OUT, "got34\n", hs_ms(5000)),
		  "signal 34 did not reach the command (%s)\nstdout:\n%s\nstderr:\n%s",
		  hs_status_str(&p), S(p.out), S(p.err));
	cr_assert(kill(p.pid, SIGTERM) == 0);
	cr_assert(hs_wait(&p, hs_ms(10000)));
	cr_expect_eq(hs_code(&p), 128 + SIGTERM, "%s", hs_status_str(&p));
	hs_cleanup(&p);
}

/* Issue: a script without #! ran under /bin/sh in the dynamic build, tini
 * and dumb-init, but failed with 126 in the static build. */
Test(stop, a_script_without_shebang_runs_under_sh)
{
	char dir[] = "/tmp/nsinit-noshebang-XXXXXX";
	cr_assert(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/job", dir);
	cr_assert(hs_write_file(path, "echo \"args: $*\"\nexit 7\n", 0755));
	char env[160];
	snprintf(env, sizeof env, "PATH=%s:/usr/bin:/bin", dir);
	struct hs_proc p;
	for (int by_path = 0; by_path < 2; by_path++) {
		hs_run(&p, &(struct hs_opts){.env = HS_ARGV(env)},
		       HS_ARGV("--", by_path ? "job" : path, "a", "b"), hs_ms(10000));
		cr_expect_eq(hs_code(&p), 7, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
		cr_expect_str_eq(S(p.out), "args: a b\n");
		hs_cleanup(&p);
	}
	unlink(path);
	rmdir(dir);
}

/* Issue: 7 of 50 runs saw PID 1 with every capability, since PID 1 dropped
 * them while the command already ran. */
Test(stop, pid1_is_never_seen_privileged)
{
	for (int i = 0; i < 50; i++) {
		struct hs_proc p;
		hs_run(&p, NULL, HS_ARGV("--", "awk", "/CapEff/{print $2}", "/proc/1/status"),
		       hs_ms(10000));
		cr_assert_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
		cr_assert_str_eq(S(p.out), "0000000000000020\n", "run %d: PID 1's CapEff", i);
		hs_cleanup(&p);
	}
}

/* tini's way in every role: the command leads a process group that holds
 * nothing of nsinit's, so a terminal's signals to that group never reach
 * PID 1 or the relay. */
Test(stop, the_command_leads_a_group_of_its_own)
{
	static const char script[] =
		"ps -e -o pid= -o pgid= | while read pid pgid; do "
		"[ \"$pgid\" = \"$$\" ] && echo \"member $pid\"; done; echo \"self $$\"";
	static const char *const unshare[] = { "unshare", "--pid", "--fork", "--mount-proc",
					       "--kill-child", NULL };
	const struct {
		const char *const *prefix;
		const char *opt;
	} roles[] = { { NULL, "-v" }, { unshare, "-v" }, { NULL, "-s" } };

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct hs_proc p;
		hs_run(&p, &(struct hs_opts){.prefix = roles[i].prefix},
		       HS_ARGV(roles[i].opt, "--", "sh", "-c", script), hs_ms(10000));
		cr_assert_eq(hs_code(&p), 0, "`%s`: %s\n%s", p.argv_str, hs_status_str(&p), S(p.err));
		long self = 0;
		const char *l = strstr(S(p.out), "self ");
		cr_assert(l && sscanf(l, "self %ld", &self) == 1, "stdout:\n%s", S(p.out));
		/* Members: the shell itself, its ps and its loop. */
		char want[64];
		snprintf(want, sizeof want, "member %ld\n", self);
		cr_expect(strstr(S(p.out), want), "`%s`: the command does not lead its group:\n%s",
			  p.argv_str, S(p.out));
		for (const char *m = strstr(S(p.out), "member "); m; m = strstr(m + 1, "member ")) {
			long pid = strtol(m + 7, NULL, 10);
			cr_expect(pid >= self, "`%s`: process %ld (older than the command, so "
					      "nsinit's) is in the command's group:\n%s",
				  p.argv_str, pid, S(p.out));
		}
		hs_cleanup(&p);
	}
}

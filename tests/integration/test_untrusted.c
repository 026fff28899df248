/* The command is untrusted code running as the caller (README, Security):
 * each sentence of the threat model, tried as an attacker and as a
 * scripted caller would. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(untrusted, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define NOBODY \
	HS_ARGV("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all")
#define UNSHARE_AS_NOBODY                                                                   \
	HS_ARGV("unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "setpriv",          \
		"--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all")

/* Who attacks, with which options, and which pid is nsinit's to it. */
struct attack {
	const char *what;
	const char *const *prefix;
	const char *opts[4];
	const char *target; /* "1", or "parent" for nsinit -s */
};

static const struct attack attacks[] = {
	{ "rootless, --new-session (the TIOCSTI attack's set-up)", NOBODY,
	  { "--new-session" }, "1" },
	{ "rootless", NOBODY, { NULL }, "1" },
	{ "root with --cap-keep=kill", NULL, { "--cap-keep=kill" }, "1" },
	{ "root with --cap-drop=sys_admin,sys_ptrace", NULL,
	  { "--cap-drop=sys_admin,sys_ptrace" }, "1" },
	{ "-s as nobody", NOBODY, { "-s" }, "parent" },
	{ "PID 1 in place (a container) as nobody", UNSHARE_AS_NOBODY, { NULL }, "1" },
};

/* Neither pidfd_getfd nor ptrace reaches PID 1 (or nsinit -s): the command
 * can take no socket, no terminal to push input into, and make nsinit run
 * nothing. Today's kernels allow both against a dumpable process of the
 * same uid whose capabilities are a subset of the command's. */
Test(untrusted, the_command_cannot_take_fds_from_or_ptrace_nsinit)
{
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		const struct attack *a = &attacks[i];
		const char *args[12];
		size_t n = 0;
		struct hs_proc p;

		for (size_t k = 0; a->opts[k]; k++)
			args[n++] = a->opts[k];
		args[n++] = "--";
		if (!strcmp(a->target, "parent")) {
			args[n++] = "sh";
			args[n++] = "-c";
			args[n++] = "exec \"$0\" attack $PPID";
			args[n++] = hs_probe();
		} else {
			args[n++] = hs_probe();
			args[n++] = "attack";
			args[n++] = a->target;
		}
		args[n] = NULL;
		hs_run(&p, &(struct hs_opts){ .prefix = a->prefix }, args, hs_ms(20000));
		cr_expect_eq(hs_code(&p), 0, "%s: %s\n%s", a->what, hs_status_str(&p), S(p.err));
		cr_expect(strstr(S(p.out), "getfd: 0 taken\n"), "%s: the command took nsinit's fds:\n%s",
			  a->what, S(p.out));
		cr_expect(strstr(S(p.out), "ptrace: EPERM\n"), "%s: the command could ptrace nsinit:\n%s",
			  a->what, S(p.out));
		hs_cleanup(&p);
	}
}

/* The relay and PID 1 are not dumpable: the kernel then gives the files in
 * their /proc entries to root, where a dumpable process of nobody's has
 * them as nobody's. */
Test(untrusted, relay_and_pid1_are_not_dumpable)
{
	struct hs_proc p;
	struct stat st;
	char path[64];
	pid_t pid1;

	hs_spawn(&p, &(struct hs_opts){ .prefix = NOBODY },
		 HS_ARGV("--", hs_probe(), "signals"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(20000)), "no ready:\n%s", S(p.err));
	pid1 = hs_pid1(&p, hs_ms(5000));
	cr_assert(pid1 > 0);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)p.pid);
	cr_assert(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	cr_expect_eq(st.st_uid, 0, "the relay is dumpable (%s is uid %d's)", path, (int)st.st_uid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid1);
	cr_assert(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	cr_expect_eq(st.st_uid, 0, "PID 1 is dumpable (%s is uid %d's)", path, (int)st.st_uid);
	hs_cleanup(&p);
}

/* A command that stops itself must not freeze whoever ran nsinit from a
 * script: outside a shell's job control the relay's process group is the
 * caller's (timeout(1) makes one and puts nsinit in it), and timeout
 * must still fire. */
Test(untrusted, a_stopped_command_never_stops_the_caller)
{
	static const char *const callers[][8] = {
		{ "timeout(1)", "timeout", "1", NULL },
	};

	for (size_t i = 0; i < sizeof(callers) / sizeof(callers[0]); i++) {
		struct hs_proc p;

		hs_run(&p, &(struct hs_opts){ .prefix = callers[i] + 1 },
		       HS_ARGV("--", "sh", "-c", "kill -STOP $$"), hs_ms(20000));
		cr_expect(hs_code(&p) == 124 || hs_code(&p) == 137,
			  "%s: the caller did not get its timeout: %s\n%s", callers[i][0],
			  hs_status_str(&p), S(p.err));
		hs_cleanup(&p);
	}
}

/* The same from Python's subprocess, which leaves nsinit in its own group:
 * the stop must not stop Python, whose timeout then kills nsinit. */
Test(untrusted, a_stopped_command_never_stops_a_python_caller)
{
	const char *script = "import subprocess, sys\n"
			     "try:\n"
			     "    subprocess.run(sys.argv[1:], timeout=1)\n"
			     "except subprocess.TimeoutExpired:\n"
			     "    print('timed out')\n";
	struct hs_proc p;

	hs_run(&p, &(struct hs_opts){ .prefix = HS_ARGV("python3", "-c", script) },
	       HS_ARGV("--", "sh", "-c", "kill -STOP $$"), hs_ms(20000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.out), "timed out\n"), "python's timeout did not fire:\n%s", S(p.out));
	hs_cleanup(&p);
}

/* --timeout bounds the whole tree under --wait-all: 124, and what is left
 * still gets --grace after the stop signal: an orphan that cleans up on
 * TERM (0.3 s of work) finishes before the kill-child signal. (Every
 * transition of it: tests/unit/test_lifecycle.c.) */
Test(untrusted, timeout_under_wait_all_keeps_the_grace)
{
	static const char *const roles[][2] = { { "namespace", "--namespace" }, { "-s", "-s" } };
	struct hs_proc p[2];

	/* Both at once: the suite waits for the timeout once. */
	for (size_t i = 0; i < 2; i++)
		hs_spawn(&p[i], &(struct hs_opts){ 0 },
			 HS_ARGV(roles[i][1], "--timeout=1", "--grace=5s", "--wait-all", "--", "sh",
				 "-c",
				 "sh -c 'trap \"sleep 0.3; echo cleaned >&2; exit 0\" TERM; "
				 "sleep 30 & wait' & exit 0"));
	for (size_t i = 0; i < 2; i++) {
		cr_expect(hs_wait(&p[i], hs_ms(25000)), "%s: did not end", roles[i][0]);
		(void)hs_read_eof(&p[i], HS_BOTH, hs_ms(3000));
		cr_expect_eq(hs_code(&p[i]), 124, "%s: %s\n%s", roles[i][0], hs_status_str(&p[i]),
			     S(p[i].err));
		cr_expect(strstr(S(p[i].err), "cleaned\n"),
			  "%s: the orphan's cleanup was cut short:\n%s", roles[i][0], S(p[i].err));
		hs_cleanup(&p[i]);
	}
}

/* ---- events reach a reader that does not read for a while ---- */

#define ORPHANS 1500
#define MAKE_ORPHANS "i=0; while [ $i -lt 1500 ]; do (true &); i=$((i+1)); done"

/* A fifo whose reader the test holds: the command's side opens it as fd 3. */
static char fifo[64];

static void events_on_fd3(void *arg)
{
	int fd = open(fifo, O_WRONLY);

	(void)arg;
	if (fd < 0 || (fd != 3 && dup2(fd, 3) < 0))
		_exit(99);
}

/* Does pid have no child left (every orphan reaped, the command gone)? */
static bool childless(pid_t pid)
{
	char path[64], *kids;
	bool none;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	kids = hs_slurp(path);
	none = kids && kids[0] == '\0';
	free(kids);
	return none;
}

static char *read_all(int fd, long timeout_ms)
{
	struct hs_buf b = { 0 };
	long long end = hs_now_ms() + timeout_ms;
	char chunk[65536];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, (int)(end - hs_now_ms())) <= 0)
			break;
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		hs_buf_add(&b, chunk, (size_t)n);
	}
	return b.data ? b.data : strdup("");
}

/* PID 1 keeps reaping while the events pipe is full (it never blocks),
 * and every event still reaches the reader, in order, once it reads. */
Test(untrusted, events_reach_a_reader_that_lags)
{
	static const char *const roles[][2] = { { "namespace", NULL }, { "-s", "-s" } };

	for (size_t i = 0; i < 2; i++) {
		struct hs_opts o = { .prep = events_on_fd3 };
		struct hs_proc p;
		long long end;
		char *events, exit_line[512] = "";

		int reader;

		snprintf(fifo, sizeof(fifo), "/tmp/nsinit-events-%d", (int)getpid());
		(void)unlink(fifo);
		cr_assert(mkfifo(fifo, 0600) == 0, "mkfifo: %s", strerror(errno));
		reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		cr_assert(reader >= 0, "%s: %s", fifo, strerror(errno));
		if (roles[i][1])
			hs_spawn(&p, &o, HS_ARGV("--events=3", "-s", "--", "sh", "-c", MAKE_ORPHANS));
		else
			hs_spawn(&p, &o, HS_ARGV("--events=3", "--", "sh", "-c", MAKE_ORPHANS));
		unlink(fifo);
		/* The pipe holds 64 KiB, a few hundred lines: PID 1 must go
		 * on reaping with it full, until nothing is left to reap and
		 * (with a relay) PID 1 itself has exited. Polling with a
		 * deadline. */
		cr_assert(hs_child_of(p.pid, hs_ms(10000)) > 0, "%s: nsinit has no child: %s\n%s",
			  roles[i][0], hs_status_str(&p), S(p.err));
		end = hs_now_ms() + hs_ms(60000);
		while (!childless(p.pid) && hs_now_ms() < end)
			poll(NULL, 0, 20);
		cr_expect(childless(p.pid),
			  "%s: PID 1 stopped reaping while the events pipe was full", roles[i][0]);
		events = read_all(reader, hs_ms(30000));
		close(reader);
		cr_expect(hs_wait(&p, hs_ms(20000)), "%s: nsinit did not exit", roles[i][0]);
		cr_expect_eq(hs_code(&p), 0, "%s: %s\n%s", roles[i][0], hs_status_str(&p), S(p.err));
		cr_expect_eq(hs_count_matching(events, "\"event\":\"reaped\""), ORPHANS,
			     "%s: %d of %d reaped events", roles[i][0],
			     hs_count_matching(events, "\"event\":\"reaped\""), ORPHANS);
		cr_expect(hs_find_line(events, "\"event\":\"exit\"", exit_line, sizeof(exit_line)),
			  "%s: no exit event", roles[i][0]);
		cr_expect(strstr(exit_line, "\"reaped\":1501"), "%s: %s", roles[i][0], exit_line);
		cr_expect(!strstr(S(p.err), "event"), "%s: warnings about events:\n%.2000s",
			  roles[i][0], S(p.err));
		free(events);
		hs_cleanup(&p);
	}
}

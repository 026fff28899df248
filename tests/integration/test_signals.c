/* Signals sent to the relay reach the command. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(signals, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);


/* Start `nsinit [opts] -- probe signals N` and wait for "ready". */
static void start_probe(struct hs_proc *p, const struct hs_opts *o, bool verbose, const char *n)
{
	hs_spawn(p, o,
		 verbose ? HS_ARGV("-v", "--", hs_probe(), "signals", n)
			 : HS_ARGV("--", hs_probe(), "signals", n));
	cr_assert(hs_read_until(p, HS_OUT, "ready\n", hs_ms(10000)),
		  "probe never became ready (%s)\nstdout:\n%s\nstderr:\n%s", hs_status_str(p),
		  S(p->out), S(p->err));
}

static void forwards(int sig, const char *name)
{
	struct hs_proc p;
	start_probe(&p, NULL, false, "1");
	cr_assert(kill(p.pid, sig) == 0, "kill: %s", strerror(errno));
	char want[32];
	snprintf(want, sizeof want, "ready\n%s\n", name);
	bool got = hs_read_until(&p, HS_OUT, want, hs_ms(5000));
	cr_expect(got, "command did not report %s (relay: %s)\nstdout:\n%s\nstderr:\n%s", name,
		  hs_status_str(&p), S(p.out), S(p.err));
	/* The probe exits 0 after one signal; nsinit passes that on. */
	cr_expect(hs_wait(&p, hs_ms(5000)), "nsinit did not exit after the command did");
	cr_expect_eq(hs_code(&p), 0, "exit: %s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_str_eq(S(p.out), want, "stdout:\n%s", S(p.out));
	hs_cleanup(&p);
}

Test(signals, forwards_term)
{
	forwards(SIGTERM, "SIGTERM");
}

Test(signals, forwards_int)
{
	forwards(SIGINT, "SIGINT");
}

Test(signals, forwards_hup)
{
	forwards(SIGHUP, "SIGHUP");
}

Test(signals, forwards_usr1)
{
	forwards(SIGUSR1, "SIGUSR1");
}

Test(signals, forwards_usr2)
{
	forwards(SIGUSR2, "SIGUSR2");
}

Test(signals, forwards_quit)
{
	forwards(SIGQUIT, "SIGQUIT");
}

Test(signals, forwards_winch)
{
	forwards(SIGWINCH, "SIGWINCH");
}

Test(signals, verbose_reports_forwarding)
{
	struct hs_proc p;
	start_probe(&p, NULL, true, "1");
	pid_t pid1 = hs_pid1(&p, hs_ms(5000));
	pid_t cmd = pid1 > 0 ? hs_child_of(pid1, hs_ms(5000)) : 0;
	cr_assert(kill(p.pid, SIGTERM) == 0, "kill: %s", strerror(errno));
	cr_expect(hs_read_until(&p, HS_OUT, "SIGTERM\n", hs_ms(5000)), "stdout:\n%s", S(p.out));
	cr_expect(hs_wait(&p, hs_ms(5000)), "nsinit did not exit");
	hs_read_eof(&p, HS_BOTH, hs_ms(5000));
	/* The hop that reaches the command (without pidfds nsinit may go
	   through PID 1 first, which is logged as a separate line). */
	char line[512];
	bool found = hs_find_regex_line(S(p.err), "^nsinit: forwarded SIGTERM to [0-9]+$", line,
					sizeof line);
	cr_expect(found, "no 'nsinit: forwarded SIGTERM to <pid>' line:\n%s", S(p.err));
	if (found) {
		/* README: "<pid> is its pid in the namespace". */
		long to = atol(line + strlen("nsinit: forwarded SIGTERM to "));
		cr_expect(to == 2, "forwarded to %ld, but the command is 2 in the namespace "
			  "(%d on the host)", to, (int)cmd);
	}
	cr_expect_eq(hs_count_matching(S(p.err), "nsinit: forwarded "),
		     hs_count_matching(S(p.err), "nsinit: forwarded SIGTERM "),
		     "signals other than SIGTERM were forwarded:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(signals, realtime_signals_queue)
{
	const int count = 20;
	struct hs_proc p;
	start_probe(&p, NULL, false, "0");
	union sigval v = {.sival_int = 0};
	for (int i = 0; i < count; i++)
		cr_assert(sigqueue(p.pid, SIGRTMIN + 1, v) == 0, "sigqueue: %s", strerror(errno));
	/*
	 * Sentinel: a higher-numbered RT signal sent last.  Pending signals are
	 * taken lowest number first, so once it shows up, every RTMIN+1 that
	 * was going to arrive has arrived.
	 */
	cr_assert(sigqueue(p.pid, SIGRTMIN + 2, v) == 0, "sigqueue: %s", strerror(errno));
	bool got = hs_read_until(&p, HS_OUT, "SIGRTMIN+2\n", hs_ms(5000));
	int n = hs_count_matching(S(p.out), "SIGRTMIN+1");
	cr_assert(got, "sentinel SIGRTMIN+2 never arrived (relay: %s); %d x SIGRTMIN+1\n"
		  "stdout:\n%s\nstderr:\n%s", hs_status_str(&p), n, S(p.out), S(p.err));
	cr_assert_geq(n, 1, "no SIGRTMIN+1 reached the command:\n%s", S(p.out));
	cr_expect_eq(n, count, "sent %d x SIGRTMIN+1 to the relay, the command got %d", count, n);
	hs_cleanup(&p);
}

static void block_usr1(void *arg)
{
	(void)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

Test(signals, early_signal_is_not_lost)
{
	/*
	 * nsinit starts with SIGUSR1 blocked (so the command does too, and the
	 * signal cannot kill anything before it is handled).  SIGUSR1 is sent
	 * right after nsinit's exec, long before the command runs; the relay
	 * still has to deliver it to the command.
	 */
	/* PID 1 forwards at once, to a child that may not have called execve
	 * yet: the kernel keeps a blocked signal pending across execve, but
	 * valgrind drops it there (a forked child of any program under
	 * valgrind --trace-children=no loses it, nsinit or not). */
	if (hs_wrapped())
		cr_skip_test("valgrind drops a signal pending across a child's execve");
	struct hs_proc p;
	struct hs_opts o = {.prep = block_usr1};
	hs_spawn(&p, &o, HS_ARGV("--", hs_probe(), "signals", "1"));
	cr_assert(kill(p.pid, SIGUSR1) == 0, "kill: %s", strerror(errno));
	bool got = hs_read_until(&p, HS_OUT, "SIGUSR1\n", hs_ms(5000));
	cr_expect(got, "early SIGUSR1 was lost (relay: %s)\nstdout:\n%s\nstderr:\n%s",
		  hs_status_str(&p), S(p.out), S(p.err));
	if (got) {
		cr_expect(hs_wait(&p, hs_ms(5000)), "nsinit did not exit");
		cr_expect_eq(hs_code(&p), 0, "exit %s", hs_status_str(&p));
	}
	hs_cleanup(&p);
}

Test(signals, init_role_forwards_to_command)
{
	/* As PID 1 (under unshare), nsinit forwards what it receives too. */
	struct hs_proc p;
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					      "--kill-child")};
	start_probe(&p, &o, false, "1");
	pid_t init = hs_child_of(p.pid, hs_ms(5000)); /* nsinit, PID 1 under unshare */
	cr_assert(init > 0, "unshare has no child");
	cr_assert(kill(init, SIGUSR2) == 0, "kill: %s", strerror(errno));
	cr_expect(hs_read_until(&p, HS_OUT, "SIGUSR2\n", hs_ms(5000)),
		  "command did not get SIGUSR2\nstdout:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	cr_expect(hs_wait(&p, hs_ms(5000)), "did not exit");
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	hs_cleanup(&p);
}

/* A caller that signals nsinit's process group (kill -- -PGID, timeout(1),
 * make under timeout -s INT): only the relay is in that group, so each
 * signal reaches the command once, and one stop is not taken for a second
 * (which passes --stop-delay at once). Breaker finding: PID 1 shared the
 * group and forwarded its own copy too. */
static void own_group(void *arg)
{
	(void)arg;
	(void)setpgid(0, 0);
}

Test(signals, a_signal_to_nsinits_group_reaches_the_command_once)
{
	struct hs_opts o = { .prep = own_group };
	struct hs_proc p;

	hs_spawn(&p, &o, HS_ARGV("-v", "--stop-delay=60s", "--", hs_probe(), "sigcount", "RTMIN+8",
				 "1", "0"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "the probe did not start");
	for (int i = 0; i < 3; i++)
		cr_assert(kill(-p.pid, SIGRTMIN + 1) == 0, "kill: %s", strerror(errno));
	cr_assert(kill(-p.pid, SIGTERM) == 0);
	/* The stop is held, as the only one: no "second stop". */
	cr_assert(hs_read_until(&p, HS_ERR, "holding SIGTERM for --stop-delay", hs_ms(10000)),
		  "the stop was not held:\n%s", S(p.err));
	cr_assert(kill(-p.pid, SIGRTMIN + 8) == 0);
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit");
	(void)hs_read_eof(&p, HS_BOTH, hs_ms(3000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.out), "count SIGRTMIN+1 3\n"), "three signals to the group:\n%s",
		  S(p.out));
	cr_expect(!strstr(S(p.out), "SIGTERM"), "the held stop reached the command:\n%s", S(p.out));
	cr_expect(!strstr(S(p.err), "second stop"), "one stop taken for two:\n%s", S(p.err));
	hs_cleanup(&p);
}

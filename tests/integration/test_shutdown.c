/* Shutdown: nothing of the namespace survives the command or the relay. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

TestSuite(shutdown, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

/* "<n> processes left" (the brief) or "1 process left" (README: process(es)). */
#define SHUTDOWN_RE(sig)                                                                   \
	"^nsinit: shutdown: " sig " sent, [0-9]+ process(es)? left, done in [0-9]+(\\.[0-9]+)? ms$"

Test(shutdown, default_kills_leftovers)
{
	struct hs_proc p;
	hs_spawn(&p, NULL, HS_ARGV("-v", "--", "sh", "-c", "sleep 1000 & echo started"));
	cr_assert(hs_read_until(&p, HS_OUT, "started\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	cr_assert(hs_wait(&p, hs_ms(5000)), "nsinit did not exit after its command; stderr:\n%s",
		  S(p.err));
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	/* The background sleep holds stdout/stderr: EOF proves it is gone. */
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)),
		  "stdout/stderr still open %ld ms after nsinit exited: the leftover survived",
		  hs_ms(3000));
	cr_expect_eq(hs_count_regex(S(p.err), SHUTDOWN_RE("SIGKILL")), 1,
		     "expected one 'shutdown: SIGKILL sent, ...' line:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(shutdown, term_then_kill_after_grace)
{
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("-v", "--kill-child=TERM", "--grace=300ms", "--", hs_probe(),
			 "ignore-term-child"));
	cr_assert(hs_read_until(&p, HS_OUT, "armed ", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	cr_assert(hs_read_until(&p, HS_OUT, "\n", hs_ms(5000)), "stdout:\n%s", S(p.out));
	long long armed = 0;
	cr_assert(sscanf(strstr(S(p.out), "armed "), "armed %lld", &armed) == 1, "stdout:\n%s",
		  S(p.out));
	/* `armed` is the probe's CLOCK_MONOTONIC, printed just before it exits. */
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit; stderr:\n%s", S(p.err));
	long long elapsed = p.t_exit_ms - armed;
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_geq(elapsed, 300, "nsinit exited %lld ms after the command: grace not honoured",
		      elapsed);
	cr_expect_lt(elapsed, hs_ms(3000), "nsinit exited only %lld ms after the command", elapsed);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)),
		  "stdout still open: the TERM-ignoring leftover survived");
	char line[512];
	bool found = hs_find_line(S(p.err), "nsinit: shutdown: SIGTERM sent", line, sizeof line);
	cr_expect(found, "no 'shutdown: SIGTERM sent' line:\n%s", S(p.err));
	if (found) {
		cr_expect(hs_line_matches(line, SHUTDOWN_RE("SIGTERM")), "bad shutdown line: '%s'",
			  line);
		cr_expect(hs_line_matches(line, "^nsinit: shutdown: SIGTERM sent, 1 process(es)? left"),
			  "expected 'SIGTERM sent, 1 process(es) left': '%s'", line);
		double ms = 0;
		const char *d = strstr(line, "done in ");
		if (d)
			ms = atof(d + 8);
		cr_expect_geq(ms, 300, "shutdown reports %g ms, less than the grace: '%s'", ms,
			      line);
	}
	cr_expect(strstr(S(p.err), "nsinit: shutdown: grace period over; sending SIGKILL\n"),
		  "no 'grace period over' line:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(shutdown, term_obeyed_ends_before_grace)
{
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("--kill-child=TERM", "--grace=5s", "--", hs_probe(), "spawn-bg", "3"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	long long t0 = hs_now_ms();
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit; stderr:\n%s", S(p.err));
	long long elapsed = p.t_exit_ms - t0;
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_lt(elapsed, hs_ms(2000),
		     "nsinit took %lld ms although every leftover died of SIGTERM", elapsed);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout still open: a leftover survived");
	hs_cleanup(&p);
}

Test(shutdown, kill_child_signal_is_the_one_sent)
{
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("--kill-child=USR1", "--grace=5s", "--", hs_probe(), "bg-signals"));
	cr_assert(hs_read_until(&p, HS_OUT, "armed\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	cr_expect(hs_read_until(&p, HS_OUT, "SIGUSR1\n", hs_ms(5000)),
		  "leftover did not receive SIGUSR1; stdout:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit; stderr:\n%s", S(p.err));
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout still open");
	cr_expect_str_eq(S(p.out), "armed\nSIGUSR1\n", "stdout:\n%s", S(p.out));
	hs_cleanup(&p);
}

Test(shutdown, relay_sigkill_kills_namespace)
{
	/*
	 * We become a subreaper: when the relay dies, its PID 1 is reparented
	 * to us and we reap it, so a lazy host init cannot leave zombies that
	 * look like survivors.
	 */
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "prctl: %s", strerror(errno));
	struct hs_proc p;
	hs_spawn(&p, NULL, HS_ARGV("-v", "--", hs_probe(), "spawn-bg", "5", "stay"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	pid_t pid1 = hs_pid1(&p, hs_ms(5000));
	cr_assert(pid1 > 0, "relay has no child");
	char ns[128], own[128];
	cr_assert(hs_ns_link(pid1, "pid", ns, sizeof ns), "readlink ns of %d", (int)pid1);
	cr_assert(hs_ns_link(getpid(), "pid", own, sizeof own));
	cr_assert_str_neq(ns, own, "PID 1 is in our pid namespace");
	int before = hs_pids_in_ns(ns, NULL, 0, NULL);
	cr_expect_eq(before, 7, "expected 7 processes in the namespace (PID 1, probe, 5), got %d",
		     before);

	cr_assert(kill(p.pid, SIGKILL) == 0, "kill: %s", strerror(errno));
	cr_assert(hs_wait(&p, hs_ms(2000)), "relay did not die of SIGKILL");
	long long t0 = hs_now_ms(), deadline = t0 + hs_ms(1000);
	int left, zombies;
	pid_t pids[16];
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			; /* reap the orphaned PID 1 (we are its subreaper) */
		left = hs_pids_in_ns(ns, pids, 16, &zombies);
		if (left == 0 || hs_now_ms() >= deadline)
			break;
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	}
	cr_expect_eq(left, 0,
		     "%d processes (%d zombies, first pid %d) of the namespace still exist %lld ms "
		     "after the relay was SIGKILLed",
		     left, zombies, left ? (int)pids[0] : 0, hs_now_ms() - t0);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(1000)), "stdout still open: something survived");
	/* PID 1 says why it shut down (it shares our stderr pipe). */
	cr_expect(strstr(S(p.err), "nsinit: shutdown: the relay is gone; sending SIGKILL to what "
			 "is left\n"),
		  "no 'the relay is gone' line:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(shutdown, relay_sigkill_with_term_kill_child)
{
	/* Same with --kill-child=TERM and a leftover that ignores it: the grace
	   period still applies, then SIGKILL. */
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "prctl: %s", strerror(errno));
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("--kill-child=TERM", "--grace=200ms", "--", "sh", "-c",
			 "\"$0\" ignore-term-child; echo ok; exec \"$0\" spawn-bg 0 stay",
			 hs_probe()));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	pid_t pid1 = hs_pid1(&p, hs_ms(5000));
	cr_assert(pid1 > 0, "relay has no child");
	char ns[128];
	cr_assert(hs_ns_link(pid1, "pid", ns, sizeof ns));
	cr_assert(kill(p.pid, SIGKILL) == 0, "kill: %s", strerror(errno));
	cr_assert(hs_wait(&p, hs_ms(2000)), "relay did not die of SIGKILL");
	long long t0 = hs_now_ms(), deadline = t0 + hs_ms(3000);
	int left, zombies;
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		left = hs_pids_in_ns(ns, NULL, 0, &zombies);
		if (left == 0 || hs_now_ms() >= deadline)
			break;
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	}
	cr_expect_eq(left, 0, "%d processes (%d zombies) of the namespace survive", left, zombies);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(1000)), "stdout still open: something survived");
	hs_cleanup(&p);
}

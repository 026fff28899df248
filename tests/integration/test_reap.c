/* PID 1 reaps every orphan. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(reap, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);


Test(reap, thousand_orphans)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("-v", "--", hs_probe(), "orphans", "1000"), hs_ms(60000));
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstdout:\n%s", hs_status_str(&p), S(p.out));
	cr_expect(strstr(S(p.out), "left=0 zombies=0\n"),
		  "orphans were not all reaped; probe says:\n%s", S(p.out));
	int n = hs_count_matching(S(p.err), "reaped orphan");
	cr_expect_eq(n, 1000, "expected 1000 'reaped orphan' lines, got %d", n);
	int ok = hs_count_regex(S(p.err), "^nsinit: reaped orphan [0-9]+ \\(probe\\): exited 0$");
	cr_expect_eq(ok, 1000, "only %d of the lines read 'nsinit: reaped orphan <pid> (probe): "
		     "exited 0'; first lines of stderr:\n%.2000s", ok, S(p.err));
	hs_cleanup(&p);
}

static void orphan_line(const char *sub, const char *arg, const char *how)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("-v", "--", hs_probe(), sub, arg), hs_ms(10000));
	cr_assert_eq(hs_code(&p), 0, "exit %s\nstdout:\n%s\nstderr:\n%s", hs_status_str(&p),
		     S(p.out), S(p.err));
	int pid = 0;
	const char *o = strstr(S(p.out), "orphan ");
	cr_assert(o && sscanf(o, "orphan %d", &pid) == 1, "stdout:\n%s", S(p.out));
	char want[128];
	snprintf(want, sizeof want, "nsinit: reaped orphan %d (probe): %s", pid, how);
	char line[512];
	bool found = hs_find_line(S(p.err), "reaped orphan", line, sizeof line);
	cr_expect(found, "no 'reaped orphan' line on stderr:\n%s", S(p.err));
	if (found)
		cr_expect_str_eq(line, want, "stderr:\n%s", S(p.err));
	cr_expect_eq(hs_count_matching(S(p.err), "reaped orphan"), 1, "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(reap, verbose_orphan_exit_code)
{
	orphan_line("orphan-exit", "7", "exited 7");
}

Test(reap, verbose_orphan_killed_by_signal)
{
	orphan_line("orphan-kill", "15", "killed by SIGTERM");
}

Test(reap, quiet_without_verbose)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--", hs_probe(), "orphans", "20"), hs_ms(20000));
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstdout:\n%s", hs_status_str(&p), S(p.out));
	cr_expect(strstr(S(p.out), "left=0 zombies=0\n"), "probe says:\n%s", S(p.out));
	cr_expect_eq(p.err.len, 0, "stderr without -v:\n%s", S(p.err));
	hs_cleanup(&p);
}

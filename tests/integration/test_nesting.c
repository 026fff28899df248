/* nsinit inside nsinit, five deep: the seeds' multi_pidns experiment. Each
 * level's /proc shows its own view, the innermost command has a pid at every
 * level, and SIGKILL to the outermost relay leaves nothing at any level. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(nesting, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define LEVELS 5

/* argv: LEVELS - 1 more nsinits (the harness puts the first), then cmd. */
static const char **nested(const char *const *prefix_opts, const char *const *cmd)
{
	static const char *argv[64];
	size_t k = 0;

	for (size_t i = 0; prefix_opts && prefix_opts[i]; i++)
		argv[k++] = prefix_opts[i];
	argv[k++] = "--";
	for (int level = 2; level <= LEVELS; level++) {
		argv[k++] = hs_nsinit();
		argv[k++] = "--";
	}
	for (size_t i = 0; cmd[i]; i++)
		argv[k++] = cmd[i];
	argv[k] = NULL;
	return argv;
}

/* The pids a /proc directory lists, sorted (readdir lists them in order). */
static int list_pids(const char *dir, long *out, int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert(d, "opendir %s: %s", dir, strerror(errno));
	while ((e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]) && n < max)
			out[n++] = atol(e->d_name);
	closedir(d);
	return n;
}

Test(nesting, five_deep_each_level_has_its_view_and_all_die_with_the_relay)
{
	/* relay1, PID1 of level 1, relay2, PID1 of level 2, ..., the command. */
	pid_t chain[2 * LEVELS + 1];
	char links[LEVELS][128];
	struct hs_proc p;

	/* When the relay dies, its PID 1 is reparented to us and we reap it, so
	 * a lazy host init cannot leave a zombie that looks like a survivor. */
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "prctl: %s", strerror(errno));
	hs_spawn(&p, NULL, nested(NULL, HS_ARGV(hs_probe(), "spawn-bg", "0", "stay")));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(20000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	chain[0] = p.pid;
	for (int i = 1; i <= 2 * LEVELS; i++) {
		chain[i] = hs_child_of(chain[i - 1], hs_ms(5000));
		cr_assert(chain[i] > 0, "process %d of the chain (%d) has no child", i - 1,
			  (int)chain[i - 1]);
	}

	/* Level k's PID 1 is chain[2k-1]; its /proc (seen through its root)
	 * lists itself, the levels below and the command: 1 .. 2(LEVELS-k)+2. */
	for (int k = 1; k <= LEVELS; k++) {
		char dir[64], comm_path[96], *comm;
		long pids[64];
		int want = 2 * (LEVELS - k) + 2, n;

		cr_assert(hs_ns_link(chain[2 * k - 1], "pid", links[k - 1], sizeof(links[0])));
		snprintf(dir, sizeof(dir), "/proc/%d/root/proc", (int)chain[2 * k - 1]);
		n = list_pids(dir, pids, 64);
		cr_expect_eq(n, want, "level %d's /proc lists %d processes, expected %d", k, n, want);
		for (int i = 0; i < n && i < want; i++)
			cr_expect_eq(pids[i], i + 1, "level %d's /proc lists pid %ld at %d", k, pids[i],
				     i);
		snprintf(comm_path, sizeof(comm_path), "%s/%d/comm", dir, want);
		comm = hs_slurp(comm_path);
		cr_expect(comm && strcmp(comm, "probe\n") == 0, "level %d: pid %d is '%s', not probe",
			  k, want, comm ? comm : "(gone)");
		free(comm);
		if (k > 1)
			cr_expect_str_neq(links[k - 1], links[k - 2], "levels %d and %d share a PID "
				"namespace", k - 1, k);
	}

	/* The command's pid at every level, through the host's /proc. */
	{
		char path[64], *status;
		long v[64];
		int base = hs_own_levels(), n;

		snprintf(path, sizeof(path), "/proc/%d/status", (int)chain[2 * LEVELS]);
		status = hs_slurp(path);
		cr_assert(status);
		n = hs_parse_nspid(status, v, 64);
		cr_expect_eq(n, base + LEVELS, "NSpid has %d entries, expected %d:\n%s", n,
			     base + LEVELS, status);
		for (int k = 1; k <= LEVELS && n == base + LEVELS; k++)
			cr_expect_eq(v[base + k - 1], 2 * (LEVELS - k) + 2,
				     "the command is %ld at level %d", v[base + k - 1], k);
		free(status);
	}

	/* SIGKILL the outermost relay: nothing is left at any level. */
	cr_assert(kill(p.pid, SIGKILL) == 0);
	cr_assert(hs_wait(&p, hs_ms(2000)), "the relay did not die of SIGKILL");
	long long t0 = hs_now_ms(), deadline = t0 + hs_ms(5000);
	int left, zombies, level = 0;
	pid_t first = 0;
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			; /* reap the orphaned PID 1 (we are its subreaper) */
		left = zombies = 0;
		for (int k = 0; k < LEVELS; k++) {
			pid_t pids[1];
			int z, n = hs_pids_in_ns(links[k], pids, 1, &z);

			if (n > 0 && !first) {
				first = pids[0];
				level = k + 1;
			}
			left += n;
			zombies += z;
		}
		if (left == 0 || hs_now_ms() >= deadline)
			break;
		first = 0;
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	}
	cr_expect_eq(left, 0,
		     "%d processes (%d zombies; pid %d at level %d) are left in the 5 PID "
		     "namespaces %lld ms after the relay was SIGKILLed",
		     left, zombies, (int)first, level, hs_now_ms() - t0);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(1000)), "stdout still open: something survived");
	cr_expect_eq(hs_code(&p), -SIGKILL, "%s", hs_status_str(&p));
	hs_cleanup(&p);
}

Test(nesting, five_deep_exit_code_passes_through)
{
	struct hs_proc p;

	hs_run(&p, NULL, nested(NULL, HS_ARGV("sh", "-c", "exit 7")), hs_ms(20000));
	cr_expect_eq(hs_code(&p), 7, "%s; stderr:\n%s", hs_status_str(&p), S(p.err));
	hs_cleanup(&p);
}

/* Rootless, every level runs as the caller (nobody), as it would without
 * nsinit: without CAP_SYS_ADMIN each level makes a user namespace of its own
 * below the one above, mapping nobody to itself, and still reaches five. */
Test(nesting, five_deep_rootless)
{
	struct hs_opts o = {
		.prefix = HS_ARGV("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
				  "--inh-caps=-all"),
		.prep = hs_keep_host_proc,
	};
	char fd[16];
	struct hs_proc p;
	long v[64];
	int base = hs_own_levels(), n;

	snprintf(fd, sizeof(fd), "%d", HS_HOST_PROC_FD);
	hs_run(&p, &o,
	       nested(NULL, HS_ARGV("sh", "-c", "id -u; exec \"$0\" nspid \"$1\"",
				    hs_probe(), fd)),
	       hs_ms(20000));
	cr_assert_eq(hs_code(&p), 0, "%s\nstdout:\n%s\nstderr:\n%s", hs_status_str(&p), S(p.out),
		     S(p.err));
	cr_expect(strncmp(S(p.out), "65534\n", 6) == 0, "not the caller inside:\n%s", S(p.out));
	n = hs_parse_nspid(S(p.out), v, 64);
	cr_expect_eq(n, base + LEVELS, "NSpid has %d entries, expected %d:\n%s", n, base + LEVELS,
		     S(p.out));
	if (n > 0 && n <= 64)
		cr_expect_eq(v[n - 1], 2, "the command is not PID 2 of its namespace:\n%s", S(p.out));
	hs_cleanup(&p);
}

/* One level past the kernel's nesting limit of 32 PID namespaces: the
 * innermost nsinit cannot make its namespace and runs the command as a
 * subreaper, with one warning. The warning kept the line up to its first
 * ';', which fell inside the list of /proc/sys/user limits, so the nesting
 * limit, the cause here, was cut off. */
Test(nesting, one_past_the_limit_the_warning_names_the_nesting_limit)
{
	static const char *argv[80];
	/* We are at level hs_own_levels() - 1 (the host's is level 0); the
	 * nsinit that would make level 33 is the last, and fails. */
	int levels = 33 - (hs_own_levels() - 1);
	size_t k = 0;
	struct hs_proc p;

	cr_assert(levels > 1 && levels <= 33, "this test runs %d PID namespaces deep",
		  hs_own_levels() - 1);
	argv[k++] = "--";
	for (int level = 2; level <= levels; level++) {
		argv[k++] = hs_nsinit();
		argv[k++] = "--";
	}
	argv[k++] = "echo";
	argv[k++] = "ran";
	argv[k] = NULL;
	hs_run(&p, NULL, argv, hs_ms(30000));
	cr_expect_eq(hs_code(&p), 0, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_str_eq(S(p.out), "ran\n");
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "stderr:\n%s", S(p.err));
	cr_expect(hs_line_matches(S(p.err),
				  "^nsinit: cannot create the namespaces: No space left on device: "
				  "a namespace limit was reached: the nesting limit of 32 PID or "
				  "user namespaces, or one in /proc/sys/user/ \\(here "
				  "max_pid_namespaces=[0-9]+ max_mnt_namespaces=[0-9]+, or those of "
				  "an enclosing user namespace\\); running as a subreaper \\(-s\\) "
				  "instead; pass --namespace to make this an error\n$"),
		  "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

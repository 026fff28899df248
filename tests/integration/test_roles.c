/* Roles: relay + PID 1 in a new namespace, or init in place. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(roles, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define UNSHARE_PID HS_ARGV("unshare", "--pid", "--fork", "--mount-proc", "--kill-child")

Test(roles, ps_shows_nsinit_as_pid1_and_command_as_pid2)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--", "sh", "-c", "ps -o pid,ppid,comm"), hs_ms(10000));
	cr_assert_eq(hs_code(&p), 0, "exit: %s\nstdout:\n%s\nstderr:\n%s", hs_status_str(&p),
		     S(p.out), S(p.err));
	bool seen1 = false, seen2 = false;
	int rows = 0;
	char *save = NULL, *copy = strdup(S(p.out));
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int pid, ppid;
		char comm[64];
		if (sscanf(line, " %d %d %63s", &pid, &ppid, comm) != 3)
			continue; /* header */
		rows++;
		if (pid == 1) {
			seen1 = true;
			cr_expect_eq(ppid, 0, "PID 1 has ppid %d:\n%s", ppid, S(p.out));
			if (!hs_wrapped())
				cr_expect_str_eq(comm, "nsinit", "PID 1 is '%s':\n%s", comm, S(p.out));
		}
		if (pid == 2) {
			seen2 = true;
			cr_expect_eq(ppid, 1, "PID 2 has ppid %d:\n%s", ppid, S(p.out));
			cr_expect_str_eq(comm, "sh", "PID 2 is '%s':\n%s", comm, S(p.out));
		}
	}
	free(copy);
	cr_expect(seen1, "no PID 1 in ps output:\n%s", S(p.out));
	cr_expect(seen2, "no PID 2 in ps output:\n%s", S(p.out));
	/* nsinit, sh and ps: nothing else of the host is visible. */
	cr_expect_eq(rows, 3, "expected exactly 3 processes (nsinit, sh, ps):\n%s", S(p.out));
	hs_cleanup(&p);
}

Test(roles, command_without_double_dash)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("sh", "-c", "exit 3"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 3, "expected exit 3, got %s; stderr:\n%s", hs_status_str(&p),
		     S(p.err));
	hs_cleanup(&p);
}

Test(roles, relay_stays_in_caller_namespaces)
{
	struct hs_proc p;
	hs_spawn(&p, NULL, HS_ARGV("--", hs_probe(), "spawn-bg", "0", "stay"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)),
		  "probe not ready; stdout:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	pid_t pid1 = hs_pid1(&p, hs_ms(5000));
	cr_assert(pid1 > 0, "relay %d has no child", (int)p.pid);
	pid_t cmd = hs_child_of(pid1, hs_ms(5000));
	cr_assert(cmd > 0, "PID 1 (%d) has no child", (int)pid1);

	const char *kinds[] = {"pid", "mnt"};
	for (size_t i = 0; i < 2; i++) {
		char self[128], relay[128], init[128], command[128];
		cr_assert(hs_ns_link(getpid(), kinds[i], self, sizeof self));
		cr_assert(hs_ns_link(p.pid, kinds[i], relay, sizeof relay));
		cr_assert(hs_ns_link(pid1, kinds[i], init, sizeof init));
		cr_assert(hs_ns_link(cmd, kinds[i], command, sizeof command));
		cr_expect_str_eq(relay, self, "relay is not in the caller's %s namespace", kinds[i]);
		cr_expect_str_neq(init, self, "PID 1 is in the caller's %s namespace", kinds[i]);
		cr_expect_str_eq(command, init, "command and PID 1 are in different %s namespaces",
				 kinds[i]);
	}
	hs_cleanup(&p);
}

/* ---- NSpid, seen through the host's /proc (the inner /proc only shows the
 *      levels from its own namespace down). */

/* Run the probe's nspid through nsinit (args first) and check the depth. */
static void check_nspid(const char *const *prefix, const char *const *opts, int extra_levels,
			bool innermost_is_2)
{
	int base = hs_own_levels();
	const char *args[16];
	size_t k = 0;
	for (size_t i = 0; opts && opts[i]; i++)
		args[k++] = opts[i];
	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", HS_HOST_PROC_FD);
	args[k++] = "--";
	args[k++] = hs_probe();
	args[k++] = "nspid";
	args[k++] = fdarg;
	args[k] = NULL;

	struct hs_proc p;
	struct hs_opts o = {.prefix = prefix, .prep = hs_keep_host_proc};
	hs_run(&p, &o, args, hs_ms(10000));
	cr_assert_eq(hs_code(&p), 0, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.out), S(p.err));
	long v[16];
	int n = hs_parse_nspid(S(p.out), v, 16);
	cr_expect_eq(n, base + extra_levels,
		     "`%s`: command's NSpid has %d entries, expected %d (caller has %d):\n%s",
		     p.argv_str, n, base + extra_levels, base, S(p.out));
	if (innermost_is_2 && n > 0 && n <= 16)
		cr_expect_eq(v[n - 1], 2, "`%s`: command is not PID 2 of its namespace:\n%s",
			     p.argv_str, S(p.out));
	hs_cleanup(&p);
}

Test(roles, default_creates_one_pid_namespace)
{
	check_nspid(NULL, NULL, 1, true);
}

Test(roles, init_role_when_already_pid1)
{
	/* unshare makes nsinit PID 1: no further namespace, command is PID 2. */
	check_nspid(UNSHARE_PID, NULL, 1, true);
}

Test(roles, namespace_forced_when_pid1)
{
	check_nspid(UNSHARE_PID, HS_ARGV("--namespace"), 2, true);
}

Test(roles, no_namespace_from_a_shell)
{
	check_nspid(NULL, HS_ARGV("--no-namespace"), 0, false);
}

Test(roles, init_role_reaps_orphans)
{
	struct hs_proc p;
	struct hs_opts o = {.prefix = UNSHARE_PID};
	hs_run(&p, &o, HS_ARGV("-v", "--", hs_probe(), "orphans", "10"), hs_ms(20000));
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstdout:\n%s\nstderr:\n%s", hs_status_str(&p),
		     S(p.out), S(p.err));
	cr_expect(strstr(S(p.out), "left=0 zombies=0\n"), "stdout:\n%s", S(p.out));
	cr_expect_eq(hs_count_matching(S(p.err), "nsinit: reaped orphan "), 10, "stderr:\n%s",
		     S(p.err));
	hs_cleanup(&p);
}

/* ---- the caller's mount table and /proc are untouched ---- */

Test(roles, command_gets_own_proc_caller_keeps_its_own)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--", "cat", "/proc/self/mountinfo"), hs_ms(10000));
	cr_assert_eq(hs_code(&p), 0, "exit %s; stderr:\n%s", hs_status_str(&p), S(p.err));

	/* The command has its own proc on /proc, nosuid,nodev,noexec. */
	char line[4096], last[4096] = "";
	const char *s = S(p.out);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		snprintf(line, sizeof line, "%.*s", (int)len, s);
		if (strstr(line, " /proc ") && strstr(line, " - proc "))
			snprintf(last, sizeof last, "%s", line);
		s += len + (nl ? 1 : 0);
	}
	cr_expect(*last, "no proc mount on /proc in the command's mountinfo:\n%s", S(p.out));
	char opts[256] = "";
	sscanf(last, "%*s %*s %*s %*s %*s %255s", opts);
	cr_expect(strstr(opts, "nosuid") && strstr(opts, "nodev") && strstr(opts, "noexec"),
		  "command's /proc is not nosuid,nodev,noexec: %s", last);

	/* Our /proc still shows host pids. */
	char path[64], self[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)getpid());
	cr_expect(access(path, R_OK) == 0, "%s is gone after the run", path);
	ssize_t n = readlink("/proc/self", self, sizeof self - 1);
	cr_assert(n > 0);
	self[n] = 0;
	cr_expect_eq(atol(self), (long)getpid(), "/proc/self is %s, our pid %d", self,
		     (int)getpid());
	hs_cleanup(&p);
}

/*
 * Run nsinit from a shell in a mount namespace of its own (so that mounts
 * made elsewhere on the machine meanwhile cannot disturb the comparison),
 * whose mounts are first made `propagation` (private or shared).  With
 * shared mounts, an nsinit that did not make its new mount namespace
 * private would propagate its proc mount back to the caller.
 */
static void caller_mounts_unchanged(const char *propagation)
{
	char script[1024];
	snprintf(script, sizeof script,
		 "mount --make-r%s / || exit 90;"
		 " cat /proc/self/mountinfo; echo @@@;"
		 " \"$@\" </dev/null >/dev/null 2>&1; echo \"rc=$?\"; echo @@@;"
		 " cat /proc/self/mountinfo; echo @@@;"
		 " test -r /proc/$$/status && echo proc-ok",
		 propagation);
	struct hs_proc p;
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--mount", "--propagation", "private",
					      "sh", "-c", script, "sh")};
	hs_run(&p, &o, HS_ARGV("--", "sh", "-c", "echo inside"), hs_ms(10000));
	/* The script's status is that of its last check (/proc still ours). */
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstdout:\n%s\nstderr:\n%s", hs_status_str(&p),
		     S(p.out), S(p.err));
	char *out = strdup(S(p.out));
	char *parts[4] = {0};
	char *s = out;
	for (int i = 0; i < 4 && s; i++) {
		parts[i] = s;
		char *m = strstr(s, "@@@\n");
		if (m) {
			*m = 0;
			s = m + 4;
		} else {
			s = NULL;
		}
	}
	cr_assert(parts[3], "unexpected output:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	if (!strcmp(propagation, "shared"))
		cr_expect(strstr(parts[0], "shared:"), "caller's mounts are not shared:\n%s",
			  parts[0]);
	cr_expect_str_eq(parts[1], "rc=0\n", "nsinit run: %s", parts[1]);
	cr_expect_str_eq(parts[2], parts[0],
			 "caller's mountinfo changed by nsinit:\nbefore:\n%s\nafter:\n%s", parts[0],
			 parts[2]);
	cr_expect_str_eq(parts[3], "proc-ok\n", "caller's /proc no longer shows its own pid");
	free(out);
	hs_cleanup(&p);
}

Test(roles, private_caller_mounts_unchanged)
{
	caller_mounts_unchanged("private");
}

Test(roles, shared_caller_mounts_unchanged)
{
	caller_mounts_unchanged("shared");
}

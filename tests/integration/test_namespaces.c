/* The namespaces on request (--uts, --ipc, --net, --cgroup, --time), shown
 * the way the seed articles show them: the name differs inside and is
 * unchanged outside, an IPC object made inside is invisible outside, the
 * /proc/self/ns links differ for exactly what was asked. And joining a
 * running namespace: --pid-file, then nsenter. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(namespaces, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);


static void run_ok(struct hs_proc *p, const struct hs_opts *o, const char *const *args)
{
	hs_run(p, o, args, hs_ms(10000));
	cr_assert_eq(hs_code(p), 0, "`%s`: %s\nstdout:\n%s\nstderr:\n%s", p->argv_str,
		     hs_status_str(p), S(p->out), S(p->err));
}

/* ---- UTS ---- */

Test(namespaces, uts_hostname_differs_inside_and_is_unchanged_outside)
{
	char before[256], after[256], ours[128], line[256];
	struct hs_proc p;

	cr_assert(gethostname(before, sizeof(before)) == 0);
	cr_assert_str_neq(before, "nsinit-uts-test");
	run_ok(&p, NULL,
	       HS_ARGV("--uts=nsinit-uts-test", "--", "sh", "-c",
		       "hostname; readlink /proc/self/ns/uts"));
	cr_assert(gethostname(after, sizeof(after)) == 0);
	cr_expect(strncmp(S(p.out), "nsinit-uts-test\n", 16) == 0, "hostname inside:\n%s",
		  S(p.out));
	cr_expect_str_eq(after, before, "the hostname outside changed");
	cr_assert(hs_ns_link(getpid(), "uts", ours, sizeof(ours)));
	cr_assert(hs_find_line(S(p.out), "uts:[", line, sizeof(line)), "%s", S(p.out));
	cr_expect_str_neq(line, ours, "the command is in the caller's UTS namespace");
	hs_cleanup(&p);
}

/* A bare --uts starts from a copy of the caller's names. */
Test(namespaces, uts_without_a_name_keeps_the_hostname)
{
	char ours[256], expected[300];
	struct hs_proc p;

	cr_assert(gethostname(ours, sizeof(ours)) == 0);
	run_ok(&p, NULL, HS_ARGV("--uts", "--", "hostname"));
	snprintf(expected, sizeof(expected), "%s\n", ours);
	cr_expect_str_eq(S(p.out), expected);
	hs_cleanup(&p);
}

/* ---- IPC ---- */

/* The key of the one queue `ipcs -q` lists, 0 if none. */
static key_t queue_key(const char *ipcs)
{
	char line[256];

	if (!hs_find_regex_line(ipcs, "^0x[0-9a-f]+ ", line, sizeof(line)))
		return 0;
	return (key_t)strtoul(line, NULL, 16);
}

Test(namespaces, ipc_queue_made_inside_is_invisible_outside)
{
	struct hs_opts o = { .stdin_pipe = true };
	struct hs_proc p;
	key_t key;
	int ours;

	/* One of ours, which the namespace must not see either. */
	ours = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	cr_assert(ours >= 0, "msgget: %s", strerror(errno));

	hs_spawn(&p, &o,
		 HS_ARGV("--ipc", "--", "sh", "-c",
			 "ipcmk -Q >/dev/null && ipcs -q && echo ready && read x; exit 0"));
	if (!hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000))) {
		msgctl(ours, IPC_RMID, NULL);
		cr_assert_fail("not ready: stdout:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	}
	key = queue_key(S(p.out));
	cr_expect(key != 0, "no queue inside:\n%s", S(p.out));
	cr_expect_eq(hs_count_regex(S(p.out), "^0x[0-9a-f]+ "), 1,
		     "the namespace sees more than its own queue:\n%s", S(p.out));
	/* While it exists inside, the caller cannot find it. */
	cr_expect(msgget(key, 0) < 0 && errno == ENOENT,
		  "the queue with key 0x%x made inside is visible outside", (unsigned)key);
	hs_close_stdin(&p);
	cr_expect(hs_wait(&p, hs_ms(10000)));
	cr_expect_eq(hs_code(&p), 0, "%s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(msgctl(ours, IPC_RMID, NULL) == 0, "our own queue is gone: %s",
		  strerror(errno));
	hs_cleanup(&p);
}

/* ---- network ---- */

Test(namespaces, net_has_only_loopback_and_it_is_up)
{
	struct hs_proc p;

	run_ok(&p, NULL, HS_ARGV("--net", "--", hs_probe(), "netif"));
	cr_expect_str_eq(S(p.out), "lo up\n");
	hs_cleanup(&p);
}

/* ---- cgroup ---- */

/* In a new cgroup namespace, the cgroups nsinit was in are the roots: every
 * line of /proc/self/cgroup ends in ":/" (v1 and v2 alike). */
Test(namespaces, cgroup_namespace_roots_the_view_at_the_current_cgroup)
{
	char ours[128], line[256];
	struct hs_proc p;

	run_ok(&p, NULL,
	       HS_ARGV("--cgroup", "--", "sh", "-c",
		       "cat /proc/self/cgroup; readlink /proc/self/ns/cgroup"));
	cr_expect(hs_count_regex(S(p.out), "^[0-9]+:") >= 1, "%s", S(p.out));
	cr_expect_eq(hs_count_regex(S(p.out), "^[0-9]+:.*:/.+$"), 0,
		     "a cgroup path is not / inside:\n%s", S(p.out));
	cr_assert(hs_ns_link(getpid(), "cgroup", ours, sizeof(ours)));
	cr_assert(hs_find_line(S(p.out), "cgroup:[", line, sizeof(line)));
	cr_expect_str_neq(line, ours);
	hs_cleanup(&p);
}

/* ---- time ---- */

Test(namespaces, time_namespace_needs_clone3)
{
	const char *noclone3 = getenv("NSINIT_NOCLONE3");
	struct hs_opts o;
	struct hs_proc p;

	cr_assert(noclone3, "NSINIT_NOCLONE3 is not set (run through make check)");
	o = (struct hs_opts){ .prefix = HS_ARGV(noclone3) };
	hs_run(&p, &o, HS_ARGV("--time", "--", "echo", "ran"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "stderr:\n%s", S(p.err));
	cr_expect(strstr(S(p.err), "cannot create a time namespace") &&
		  strstr(S(p.err), "clone3") && strstr(S(p.err), "--time"),
		  "stderr:\n%s", S(p.err));
	cr_expect_str_empty(S(p.out));
	hs_cleanup(&p);
}

/* ---- exactly what was asked for ---- */

static const char *const kinds[] = { "uts", "ipc", "net", "cgroup", "time", "user", "pid", "mnt" };
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Run `option` and compare every /proc/self/ns link of the command with ours:
 * `differs` (a space-separated list) must differ, the rest must not. */
static void check_links(const char *option, const char *differs)
{
	struct hs_proc p;
	char script[512];
	size_t n = 0;

	n += (size_t)snprintf(script + n, sizeof(script) - n, "for k in");
	for (size_t i = 0; i < NKINDS; i++)
		n += (size_t)snprintf(script + n, sizeof(script) - n, " %s", kinds[i]);
	snprintf(script + n, sizeof(script) - n, "; do readlink /proc/self/ns/$k; done");
	if (option)
		run_ok(&p, NULL, HS_ARGV(option, "--", "sh", "-c", script));
	else
		run_ok(&p, NULL, HS_ARGV("--", "sh", "-c", script));
	for (size_t i = 0; i < NKINDS; i++) {
		char ours[128], prefix[32], line[256], word[40];
		bool want;

		cr_assert(hs_ns_link(getpid(), kinds[i], ours, sizeof(ours)));
		snprintf(prefix, sizeof(prefix), "%s:[", kinds[i]);
		cr_assert(hs_find_line(S(p.out), prefix, line, sizeof(line)), "%s: no %s link:\n%s",
			  option, kinds[i], S(p.out));
		snprintf(word, sizeof(word), " %s ", kinds[i]);
		want = strstr(differs, word) != NULL;
		if (want)
			cr_expect_str_neq(line, ours, "%s: the %s namespace is the caller's",
					  option ? option : "(none)", kinds[i]);
		else
			cr_expect_str_eq(line, ours, "%s: the %s namespace is not the caller's",
					 option ? option : "(none)", kinds[i]);
	}
	hs_cleanup(&p);
}

Test(namespaces, each_option_adds_exactly_its_namespace)
{
	check_links(NULL, " pid mnt ");
	check_links("--uts", " pid mnt uts ");
	check_links("--ipc", " pid mnt ipc ");
	check_links("--net", " pid mnt net ");
	check_links("--cgroup", " pid mnt cgroup ");
	check_links("--user", " pid mnt user ");
	/* valgrind refuses clone3, and clone(2) cannot make a time namespace. */
	if (!hs_wrapped())
		check_links("--time", " pid mnt time ");
}

/* ---- no namespace, no namespace options ---- */

Test(namespaces, namespace_options_need_a_namespace)
{
	struct hs_opts o = { .prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					       "--kill-child") };
	struct hs_proc p;

	hs_run(&p, NULL, HS_ARGV("--no-namespace", "--net", "--", "echo", "ran"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	cr_expect(strstr(S(p.err), "--net") && strstr(S(p.err), "--no-namespace"), "stderr:\n%s",
		  S(p.err));
	cr_expect_str_empty(S(p.out));
	hs_cleanup(&p);

	/* Already PID 1: --namespace is the way to get them. */
	hs_run(&p, &o, HS_ARGV("--uts=x", "--", "echo", "ran"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	cr_expect(strstr(S(p.err), "--uts") && strstr(S(p.err), "--namespace"), "stderr:\n%s",
		  S(p.err));
	hs_cleanup(&p);
	run_ok(&p, &o, HS_ARGV("--namespace", "--uts=x", "--", "hostname"));
	cr_expect_str_eq(S(p.out), "x\n");
	hs_cleanup(&p);
}

/* ---- the pid file, and joining with nsenter ---- */

struct tmpdir {
	char path[64];
};

static void tmpdir_make(struct tmpdir *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/nsinit-ns-XXXXXX");
	cr_assert(mkdtemp(t->path), "mkdtemp: %s", strerror(errno));
}

Test(namespaces, pid_file_names_pid1_and_nsenter_joins_its_namespaces)
{
	char path[128], script[256], *text;
	struct tmpdir t;
	struct hs_proc p, q;
	struct hs_opts o;
	struct stat st;
	mode_t mask = umask(022);
	long pid;

	umask(mask);
	tmpdir_make(&t);
	snprintf(path, sizeof(path), "%s/nsinit.pid", t.path);
	hs_spawn(&p, NULL, HS_ARGV("--pid-file", path, "--", hs_probe(), "spawn-bg", "0", "stay"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));

	/* PID 1's pid as the caller sees it, a newline, mode 0644. */
	text = hs_slurp(path);
	cr_assert(text, "no pid file %s", path);
	pid = atol(text);
	cr_expect_eq(pid, (long)hs_pid1(&p, hs_ms(5000)), "the pid file says '%s'", text);
	cr_expect(hs_line_matches(text, "^[0-9]+\n$"), "the pid file holds '%s'", text);
	free(text);
	cr_assert(stat(path, &st) == 0);
	cr_expect_eq(st.st_mode & 0777, 0644 & ~mask, "mode %o", (unsigned)(st.st_mode & 0777));

	/* Join PID 1's PID and mount namespaces: ps sees what the command sees. */
	snprintf(script, sizeof(script),
		 "exec nsenter --target %ld --pid --mount ps -e -o pid=,comm=", pid);
	o = (struct hs_opts){ .prefix = HS_ARGV("sh", "-c", script, "sh") };
	hs_run(&q, &o, HS_ARGV("--"), hs_ms(10000));
	cr_expect_eq(hs_code(&q), 0, "nsenter: %s\n%s", hs_status_str(&q), S(q.err));
	if (!hs_wrapped())
		cr_expect_eq(hs_count_regex(S(q.out), "^ *1 nsinit$"), 1, "ps:\n%s", S(q.out));
	cr_expect_eq(hs_count_regex(S(q.out), "^ *2 probe$"), 1, "ps:\n%s", S(q.out));
	hs_cleanup(&q);

	/* A relay that exits removes the file. */
	kill(p.pid, SIGTERM);
	cr_assert(hs_wait(&p, hs_ms(10000)));
	cr_expect_eq(hs_code(&p), 143, "%s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(access(path, F_OK) < 0 && errno == ENOENT, "the pid file outlived the relay");
	hs_cleanup(&p);
	rmdir(t.path);
}

/* The file exists before the command can run, even one that ends at once;
 * a relative path is the caller's, although the relay moves to /. */
Test(namespaces, pid_file_is_there_before_the_command_runs)
{
	struct hs_opts o;
	struct tmpdir t;
	struct hs_proc p;
	char path[128];

	tmpdir_make(&t);
	o = (struct hs_opts){ .cwd = t.path };
	run_ok(&p, &o, HS_ARGV("--pid-file=rel.pid", "--", "cat", "rel.pid"));
	cr_expect(hs_line_matches(S(p.out), "^[0-9]+\n$"), "stdout:\n%s", S(p.out));
	snprintf(path, sizeof(path), "%s/rel.pid", t.path);
	cr_expect(access(path, F_OK) < 0 && errno == ENOENT, "the pid file outlived the relay");
	hs_cleanup(&p);
	rmdir(t.path);
}

/* A file replaced meanwhile is not ours any more: it stays. */
Test(namespaces, pid_file_replaced_is_left_alone)
{
	struct tmpdir t;
	struct hs_proc p;
	char path[128], *text;

	tmpdir_make(&t);
	snprintf(path, sizeof(path), "%s/nsinit.pid", t.path);
	run_ok(&p, NULL, HS_ARGV("--pid-file", path, "--", "sh", "-c",
				 "rm \"$0\" && echo other > \"$0\"", path));
	text = hs_slurp(path);
	cr_expect(text && strcmp(text, "other\n") == 0, "the replaced pid file holds '%s'",
		  text ? text : "(gone)");
	free(text);
	unlink(path);
	hs_cleanup(&p);
	rmdir(t.path);
}

Test(namespaces, pid_file_that_cannot_be_written_stops_the_command)
{
	struct hs_proc p;

	hs_run(&p, NULL, HS_ARGV("--pid-file=/nonexistent/dir/nsinit.pid", "--", "echo", "ran"),
	       hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "stderr:\n%s", S(p.err));
	cr_expect(strstr(S(p.err), "cannot write the pid file '/nonexistent/dir/nsinit.pid'") &&
		  strstr(S(p.err), "No such file or directory"),
		  "stderr:\n%s", S(p.err));
	cr_expect_str_empty(S(p.out), "the command ran");
	hs_cleanup(&p);
}

/* Without a namespace, nsinit is the init: the file names nsinit itself. */
Test(namespaces, pid_file_without_a_namespace_names_nsinit)
{
	struct tmpdir t;
	struct hs_proc p;
	char path[128], expected[32];

	tmpdir_make(&t);
	snprintf(path, sizeof(path), "%s/nsinit.pid", t.path);
	hs_spawn(&p, NULL, HS_ARGV("--no-namespace", "--pid-file", path, "--", "cat", path));
	cr_assert(hs_wait(&p, hs_ms(10000)));
	cr_assert(hs_read_eof(&p, HS_BOTH, hs_ms(10000)));
	snprintf(expected, sizeof(expected), "%d\n", (int)p.pid);
	cr_expect_eq(hs_code(&p), 0, "%s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_str_eq(S(p.out), expected);
	cr_expect(access(path, F_OK) < 0 && errno == ENOENT, "the pid file outlived nsinit");
	hs_cleanup(&p);
	rmdir(t.path);
}

/*
 * What a helper found trying to turn nsinit's files and names against the
 * user, each kept as a regression test: a planted link on the way to a pid
 * file or events file, a planted hard link or another user's file as the
 * events file, a tight RLIMIT_NOFILE at exit, -s without an exit event when
 * exec fails, a process name with a newline, and an empty command name.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(hostile, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

static char dir[] = "/tmp/nsinit-hostile-XXXXXX";

static void sh(const char *fmt_, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt_, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt_);
	vsnprintf(cmd, sizeof cmd, fmt_, ap);
	va_end(ap);
	int r = system(cmd);
	cr_assert_eq(r, 0, "`%s` failed (%d)", cmd, r);
}

/* dir/sticky: world-writable and sticky, as /tmp; dir/victim: root's. */
static void ground(void)
{
	cr_assert(mkdtemp(dir));
	sh("set -e; chmod 755 %s; cd %s; mkdir -m 1777 sticky; mkdir victim; echo 4242 > victim/job.pid; "
	   "echo VICTIM > victim/file; "
	   "setpriv --reuid=65534 --regid=65534 --clear-groups ln -s %s/victim sticky/jobs",
	   dir, dir, dir);
}

static void cleanup(void)
{
	sh("rm -rf %s", dir);
}

/* A link that nobody planted in a sticky directory is not a way into root's
 * directory: the pid file and the events file are refused, and the victim's
 * files stay as they were. */
Test(hostile, a_link_on_the_way_in_a_sticky_directory)
{
	char arg[256];
	struct hs_proc p;

	ground();
	snprintf(arg, sizeof arg, "--pid-file=%s/sticky/jobs/job.pid", dir);
	hs_run(&p, NULL, HS_ARGV(arg, "--", "true"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	cr_expect(strstr(S(p.err), "a symbolic link on the way lies in a directory that a user "
				   "other than root or you can change"),
		  "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
	snprintf(arg, sizeof arg, "--events=%s/sticky/jobs/ev", dir);
	hs_run(&p, NULL, HS_ARGV(arg, "--", "true"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	hs_cleanup(&p);
	char path[256];
	snprintf(path, sizeof path, "%s/victim/job.pid", dir);
	char *text = hs_slurp(path);
	cr_expect(text && !strcmp(text, "4242\n"), "the victim's pid file is now: %s",
		  text ? text : "(gone)");
	free(text);
	snprintf(path, sizeof path, "%s/victim/ev", dir);
	cr_expect_neq(access(path, F_OK), 0, "an events file appeared in the victim's directory");
	/* A link that is the directory owner's own is followed as usual. */
	sh("ln -s %s/victim %s/own", dir, dir);
	snprintf(arg, sizeof arg, "--pid-file=%s/own/mine.pid", dir);
	hs_run(&p, NULL, HS_ARGV(arg, "--", "true"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	hs_cleanup(&p);
	cleanup();
}

/* A hard link planted to root's file, or a file another user prepared, is
 * not appended to. */
Test(hostile, events_file_must_be_ours_alone)
{
	char arg[300], path[256];
	struct hs_proc p;

	ground();
	sh("ln %s/victim/file %s/hard", dir, dir);
	snprintf(arg, sizeof arg, "--events=%s/hard", dir);
	hs_run(&p, NULL, HS_ARGV(arg, "--", "true"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	cr_expect(strstr(S(p.err), "it has another name (a hard link)"), "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
	snprintf(path, sizeof path, "%s/victim/file", dir);
	char *text = hs_slurp(path);
	cr_expect(text && !strcmp(text, "VICTIM\n"), "the victim now reads: %s", text);
	free(text);
	sh("setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "
	   "'echo {\\\"event\\\":\\\"exit\\\",\\\"code\\\":0} > %s/sticky/forged'",
	   dir);
	snprintf(arg, sizeof arg, "--events=%s/sticky/forged", dir);
	hs_run(&p, NULL, HS_ARGV(arg, "--", "false"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	cr_expect(strstr(S(p.err), "another user owns it"), "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
	cleanup();
}

/* The pid file's directory stays open from start to exit: a tight
 * RLIMIT_NOFILE cannot leave the file behind. */
Test(hostile, pid_file_removed_under_a_tight_fd_limit)
{
	char script[512], path[256];
	struct hs_proc p;

	if (hs_wrapped())
		cr_skip_test("valgrind needs more fds than the limit leaves");
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pf", dir);
	snprintf(script, sizeof script, "ulimit -n 8 && exec \"$0\" \"$@\"");
	hs_run(&p, &(struct hs_opts){.prefix = HS_ARGV("sh", "-c", script)},
	       HS_ARGV("--pid-file", path, "--", "true"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect_neq(access(path, F_OK), 0, "the pid file was left behind");
	hs_cleanup(&p);
	cleanup();
}

/* -s: an exit event even when the command cannot run. */
Test(hostile, subreaper_writes_exit_when_exec_fails)
{
	char arg[300], path[256];
	struct hs_proc p;

	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ev", dir);
	snprintf(arg, sizeof arg, "--events=%s", path);
	hs_run(&p, NULL, HS_ARGV("-s", arg, "--", "nonexistent-command"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 127);
	char *text = hs_slurp(path);
	cr_expect(text && strstr(text, "{\"event\":\"exit\"") && strstr(text, "\"code\":127"),
		  "events:\n%s", text ? text : "(none)");
	free(text);
	hs_cleanup(&p);
	cleanup();
}

/* A process name with a newline is escaped whole, not cut at the newline
 * (where `sshd\nx` would pass for sshd). */
Test(hostile, a_name_with_a_newline_is_escaped_whole)
{
	struct hs_proc p;

	/* The orphan names itself, says so, and exits: PID 1 reaps it. */
	hs_run(&p, NULL,
	       HS_ARGV("-v", "--", "sh", "-c",
		       "(python3 -c 'import ctypes; ctypes.CDLL(None).prctl(15, b\"sshd\\nx\"); "
		       "print(1, flush=True)' &) | head -1"),
	       hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.err), "(sshd?x)"), "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

/* An empty command name is "not found", as env(1) says. */
Test(hostile, an_empty_command_is_not_found)
{
	struct hs_proc p;

	hs_run(&p, NULL, HS_ARGV("--", ""), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 127, "%s", hs_status_str(&p));
	cr_expect_str_eq(S(p.err), "nsinit: cannot run '': No such file or directory\n");
	hs_cleanup(&p);
}

/* -s under a /proc of another PID namespace: the names in the log are our
 * orphans', never those of the host's processes with the same pids. */
Test(hostile, names_never_come_from_a_foreign_proc)
{
	struct hs_proc p;

	if (hs_wrapped())
		cr_skip_test("the wrapper's own pids would count");
	hs_run(&p, &(struct hs_opts){.prefix = HS_ARGV("unshare", "--pid", "--fork")},
	       HS_ARGV("-v", "-s", "--", "sh", "-c", "(sleep 300 &); exit 0"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_count_regex(S(p.err), "^nsinit: reaped orphan [0-9]+ \\((sleep|sh|\\?)\\): ") == 1,
		  "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

/* Exit status of nsinit: the command's, 128+N, 125/126/127 for failures. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(exit, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

static void expect_code(const char *const *args, int want)
{
	struct hs_proc p;
	hs_run(&p, NULL, args, hs_ms(10000));
	cr_assert_eq(hs_code(&p), want, "`%s`: expected exit %d, got %s\nstdout:\n%s\nstderr:\n%s",
		     p.argv_str, want, hs_status_str(&p), p.out.data ? p.out.data : "",
		     p.err.data ? p.err.data : "");
	cr_expect_eq(p.err.len, 0, "`%s`: unexpected stderr:\n%s", p.argv_str,
		     p.err.data ? p.err.data : "");
	hs_cleanup(&p);
}

Test(exit, code_0)
{
	expect_code(HS_ARGV("--", "sh", "-c", "exit 0"), 0);
}

Test(exit, code_1)
{
	expect_code(HS_ARGV("--", "sh", "-c", "exit 1"), 1);
}

Test(exit, code_255)
{
	expect_code(HS_ARGV("--", "sh", "-c", "exit 255"), 255);
}

Test(exit, code_42_without_double_dash)
{
	expect_code(HS_ARGV("sh", "-c", "exit 42"), 42);
}

Test(exit, killed_by_sigterm_is_143)
{
	expect_code(HS_ARGV("--", "sh", "-c", "kill -TERM $$"), 128 + 15);
}

Test(exit, killed_by_sigkill_is_137)
{
	expect_code(HS_ARGV("--", "sh", "-c", "kill -KILL $$"), 128 + 9);
}

Test(exit, killed_by_sigusr1_is_138)
{
	expect_code(HS_ARGV("--", "sh", "-c", "kill -USR1 $$"), 128 + 10);
}

/*
 * Exec failure: exit `code`, nothing on stdout, exactly the one line
 * "nsinit: cannot run '<name>': <reason>" on stderr (reason NULL: any).
 */
static void expect_exec_failure(const char *name, int code, const char *reason)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--", name), hs_ms(10000));
	const char *err = p.err.data ? p.err.data : "";
	char want[512];
	snprintf(want, sizeof want, "nsinit: cannot run '%s': %s\n", name, reason ? reason : "");
	cr_expect_eq(hs_code(&p), code, "`%s`: expected exit %d, got %s; stderr:\n%s", p.argv_str,
		     code, hs_status_str(&p), err);
	cr_expect_eq(hs_count_lines(err), 1, "`%s`: expected exactly one stderr line, got %d:\n%s",
		     p.argv_str, hs_count_lines(err), err);
	if (reason)
		cr_expect_str_eq(err, want, "`%s`: stderr is\n%s\nexpected\n%s", p.argv_str, err,
				 want);
	else {
		want[strlen(want) - 1] = 0; /* "nsinit: cannot run '<name>': " */
		cr_expect(!strncmp(err, want, strlen(want)) && strlen(err) > strlen(want) + 1,
			  "`%s`: stderr is\n%s\nexpected '%s<reason>'", p.argv_str, err, want);
	}
	cr_expect_eq(p.out.len, 0, "`%s`: unexpected stdout:\n%s", p.argv_str,
		     p.out.data ? p.out.data : "");
	hs_cleanup(&p);
}

Test(exit, not_found_is_127)
{
	expect_exec_failure("no-such-cmd-xyz", 127, "No such file or directory");
}

Test(exit, not_found_with_slash_is_127)
{
	expect_exec_failure("/nonexistent-dir-xyz/cmd", 127, "No such file or directory");
}

Test(exit, directory_is_126)
{
	expect_exec_failure("/tmp", 126, "it is a directory");
}

/* Temporary directory removed at the end of the test (best effort). */
static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/nsinit-itest-XXXXXX");
	cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	cr_assert(chmod(path, mode) == 0, "chmod %s: %s", path, strerror(errno));
}

Test(exit, no_exec_bit_is_126)
{
	make_tmpdir();
	char path[128];
	snprintf(path, sizeof path, "%s/noexec.sh", tmpdir);
	write_file(path, "#!/bin/sh\nexit 0\n", 0644);
	expect_exec_failure(path, 126, "it is not executable (mode 0644)");
	unlink(path);
	rmdir(tmpdir);
}

Test(exit, missing_interpreter_is_127)
{
	if (hs_wrapped())
		cr_skip_test("under valgrind, an execve that fails on a missing #! interpreter "
			     "kills valgrind itself");
	make_tmpdir();
	char path[128];
	snprintf(path, sizeof path, "%s/badinterp.sh", tmpdir);
	write_file(path, "#!/nonexistent-interpreter-xyz\nexit 0\n", 0755);
	/* execve gives ENOENT; nsinit may word the reason more helpfully. */
	expect_exec_failure(path, 127, NULL);
	unlink(path);
	rmdir(tmpdir);
}

Test(exit, exec_failure_in_init_role)
{
	/* nsinit is PID 1 itself (no relay): same status and message. */
	struct hs_proc p;
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					      "--kill-child")};
	hs_run(&p, &o, HS_ARGV("no-such-cmd-xyz"), hs_ms(10000));
	const char *err = p.err.data ? p.err.data : "";
	cr_expect_eq(hs_code(&p), 127, "expected exit 127, got %s; stderr:\n%s", hs_status_str(&p),
		     err);
	cr_expect_str_eq(err, "nsinit: cannot run 'no-such-cmd-xyz': No such file or directory\n",
			 "stderr:\n%s", err);
	hs_cleanup(&p);
}

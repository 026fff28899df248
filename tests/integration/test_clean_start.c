/* The command starts as if nsinit were not there. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(clean_start, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);


/* Run `nsinit [opts...] -- probe status [args...]` and return its output. */
static void run_status(struct hs_proc *p, const struct hs_opts *o, const char *const *opts,
		       const char *const *args)
{
	const char *argv[32];
	size_t k = 0;
	for (size_t i = 0; opts && opts[i]; i++)
		argv[k++] = opts[i];
	argv[k++] = "--";
	argv[k++] = hs_probe();
	argv[k++] = "status";
	for (size_t i = 0; args && args[i]; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	hs_run(p, o, argv, hs_ms(10000));
	cr_assert_eq(hs_code(p), 0, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p->argv_str,
		     hs_status_str(p), S(p->out), S(p->err));
}

static unsigned long long mask_of(const struct hs_proc *p, const char *key)
{
	char line[256];
	cr_assert(hs_find_line(S(p->out), key, line, sizeof line), "no %s line:\n%s", key,
		  S(p->out));
	return strtoull(line + strlen(key), NULL, 16);
}

static void fds_are(const struct hs_proc *p, const char *want)
{
	char line[256];
	cr_assert(hs_find_line(S(p->out), "fds:", line, sizeof line), "no fds line:\n%s",
		  S(p->out));
	cr_expect_str_eq(line, want, "`%s`: command's open fds are '%s', expected '%s'\n%s",
			 p->argv_str, line, want, S(p->out));
}

#define BIT(sig) (1ULL << ((sig) - 1))

static void check_default(const char *const *opts, const struct hs_opts *o)
{
	struct hs_proc p;
	run_status(&p, o, opts, NULL);
	cr_expect_eq(mask_of(&p, "SigBlk:"), 0, "`%s`: command starts with signals blocked:\n%s",
		     p.argv_str, S(p.out));
	cr_expect_eq(mask_of(&p, "SigIgn:"), 0, "`%s`: command starts with signals ignored:\n%s",
		     p.argv_str, S(p.out));
	fds_are(&p, "fds: 0 1 2");
	hs_cleanup(&p);
}

Test(clean_start, masks_and_fds_default)
{
	check_default(NULL, NULL);
}

Test(clean_start, masks_and_fds_verbose)
{
	check_default(HS_ARGV("-v"), NULL);
}

Test(clean_start, masks_and_fds_no_namespace)
{
	check_default(HS_ARGV("--no-namespace"), NULL);
}

Test(clean_start, masks_and_fds_init_role)
{
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					      "--kill-child")};
	check_default(NULL, &o);
}

static void ignore_sig(void *arg)
{
	signal(*(int *)arg, SIG_IGN);
}

static void block_sig(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, *(int *)arg);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

Test(clean_start, sigchld_ignored_is_reset)
{
	int sig = SIGCHLD;
	struct hs_opts o = {.prep = ignore_sig, .prep_arg = &sig};
	struct hs_proc p;
	run_status(&p, &o, NULL, NULL);
	cr_expect_eq(mask_of(&p, "SigIgn:"), 0,
		     "SIGCHLD ignored by the caller leaks into the command:\n%s", S(p.out));
	hs_cleanup(&p);
}

Test(clean_start, sigusr1_ignored_is_kept)
{
	int sig = SIGUSR1;
	struct hs_opts o = {.prep = ignore_sig, .prep_arg = &sig};
	struct hs_proc p;
	run_status(&p, &o, NULL, NULL);
	unsigned long long ign = mask_of(&p, "SigIgn:");
	cr_expect_eq(ign, BIT(SIGUSR1), "SigIgn is %#llx, expected exactly SIGUSR1 (0x200):\n%s",
		     ign, S(p.out));
	hs_cleanup(&p);
}

Test(clean_start, sigusr2_blocked_is_kept)
{
	int sig = SIGUSR2;
	struct hs_opts o = {.prep = block_sig, .prep_arg = &sig};
	struct hs_proc p;
	run_status(&p, &o, NULL, NULL);
	unsigned long long blk = mask_of(&p, "SigBlk:");
	cr_expect_eq(blk, BIT(SIGUSR2), "SigBlk is %#llx, expected exactly SIGUSR2 (0x800):\n%s",
		     blk, S(p.out));
	cr_expect_eq(mask_of(&p, "SigIgn:"), 0, "%s", S(p.out));
	hs_cleanup(&p);
}

Test(clean_start, sigusr2_blocked_is_kept_in_init_role)
{
	int sig = SIGUSR2;
	struct hs_opts o = {.prep = block_sig,
			    .prep_arg = &sig,
			    .prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					      "--kill-child")};
	struct hs_proc p;
	run_status(&p, &o, NULL, NULL);
	unsigned long long blk = mask_of(&p, "SigBlk:");
	cr_expect_eq(blk, BIT(SIGUSR2), "SigBlk is %#llx, expected exactly SIGUSR2 (0x800):\n%s",
		     blk, S(p.out));
	hs_cleanup(&p);
}

static void keep_fd5(void *arg)
{
	(void)arg;
	int fd = open("/dev/null", O_RDONLY); /* not close-on-exec */
	if (fd < 0 || dup2(fd, 5) < 0)
		_exit(124);
	if (fd != 5)
		close(fd);
}

Test(clean_start, inherited_fd_passed_through)
{
	struct hs_opts o = {.prep = keep_fd5};
	struct hs_proc p;
	run_status(&p, &o, NULL, NULL);
	fds_are(&p, "fds: 0 1 2 5");
	cr_expect(strstr(S(p.out), "fd 5: /dev/null\n"), "fd 5 is not /dev/null:\n%s", S(p.out));
	hs_cleanup(&p);
}

Test(clean_start, stdio_is_the_callers)
{
	struct hs_opts o = {.stdin_pipe = true};
	struct hs_proc p;
	hs_spawn(&p, &o, HS_ARGV("--", hs_probe(), "status"));
	char in_link[128], out_link[128], err_link[128], path[64];
	ssize_t n;
	snprintf(path, sizeof path, "/proc/self/fd/%d", p.in_fd);
	cr_assert((n = readlink(path, in_link, sizeof in_link - 1)) > 0);
	in_link[n] = 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d", p.out_fd);
	cr_assert((n = readlink(path, out_link, sizeof out_link - 1)) > 0);
	out_link[n] = 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d", p.err_fd);
	cr_assert((n = readlink(path, err_link, sizeof err_link - 1)) > 0);
	err_link[n] = 0;
	cr_assert(hs_wait(&p, hs_ms(10000)), "did not exit");
	cr_assert(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "output not closed");
	cr_assert_eq(hs_code(&p), 0, "exit %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	char want[256];
	snprintf(want, sizeof want, "fd 0: %s\n", in_link);
	cr_expect(strstr(S(p.out), want), "stdin is not our pipe %s:\n%s", in_link, S(p.out));
	snprintf(want, sizeof want, "fd 1: %s\n", out_link);
	cr_expect(strstr(S(p.out), want), "stdout is not our pipe %s:\n%s", out_link, S(p.out));
	snprintf(want, sizeof want, "fd 2: %s\n", err_link);
	cr_expect(strstr(S(p.out), want), "stderr is not our pipe %s:\n%s", err_link, S(p.out));
	hs_cleanup(&p);
}

Test(clean_start, cwd_env_argv_passed_through)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/tmp/nsinit cwd XXXXXX");
	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	const char *env[] = {"NSINIT_ITEST_VAR=a b=c  'd' \"e\" $f", "NSINIT_ITEST_EMPTY=", NULL};
	struct hs_opts o = {.cwd = dir, .env = env};
	const char *args[] = {"plain", "with space", "", "--kill-child=TERM", "-v", "--", "*",
			      NULL};
	struct hs_proc p;
	run_status(&p, &o, NULL, args);
	rmdir(dir);
	const char *out = S(p.out);

	char want[512];
	snprintf(want, sizeof want, "cwd: %s\n", dir);
	cr_expect(strstr(out, want), "cwd is not '%s':\n%s", dir, out);

	cr_expect(strstr(out, "argc: 9\n"), "argc is not 9:\n%s", out);
	snprintf(want, sizeof want, "argv[0]: %s\nargv[1]: status\n", hs_probe());
	for (int i = 0; args[i]; i++) {
		size_t l = strlen(want);
		snprintf(want + l, sizeof want - l, "argv[%d]: %s\n", i + 2, args[i]);
	}
	cr_expect(strstr(out, want), "argv differs; expected\n%s\ngot:\n%s", want, out);

	cr_expect(strstr(out, "env: NSINIT_ITEST_VAR=a b=c  'd' \"e\" $f\n"),
		  "env var not passed unchanged:\n%s", out);
	cr_expect(strstr(out, "env: NSINIT_ITEST_EMPTY=\n"), "empty env var lost:\n%s", out);
	hs_cleanup(&p);
}

Test(clean_start, environment_is_exactly_the_callers)
{
	/* Nothing added or removed (valgrind may add its own: skipped then). */
	if (hs_wrapped())
		cr_skip_test("NSINIT_WRAP set: the wrapper may alter the environment");
	const char *env[] = {"NSINIT_ITEST_MARK=1", NULL};
	struct hs_opts o = {.env = env};
	struct hs_proc p;
	run_status(&p, &o, NULL, NULL);
	/* Expected: our environment with NSINIT_ITEST_MARK=1 set. */
	extern char **environ;
	int want = 1; /* the mark */
	for (char **e = environ; *e; e++) {
		if (!strncmp(*e, "NSINIT_ITEST_MARK=", 18))
			continue;
		want++;
		char line[8192];
		snprintf(line, sizeof line, "env: %s\n", *e);
		cr_expect(strstr(S(p.out), line) || strchr(*e, '\n'), "env entry lost: %s", *e);
	}
	cr_expect(strstr(S(p.out), "env: NSINIT_ITEST_MARK=1\n"), "added env entry lost:\n%s",
		  S(p.out));
	int got = hs_count_regex(S(p.out), "^env: ");
	cr_expect_eq(got, want, "command has %d env entries, the caller passed %d:\n%s", got, want,
		     S(p.out));
	hs_cleanup(&p);
}

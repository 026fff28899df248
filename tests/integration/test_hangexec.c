/*
 * A command whose execve(2) blocks, its binary on a hung file system (a
 * FUSE server stuck on its backend, a hard NFS mount): PID 1 must not wait
 * for that execve, so that --timeout and a SIGTERM to nsinit still reach
 * the command. The file system is `probe hangfs`: the open of DIR/cmd
 * never returns, and the probe prints "interrupt" when the kernel tells it
 * that the stuck caller got a signal. That line (or the signal pending on
 * the command, where valgrind blocks signals around execve) is the proof
 * that nsinit acted: the kernel keeps a caller whose FUSE request the
 * server has read in an uninterruptible wait, SIGKILL included, until the
 * server answers or goes away. So the test then makes the probe go away
 * (EOF on its stdin), the stuck execve fails, the command dies of the
 * signal pending, and nsinit must exit with the documented code and leave
 * nothing.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static void hangexec_fini(void);

TestSuite(hangexec, .fini = hangexec_fini, .timeout = HS_SUITE_TIMEOUT);

static char dir[64]; /* the mount point, "" when there is none */
static char cmd_path[80];

static void remove_dir(void)
{
	if (!dir[0])
		return;
	/* Already unmounted by the probe (EINVAL) unless it was killed. */
	umount2(dir, MNT_DETACH);
	/* A lazy unmount may hold the mount point a moment longer. */
	long long deadline = hs_now_ms() + hs_ms(10000);
	while (rmdir(dir) < 0 && errno == EBUSY && hs_now_ms() < deadline)
		poll(NULL, 0, 5); /* polling the mount point with a deadline */
	dir[0] = 0;
}

/* Killing the probe (first in the registry) aborts the FUSE connection:
 * the stuck execve fails, and nsinit can be killed and reaped. */
static void hangexec_fini(void)
{
	hs_fini();
	remove_dir();
}

/* Start `probe hangfs DIR` and wait until it is mounted; skip the test
 * where FUSE cannot be mounted. */
static void start_hangfs(struct hs_proc *fs)
{
	static const struct hs_opts o = {.stdin_pipe = true};

	if (geteuid() != 0)
		cr_skip_test("mounting FUSE needs root");
	if (access("/dev/fuse", R_OK | W_OK) < 0)
		cr_skip_test("no usable /dev/fuse: %s", strerror(errno));
	snprintf(dir, sizeof dir, "/tmp/nsinit-hangexec-XXXXXX");
	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(cmd_path, sizeof cmd_path, "%s/cmd", dir);
	int err = hs_start(fs, &o, hs_probe(), HS_ARGV("hangfs", dir));
	cr_assert(!err, "cannot execute `%s`: %s", hs_probe(), strerror(err));
	if (hs_read_until(fs, HS_OUT, "ready\n", hs_ms(20000)))
		return;
	hs_wait(fs, hs_ms(5000));
	char why[512];
	snprintf(why, sizeof why, "%s", S(fs->err));
	bool no_fuse = strstr(why, "open /dev/fuse: ") || strstr(why, strerror(EPERM)) ||
		       strstr(why, strerror(ENODEV));
	cr_assert(no_fuse, "probe hangfs did not mount (%s):\n%s", hs_status_str(fs), why);
	hs_cleanup(fs);
	cr_skip_test("cannot mount FUSE here: %s", why);
}

/* EOF on the probe's stdin: it unmounts and exits, which ends the stuck
 * open (ENOTCONN). */
static void stop_hangfs(struct hs_proc *fs)
{
	hs_close_stdin(fs);
	cr_assert(hs_wait(fs, hs_ms(20000)), "probe hangfs did not exit at EOF on stdin");
	cr_assert_eq(hs_code(fs), 0, "probe hangfs: %s\n%s", hs_status_str(fs), S(fs->err));
	hs_cleanup(fs);
}

/* Where a process waits, for the messages ("?" if gone). */
static const char *wchan(pid_t pid, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
	char *s = pid > 0 ? hs_slurp(path) : NULL;
	snprintf(buf, n, "%s", s && *s ? s : "?");
	free(s);
	return buf;
}

/* Wait until the command (PID 1's child) is stuck in the FUSE open of its
 * execve; fill in PID 1's pid namespace and the command's pid. */
static pid_t expect_stuck(struct hs_proc *fs, struct hs_proc *p, char *ns, size_t n)
{
	pid_t pid1 = hs_pid1(p, hs_ms(20000));
	cr_assert(pid1 > 0, "the relay %d has no child (PID 1): %s\n%s", (int)p->pid,
		  hs_status_str(p), S(p->err));
	cr_assert(hs_ns_link(pid1, "pid", ns, n), "cannot read the pid namespace of %d",
		  (int)pid1);
	pid_t cmd = hs_child_of(pid1, hs_ms(20000));
	bool open = hs_read_until(fs, HS_OUT, "open\n", hs_ms(20000));
	if (!open)
		hs_wait(p, 0);
	cr_assert(open, "the command never opened %s (nsinit: %s)\nstderr:\n%s", cmd_path,
		  hs_status_str(p), S(p->err));
	return cmd;
}

/* Whether `sig` is pending for pid, for itself or its whole process. */
static bool pending(pid_t pid, int sig)
{
	static const char *const keys[] = {"\nSigPnd:", "\nShdPnd:"};
	char path[64];
	bool yes = false;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *s = pid > 0 ? hs_slurp(path) : NULL;
	for (size_t i = 0; s && i < sizeof keys / sizeof keys[0]; i++) {
		const char *line = strstr(s, keys[i]);
		if (line && (strtoull(line + strlen(keys[i]), NULL, 16) & (1ULL << (sig - 1))))
			yes = true;
	}
	free(s);
	return yes;
}

/* Wait until nsinit has signalled the command stuck in execve: the kernel
 * tells the probe (FUSE_INTERRUPT), or, where the signal is blocked around
 * the execve (valgrind does that), it is pending. */
static void expect_signalled(struct hs_proc *fs, struct hs_proc *p, pid_t cmd, const char *what)
{
	long long deadline = hs_now_ms() + hs_ms(20000);
	char wc[64];

	for (;;) {
		if (strstr(S(fs->out), "interrupt\n") || pending(cmd, SIGTERM) ||
		    pending(cmd, SIGKILL))
			return;
		if (hs_now_ms() >= deadline || fs->out_fd < 0)
			break;
		hs_pump(fs, 5); /* the probe's output, and /proc polled, with a deadline */
	}
	hs_wait(p, 0);
	cr_assert_fail("%s never reached the command %d stuck in execve (it waits in %s): PID 1 "
		       "waits for the command's execve (nsinit: %s; probe hangfs: %s)\nstderr:\n%s",
		       what, (int)cmd, wchan(cmd, wc, sizeof wc), hs_status_str(p),
		       fs->out_fd < 0 ? "gone" : "serving", S(p->err));
}

/* nsinit exits with `code` once the execve is released, closes its output
 * (nothing holds it) and leaves no process in its namespace. */
static void expect_exit(struct hs_proc *p, int code, const char *ns)
{
	cr_assert(hs_wait(p, hs_ms(20000)),
		  "nsinit did not exit within 20 s once the execve was released\nstderr:\n%s",
		  S(p->err));
	cr_assert(hs_read_eof(p, HS_BOTH, hs_ms(5000)),
		  "nsinit exited (%s) but its stdout/stderr stayed open\nstderr:\n%s",
		  hs_status_str(p), S(p->err));
	cr_assert_eq(hs_code(p), code, "nsinit: %s, expected exit %d\nstderr:\n%s",
		     hs_status_str(p), code, S(p->err));
	long long deadline = hs_now_ms() + hs_ms(5000);
	int left, zombies;
	while ((left = hs_pids_in_ns(ns, NULL, 0, &zombies)) > 0 && hs_now_ms() < deadline)
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	cr_assert_eq(left, 0, "%d process(es) (%d zombies) left in nsinit's namespace", left,
		     zombies);
}

Test(hangexec, timeout_reaches_a_command_stuck_in_execve)
{
	struct hs_proc fs, p;
	char ns[128];

	start_hangfs(&fs);
	/* Long enough that the command reaches its execve first. */
	hs_spawn(&p, NULL,
		 HS_ARGV(hs_wrapped() ? "--timeout=10s" : "--timeout=1s", "--grace=1s", "--",
			 cmd_path));
	pid_t cmd = expect_stuck(&fs, &p, ns, sizeof ns);
	expect_signalled(&fs, &p, cmd, "--timeout");
	stop_hangfs(&fs);
	expect_exit(&p, 124, ns);
	hs_cleanup(&p);
	remove_dir();
}

Test(hangexec, sigterm_reaches_a_command_stuck_in_execve)
{
	struct hs_proc fs, p;
	char ns[128];

	start_hangfs(&fs);
	hs_spawn(&p, NULL, HS_ARGV("--", cmd_path));
	pid_t cmd = expect_stuck(&fs, &p, ns, sizeof ns);
	cr_assert(kill(p.pid, SIGTERM) == 0, "kill: %s", strerror(errno));
	expect_signalled(&fs, &p, cmd, "SIGTERM to nsinit");
	stop_hangfs(&fs);
	expect_exit(&p, 143, ns);
	cr_expect_eq(hs_count_regex(S(p.err), "fail|cannot|died|not connected"), 0,
		     "nsinit reports a failure:\n%s", S(p.err));
	hs_cleanup(&p);
	remove_dir();
}

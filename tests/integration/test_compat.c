/*
 * tini / dumb-init compatibility: their options and environment variables
 * keep their documented meaning under nsinit.
 *
 * Two roles are exercised:
 *   - the init role: nsinit is PID 1 already (as in a container), made so by
 *     `unshare --pid --fork --mount-proc --kill-child` in front of it; signals
 *     are sent to that PID 1 (the child of unshare);
 *   - the namespace role: nsinit started from a shell makes the namespace;
 *     signals are sent to the relay (the process the harness started).
 *     Those tests are named *_via_relay.
 *
 * The commands are sh (dash) scripts that report what they see with traps
 * and `echo`. Nothing sleeps: the tests wait for lines with deadlines, and
 * use a second signal as a barrier instead of waiting for something absent.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(compat, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define UNSHARE_PID HS_ARGV("unshare", "--pid", "--fork", "--mount-proc", "--kill-child")

/* ------------------------------------------------------------- helpers */

/* argv = opts... -- cmd... (into a caller-provided array of `max`). */
static const char *const *with_command(const char **argv, size_t max, const char *const *opts,
				       const char *const *cmd)
{
	size_t k = 0;
	for (size_t i = 0; opts && opts[i]; i++) {
		cr_assert(k + 2 < max, "test bug: argv too long");
		argv[k++] = opts[i];
	}
	argv[k++] = "--";
	for (size_t i = 0; cmd && cmd[i]; i++) {
		cr_assert(k + 1 < max, "test bug: argv too long");
		argv[k++] = cmd[i];
	}
	argv[k] = NULL;
	return argv;
}

/* Spawn `nsinit opts -- sh -c script`, in the init role or the namespace role. */
static void spawn_sh(struct hs_proc *p, bool init_role, const char *const *env,
		     const char *const *opts, const char *script)
{
	const char *argv[32];
	struct hs_opts o = {.prefix = init_role ? UNSHARE_PID : NULL, .env = env};
	hs_spawn(p, &o, with_command(argv, 32, opts, HS_ARGV("sh", "-c", script)));
}

static void need(struct hs_proc *p, enum hs_which which, const char *line, long ms)
{
	cr_assert(hs_read_until(p, which, line, hs_ms(ms)),
		  "`%s`: no '%s' within %ld ms (%s)\nstdout:\n%s\nstderr:\n%s", p->argv_str, line,
		  hs_ms(ms), hs_status_str(p), S(p->out), S(p->err));
}

/*
 * In the namespace role, a signal that reaches the relay before PID 1 has
 * handed it the command's pidfd goes through PID 1; after that the relay
 * signals the command itself. The *_via_relay tests run with -v and wait
 * for the relay's line about the hand-off, so that they test the relay's
 * own path every time. Not asserted: a relay that leaves -g and -r to PID 1
 * need not take the pidfd at all. Under valgrind (3.19) there is no pidfd:
 * it does not know pidfd_open, so the relay always goes through PID 1 and
 * the line never comes; do not wait for it then.
 */
static void relay_has_pidfd(struct hs_proc *p)
{
	if (!hs_wrapped())
		(void)hs_read_until(p, HS_ERR, "signals go to it directly\n", 2000);
}

/* Where a user signals nsinit: PID 1 in the init role (unshare's child), the
 * relay in the namespace role. */
static pid_t signal_target(struct hs_proc *p, bool init_role)
{
	if (!init_role)
		return p->pid;
	pid_t pid1 = hs_child_of(p->pid, hs_ms(5000));
	cr_assert(pid1 > 0, "unshare (%d) has no child: nsinit is not running", (int)p->pid);
	return pid1;
}

static void sig_to(pid_t pid, int sig)
{
	cr_assert(kill(pid, sig) == 0, "kill(%d, %s): %s", (int)pid, sigabbrev_np(sig),
		  strerror(errno));
}

static void finish(struct hs_proc *p, int code, long ms)
{
	cr_assert(hs_wait(p, hs_ms(ms)), "`%s` did not exit within %ld ms\nstdout:\n%s\nstderr:\n%s",
		  p->argv_str, hs_ms(ms), S(p->out), S(p->err));
	cr_expect_eq(hs_code(p), code, "`%s`: expected exit %d, got %s\nstdout:\n%s\nstderr:\n%s",
		     p->argv_str, code, hs_status_str(p), S(p->out), S(p->err));
}

/* Read until `n` lines contain `needle`, polling the pipes in short slices
 * up to a deadline. */
static void lines_matching(struct hs_proc *p, enum hs_which which, const char *needle, int n,
			   long ms)
{
	long long deadline = hs_now_ms() + hs_ms(ms);
	for (;;) {
		int got = 0;
		if (which & HS_OUT)
			got += hs_count_matching(S(p->out), needle);
		if (which & HS_ERR)
			got += hs_count_matching(S(p->err), needle);
		if (got >= n)
			return;
		long long left = deadline - hs_now_ms();
		bool open = ((which & HS_OUT) && p->out_fd >= 0) || ((which & HS_ERR) && p->err_fd >= 0);
		cr_assert(left > 0 && open,
			  "`%s`: %d lines with '%s', expected %d\nstdout:\n%s\nstderr:\n%s",
			  p->argv_str, got, needle, n, S(p->out), S(p->err));
		/* A needle that never comes: this reads whatever arrives for 10 ms. */
		(void)hs_read_until(p, which, "\001", left < 10 ? left : 10);
	}
}

static int pidfd_of(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	cr_assert(fd >= 0, "pidfd_open(%d): %s", (int)pid, strerror(errno));
	return fd;
}

/* Write a line to the command's stdin. Ignore SIGPIPE: if nsinit and
 * everything it ran are gone, that is a failure to report, not a crash. */
static void tell(struct hs_proc *p, const char *line)
{
	signal(SIGPIPE, SIG_IGN);
	size_t len = strlen(line);
	cr_assert(p->in_fd >= 0 && write(p->in_fd, line, len) == (ssize_t)len,
		  "`%s`: cannot write to the command's stdin (%s): %s\nstdout:\n%s\nstderr:\n%s",
		  p->argv_str, hs_status_str(p), strerror(errno), S(p->out), S(p->err));
}

/* Has the process behind pidfd exited within `ms`? */
static bool exits_within(int pidfd, long ms)
{
	struct pollfd pf = {.fd = pidfd, .events = POLLIN};
	int r;
	while ((r = poll(&pf, 1, (int)ms)) < 0 && errno == EINTR)
		;
	cr_assert(r >= 0, "poll(pidfd): %s", strerror(errno));
	return r == 1;
}

/* ------------------------------------------------------- 1. tini -e */

static void run_code(const char *const *opts, const char *script, int want)
{
	struct hs_proc p;
	const char *argv[32];
	hs_run(&p, NULL, with_command(argv, 32, opts, HS_ARGV("sh", "-c", script)), hs_ms(10000));
	cr_expect_eq(hs_code(&p), want, "`%s`: expected exit %d, got %s\nstderr:\n%s", p.argv_str,
		     want, hs_status_str(&p), S(p.err));
	cr_expect_str_eq(S(p.err), "", "`%s`: unexpected stderr:\n%s", p.argv_str, S(p.err));
	hs_cleanup(&p);
}

Test(compat, zero_exit_maps_code_to_0)
{
	run_code(HS_ARGV("-e", "3"), "exit 3", 0);
}

Test(compat, zero_exit_long_form)
{
	run_code(HS_ARGV("--zero-exit=3"), "exit 3", 0);
}

Test(compat, without_zero_exit_code_passes)
{
	run_code(NULL, "exit 3", 3);
}

Test(compat, zero_exit_maps_only_the_codes_given)
{
	run_code(HS_ARGV("-e", "3"), "exit 4", 4);
	run_code(HS_ARGV("-e", "1", "-e", "3"), "exit 3", 0);
	run_code(HS_ARGV("-e", "1", "-e", "3"), "exit 1", 0);
	run_code(HS_ARGV("-e", "1", "-e", "3"), "exit 2", 2);
}

Test(compat, zero_exit_143_for_death_by_sigterm)
{
	run_code(HS_ARGV("-e", "143"), "kill -TERM $$", 0);
}

Test(compat, without_zero_exit_sigterm_is_143)
{
	run_code(NULL, "kill -TERM $$", 143);
}

Test(compat, zero_exit_143_in_init_role_on_stop)
{
	/* The JVM case: `podman stop` sends TERM to PID 1, the command dies of
	 * it, and -e 143 declares that a clean stop. */
	struct hs_proc p;
	spawn_sh(&p, true, NULL, HS_ARGV("-e", "143"),
		 "echo ready; while :; do sleep 1 & wait $!; done");
	need(&p, HS_OUT, "ready\n", 10000);
	sig_to(signal_target(&p, true), SIGTERM);
	finish(&p, 0, 5000);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout still open: a leftover survived");
	hs_cleanup(&p);
}

Test(compat, zero_exit_out_of_range_is_usage_error)
{
	const char *bad[] = {"256", "-1", "", "3x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hs_proc p;
		hs_run(&p, NULL, HS_ARGV("-e", bad[i], "--", "sh", "-c", "echo ran"), hs_ms(10000));
		cr_expect_eq(hs_code(&p), 125, "`%s`: expected exit 125, got %s\nstderr:\n%s",
			     p.argv_str, hs_status_str(&p), S(p.err));
		cr_expect_str_eq(S(p.out), "", "`%s`: the command ran:\n%s", p.argv_str, S(p.out));
		cr_expect_eq(hs_count_lines(S(p.err)), 1, "`%s`: expected one line:\n%s", p.argv_str,
			     S(p.err));
		char want[64];
		snprintf(want, sizeof want, "'%s'", bad[i]);
		cr_expect(hs_line_matches(S(p.err), "^nsinit: ") && strstr(S(p.err), want) &&
				  strstr(S(p.err), "zero-exit"),
			  "`%s`: the error does not name the value and the option:\n%s", p.argv_str,
			  S(p.err));
		hs_cleanup(&p);
	}
}

/* ------------------------------------------------------- 2. tini -w */

static void warn_reaped(const char *const *prefix, const char *what, const char *arg,
			const char *status)
{
	struct hs_proc p;
	struct hs_opts o = {.prefix = prefix};
	hs_run(&p, &o, HS_ARGV("-w", "--", hs_probe(), what, arg), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.out), S(p.err));
	int orphan = 0;
	const char *o_line = strstr(S(p.out), "orphan ");
	cr_assert(o_line && sscanf(o_line, "orphan %d", &orphan) == 1, "stdout:\n%s", S(p.out));
	char want[128];
	snprintf(want, sizeof want, "nsinit: reaped zombie %d (probe): %s\n", orphan, status);
	cr_expect(strstr(S(p.err), want), "`%s`: no line '%.*s' on stderr:\n%s", p.argv_str,
		  (int)strlen(want) - 1, want, S(p.err));
	/* A warning, not -v: nothing else is logged. */
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "`%s`: expected only that line:\n%s",
		     p.argv_str, S(p.err));
	hs_cleanup(&p);
}

Test(compat, warn_reaped_exit_code)
{
	warn_reaped(NULL, "orphan-exit", "7", "exited 7");
}

Test(compat, warn_reaped_signal_in_init_role)
{
	warn_reaped(UNSHARE_PID, "orphan-kill", "10", "killed by SIGUSR1");
}

Test(compat, no_warn_reaped_by_default)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--", hs_probe(), "orphan-exit", "7"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "exit %s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.out), "done\n"), "stdout:\n%s", S(p.out));
	cr_expect_str_eq(S(p.err), "", "stderr without -w or -v:\n%s", S(p.err));
	hs_cleanup(&p);
}

/* ------------------------------------------- 3. tini -s, TINI_SUBREAPER */

static void no_new_namespace(const char *const *opts, const char *const *env)
{
	int base = hs_own_levels();
	long v[64];

	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", HS_HOST_PROC_FD);
	const char *argv[32];
	struct hs_opts o = {.env = env, .prep = hs_keep_host_proc};
	struct hs_proc p;
	hs_run(&p, &o, with_command(argv, 32, opts, HS_ARGV(hs_probe(), "nspid", fdarg)),
	       hs_ms(10000));
	cr_assert_eq(hs_code(&p), 0, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.out), S(p.err));
	int n = hs_parse_nspid(S(p.out), v, 64);
	cr_expect_eq(n, base, "`%s`: the command's NSpid has %d entries, the caller's %d: a "
			      "namespace was made\n%s",
		     p.argv_str, n, base, S(p.out));
	hs_cleanup(&p);
}

Test(compat, subreaper_flag_makes_no_namespace)
{
	no_new_namespace(HS_ARGV("-s"), NULL);
}

Test(compat, tini_subreaper_env_makes_no_namespace)
{
	no_new_namespace(NULL, HS_ARGV("TINI_SUBREAPER=1"));
}

/* A bystander: a process of ours (same user) that nsinit has nothing to do
 * with. Dies with us (PDEATHSIG). */
static pid_t start_bystander(int *pidfd)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		int null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		syscall(SYS_close_range, 3, ~0U, 0);
		execlp("sleep", "sleep", "1000", (char *)NULL);
		_exit(127);
	}
	*pidfd = pidfd_of(pid);
	return pid;
}

static void subreaper_case(const char *const *opts, const char *const *env)
{
	int by_fd;
	pid_t bystander = start_bystander(&by_fd);

	/* The orphan is double-forked; its stderr is nsinit's, so stderr's EOF
	 * also says that it is gone. */
	static const char script[] =
		"orphan=$( (sleep 1000 >/dev/null & echo $!) ); "
		"echo \"orphan=$orphan ppid=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$orphan/status)\"; "
		"read line; echo \"got-$line\"";
	const char *argv[32];
	struct hs_opts o = {.env = env, .stdin_pipe = true};
	struct hs_proc p;
	hs_spawn(&p, &o, with_command(argv, 32, opts, HS_ARGV("sh", "-c", script)));
	need(&p, HS_OUT, "ppid=", 10000);
	need(&p, HS_OUT, "\n", 5000);
	int orphan = 0, ppid = 0;
	cr_assert(sscanf(strstr(S(p.out), "orphan="), "orphan=%d ppid=%d", &orphan, &ppid) == 2,
		  "stdout:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	cr_expect_eq(ppid, (int)p.pid,
		     "`%s`: the orphan %d has parent %d, not nsinit (%d): nsinit is no subreaper",
		     p.argv_str, orphan, ppid, (int)p.pid);
	int orphan_fd = pidfd_of(orphan);

	tell(&p, "go\n");
	need(&p, HS_OUT, "got-go\n", 5000);
	finish(&p, 0, 5000);
	cr_expect(exits_within(orphan_fd, hs_ms(3000)), "the leftover orphan %d survived nsinit",
		  orphan);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stderr still open: the orphan survived");
	/* nsinit is gone: anything it did to the bystander has happened. Allow
	 * a SIGKILL sent just before its exit to take effect. */
	cr_expect(!exits_within(by_fd, 200),
		  "`%s` killed %d, an unrelated process of the same user (kill(-1) outside a "
		  "namespace?)",
		  p.argv_str, (int)bystander);
	kill(bystander, SIGKILL);
	waitpid(bystander, NULL, 0);
	close(by_fd);
	/* If it survived (the test failed), do not leave it behind. */
	syscall(SYS_pidfd_send_signal, orphan_fd, SIGKILL, NULL, 0);
	close(orphan_fd);
	hs_cleanup(&p);
}

Test(compat, subreaper_flag_adopts_and_kills_only_its_own)
{
	subreaper_case(HS_ARGV("-s"), NULL);
}

Test(compat, tini_subreaper_env_any_value)
{
	/* tini: set at all means set, even empty. */
	subreaper_case(NULL, HS_ARGV("TINI_SUBREAPER="));
}

/* ------------------------ 4 & 6. -g, -c, TINI_KILL_PROCESS_GROUP, setsid */

/*
 * The command (the shell) and a child subshell in its process group each
 * trap USR1 and USR2. The test sends USR1 to nsinit, waits for the shell's
 * trap, then sends USR2 as a barrier: the shell passes USR2 on to the child
 * (which prints child-usr2 and exits), waits for it, prints shell-done and
 * exits 0. A USR1 the child got from nsinit was delivered before that USR2,
 * and dash runs pending traps in signal order, so child-usr1 is printed
 * before child-usr2 or never.
 */
static const char group_script[] =
	"trap 'echo shell-usr1' USR1\n"
	"trap 'kill -USR2 $child 2>/dev/null; wait $child; echo shell-done; exit 0' USR2\n"
	"( trap 'echo child-usr1' USR1; trap 'echo child-usr2; exit 0' USR2; echo child-ready;"
	" while :; do sleep 1 & wait $!; done ) &\n"
	"child=$!\n"
	"set -- $(cut -d' ' -f1,5,6 /proc/$$/stat)\n"
	"echo \"session pid=$1 pgrp=$2 sid=$3\"\n"
	"echo shell-ready\n"
	"while :; do sleep 1 & wait $!; done\n";

enum { NO = 0, YES = 1, ANY = -1 };

struct group_case {
	bool init_role;
	const char *const *opts;
	const char *const *env;
	bool to_group;     /* USR1 reaches the child too */
	int session_leader; /* YES, NO, ANY */
	int group_leader;   /* YES, NO, ANY */
};

static void group_run(const struct group_case *c)
{
	struct hs_proc p;
	spawn_sh(&p, c->init_role, c->env, c->opts, group_script);
	need(&p, HS_OUT, "shell-ready\n", 10000);
	need(&p, HS_OUT, "child-ready\n", 10000);
	if (!c->init_role)
		relay_has_pidfd(&p);
	long pid = 0, pgrp = 0, sid = 0;
	const char *sl = strstr(S(p.out), "session ");
	cr_assert(sl && sscanf(sl, "session pid=%ld pgrp=%ld sid=%ld", &pid, &pgrp, &sid) == 3,
		  "stdout:\n%s", S(p.out));

	pid_t target = signal_target(&p, c->init_role);
	sig_to(target, SIGUSR1);
	need(&p, HS_OUT, "shell-usr1\n", 5000);
	sig_to(target, SIGUSR2);
	need(&p, HS_OUT, "shell-done\n", 5000);
	finish(&p, 0, 5000);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout still open: a leftover survived");

	const char *out = S(p.out);
	cr_expect(strstr(out, "child-usr2\n"), "`%s`: the child never ran its USR2 trap:\n%s",
		  p.argv_str, out);
	if (c->to_group)
		cr_expect(strstr(out, "child-usr1\n"),
			  "`%s`: USR1 did not reach the command's process group, only the command:\n%s"
			  "stderr:\n%s",
			  p.argv_str, out, S(p.err));
	else
		cr_expect(!strstr(out, "child-usr1\n"),
			  "`%s`: USR1 reached the command's child, not just the command:\n%s",
			  p.argv_str, out);
	cr_expect_eq(hs_count_matching(out, "shell-usr1"), 1, "`%s`: the shell's trap:\n%s",
		     p.argv_str, out);

	if (c->session_leader != ANY)
		cr_expect_eq(sid == pid, c->session_leader == YES,
			     "`%s`: the command (pid %ld) is %sa session leader (sid %ld)", p.argv_str,
			     pid, sid == pid ? "" : "not ", sid);
	if (c->group_leader != ANY)
		cr_expect_eq(pgrp == pid, c->group_leader == YES,
			     "`%s`: the command (pid %ld) %s its process group (pgrp %ld)",
			     p.argv_str, pid, pgrp == pid ? "leads" : "does not lead", pgrp);
	hs_cleanup(&p);
}

Test(compat, default_signals_only_the_command)
{
	group_run(&(struct group_case){.init_role = true, .to_group = false,
				       .session_leader = NO, .group_leader = YES});
}

Test(compat, process_group_flag)
{
	group_run(&(struct group_case){.init_role = true, .opts = HS_ARGV("-g"),
				       .to_group = true, .session_leader = NO,
				       .group_leader = YES});
}

Test(compat, process_group_long_flag)
{
	group_run(&(struct group_case){.init_role = true, .opts = HS_ARGV("--process-group"),
				       .to_group = true, .session_leader = NO,
				       .group_leader = YES});
}

Test(compat, tini_kill_process_group_env)
{
	group_run(&(struct group_case){.init_role = true,
				       .env = HS_ARGV("TINI_KILL_PROCESS_GROUP=1"),
				       .to_group = true, .session_leader = NO,
				       .group_leader = YES});
}

Test(compat, process_group_via_relay)
{
	group_run(&(struct group_case){.init_role = false, .opts = HS_ARGV("-v", "-g"),
				       .to_group = true, .session_leader = NO,
				       .group_leader = YES});
}

Test(compat, dumb_init_setsid_1)
{
	group_run(&(struct group_case){.init_role = true,
				       .env = HS_ARGV("DUMB_INIT_SETSID=1"), .to_group = true,
				       .session_leader = YES, .group_leader = YES});
}

Test(compat, dumb_init_setsid_0)
{
	group_run(&(struct group_case){.init_role = true,
				       .env = HS_ARGV("DUMB_INIT_SETSID=0"), .to_group = false,
				       .session_leader = NO, .group_leader = ANY});
}

Test(compat, single_child_flag)
{
	group_run(&(struct group_case){.init_role = true, .opts = HS_ARGV("-c"),
				       .to_group = false, .session_leader = NO,
				       .group_leader = ANY});
}

Test(compat, single_child_flag_beats_setsid_env)
{
	/* The command line wins over the environment. */
	group_run(&(struct group_case){.init_role = true, .opts = HS_ARGV("--single-child"),
				       .env = HS_ARGV("DUMB_INIT_SETSID=1"), .to_group = false,
				       .session_leader = NO, .group_leader = ANY});
}

/* ----------------------------------------------------- 5. dumb-init -r */

static void rewrite_term_quit(bool init_role, const char *const *opts)
{
	struct hs_proc p;
	spawn_sh(&p, init_role, NULL, opts,
		 "trap 'echo got-quit; exit 0' QUIT\n"
		 "trap 'echo got-term; exit 1' TERM\n"
		 "echo ready\n"
		 "while :; do sleep 1 & wait $!; done\n");
	need(&p, HS_OUT, "ready\n", 10000);
	if (!init_role)
		relay_has_pidfd(&p);
	sig_to(signal_target(&p, init_role), SIGTERM);
	cr_expect(hs_read_until(&p, HS_OUT, "got-", hs_ms(5000)) &&
			  hs_read_until(&p, HS_OUT, "\n", hs_ms(1000)),
		  "`%s`: the command did not react to TERM\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		  S(p.out), S(p.err));
	cr_expect_str_eq(S(p.out), "ready\ngot-quit\n",
			 "`%s`: TERM was not rewritten to QUIT\nstderr:\n%s", p.argv_str, S(p.err));
	finish(&p, 0, 5000);
	hs_cleanup(&p);
}

Test(compat, rewrite_term_to_quit)
{
	rewrite_term_quit(true, HS_ARGV("-r", "TERM:QUIT"));
}

Test(compat, rewrite_long_form_numbers)
{
	rewrite_term_quit(true, HS_ARGV("--rewrite=15:3"));
}

Test(compat, rewrite_term_to_quit_via_relay)
{
	rewrite_term_quit(false, HS_ARGV("-v", "-r", "TERM:QUIT"));
}

/*
 * -r WINCH:0 drops WINCH. The USR1 trap only sets a flag, so that a WINCH
 * the shell had pending is still handled (dotrap runs every pending trap)
 * before the loop ends and the shell prints shell-end.
 */
static void rewrite_drop_winch(bool init_role)
{
	struct hs_proc p;
	spawn_sh(&p, init_role, NULL, HS_ARGV("-v", "-r", "WINCH:0"),
		 "trap 'echo got-winch' WINCH\n"
		 "trap 'echo got-usr1; done=1' USR1\n"
		 "echo ready\n"
		 "while [ -z \"$done\" ]; do sleep 1 & wait $!; done\n"
		 "echo shell-end\n");
	need(&p, HS_OUT, "ready\n", 10000);
	if (!init_role)
		relay_has_pidfd(&p);
	pid_t target = signal_target(&p, init_role);
	sig_to(target, SIGWINCH);
	/* Whatever nsinit did with it, -v says so in a line naming SIGWINCH;
	 * a relay that passed it on to PID 1 says so first, then PID 1. */
	need(&p, HS_ERR, "SIGWINCH", 5000);
	lines_matching(&p, HS_ERR, "SIGWINCH",
		       strstr(S(p.err), "forwarded SIGWINCH to PID 1\n") ? 2 : 1, 5000);
	cr_expect(strstr(S(p.err), "nsinit: dropped SIGWINCH\n"),
		  "`%s`: no 'nsinit: dropped SIGWINCH' line:\n%s", p.argv_str, S(p.err));
	sig_to(target, SIGUSR1);
	need(&p, HS_OUT, "shell-end\n", 5000);
	finish(&p, 0, 5000);
	cr_expect(strstr(S(p.out), "got-usr1\n"), "stdout:\n%s", S(p.out));
	cr_expect(!strstr(S(p.out), "got-winch"), "`%s`: WINCH reached the command:\n%s\nstderr:\n%s",
		  p.argv_str, S(p.out), S(p.err));
	hs_cleanup(&p);
}

Test(compat, rewrite_drops_winch)
{
	rewrite_drop_winch(true);
}

Test(compat, rewrite_drops_winch_via_relay)
{
	rewrite_drop_winch(false);
}

Test(compat, rewrite_bad_value_is_usage_error)
{
	const char *bad[] = {"TERM", "TERM:", "FOO:QUIT", "TERM:BAR"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hs_proc p;
		hs_run(&p, NULL, HS_ARGV("-r", bad[i], "--", "sh", "-c", "echo ran"), hs_ms(10000));
		cr_expect_eq(hs_code(&p), 125, "`%s`: expected exit 125, got %s\nstderr:\n%s",
			     p.argv_str, hs_status_str(&p), S(p.err));
		cr_expect_str_eq(S(p.out), "", "`%s`: the command ran", p.argv_str);
		cr_expect_eq(hs_count_lines(S(p.err)), 1, "`%s`: expected one line:\n%s", p.argv_str,
			     S(p.err));
		cr_expect(hs_line_matches(S(p.err), "^nsinit: .*--rewrite"),
			  "`%s`: the error does not name --rewrite:\n%s", p.argv_str, S(p.err));
		hs_cleanup(&p);
	}
}

/* ---------------------------------------------------- 7. --new-session */

static void stdin_is_tty(void *arg)
{
	int fd = open((const char *)arg, O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0)
		_exit(124);
	if (fd != 0)
		close(fd);
}

/* Run the command with a terminal as stdin and as nsinit's controlling
 * terminal (setsid -c makes it so); report its session and terminal. */
static void session_case(const char *const *opts, bool want_new_session)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(master >= 0, "posix_openpt: %s", strerror(errno));
	cr_assert(grantpt(master) == 0 && unlockpt(master) == 0, "pty: %s", strerror(errno));
	char slave[64];
	cr_assert(ptsname_r(master, slave, sizeof slave) == 0, "ptsname: %s", strerror(errno));

	static const char script[] =
		"set -- $(cut -d' ' -f1,6,7 /proc/$$/stat)\n"
		"echo \"pid=$1 sid=$2 tty_nr=$3\"\n"
		"if (: </dev/tty) 2>/dev/null; then echo ctty=yes; else echo ctty=no; fi\n"
		"test -t 0 && echo stdin=tty\n";
	const char *argv[32];
	struct hs_opts o = {.prefix = HS_ARGV("setsid", "-w", "-c"),
			    .prep = stdin_is_tty,
			    .prep_arg = slave};
	struct hs_proc p;
	hs_run(&p, &o, with_command(argv, 32, opts, HS_ARGV("sh", "-c", script)), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		   hs_status_str(&p), S(p.out), S(p.err));
	long pid = 0, sid = 0, tty_nr = -1;
	const char *l = strstr(S(p.out), "pid=");
	cr_assert(l && sscanf(l, "pid=%ld sid=%ld tty_nr=%ld", &pid, &sid, &tty_nr) == 3,
		  "stdout:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	cr_expect(strstr(S(p.out), "stdin=tty\n"), "test bug: stdin is not the terminal:\n%s",
		  S(p.out));
	if (want_new_session) {
		/* dumb-init's setsid: nsinit led the terminal's session and
		 * gave it up; the command's session took it. */
		cr_expect_eq(sid, pid, "`%s`: the command (pid %ld) is not a session leader (sid %ld)",
			     p.argv_str, pid, sid);
		cr_expect_neq(tty_nr, 0, "`%s`: the command has no controlling terminal",
			      p.argv_str);
		cr_expect(strstr(S(p.out), "ctty=yes\n"),
			  "`%s`: the command cannot open /dev/tty:\n%s", p.argv_str, S(p.out));
	} else {
		cr_expect_neq(sid, pid, "`%s`: the command is a session leader", p.argv_str);
		cr_expect_neq(tty_nr, 0, "`%s`: the command lost the controlling terminal",
			      p.argv_str);
		cr_expect(strstr(S(p.out), "ctty=yes\n"),
			  "`%s`: the command cannot open /dev/tty:\n%s", p.argv_str, S(p.out));
	}
	hs_cleanup(&p);
	close(master);
}

Test(compat, new_session_takes_the_terminal_nsinit_leads)
{
	session_case(HS_ARGV("--new-session"), true);
}

Test(compat, default_keeps_the_controlling_terminal)
{
	session_case(NULL, false);
}

Test(compat, new_session_without_terminal)
{
	struct hs_proc p;
	hs_run(&p, NULL,
	       HS_ARGV("--new-session", "--", "sh", "-c",
		       "set -- $(cut -d' ' -f1,6,7 /proc/$$/stat); echo \"pid=$1 sid=$2 tty_nr=$3\"; "
		       "tty"),
	       hs_ms(10000));
	long pid = 0, sid = 0, tty_nr = -1;
	const char *l = strstr(S(p.out), "pid=");
	cr_assert(l && sscanf(l, "pid=%ld sid=%ld tty_nr=%ld", &pid, &sid, &tty_nr) == 3,
		  "stdout:\n%s\nstderr:\n%s", S(p.out), S(p.err));
	cr_expect_eq(sid, pid, "the command (pid %ld) is not a session leader (sid %ld)", pid, sid);
	cr_expect_eq(tty_nr, 0, "the command has a controlling terminal (tty_nr %ld)", tty_nr);
	cr_expect(strstr(S(p.out), "not a tty\n"), "tty says:\n%s", S(p.out));
	hs_cleanup(&p);
}

/* ------------------------------------------------ 8. staged shutdown */

Test(compat, stop_reaches_command_before_kill_child)
{
	struct hs_proc p;
	spawn_sh(&p, true, NULL, HS_ARGV("-v"),
		 "sleep 1000 & worker=$!\n"
		 "trap 'kill -0 $worker && echo worker-alive-at-term; exit 0' TERM\n"
		 "echo \"worker=$worker\"\n"
		 "echo ready\n"
		 "while :; do sleep 1 & wait $!; done\n");
	need(&p, HS_OUT, "ready\n", 10000);
	int worker = 0;
	cr_assert(sscanf(S(p.out), "worker=%d", &worker) == 1, "stdout:\n%s", S(p.out));
	sig_to(signal_target(&p, true), SIGTERM);
	finish(&p, 0, 5000);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)),
		  "stdout still open after nsinit exited: the worker survived");
	char want[64];
	snprintf(want, sizeof want, "worker=%d\nready\nworker-alive-at-term\n", worker);
	cr_expect_str_eq(S(p.out), want,
			 "the worker was not alive when the command ran its TERM trap\nstderr:\n%s",
			 S(p.err));
	cr_expect(strstr(S(p.err), "nsinit: shutdown: the command exited; sending SIGKILL to what "
				   "is left\n"),
		  "stderr:\n%s", S(p.err));
	/* Its name is sh if it had not exec'd sleep yet. */
	char re[128];
	snprintf(re, sizeof re, "^nsinit: reaped orphan %d \\((sleep|sh)\\): killed by SIGKILL$",
		 worker);
	cr_expect_eq(hs_count_regex(S(p.err), re), 1,
		     "the worker %d was not killed by the kill-child signal:\n%s", worker, S(p.err));
	hs_cleanup(&p);
}

/* Only when asked for: --stop-timeout bounds a stop. */
Test(compat, stop_timeout_kills_after_it)
{
	struct hs_proc p;
	spawn_sh(&p, true, NULL, HS_ARGV("-v", "--stop-timeout=300ms", "--grace=100ms"),
		 "trap '' TERM\n"
		 "echo ready\n"
		 "while :; do sleep 1 & wait $!; done\n");
	need(&p, HS_OUT, "ready\n", 10000);
	pid_t pid1 = signal_target(&p, true);
	long long t0 = hs_now_ms();
	sig_to(pid1, SIGTERM);
	finish(&p, 137, 10000);
	long long elapsed = p.t_exit_ms - t0;
	cr_expect_geq(elapsed, 300, "nsinit exited %lld ms after SIGTERM: before --stop-timeout",
		      elapsed);
	cr_expect_lt(elapsed, hs_ms(3000), "nsinit exited only %lld ms after SIGTERM", elapsed);
	cr_expect(strstr(S(p.err), "the command did not stop within --stop-timeout"),
		  "no 'did not stop within --stop-timeout' line:\n%s", S(p.err));
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout still open: a leftover survived");
	hs_cleanup(&p);
}

/* ------------------------------------------------------- 9. --wait-all */

/* The daemon reads a line from the test through the shell's stdin (fd 3:
 * an asynchronous list gets /dev/null as stdin). */
static const char daemon_script[] =
	"exec 3<&0\n"
	"( read x <&3; echo \"daemon-got-$x\" ) &\n"
	"echo main-exits\n";

Test(compat, wait_all_waits_for_the_daemon)
{
	struct hs_opts o = {.stdin_pipe = true};
	struct hs_proc p;
	hs_spawn(&p, &o, HS_ARGV("-v", "--wait-all", "--", "sh", "-c", daemon_script));
	need(&p, HS_OUT, "main-exits\n", 10000);
	need(&p, HS_ERR, "nsinit: command 2 exited 0\n", 5000);
	cr_expect(!exits_within(p.pidfd, 300),
		  "nsinit exited while the daemon was alive:\nstdout:\n%s\nstderr:\n%s", S(p.out),
		  S(p.err));
	cr_expect(!strstr(S(p.err), "shutdown:"), "shutdown began while the daemon lived:\n%s",
		  S(p.err));
	tell(&p, "go\n");
	need(&p, HS_OUT, "daemon-got-go\n", 5000);
	finish(&p, 0, 2000);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout still open");
	hs_cleanup(&p);
}

Test(compat, without_wait_all_the_daemon_is_killed)
{
	struct hs_opts o = {.stdin_pipe = true};
	struct hs_proc p;
	hs_spawn(&p, &o, HS_ARGV("--", "sh", "-c", daemon_script));
	need(&p, HS_OUT, "main-exits\n", 10000);
	finish(&p, 0, 5000);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout still open: the daemon survived");
	cr_expect_str_eq(S(p.out), "main-exits\n", "stdout:\n%s", S(p.out));
	hs_cleanup(&p);
}

/* Init role: the command leaves a daemon and exits; then TERM to PID 1. */
static void wait_all_stop(const char *grace, const char *daemon_trap, int *elapsed_ms,
			  struct hs_proc *p)
{
	char script[512];
	snprintf(script, sizeof script,
		 "( trap %s TERM; echo daemon-ready; while :; do sleep 1 & wait $!; done ) &\n"
		 "echo main-exits\n",
		 daemon_trap);
	spawn_sh(p, true, NULL, HS_ARGV("-v", "--wait-all", grace), script);
	need(p, HS_OUT, "daemon-ready\n", 10000);
	need(p, HS_OUT, "main-exits\n", 10000);
	need(p, HS_ERR, "nsinit: command 2 exited 0\n", 5000);
	pid_t pid1 = signal_target(p, true);
	cr_expect(!exits_within(p->pidfd, 100), "nsinit did not wait for the daemon:\nstderr:\n%s",
		  S(p->err));
	long long t0 = hs_now_ms();
	sig_to(pid1, SIGTERM);
	finish(p, 0, 10000);
	*elapsed_ms = (int)(p->t_exit_ms - t0);
	cr_expect(hs_read_eof(p, HS_BOTH, hs_ms(3000)), "stdout still open: the daemon survived");
	cr_expect(strstr(S(p->err), "nsinit: forwarded SIGTERM to every process left\n"),
		  "TERM was not passed on to what the command left:\n%s", S(p->err));
}

Test(compat, wait_all_stop_is_bounded_by_stop_timeout)
{
	struct hs_proc p;
	int elapsed;
	wait_all_stop("--stop-timeout=300ms", "''", &elapsed, &p);
	cr_expect_geq(elapsed, 300, "nsinit exited %d ms after SIGTERM: before --stop-timeout",
		      elapsed);
	cr_expect_lt(elapsed, hs_ms(3000), "nsinit exited only %d ms after SIGTERM", elapsed);
	cr_expect(hs_count_regex(S(p.err), "^nsinit: reaped orphan [0-9]+ \\(sh\\): killed by "
					   "SIGKILL$") >= 1,
		  "the daemon was not SIGKILLed after --stop-timeout:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(compat, wait_all_stop_reaches_the_daemon)
{
	struct hs_proc p;
	int elapsed;
	wait_all_stop("--grace=5s", "'echo daemon-term; exit 0'", &elapsed, &p);
	cr_expect(strstr(S(p.out), "daemon-term\n"), "the daemon's TERM trap did not run:\n%s",
		  S(p.out));
	cr_expect_lt(elapsed, hs_ms(2000),
		     "nsinit took %d ms to exit although the daemon obeyed TERM", elapsed);
	hs_cleanup(&p);
}

/* -------------------------------------------------------- 10. -l, -h */

static void prints(const char *opt, const char *const *needles)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV(opt), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "`%s`: exit %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
		     S(p.err));
	cr_expect_str_eq(S(p.err), "", "`%s`: stderr:\n%s", p.argv_str, S(p.err));
	for (size_t i = 0; needles[i]; i++)
		cr_expect(strstr(S(p.out), needles[i]), "`%s` does not mention '%s':\n%s",
			  p.argv_str, needles[i], S(p.out));
	hs_cleanup(&p);
}

Test(compat, license)
{
	prints("-l", HS_ARGV("MIT", "Permission is hereby granted"));
	prints("--license", HS_ARGV("MIT"));
}

Test(compat, help_lists_the_compat_options)
{
	prints("-h", HS_ARGV("--zero-exit", "--rewrite", "-s, --subreaper", "-g, --process-group",
			     "-c, --single-child", "-r, --rewrite", "-e, --zero-exit",
			     "-w, --warn-reaped", "-l, --license", "-p, --parent-death-signal",
			     "TINI_SUBREAPER", "TINI_KILL_PROCESS_GROUP", "DUMB_INIT_SETSID"));
}

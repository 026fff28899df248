/* What nsinit must never give away: a /proc that allows setuid, device or
 * exec tricks, an fd of its own, a kill(-1) outside a namespace it owns, the
 * caller's terminal to a command started in a new session, or a change to
 * the environment it was not asked for. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static void security_fini(void);

TestSuite(security, .fini = security_fini, .timeout = HS_SUITE_TIMEOUT);

#define NOBODY \
	HS_ARGV("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all")

static char tmpdir[64];

static void security_fini(void)
{
	hs_fini();
	if (tmpdir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/nsinit-security-XXXXXX");
	cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
	cr_assert(chmod(tmpdir, 0777) == 0);
}

/* ------------------------------------------------------ /proc options */

/* The per-mount options of the topmost mount on /proc in a mountinfo text;
 * false if none is a proc. */
static bool proc_mount_options(const char *mountinfo, char *opts, size_t n)
{
	bool found = false;
	const char *s = mountinfo;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char line[4096];
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), s);
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE ... */
		char mp[1024], mo[1024];
		const char *sep = strstr(line, " - ");
		if (sep && sscanf(line, "%*s %*s %*s %*s %1023s %1023s", mp, mo) == 2 &&
		    !strcmp(mp, "/proc") && !strncmp(sep + 3, "proc ", 5)) {
			snprintf(opts, n, "%s", mo);
			found = true; /* keep going: the last one is on top */
		}
		s += len + (nl ? 1 : 0);
	}
	return found;
}

static bool has_option(const char *opts, const char *want)
{
	char copy[1024], *save = NULL;
	snprintf(copy, sizeof copy, "%s", opts);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (!strcmp(t, want))
			return true;
	return false;
}

static void check_proc_options(const char *const *prefix, const char *const *opts)
{
	const char *argv[8];
	size_t k = 0;
	for (size_t i = 0; opts && opts[i]; i++)
		argv[k++] = opts[i];
	argv[k++] = "--";
	argv[k++] = "cat";
	argv[k++] = "/proc/self/mountinfo";
	argv[k] = NULL;
	struct hs_opts o = {.prefix = prefix};
	struct hs_proc p;
	hs_run(&p, &o, argv, hs_ms(20000));
	cr_assert_eq(hs_code(&p), 0, "`%s`: %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
		     S(p.err));
	char mo[1024];
	cr_assert(proc_mount_options(S(p.out), mo, sizeof mo), "`%s`: no proc on /proc:\n%s",
		  p.argv_str, S(p.out));
	for (const char *const *w = HS_ARGV("nosuid", "nodev", "noexec"); *w; w++)
		cr_expect(has_option(mo, *w), "`%s`: /proc is mounted '%s', without %s", p.argv_str,
			  mo, *w);
	hs_cleanup(&p);
}

Test(security, proc_is_nosuid_nodev_noexec)
{
	check_proc_options(NULL, NULL);
}

Test(security, proc_is_nosuid_nodev_noexec_with_a_user_namespace)
{
	check_proc_options(NULL, HS_ARGV("--user"));
}

Test(security, proc_is_nosuid_nodev_noexec_rootless)
{
	check_proc_options(NOBODY, NULL);
}

/* --------------------------------------------------- no fd of nsinit's */

static void keep_fd5(void *arg)
{
	(void)arg;
	int fd = open("/dev/null", O_RDONLY); /* not close-on-exec */
	if (fd < 0 || dup2(fd, 5) < 0)
		_exit(124);
	if (fd != 5)
		close(fd);
}

/* Run `[prefix] nsinit OPTS -- probe status`; the command's fds must be `want`. */
static void fds_are(const struct hs_opts *o, const char *const *opts, const char *want)
{
	const char *argv[16];
	size_t k = 0;
	for (size_t i = 0; opts[i]; i++)
		argv[k++] = opts[i];
	argv[k++] = "--";
	argv[k++] = hs_probe();
	argv[k++] = "status";
	argv[k] = NULL;
	struct hs_proc p;
	hs_run(&p, o, argv, hs_ms(20000));
	cr_assert_eq(hs_code(&p), 0, "`%s`: %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
		     S(p.err));
	char line[256] = "";
	hs_find_line(S(p.out), "fds:", line, sizeof line);
	cr_expect_str_eq(line, want, "`%s`: the command's fds are '%s', expected '%s'\n%s",
			 p.argv_str, line, want, S(p.out));
	hs_cleanup(&p);
}

/* -v, --events=FILE and --pid-file=FILE each give nsinit an fd or a log of
 * its own; none of it reaches the command, in any role, and an fd the
 * caller passed still does. */
Test(security, no_fd_of_nsinit_reaches_the_command)
{
	make_tmpdir();
	char events[128], pidfile[128];
	snprintf(events, sizeof events, "--events=%s/events.json", tmpdir);
	snprintf(pidfile, sizeof pidfile, "--pid-file=%s/pid", tmpdir);
	const char *const *variants[] = {
		HS_ARGV("-v"),
		HS_ARGV(events),
		HS_ARGV(pidfile),
		HS_ARGV("-v", events, pidfile),
		HS_ARGV("--no-namespace", "-v", events, pidfile),
		HS_ARGV("-s", "-v", events),
	};
	struct hs_opts plain = {0}, with5 = {.prep = keep_fd5};
	struct hs_opts init = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
						 "--kill-child")};
	struct hs_opts init5 = {.prefix = init.prefix, .prep = keep_fd5};
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		fds_are(&plain, variants[i], "fds: 0 1 2");
		fds_are(&with5, variants[i], "fds: 0 1 2 5");
	}
	/* nsinit as PID 1 (no relay), where PID 1 keeps the events file. */
	fds_are(&init, HS_ARGV("-v", events, pidfile), "fds: 0 1 2");
	fds_are(&init5, HS_ARGV("-v", events, pidfile), "fds: 0 1 2 5");
	/* The events variants did open their file: the fd was there to leak. */
	struct stat st;
	char path[128];
	snprintf(path, sizeof path, "%s/events.json", tmpdir);
	cr_expect(stat(path, &st) == 0 && st.st_size > 0, "nsinit wrote no events to %s", path);
}

/* ------------------------------------------- kill(-1) stays at home */

/*
 * The sandbox: a PID namespace of the test's own (so that a kill(-1) by
 * mistake can only hurt the sandbox), whose shell starts the victim, an
 * unrelated process of uid 65534 that is not nsinit's descendant, and then
 * runs nsinit (as root or as 65534). After nsinit returns, it lists every
 * process of the sandbox.
 */
static const char sandbox_script[] =
	"f=$(mktemp -u); mkfifo -m 600 \"$f\"; "
	"setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "
	"\"$SANDBOX_PROBE\" spawn-bg 0 stay <&- >\"$f\" 2>/dev/null & v=$!; "
	"read ready <\"$f\"; rm -f \"$f\"; "
	"if [ -n \"$SANDBOX_AS_NOBODY\" ]; then "
	"setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \"$0\" \"$@\"; "
	"else \"$0\" \"$@\"; fi; "
	"echo \"nsinit=$?\"; echo \"victim=$v\"; "
	"ps -e -o pid=,stat=,user=,comm= >\"$f\"; while read pid stat user comm; do "
	"[ \"$comm\" = ps ] || echo \"proc $pid $stat $user $comm\"; done <\"$f\"; rm -f \"$f\"";

static void victim_survives(const char *role, bool as_nobody, const char *kill_child)
{
	char env_probe[PATH_MAX];
	snprintf(env_probe, sizeof env_probe, "SANDBOX_PROBE=%s", hs_probe());
	struct hs_opts o = {
		.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "sh",
				  "-c", sandbox_script),
		.env = (const char *const[]){env_probe,
					     as_nobody ? "SANDBOX_AS_NOBODY=1" : "SANDBOX_AS_NOBODY=",
					     NULL},
	};
	struct hs_proc p;
	/* The command leaves 3 processes for the shutdown to kill. */
	hs_run(&p, &o,
	       HS_ARGV(role, kill_child, "--grace=2s", "--", "sh", "-c",
		       "\"$0\" spawn-bg 3 >/dev/null; echo command-done; exit 3", hs_probe()),
	       hs_ms(30000));
	const char *out = S(p.out);
	char ctx[128];
	snprintf(ctx, sizeof ctx, "nsinit %s %s as %s", role, kill_child,
		 as_nobody ? "uid 65534" : "root");
	cr_assert_eq(hs_code(&p), 0, "%s: the sandbox failed: %s\nstdout:\n%s\nstderr:\n%s", ctx,
		     hs_status_str(&p), out, S(p.err));
	cr_expect(strstr(out, "command-done\nnsinit=3\n"), "%s: the command did not run, or "
		  "nsinit's code is not its 3:\n%s\nstderr:\n%s", ctx, out, S(p.err));
	int victim = 0;
	const char *v = strstr(out, "victim=");
	cr_assert(v && sscanf(v, "victim=%d", &victim) == 1, "%s:\n%s", ctx, out);
	/* What is left: the sandbox's shell (1) and the victim, alive. */
	char want[64], line[256];
	snprintf(want, sizeof want, "proc %d ", victim);
	bool found = hs_find_line(out, want, line, sizeof line);
	cr_expect(found, "%s: the victim %d is gone: nsinit signalled a process that is not its "
		  "descendant\n%s", ctx, victim, out);
	if (found) {
		char stat[16] = "", user[32] = "";
		sscanf(line, "proc %*d %15s %31s", stat, user);
		cr_expect(stat[0] == 'S' || stat[0] == 'R', "%s: the victim is '%s' (%s)", ctx, stat,
			  line);
		cr_expect(!strcmp(user, "nobody") || !strcmp(user, "65534"), "%s: victim: %s", ctx,
			  line);
	}
	int procs = hs_count_regex(out, "^proc ");
	cr_expect_eq(procs, 2, "%s: expected the sandbox's shell and the victim only; what the "
		     "command left survived:\n%s", ctx, out);
	hs_cleanup(&p);
}

Test(security, no_namespace_never_kills_outside_as_root)
{
	victim_survives("--no-namespace", false, "--kill-child=KILL");
}

Test(security, subreaper_never_kills_outside_as_root)
{
	victim_survives("-s", false, "--kill-child=KILL");
}

Test(security, no_namespace_never_kills_outside_as_the_same_user)
{
	victim_survives("--no-namespace", true, "--kill-child=KILL");
}

Test(security, subreaper_never_kills_outside_as_the_same_user)
{
	victim_survives("-s", true, "--kill-child=KILL");
}

/* A kill-child signal other than SIGKILL adds SIGCONT and, after the grace
 * period, SIGKILL: none of them may leave the subtree either. */
Test(security, staged_shutdown_never_kills_outside)
{
	victim_survives("--no-namespace", true, "--kill-child=TERM");
	victim_survives("-s", false, "--kill-child=HUP");
}

/* ------------------------------------------------------------ TIOCSTI */

static char slave_path[64];

/* prep: the pty's slave as stdin (setsid -c then makes it the controlling
 * terminal of the new session nsinit leads). */
static void slave_as_stdin(void *arg)
{
	(void)arg;
	int fd = open(slave_path, O_RDWR | O_NOCTTY);
	if (fd < 0 || dup2(fd, 0) < 0)
		_exit(124);
	if (fd != 0)
		close(fd);
}

static int legacy_tiocsti(void)
{
	char *s = hs_slurp("/proc/sys/dev/tty/legacy_tiocsti");
	int v = s ? atoi(s) : 1; /* before 6.2 there is no switch: always allowed */
	free(s);
	return v;
}

/*
 * A shell leads a session whose controlling terminal is a pty of the test
 * (`setsid -w -c`: a session of its own, the terminal taken from stdin),
 * and runs nsinit as a child, as your login shell does. The command tries
 * ioctl(0, TIOCSTI, "x"). Returns its report ("injected" or "refused
 * <errno>") in `result`, and how many bytes of input reached the terminal
 * in `pushed`.
 */
#define SHELL_OWNS_TTY HS_ARGV("setsid", "-w", "-c", "sh", "-c", "\"$0\" \"$@\"; exit $?")
static void try_tiocsti(const char *const *opts, char *result, size_t n, int *pushed)
{
	const char *python = "/usr/bin/python3";
	if (access(python, X_OK) != 0)
		cr_skip_test("%s is missing", python);
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0,
		  "posix_openpt: %s", strerror(errno));
	cr_assert(ptsname_r(master, slave_path, sizeof slave_path) == 0);
	int slave = open(slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(slave >= 0, "open %s: %s", slave_path, strerror(errno));
	/* Not canonical, so that one pushed byte counts as input at once;
	 * echo on, so that it also shows at the master. */
	struct termios t;
	cr_assert(tcgetattr(slave, &t) == 0);
	t.c_lflag &= ~(tcflag_t)ICANON;
	t.c_lflag |= ECHO;
	cr_assert(tcsetattr(slave, TCSANOW, &t) == 0);

	const char *argv[16];
	size_t k = 0;
	for (size_t i = 0; opts[i]; i++)
		argv[k++] = opts[i];
	argv[k++] = "--";
	argv[k++] = python;
	argv[k++] = "-c";
	argv[k++] = "import fcntl, termios\n"
		    "try:\n"
		    "    fcntl.ioctl(0, termios.TIOCSTI, b'x')\n"
		    "    print('injected', flush=True)\n"
		    "except OSError as e:\n"
		    "    print('refused', e.errno, flush=True)\n";
	argv[k] = NULL;
	struct hs_opts o = {.prefix = SHELL_OWNS_TTY, .prep = slave_as_stdin};
	struct hs_proc p;
	hs_run(&p, &o, argv, hs_ms(30000));
	cr_assert_eq(hs_code(&p), 0, "`%s`: %s\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.out), S(p.err));
	snprintf(result, n, "%s", S(p.out));
	result[strcspn(result, "\n")] = 0;

	/* Input pushed into the terminal waits in its input queue... */
	int queued = 0;
	cr_assert(ioctl(slave, FIONREAD, &queued) == 0, "FIONREAD: %s", strerror(errno));
	/* ...and its echo went out to the master, ahead of a marker we write
	 * now: read the master up to the marker. */
	cr_assert_eq(write(slave, "#", 1), 1);
	char buf[256];
	size_t got = 0;
	long long deadline = hs_now_ms() + hs_ms(5000);
	while (!memchr(buf, '#', got) && got < sizeof buf && hs_now_ms() < deadline) {
		struct pollfd pf = {.fd = master, .events = POLLIN};
		if (poll(&pf, 1, 100) == 1) {
			ssize_t r = read(master, buf + got, sizeof buf - got);
			if (r > 0)
				got += (size_t)r;
		}
	}
	cr_assert(memchr(buf, '#', got), "the marker never reached the master");
	int echoed = (int)((char *)memchr(buf, '#', got) - buf);
	cr_expect_eq(echoed, queued, "%d byte(s) queued as input, %d echoed to the master",
		     queued, echoed);
	*pushed = queued;
	hs_cleanup(&p);
	close(slave);
	close(master);
}

/* A command started in a new session (and without CAP_SYS_ADMIN, which the
 * kernel lets push input into any terminal) cannot push input into the
 * terminal nsinit was given. */
Test(security, new_session_command_cannot_push_input)
{
	char result[128];
	int pushed = -1;
	try_tiocsti(HS_ARGV("--new-session", "--cap-drop=all"), result, sizeof result, &pushed);
	cr_expect(!strcmp(result, "refused 1") || !strcmp(result, "refused 5"),
		  "TIOCSTI from the command: '%s' (expected EPERM, or EIO where "
		  "dev.tty.legacy_tiocsti is 0)", result);
	cr_expect_eq(pushed, 0, "%d byte(s) of input arrived in the terminal", pushed);
}

/* Dropping CAP_SYS_ADMIN alone is enough. */
Test(security, new_session_without_cap_sys_admin_cannot_push_input)
{
	char result[128];
	int pushed = -1;
	try_tiocsti(HS_ARGV("--new-session", "--cap-drop=cap_sys_admin"), result, sizeof result,
		    &pushed);
	cr_expect(!strcmp(result, "refused 1") || !strcmp(result, "refused 5"),
		  "TIOCSTI from the command: '%s'", result);
	cr_expect_eq(pushed, 0, "%d byte(s) of input arrived in the terminal", pushed);
}

/*
 * The limit of --new-session: the kernel lets a process holding
 * CAP_SYS_ADMIN push input into any terminal, its own or not, whatever
 * dev.tty.legacy_tiocsti says. nsinit run as root gives the command every
 * capability unless told otherwise, so --new-session alone does not keep
 * such a command off the caller's terminal; --cap-drop=cap_sys_admin (or
 * all), or running nsinit rootless, does.
 */
Test(security, new_session_does_not_bind_a_command_with_cap_sys_admin)
{
	char result[128];
	int pushed = -1;
	try_tiocsti(HS_ARGV("--new-session"), result, sizeof result, &pushed);
	cr_expect_str_eq(result, "injected", "a command with CAP_SYS_ADMIN: '%s'", result);
	cr_expect_eq(pushed, 1, "%d byte(s) of input arrived", pushed);
}

/*
 * Documented behaviour without --new-session: the command shares nsinit's
 * session and controlling terminal, as a program run from a shell does. It
 * can push input into it when the kernel allows TIOCSTI at all
 * (dev.tty.legacy_tiocsti = 1, or kernels before 6.2), and cannot when that
 * switch is 0.
 */
Test(security, without_new_session_the_command_shares_the_terminal)
{
	char result[128];
	int pushed = -1;
	try_tiocsti(HS_ARGV("--cap-drop=all"), result, sizeof result, &pushed);
	if (legacy_tiocsti()) {
		cr_expect_str_eq(result, "injected", "legacy_tiocsti=1: the command shares the "
				 "terminal and may push input: '%s'", result);
		cr_expect_eq(pushed, 1, "%d byte(s) of input arrived", pushed);
	} else {
		cr_expect_str_eq(result, "refused 5", "legacy_tiocsti=0: the kernel refuses "
				 "TIOCSTI (EIO): '%s'", result);
		cr_expect_eq(pushed, 0, "%d byte(s) of input arrived", pushed);
	}
}

/* --new-session and DUMB_INIT_SETSID=1 do what dumb-init does: where
 * nsinit leads the terminal's session (a container's -t, ssh -t), the
 * command's new session takes the terminal as its controlling terminal
 * (tty_nr in its stat is not 0), so /dev/tty and job control work; under
 * a shell that owns the terminal it runs without one. */
Test(security, new_session_takes_a_terminal_nsinit_leads)
{
	const struct {
		const char *what, *const *prefix, *env, *opt;
		bool ctty;
	} rows[] = {
		{ "--new-session, nsinit leads", HS_ARGV("setsid", "-w", "-c"), NULL, "--new-session", true },
		{ "DUMB_INIT_SETSID=1, nsinit leads", HS_ARGV("setsid", "-w", "-c"), "DUMB_INIT_SETSID=1", "-v", true },
		{ "--new-session -s, nsinit leads", HS_ARGV("setsid", "-w", "-c"), NULL, "--new-session", true },
		{ "--new-session, a shell owns it", SHELL_OWNS_TTY, NULL, "--new-session", false },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
		cr_assert(ptsname_r(master, slave_path, sizeof slave_path) == 0);
		struct hs_opts o = {.prefix = rows[i].prefix, .prep = slave_as_stdin,
				    .env = HS_ARGV(rows[i].env ? rows[i].env : "NSINIT_TEST_UNUSED=1")};
		struct hs_proc p;
		const char *s_opt = i == 2 ? "-s" : "-v";
		hs_run(&p, &o, HS_ARGV(rows[i].opt, s_opt, "--", "sh", "-c",
				       "set -- $(cat /proc/self/stat); echo tty_nr=$7"),
		       hs_ms(30000));
		cr_expect_eq(hs_code(&p), 0, "%s: %s\n%s", rows[i].what, hs_status_str(&p), S(p.err));
		if (rows[i].ctty)
			cr_expect(strstr(S(p.out), "tty_nr=") && !strstr(S(p.out), "tty_nr=0\n"),
				  "%s: the command has no controlling terminal: %s", rows[i].what, S(p.out));
		else
			cr_expect(strstr(S(p.out), "tty_nr=0\n"),
				  "%s: the command took the shell's terminal: %s", rows[i].what, S(p.out));
		hs_cleanup(&p);
		close(master);
	}
}

/* A command that keeps CAP_SYS_PTRACE can take PID 1 over (README): with
 * --new-session PID 1 has then left the caller's session, and holds no
 * controlling terminal to push input into. */
Test(security, with_new_session_pid1_holds_no_terminal)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	cr_assert(ptsname_r(master, slave_path, sizeof slave_path) == 0);
	struct hs_opts o = {.prefix = SHELL_OWNS_TTY, .prep = slave_as_stdin};
	struct hs_proc p;
	hs_run(&p, &o, HS_ARGV("--new-session", "--cap-keep=sys_ptrace", "--", "sh", "-c",
			       "set -- $(cat /proc/1/stat); echo pid1_tty_nr=$7"),
	       hs_ms(30000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.out), "pid1_tty_nr=0\n"), "PID 1 still has the caller's terminal: %s",
		  S(p.out));
	hs_cleanup(&p);
	close(master);
}

/* ------------------------------------------------------ environment */

/* The environment the harness hands nsinit (ours with `extra` replacing
 * entries of the same name), as env -0 prints it. */
static char *expected_env(const char *const *extra, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	cr_assert(buf);
	for (int pass = 0; pass < 2; pass++) {
		const char *const *list = pass == 0 ? (const char *const *)environ : extra;
		for (const char *const *e = list; *e; e++) {
			if (pass == 0) {
				size_t key = strcspn(*e, "=");
				bool replaced = false;
				for (const char *const *x = extra; *x; x++)
					if (!strncmp(*x, *e, key) && (*x)[key] == '=')
						replaced = true;
				if (replaced)
					continue;
			}
			size_t l = strlen(*e) + 1;
			while (n + l > cap) {
				cap *= 2;
				buf = realloc(buf, cap);
				cr_assert(buf);
			}
			memcpy(buf + n, *e, l);
			n += l;
		}
	}
	*len = n;
	return buf;
}

/* First difference between two NUL-separated lists, for the message. */
static void first_difference(const char *a, size_t alen, const char *b, size_t blen, char *msg,
			     size_t n)
{
	size_t i = 0;
	while (i < alen && i < blen && a[i] == b[i])
		i++;
	size_t start = i;
	while (start > 0 && a[start - 1])
		start--;
	snprintf(msg, n, "at byte %zu: outside '%.200s', inside '%.200s'", i,
		 start < alen ? a + start : "(end)", start < blen ? b + start : "(end)");
}

static char long_value[100 * 1024 + 32];

static void compare_env(const struct hs_opts *base, const char *const *opts,
			const char *const *extra, const char *changed_from, const char *changed_to)
{
	struct hs_opts o = *base;
	o.env = extra;
	const char *argv[16];
	size_t k = 0;
	for (size_t i = 0; opts && opts[i]; i++)
		argv[k++] = opts[i];
	argv[k++] = "--";
	argv[k++] = "env";
	argv[k++] = "-0";
	argv[k] = NULL;
	struct hs_proc p;
	hs_run(&p, &o, argv, hs_ms(20000));
	cr_assert_eq(hs_code(&p), 0, "`%.300s`: %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
		     S(p.err));
	size_t wlen;
	char *want = expected_env(extra, &wlen);
	if (changed_from) {
		/* The one documented change: replace that entry in `want`. */
		char *at = NULL;
		for (size_t i = 0; i < wlen; i += strlen(want + i) + 1)
			if (!strcmp(want + i, changed_from))
				at = want + i;
		cr_assert(at, "test bug: %s not in the environment", changed_from);
		size_t old = strlen(changed_from) + 1, neu = strlen(changed_to) + 1;
		want = realloc(want, wlen + neu + 1);
		at = NULL;
		for (size_t i = 0; i < wlen; i += strlen(want + i) + 1)
			if (!strcmp(want + i, changed_from))
				at = want + i;
		memmove(at + neu, at + old, wlen - (size_t)(at - want) - old);
		memcpy(at, changed_to, neu);
		wlen = wlen - old + neu;
	}
	char msg[600] = "";
	bool same = p.out.len == wlen && !memcmp(S(p.out), want, wlen);
	if (!same)
		first_difference(want, wlen, S(p.out), p.out.len, msg, sizeof msg);
	cr_expect(same, "options '%s...': the environment changed (%zu bytes outside, %zu "
		  "inside) %s", opts && opts[0] ? opts[0] : "", wlen, p.out.len, msg);
	free(want);
	hs_cleanup(&p);
}

static const char *const *unusual_env(void)
{
	memset(long_value, 'L', sizeof long_value - 1);
	memcpy(long_value, "NSINIT_T_LONG=", 14);
	long_value[sizeof long_value - 1] = 0;
	static const char *env[16];
	size_t k = 0;
	env[k++] = "NSINIT_T_EMPTY=";
	env[k++] = "NSINIT_T_EQUALS=a=b==c=";
	env[k++] = "NSINIT_T_NEWLINE=line one\nline two\n";
	env[k++] = long_value;
	env[k++] = "NSINIT_T_SPACES=  lead and trail  ";
	env[k++] = "NSINIT_T_BYTES=\x01\x7f\xff\xfe tab\there";
	env[k++] = "NSINIT_T_QUOTES='\"$HOME`id`\\";
	env[k++] = "TINI_KILL_PROCESS_GROUP=";  /* read by nsinit, passed on */
	env[k++] = "DUMB_INIT_SETSID=0";
	env[k++] = "LISTEN_FDS=1";
	env[k] = NULL;
	return env;
}

Test(security, environment_reaches_the_command_unchanged)
{
	if (hs_wrapped())
		cr_skip_test("NSINIT_WRAP set: valgrind adds variables of its own (LD_PRELOAD, "
			     "GLIBCXX_FORCE_NEW, ...) to the command's environment");
	const char *const *env = unusual_env();
	struct hs_opts plain = {0};
	struct hs_opts init = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
						 "--kill-child")};
	struct hs_opts nobody = {.prefix = NOBODY};
	compare_env(&plain, NULL, env, NULL, NULL);
	compare_env(&plain, HS_ARGV("-v"), env, NULL, NULL);
	compare_env(&plain, HS_ARGV("--no-namespace"), env, NULL, NULL);
	compare_env(&plain, HS_ARGV("-s", "--new-session"), env, NULL, NULL);
	compare_env(&init, NULL, env, NULL, NULL);
	compare_env(&nobody, NULL, env, NULL, NULL);
}

/* LISTEN_PID that names nsinit becomes the command's own pid (2, in the
 * namespace); any other value passes through untouched. */
static char listen_pid[64] = "LISTEN_PID=0000000000";

static void listen_pid_is_self(void *arg)
{
	(void)arg;
	/* The harness's environment points at this buffer: in this child,
	 * about to exec nsinit, make it name nsinit. */
	snprintf(listen_pid, sizeof listen_pid, "LISTEN_PID=%d", (int)getpid());
}

Test(security, listen_pid_is_the_only_documented_change)
{
	if (hs_wrapped())
		cr_skip_test("NSINIT_WRAP set: valgrind adds variables of its own (LD_PRELOAD, "
			     "GLIBCXX_FORCE_NEW, ...) to the command's environment");
	const char *const *u = unusual_env();
	const char *env[20];
	size_t k = 0;
	for (; u[k]; k++)
		env[k] = u[k];
	env[k++] = listen_pid;
	env[k] = NULL;

	/* Naming nsinit: rewritten. The expected list is computed here, in
	 * the test process, where the buffer still says 0000000000. */
	struct hs_opts self = {.prep = listen_pid_is_self};
	compare_env(&self, NULL, env, "LISTEN_PID=0000000000", "LISTEN_PID=2");

	/* Naming another process (ours): unchanged. */
	snprintf(listen_pid, sizeof listen_pid, "LISTEN_PID=%d", (int)getpid());
	struct hs_opts plain = {0};
	compare_env(&plain, NULL, env, NULL, NULL);
}

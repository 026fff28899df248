/* The command's child (spawn/child.c) runs the same code whether it shares
 * PID 1's memory (clone3 with CLONE_VM) or is a fork (clone3 refused, as by
 * seccomp here): every row runs both ways and must give the same exit code
 * and the same output. The rows take each of its paths: the PATH search,
 * execve's refusals and their reports, a script without #!, a missing
 * interpreter, --run-as, the capability sets, a session of its own,
 * LISTEN_PID and the signal mask. */
#include "harness.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct row {
	const char *what;
	const char *const *argv; /* nsinit's; "@" is replaced by the script */
	const char *script;      /* the script's text, or NULL */
	const char *const *env;
	int code;
	const char *out; /* stdout, whole */
	const char *err; /* a part of stderr, or NULL */
	bool unwrapped;  /* valgrind cannot predict this execve's failure */
	bool listen_pid; /* LISTEN_PID names nsinit, as socket activation does */
};

/* The harness builds the environment before it forks; the process about
 * to exec nsinit (through noclone3 or not: the same pid) fills this entry
 * of it in place, as a service manager names the process it starts. */
static char listen_pid[32] = "LISTEN_PID=0000000000";

static void name_nsinit(void *arg)
{
	(void)arg;
	snprintf(listen_pid, sizeof(listen_pid), "LISTEN_PID=%d", (int)getpid());
}

/* The script rows' file, made executable in a directory of its own. */
static void make_script(char *path, size_t len, const char *text)
{
	char dir[] = "/tmp/nsinit-child-XXXXXX";
	int fd;

	cr_assert(mkdtemp(dir), "mkdtemp");
	snprintf(path, len, "%s/script", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	cr_assert(fd >= 0, "cannot create %s", path);
	cr_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void remove_script(const char *path)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	unlink(path);
	rmdir(dir);
}

static void run_row(const struct row *r, bool refuse_clone3)
{
	const char *noclone3 = getenv("NSINIT_NOCLONE3");
	const char *const *prefix = HS_ARGV(noclone3); /* lives as long as o */
	const char *argv[16];
	char script[4096] = "";
	struct hs_opts o = { .env = r->env, .prep = r->listen_pid ? name_nsinit : NULL };
	struct hs_proc p;
	size_t i;

	cr_assert(noclone3, "NSINIT_NOCLONE3 is not set (run through make check)");
	if (refuse_clone3)
		o.prefix = prefix;
	if (r->script)
		make_script(script, sizeof(script), r->script);
	for (i = 0; r->argv[i] && i < sizeof(argv) / sizeof(argv[0]) - 1; i++)
		argv[i] = strcmp(r->argv[i], "@") == 0 ? script : r->argv[i];
	argv[i] = NULL;
	hs_run(&p, &o, argv, hs_ms(10000));
	cr_expect_eq(hs_code(&p), r->code, "%s (%s): %s; stderr:\n%s", r->what,
		     refuse_clone3 ? "fork" : "clone3", hs_status_str(&p), S(p.err));
	if (r->out)
		cr_expect_str_eq(S(p.out), r->out, "%s (%s)", r->what,
				 refuse_clone3 ? "fork" : "clone3");
	if (r->err)
		cr_expect(strstr(S(p.err), r->err), "%s (%s): stderr:\n%s", r->what,
			  refuse_clone3 ? "fork" : "clone3", S(p.err));
	hs_cleanup(&p);
	if (r->script)
		remove_script(script);
}

Test(child, same_outcome_with_clone3_and_with_a_fork)
{
	const struct row rows[] = {
		{ .what = "found in PATH", .argv = HS_ARGV("--", "sh", "-c", "echo ran; exit 3"),
		  .code = 3, .out = "ran\n" },
		{ .what = "PATH set by the caller",
		  .argv = HS_ARGV("--", "env", "sh", "-c", "echo \"$PATH\""),
		  .env = HS_ARGV("PATH=/nonexistent:/usr/bin:/bin"),
		  .out = "/nonexistent:/usr/bin:/bin\n" },
		{ .what = "not in PATH", .argv = HS_ARGV("--", "nsinit-no-such-command"),
		  .code = 127, .out = "", .err = "cannot run 'nsinit-no-such-command'" },
		{ .what = "no such file", .argv = HS_ARGV("--", "/nonexistent/command"), .code = 127,
		  .out = "", .err = "cannot run '/nonexistent/command'" },
		{ .what = "not executable", .argv = HS_ARGV("--", "/etc/passwd"), .code = 126,
		  .out = "", .err = "cannot run '/etc/passwd': it is not executable" },
		{ .what = "a script without #!: /bin/sh runs it", .argv = HS_ARGV("--", "@", "arg"),
		  .script = "echo \"script $1\"\n", .out = "script arg\n" },
		{ .what = "a missing #! interpreter", .argv = HS_ARGV("--", "@"),
		  .script = "#!/nonexistent/interpreter\n", .code = 127, .out = "",
		  .err = "its #! interpreter '/nonexistent/interpreter' was not found",
		  .unwrapped = true },
		{ .what = "--run-as",
		  .argv = HS_ARGV("--run-as=65534:65534", "--", "sh", "-c", "id -u; id -g"),
		  .out = "65534\n65534\n" },
		{ .what = "--cap-drop=all",
		  .argv = HS_ARGV("--cap-drop=all", "--", "grep", "^CapEff", "/proc/self/status"),
		  .out = "CapEff:\t0000000000000000\n" },
		{ .what = "--new-session",
		  .argv = HS_ARGV("--new-session", "--", "sh", "-c",
				  "[ \"$(ps -o sid= -p $$)\" -eq $$ ] && echo leads"),
		  .out = "leads\n" },
		{ .what = "LISTEN_PID",
		  .argv = HS_ARGV("--", "sh", "-c", "[ \"$LISTEN_PID\" = $$ ] && echo own"),
		  .env = HS_ARGV(listen_pid), .out = "own\n", .listen_pid = true },
		{ .what = "the signal mask given back",
		  .argv = HS_ARGV("--", "grep", "^SigBlk", "/proc/self/status"),
		  .out = "SigBlk:\t0000000000000000\n" },
	};

	if (getuid() != 0)
		cr_skip_test("--run-as and --cap-drop take root");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].unwrapped && hs_wrapped())
			continue;
		run_row(&rows[i], false);
		run_row(&rows[i], true);
	}
}

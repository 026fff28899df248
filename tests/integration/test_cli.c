/*
 * Command line, as a user meets it: two tables. Bad input is refused with
 * one line and exit 125. Every option in use shows an effect a user would
 * see (what the command prints, a log line, an exit code, a file, when
 * nsinit ends), so a row fails if nsinit ignored the option.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(cli, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define ROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* Indices 0..n-1 as Criterion parameters: one test per row. */
#define ROW_PARAMS(n)                                                                      \
	static int idx[n];                                                                 \
	for (int i = 0; i < (n); i++)                                                      \
		idx[i] = i;                                                                \
	return cr_make_param_array(int, idx, (size_t)(n))

/* ------------------------------------------------------------ bad input */

static const struct usage_row {
	const char *const *args;
	const char *phrase; /* in the one stderr line; NULL: any */
} usage_rows[] = {
	{HS_ARGV("--foo", "--", "true"), "unknown option '--foo' (see 'nsinit --help')"},
	{HS_ARGV("-Z", "true"), "unknown option"},
	{HS_ARGV("--kill-child=FOO", "--", "true"), "unknown signal 'FOO'"},
	{HS_ARGV("--kill-child=999", "--", "true"), NULL},
	{HS_ARGV("--kill-child=RTMIN+999", "--", "true"), NULL},
	{HS_ARGV("--grace=xyz", "--", "true"), "bad duration 'xyz'"},
	{HS_ARGV("--grace=-1", "--", "true"), "bad duration '-1'"},
	{HS_ARGV("--grace=10x", "--", "true"), "bad duration '10x'"},
	{HS_ARGV("--grace=", "--", "true"), "bad duration ''"},
	{HS_ARGV("--timeout=soon", "--", "true"), "bad duration 'soon'"},
	{HS_ARGV("-e", "x", "--", "true"), NULL},
	{(const char *const[]){NULL}, "no command given"},
	{HS_ARGV("--"), "no command given"},
	{HS_ARGV("-v", "--kill-child=TERM"), "no command given"},
};

ParameterizedTestParameters(cli, usage_error)
{
	ROW_PARAMS(ROWS(usage_rows));
}

/* Exit 125, nothing on stdout, one stderr line "nsinit: ... (see 'nsinit
 * --help')" with the row's phrase. */
ParameterizedTest(int *i, cli, usage_error)
{
	const struct usage_row *r = &usage_rows[*i];
	struct hs_proc p;
	hs_run(&p, NULL, r->args, hs_ms(10000));
	const char *err = S(p.err);
	cr_expect_eq(hs_code(&p), 125, "`%s`: expected exit 125, got %s; stderr:\n%s", p.argv_str,
		     hs_status_str(&p), err);
	cr_expect_eq(hs_count_lines(err), 1, "`%s`: expected exactly one stderr line:\n%s",
		     p.argv_str, err);
	cr_expect(!strncmp(err, "nsinit: ", 8), "`%s`: stderr does not start with 'nsinit: ':\n%s",
		  p.argv_str, err);
	cr_expect(!r->phrase || strstr(err, r->phrase), "`%s`: stderr lacks \"%s\":\n%s",
		  p.argv_str, r->phrase, err);
	const char *tail = "(see 'nsinit --help')\n";
	cr_expect(p.err.len >= strlen(tail) && !strcmp(err + p.err.len - strlen(tail), tail),
		  "`%s`: stderr does not end with (see 'nsinit --help'):\n%s", p.argv_str, err);
	cr_expect_eq(p.out.len, 0, "`%s`: unexpected stdout:\n%s", p.argv_str, S(p.out));
	hs_cleanup(&p);
}

/* ------------------------------------------------------ option effects */

/* A leftover that traps USR1 in the command's process group, and the
 * command that waits for it: "ready" once both traps are set. */
#define GROUP_SCRIPT                                                                       \
	"trap 'echo command-got-USR1' USR1; "                                              \
	"(trap 'echo group-member-got-USR1; exit 0' USR1; echo ready; "                    \
	"while :; do sleep 1 & wait $!; done) & wait; wait"
/* A command that outlives a stop signal: it reports it and goes on. */
#define TERM_SURVIVOR "trap 'echo got-TERM' TERM; echo ready; while :; do sleep 1 & wait $!; done"
/* A leftover that reads nsinit's stdin after the command has exited. */
#define STDIN_LEFTOVER "exec 3<&0; (read x <&3; echo leftover-read-$x) & echo started"
/* The command's session is its own: sid == pid in /proc/$$/stat. */
#define SESSION_SCRIPT                                                                     \
	"read -r pid comm state ppid pgrp sid rest </proc/$$/stat; "                       \
	"if [ \"$sid\" = \"$$\" ]; then echo own-session; else echo session-$sid; fi"

struct effect_row {
	const char *what;
	/* nsinit's arguments; in a word, @P is the probe, @F a fresh file. */
	const char *const *args;
	/* Once this is on stdout or stderr: send sig to nsinit, or write input
	 * to its stdin. */
	const char *when;
	int sig;
	const char *input;
	int code;                   /* nsinit's exit status */
	const char *out_re, *err_re; /* a line of stdout / stderr matches */
	const char *out_eq;         /* stdout is exactly this */
	const char *file_re;        /* a line of @F matches, after the run */
	long min_ms, max_ms;        /* exit this long after `when` (or the start) */
	bool pid_file;              /* stdout is PID 1's pid, as -v logs it */
};

static const struct effect_row effect_rows[] = {
	{"--kill-child=TERM: a leftover gets SIGTERM",
	 HS_ARGV("--kill-child=TERM", "--", "@P", "bg-signals"), .out_re = "^SIGTERM$"},
	{"--kill-child=term (any case)",
	 HS_ARGV("--kill-child=term", "--", "@P", "bg-signals"), .out_re = "^SIGTERM$"},
	{"--kill-child=SIGHUP (SIG prefix)",
	 HS_ARGV("--kill-child=SIGHUP", "--", "@P", "bg-signals"), .out_re = "^SIGHUP$"},
	{"--kill-child=10 (a number)",
	 HS_ARGV("--kill-child=10", "--", "@P", "bg-signals"), .out_re = "^SIGUSR1$"},
	{"--grace: SIGKILL that long after a TERM-ignoring leftover (default 5 s)",
	 HS_ARGV("--kill-child=TERM", "--grace=300ms", "--", "@P", "ignore-term-child"),
	 .out_re = "^armed ", .min_ms = 300, .max_ms = 4000},
	{"-w: a warning for the orphan reaped",
	 HS_ARGV("-w", "--", "@P", "orphan-exit", "7"),
	 .err_re = "^nsinit: reaped zombie [0-9]+ \\(probe\\): exited 7$"},
	{"-v: PID 1 logs what it does",
	 HS_ARGV("-v", "--", "true"), .err_re = "^nsinit: command 2 exited 0$"},
	{"-e 3: exit 3 is reported as 0", HS_ARGV("-e", "3", "--", "sh", "-c", "exit 3"), .code = 0},
	{"-e 3: exit 4 is still 4", HS_ARGV("-e", "3", "--", "sh", "-c", "exit 4"), .code = 4},
	{"--uts=NAME: the command's hostname",
	 HS_ARGV("--uts=nsinit-cli-host", "--", "cat", "/proc/sys/kernel/hostname"),
	 .out_eq = "nsinit-cli-host\n"},
	{"--net: only the loopback interface, up",
	 HS_ARGV("--net", "--", "@P", "netif"), .out_eq = "lo up\n"},
	{"--pid-file: PID 1's pid as the caller sees it, there when the command starts",
	 HS_ARGV("-v", "--pid-file=@F", "--", "cat", "@F"), .pid_file = true},
	{"--no-new-privs: the command runs with no_new_privs",
	 HS_ARGV("--no-new-privs", "--", "grep", "NoNewPrivs", "/proc/self/status"),
	 .out_re = "^NoNewPrivs:[[:space:]]+1$"},
	{"--cap-drop=all: no effective capability",
	 HS_ARGV("--cap-drop=all", "--", "grep", "CapEff", "/proc/self/status"),
	 .out_re = "^CapEff:[[:space:]]+0+$"},
	{"--new-session: the command leads a session",
	 HS_ARGV("--new-session", "--", "sh", "-c", SESSION_SCRIPT), .out_eq = "own-session\n"},
	{"-g: a signal reaches the command's process group",
	 HS_ARGV("-g", "--", "sh", "-c", GROUP_SCRIPT), .when = "ready", .sig = SIGUSR1,
	 .out_re = "^group-member-got-USR1$"},
	{"-r TERM:USR1: the command gets USR1 for TERM",
	 HS_ARGV("-r", "TERM:USR1", "--", "@P", "signals", "1"), .when = "ready",
	 .sig = SIGTERM, .out_re = "^SIGUSR1$"},
	{"--stop-delay: a stop signal passes on that long after",
	 HS_ARGV("--stop-delay=300ms", "--", "@P", "signals", "1"), .when = "ready",
	 .sig = SIGTERM, .out_re = "^SIGTERM$", .min_ms = 300},
	{"--stop-timeout: a command outliving a stop is killed that long after it",
	 HS_ARGV("--stop-timeout=300ms", "--", "sh", "-c", TERM_SURVIVOR), .when = "ready",
	 .sig = SIGTERM, .code = 128 + SIGKILL, .out_re = "^got-TERM$", .min_ms = 300},
	{"--timeout: the command is stopped, exit 124",
	 HS_ARGV("--timeout=300ms", "--", "sleep", "60"), .code = 124, .min_ms = 300,
	 .max_ms = 10000},
	{"--wait-all: nsinit stays for a leftover after the command exited",
	 HS_ARGV("-v", "--wait-all", "--", "sh", "-c", STDIN_LEFTOVER),
	 .when = "command 2 exited", .input = "go\n", .out_re = "^leftover-read-go$"},
	{"--events=FILE: JSON lines of what happened",
	 HS_ARGV("--events=@F", "--", "sh", "-c", "exit 5"), .code = 5,
	 .file_re = "^\\{\"event\":\"command_exited\",.*\"exit\":5\\}$"},
};

ParameterizedTestParameters(cli, option_effect)
{
	ROW_PARAMS(ROWS(effect_rows));
}

/* word with @P and @F replaced, in buf */
static const char *expand(const char *word, const char *file, char *buf, size_t n)
{
	size_t k = 0;
	for (const char *s = word; *s && k + 1 < n; s++) {
		const char *sub = s[0] == '@' && s[1] == 'P' ? hs_probe()
				  : s[0] == '@' && s[1] == 'F' ? file
								 : NULL;
		if (!sub) {
			buf[k++] = *s;
			continue;
		}
		k += (size_t)snprintf(buf + k, n - k, "%s", sub);
		s++;
	}
	buf[k < n ? k : n - 1] = 0;
	return buf;
}

static void expect_line(const char *text, const char *ere, const char *what, const char *where,
			const struct hs_proc *p)
{
	cr_expect(hs_count_regex(text, ere) > 0, "%s: no line of %s matches /%s/; `%s` %s\n"
		  "stdout:\n%s\nstderr:\n%s", what, where, ere, p->argv_str, hs_status_str(p),
		  S(p->out), S(p->err));
}

ParameterizedTest(int *i, cli, option_effect)
{
	const struct effect_row *r = &effect_rows[*i];
	char file[] = "/tmp/nsinit-cli-XXXXXX", words[16][512];
	const char *args[16];
	int fd = mkstemp(file);
	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd);
	unlink(file); /* nsinit creates it, or the row fails */
	size_t k = 0;
	for (; r->args[k]; k++)
		args[k] = expand(r->args[k], file, words[k], sizeof words[k]);
	args[k] = NULL;

	struct hs_opts o = {.stdin_pipe = r->input != NULL};
	struct hs_proc p;
	signal(SIGPIPE, SIG_IGN); /* an input nobody reads anymore fails, it does not kill */
	hs_spawn(&p, &o, args);
	long long t0 = hs_now_ms();
	if (r->when) {
		cr_assert(hs_read_until(&p, HS_BOTH, r->when, hs_ms(10000)),
			  "%s: never saw '%s'; `%s` %s\nstdout:\n%s\nstderr:\n%s", r->what, r->when,
			  p.argv_str, hs_status_str(&p), S(p.out), S(p.err));
		t0 = hs_now_ms();
		if (r->sig)
			cr_assert(kill(p.pid, r->sig) == 0, "kill: %s", strerror(errno));
		if (r->input)
			cr_expect(write(p.in_fd, r->input, strlen(r->input)) ==
					  (ssize_t)strlen(r->input),
				  "%s: cannot write to stdin: %s", r->what, strerror(errno));
	}
	hs_close_stdin(&p);
	cr_assert(hs_wait(&p, hs_ms(20000)) && hs_read_eof(&p, HS_BOTH, hs_ms(5000)),
		  "%s: `%s` did not finish (%s)\nstdout:\n%s\nstderr:\n%s", r->what, p.argv_str,
		  hs_status_str(&p), S(p.out), S(p.err));
	long ms = (long)(p.t_exit_ms - t0);

	cr_expect_eq(hs_code(&p), r->code, "%s: `%s` %s, expected exit %d\nstdout:\n%s\nstderr:\n%s",
		     r->what, p.argv_str, hs_status_str(&p), r->code, S(p.out), S(p.err));
	if (r->out_re)
		expect_line(S(p.out), r->out_re, r->what, "stdout", &p);
	if (r->err_re)
		expect_line(S(p.err), r->err_re, r->what, "stderr", &p);
	if (r->out_eq)
		cr_expect_str_eq(S(p.out), r->out_eq, "%s: `%s`: stdout:\n%s", r->what, p.argv_str,
				 S(p.out));
	if (r->min_ms)
		cr_expect_geq(ms, r->min_ms, "%s: exit after %ld ms, expected at least %ld", r->what,
			      ms, r->min_ms);
	if (r->max_ms)
		cr_expect_lt(ms, hs_ms(r->max_ms), "%s: exit after %ld ms, expected under %ld",
			     r->what, ms, hs_ms(r->max_ms));
	if (r->file_re) {
		char *text = hs_slurp(file);
		cr_expect(text && hs_count_regex(text, r->file_re) > 0,
			  "%s: no line of %s matches /%s/:\n%s", r->what, file, r->file_re,
			  text ? text : "(no file)");
		free(text);
	}
	if (r->pid_file) {
		char line[256] = "PID 1 is ?";
		cr_expect(hs_find_line(S(p.err), "PID 1 is ", line, sizeof line), "%s: no log of "
			  "PID 1's pid:\n%s", r->what, S(p.err));
		long logged = atol(strstr(line, "PID 1 is ") + 9);
		cr_expect(logged > 0 && atol(S(p.out)) == logged && hs_count_lines(S(p.out)) == 1,
			  "%s: the command read '%s' from the pid file, PID 1 is %ld", r->what,
			  S(p.out), logged);
	}
	unlink(file);
	hs_cleanup(&p);
}

/* ------------------------------------------------------ help, version */

Test(cli, help_and_version_print_and_run_nothing)
{
	const struct {
		const char *const *args;
		const char *out_re;
	} rows[] = {
		{HS_ARGV("--help", "sh", "-c", "echo RAN; exit 9"), "^  --kill-child"},
		{HS_ARGV("-h"), "^  --grace=DURATION"},
		{HS_ARGV("--version", "sh", "-c", "echo RAN; exit 9"), "^nsinit [^ \t\n]+$"},
		{HS_ARGV("-V"), "^nsinit [^ \t\n]+$"},
	};
	for (int i = 0; i < ROWS(rows); i++) {
		struct hs_proc p;
		hs_run(&p, NULL, rows[i].args, hs_ms(10000));
		cr_expect_eq(hs_code(&p), 0, "`%s`: %s", p.argv_str, hs_status_str(&p));
		cr_expect(hs_count_regex(S(p.out), rows[i].out_re) > 0, "`%s`: no /%s/ in:\n%s",
			  p.argv_str, rows[i].out_re, S(p.out));
		cr_expect(!strstr(S(p.out), "RAN"), "`%s`: the command ran", p.argv_str);
		cr_expect_eq(p.err.len, 0, "`%s`: unexpected stderr:\n%s", p.argv_str, S(p.err));
		hs_cleanup(&p);
	}
}

Test(cli, options_after_command_belong_to_command)
{
	/* Option parsing stops at the first non-option. */
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("sh", "-c", "echo \"$1\"; exit 4", "sh", "--foo"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 4, "expected exit 4, got %s; stderr:\n%s", hs_status_str(&p),
		     S(p.err));
	cr_expect_str_eq(S(p.out), "--foo\n", "stdout:\n%s", S(p.out));
	hs_cleanup(&p);
}

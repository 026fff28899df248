/* Command line: usage errors, --help, --version, signal and duration forms. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

TestSuite(cli, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);


/*
 * Bad input: exit 125, nothing on stdout, exactly one stderr line that starts
 * with "nsinit: ", contains `phrase` (if not NULL) and ends with
 * "(see 'nsinit --help')".
 */
static void expect_usage_error(const char *const *args, const char *phrase)
{
	struct hs_proc p;
	hs_run(&p, NULL, args, hs_ms(10000));
	const char *err = S(p.err);
	cr_expect_eq(hs_code(&p), 125, "`%s`: expected exit 125, got %s; stderr:\n%s", p.argv_str,
		     hs_status_str(&p), err);
	cr_expect_eq(hs_count_lines(err), 1, "`%s`: expected exactly one stderr line, got %d:\n%s",
		     p.argv_str, hs_count_lines(err), err);
	cr_expect(p.err.len > 0 && err[p.err.len - 1] == '\n',
		  "`%s`: stderr is not a terminated line: '%s'", p.argv_str, err);
	cr_expect(!strncmp(err, "nsinit: ", 8), "`%s`: stderr does not start with 'nsinit: ':\n%s",
		  p.argv_str, err);
	if (phrase)
		cr_expect(strstr(err, phrase), "`%s`: stderr lacks \"%s\":\n%s", p.argv_str, phrase,
			  err);
	cr_expect(strstr(err, "(see 'nsinit --help')\n"),
		  "`%s`: stderr does not end with (see 'nsinit --help'):\n%s", p.argv_str, err);
	cr_expect_eq(p.out.len, 0, "`%s`: unexpected stdout:\n%s", p.argv_str, S(p.out));
	hs_cleanup(&p);
}

static void expect_success(const char *const *args)
{
	struct hs_proc p;
	hs_run(&p, NULL, args, hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "`%s`: expected exit 0, got %s\nstdout:\n%s\nstderr:\n%s",
		     p.argv_str, hs_status_str(&p), S(p.out), S(p.err));
	cr_expect_eq(p.err.len, 0, "`%s`: unexpected stderr:\n%s", p.argv_str, S(p.err));
	hs_cleanup(&p);
}

Test(cli, unknown_long_option)
{
	expect_usage_error(HS_ARGV("--foo", "--", "true"),
			   "unknown option '--foo' (see 'nsinit --help')");
}

Test(cli, unknown_long_option_exact_message)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--foo"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "exit: %s", hs_status_str(&p));
	cr_expect_str_eq(S(p.err), "nsinit: unknown option '--foo' (see 'nsinit --help')\n",
			 "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(cli, unknown_short_option)
{
	expect_usage_error(HS_ARGV("-Z", "true"), "unknown option");
}

Test(cli, unknown_signal_name)
{
	expect_usage_error(HS_ARGV("--kill-child=FOO", "--", "true"), "unknown signal 'FOO'");
}

Test(cli, unknown_signal_number)
{
	expect_usage_error(HS_ARGV("--kill-child=999", "--", "true"), NULL);
}

Test(cli, signal_rtmin_out_of_range)
{
	expect_usage_error(HS_ARGV("--kill-child=RTMIN+999", "--", "true"), NULL);
}

Test(cli, bad_duration_word)
{
	expect_usage_error(HS_ARGV("--grace=xyz", "--", "true"), "bad duration 'xyz'");
}

Test(cli, bad_duration_negative)
{
	expect_usage_error(HS_ARGV("--grace=-1", "--", "true"), "bad duration '-1'");
}

Test(cli, bad_duration_unit)
{
	expect_usage_error(HS_ARGV("--grace=10x", "--", "true"), "bad duration '10x'");
}

Test(cli, bad_duration_empty)
{
	expect_usage_error(HS_ARGV("--grace=", "--", "true"), "bad duration ''");
}

Test(cli, no_arguments_at_all)
{
	struct hs_proc p;
	hs_run(&p, NULL, (const char *const[]){NULL}, hs_ms(10000));
	const char *err = S(p.err);
	cr_expect_eq(hs_code(&p), 125, "expected exit 125, got %s; stderr:\n%s", hs_status_str(&p),
		     err);
	cr_expect_eq(hs_count_lines(err), 1, "expected one stderr line:\n%s", err);
	cr_expect(!strncmp(err, "nsinit: ", 8) && strstr(err, "no command given") &&
			  strstr(err, "(see 'nsinit --help')\n"),
		  "stderr:\n%s", err);
	hs_cleanup(&p);
}

Test(cli, missing_command_after_double_dash)
{
	expect_usage_error(HS_ARGV("--"), "no command given");
}

Test(cli, missing_command_after_options)
{
	expect_usage_error(HS_ARGV("-v", "--kill-child=TERM"), "no command given");
}

Test(cli, help)
{
	for (int i = 0; i < 2; i++) {
		struct hs_proc p;
		hs_run(&p, NULL, i ? HS_ARGV("-h") : HS_ARGV("--help"), hs_ms(10000));
		cr_expect_eq(hs_code(&p), 0, "`%s`: expected exit 0, got %s", p.argv_str,
			     hs_status_str(&p));
		cr_expect(strstr(S(p.out), "--kill-child"), "`%s`: stdout lacks --kill-child:\n%s",
			  p.argv_str, S(p.out));
		cr_expect(strstr(S(p.out), "--grace"), "`%s`: stdout lacks --grace:\n%s", p.argv_str,
			  S(p.out));
		cr_expect_eq(p.err.len, 0, "`%s`: unexpected stderr:\n%s", p.argv_str, S(p.err));
		hs_cleanup(&p);
	}
}

Test(cli, help_wins_over_command)
{
	/* --help does not run the command. */
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--help", "sh", "-c", "echo RAN; exit 9"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "expected exit 0, got %s", hs_status_str(&p));
	cr_expect(!strstr(S(p.out), "RAN"), "the command ran:\n%s", S(p.out));
	hs_cleanup(&p);
}

Test(cli, version)
{
	for (int i = 0; i < 2; i++) {
		struct hs_proc p;
		hs_run(&p, NULL, i ? HS_ARGV("-V") : HS_ARGV("--version"), hs_ms(10000));
		cr_expect_eq(hs_code(&p), 0, "`%s`: expected exit 0, got %s", p.argv_str,
			     hs_status_str(&p));
		cr_expect(hs_line_matches(S(p.out), "^nsinit [^ \t\n]+"),
			  "`%s`: stdout does not start with 'nsinit <version>':\n%s", p.argv_str,
			  S(p.out));
		cr_expect_eq(p.err.len, 0, "`%s`: unexpected stderr:\n%s", p.argv_str, S(p.err));
		hs_cleanup(&p);
	}
}

Test(cli, kill_child_lowercase_name)
{
	expect_success(HS_ARGV("--kill-child=term", "--", "true"));
}

Test(cli, kill_child_sig_prefix)
{
	expect_success(HS_ARGV("--kill-child=SIGTERM", "--", "true"));
}

Test(cli, kill_child_plain_name)
{
	expect_success(HS_ARGV("--kill-child=TERM", "--", "true"));
}

Test(cli, kill_child_number)
{
	expect_success(HS_ARGV("--kill-child=15", "--", "true"));
}

Test(cli, kill_child_rtmin_plus)
{
	expect_success(HS_ARGV("--kill-child=RTMIN+2", "--", "true"));
}

Test(cli, kill_child_without_value)
{
	expect_success(HS_ARGV("--kill-child", "--", "true"));
}

Test(cli, grace_milliseconds)
{
	expect_success(HS_ARGV("--grace=500ms", "--", "true"));
}

Test(cli, grace_seconds)
{
	expect_success(HS_ARGV("--grace=2s", "--", "true"));
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

Test(cli, verbose_does_not_break_plain_run)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("-v", "--", "sh", "-c", "echo hi"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "expected exit 0, got %s; stderr:\n%s", hs_status_str(&p),
		     S(p.err));
	cr_expect_str_eq(S(p.out), "hi\n", "stdout:\n%s", S(p.out));
	/* Every verbose line is an "nsinit: " line. */
	int lines = hs_count_lines(S(p.err));
	cr_expect_eq(hs_count_regex(S(p.err), "^nsinit: "), lines,
		     "stderr has non-nsinit lines:\n%s", S(p.err));
	hs_cleanup(&p);
}

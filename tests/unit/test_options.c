/* Command-line parsing: what is accepted, what it means, and the one-line
 * errors for everything else. */
#include "options.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

struct parsed {
	struct options opts;
	enum parse_result result;
	char err[256];
	char *argv[16];
};

/* Parse a NULL-terminated list of arguments (argv[0] is added). */
static struct parsed *parse(char *first, ...)
{
	static struct parsed p;
	va_list ap;
	int argc = 0;

	memset(&p, 0, sizeof(p));
	p.argv[argc++] = (char *)"nsinit";
	va_start(ap, first);
	for (char *a = first; a; a = va_arg(ap, char *))
		p.argv[argc++] = a;
	va_end(ap);
	p.result = options_parse(argc, p.argv, &p.opts, p.err, sizeof(p.err));
	return &p;
}

static void assert_error(struct parsed *p, const char *needle)
{
	cr_assert_eq(p->result, PARSE_ERROR);
	cr_assert(strstr(p->err, needle), "error '%s' lacks '%s'", p->err, needle);
	cr_assert_null(strchr(p->err, '\n'), "error must be one line: '%s'", p->err);
}

Test(options, defaults)
{
	struct parsed *p = parse("true", NULL);

	cr_assert_eq(p->result, PARSE_RUN);
	cr_assert_eq(p->opts.kill_signal, SIGKILL);
	cr_assert_eq(p->opts.grace_us, OPTIONS_DEFAULT_GRACE_US);
	cr_assert_eq(p->opts.verbosity, 0);
	cr_assert_eq(p->opts.role, ROLE_AUTO);
	cr_assert_str_eq(p->opts.command[0], "true");
	cr_assert_null(p->opts.command[1]);
}

Test(options, stops_at_first_non_option)
{
	struct parsed *p = parse("-v", "sh", "-c", "--kill-child=TERM", NULL);

	cr_assert_eq(p->result, PARSE_RUN);
	cr_assert_eq(p->opts.verbosity, 1);
	cr_assert_eq(p->opts.kill_signal, SIGKILL, "options after the command belong to it");
	cr_assert_str_eq(p->opts.command[0], "sh");
	cr_assert_str_eq(p->opts.command[2], "--kill-child=TERM");
}

Test(options, double_dash_ends_options)
{
	struct parsed *p = parse("--", "-v", NULL);

	cr_assert_eq(p->result, PARSE_RUN);
	cr_assert_eq(p->opts.verbosity, 0);
	cr_assert_str_eq(p->opts.command[0], "-v");
}

Test(options, lone_dash_is_a_command)
{
	struct parsed *p = parse("-", NULL);

	cr_assert_eq(p->result, PARSE_RUN);
	cr_assert_str_eq(p->opts.command[0], "-");
}

Test(options, verbose_counts)
{
	cr_assert_eq(parse("-vv", "-v", "--verbose", "x", NULL)->opts.verbosity, 4);
}

Test(options, kill_child)
{
	cr_assert_eq(parse("--kill-child=TERM", "x", NULL)->opts.kill_signal, SIGTERM);
	cr_assert_eq(parse("--kill-child=sigint", "x", NULL)->opts.kill_signal, SIGINT);
	cr_assert_eq(parse("--kill-child=15", "x", NULL)->opts.kill_signal, 15);
	cr_assert_eq(parse("--kill-child=RTMIN+2", "x", NULL)->opts.kill_signal, SIGRTMIN + 2);
	cr_assert_eq(parse("--kill-child=TERM", "--kill-child", "x", NULL)->opts.kill_signal, SIGKILL,
		     "a bare --kill-child means SIGKILL");
	/* The value is optional, so it is never taken from the next argument. */
	struct parsed *p = parse("--kill-child", "TERM", NULL);
	cr_assert_eq(p->result, PARSE_RUN);
	cr_assert_str_eq(p->opts.command[0], "TERM");
}

Test(options, grace)
{
	cr_assert_eq(parse("--grace=500ms", "x", NULL)->opts.grace_us, 500000);
	cr_assert_eq(parse("--grace", "2s", "x", NULL)->opts.grace_us, 2000000);
	cr_assert_eq(parse("--grace=0", "x", NULL)->opts.grace_us, 0);
}

Test(options, roles)
{
	cr_assert_eq(parse("--namespace", "x", NULL)->opts.role, ROLE_NAMESPACE);
	cr_assert_eq(parse("--no-namespace", "x", NULL)->opts.role, ROLE_NO_NAMESPACE);
	cr_assert_eq(parse("--namespace", "--namespace", "x", NULL)->opts.role, ROLE_NAMESPACE);
	assert_error(parse("--namespace", "--no-namespace", "x", NULL), "contradict");
}

Test(options, help_and_version_win_without_a_command)
{
	cr_assert_eq(parse("--help", NULL)->result, PARSE_HELP);
	cr_assert_eq(parse("-h", NULL)->result, PARSE_HELP);
	cr_assert_eq(parse("--version", NULL)->result, PARSE_VERSION);
	cr_assert_eq(parse("-V", NULL)->result, PARSE_VERSION);
	cr_assert_eq(parse("-vh", NULL)->result, PARSE_HELP);
}

Test(options, errors_name_the_problem)
{
	assert_error(parse(NULL), "no command given");
	assert_error(parse("-v", NULL), "no command given");
	assert_error(parse("--", NULL), "no command given");
	assert_error(parse("--foo", "x", NULL), "unknown option '--foo'");
	assert_error(parse("--foo=bar", "x", NULL), "unknown option '--foo'");
	assert_error(parse("-x", "y", NULL), "unknown option '-x'");
	assert_error(parse("-vx", "y", NULL), "unknown option '-x'");
	assert_error(parse("--kill-child=FOO", "x", NULL), "unknown signal 'FOO'");
	assert_error(parse("--kill-child=", "x", NULL), "unknown signal ''");
	assert_error(parse("--kill-child=0", "x", NULL), "unknown signal '0'");
	assert_error(parse("--grace=xyz", "x", NULL), "bad duration 'xyz'");
	assert_error(parse("--grace=-1", "x", NULL), "bad duration '-1'");
	assert_error(parse("--grace=", "x", NULL), "bad duration ''");
	assert_error(parse("--grace", NULL), "needs a value");
	assert_error(parse("--verbose=2", "x", NULL), "takes no value");
	assert_error(parse("--kill", "x", NULL), "unknown option '--kill'");
}

Test(options, long_error_text_is_truncated_safely)
{
	static char long_arg[600];

	memset(long_arg, 'A', sizeof(long_arg) - 1);
	memcpy(long_arg, "--kill-child=", 13);
	struct parsed *p = parse(long_arg, "x", NULL);
	cr_assert_eq(p->result, PARSE_ERROR);
	cr_assert_lt(strlen(p->err), sizeof(p->err));
}

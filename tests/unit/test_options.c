/* Command-line parsing: what is accepted, what it means, and the one-line
 * errors for everything else. */
#include "init/options.h"

#include <criterion/criterion.h>
#include <sched.h>
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

Test(options, namespaces)
{
	struct parsed *p = parse("--uts=box", "--ipc", "--net", "--cgroup", "--time", "--user",
				 "--map-current-user", "--pid-file", "/tmp/p", "x", NULL);

	cr_assert_eq(p->result, PARSE_RUN, "%s", p->err);
	cr_assert_eq(p->opts.extra_ns,
		     (unsigned long)(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP | 0x80));
	cr_assert_str_eq(p->opts.hostname, "box");
	cr_assert(p->opts.user_ns);
	cr_assert(p->opts.map_current_user);
	cr_assert_str_eq(p->opts.pid_file, "/tmp/p");
	cr_assert_null(parse("--uts", "x", NULL)->opts.hostname, "--uts alone keeps the name");
	cr_assert_not(parse("--map-current-user", "--map-root-user", "x", NULL)->opts.map_current_user);
	cr_assert(parse("x", NULL)->opts.map_current_user, "the caller's ids are not the default");
	cr_assert(parse("--map-root-user", "--map-current-user", "x", NULL)->opts.map_current_user);
	assert_error(parse("--uts=", "x", NULL), "bad hostname");
	assert_error(parse("--pid-file=", "x", NULL), "empty file name");
}

Test(options, capabilities)
{
	struct parsed *p = parse("--cap-drop=cap_net_raw,SYS_ADMIN", "--cap-keep", "kill",
				 "--no-new-privs", "x", NULL);

	cr_assert_eq(p->result, PARSE_RUN, "%s", p->err);
	cr_assert_eq(p->opts.cap_drop, (1ULL << 13) | (1ULL << 21));
	cr_assert(p->opts.cap_keep_given);
	cr_assert_eq(p->opts.cap_keep, 1ULL << 5);
	cr_assert(p->opts.no_new_privs);
	cr_assert_eq(parse("--cap-drop=ALL", "x", NULL)->opts.cap_drop, ~0ULL);
	assert_error(parse("--cap-drop=cap_bogus", "x", NULL), "unknown capability 'cap_bogus'");
	assert_error(parse("--cap-drop=net_raw,,kill", "x", NULL), "unknown capability ''");
	assert_error(parse("--cap-keep=12", "x", NULL), "unknown capability '12'");
}

Test(options, tini_flags)
{
	struct parsed *p = parse("-s", "-g", "-w", "-e", "143", "-e3", "-p", "SIGTERM", "-vv", "x",
				 NULL);

	cr_assert_eq(p->result, PARSE_RUN, "%s", p->err);
	cr_assert_eq(p->opts.role, ROLE_NO_NAMESPACE);
	cr_assert_eq(p->opts.target, TARGET_GROUP);
	cr_assert(p->opts.warn_reaped);
	cr_assert(options_zero_exit(&p->opts, 143));
	cr_assert(options_zero_exit(&p->opts, 3));
	cr_assert_not(options_zero_exit(&p->opts, 0 + 4));
	cr_assert_eq(p->opts.parent_death_signal, SIGTERM);
	cr_assert_eq(p->opts.verbosity, 2);
	cr_assert_eq(parse("-l", NULL)->result, PARSE_LICENSE);
	assert_error(parse("-e", "256", "x", NULL), "bad exit code '256'");
	assert_error(parse("-e", "x", "y", NULL), "bad exit code 'x'");
	assert_error(parse("-p", "NOPE", "x", NULL), "unknown signal 'NOPE' for --parent-death-signal");
	assert_error(parse("-s", "--namespace", "x", NULL), "contradicts");
}

Test(options, dumb_init_flags)
{
	struct parsed *p = parse("-c", "-r", "TERM:QUIT", "--rewrite=WINCH:0", "-r15:9", "x", NULL);

	cr_assert_eq(p->result, PARSE_RUN, "%s", p->err);
	cr_assert_eq(p->opts.target, TARGET_COMMAND);
	cr_assert_eq(p->opts.rules.rewrite[SIGTERM], SIGKILL, "the last rewrite of TERM wins");
	cr_assert_eq(p->opts.rules.rewrite[SIGWINCH], 0);
	cr_assert_eq(p->opts.rules.rewrite[SIGHUP], SIGHUP, "others are unchanged");
	assert_error(parse("-r", "TERM", "x", NULL), "bad rewrite 'TERM'");
	assert_error(parse("-r", "FOO:QUIT", "x", NULL), "unknown signal 'FOO' for --rewrite");
	assert_error(parse("-r", "TERM:BAR", "x", NULL), "unknown signal 'BAR' for --rewrite");
}

Test(options, control_characters_in_values_do_not_split_the_error)
{
	struct parsed *p = parse("--grace=1\nx", "x", NULL);

	assert_error(p, "bad duration '1?x'");
	assert_error(parse("--kill-child=\x1b[31mRED", "x", NULL), "unknown signal '?[31mRED'");
}

/* tini's and dumb-init's variables, and the command line winning over them.
 * Criterion runs every test in a process of its own, so setenv is safe. */
#include "init/environment.h"
#include "init/options.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct options parse_env(char **argv, int argc)
{
	struct options o;
	char err[256];

	cr_assert_eq(options_parse(argc, argv, &o, err, sizeof(err)), PARSE_RUN, "%s", err);
	environment_read(&o, getpid());
	return o;
}

#define ARGV(...) ((char *[]){ "nsinit", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "nsinit", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE_ENV(...) parse_env(ARGV(__VA_ARGS__), ARGC(__VA_ARGS__))

Test(environment, tini_variables)
{
	setenv("TINI_SUBREAPER", "", 1);
	setenv("TINI_KILL_PROCESS_GROUP", "1", 1);
	setenv("TINI_VERBOSITY", "3", 1);
	struct options o = PARSE_ENV("x");
	cr_assert_eq(o.role, ROLE_NO_NAMESPACE, "TINI_SUBREAPER counts when set, even empty");
	cr_assert_eq(o.target, TARGET_GROUP);
	cr_assert_eq(o.verbosity, 2, "tini's 3 is two steps above its default");
}

Test(environment, command_line_wins)
{
	setenv("TINI_SUBREAPER", "1", 1);
	setenv("TINI_VERBOSITY", "3", 1);
	setenv("DUMB_INIT_SETSID", "1", 1);
	struct options o = PARSE_ENV("--namespace", "-v", "-c", "x");
	cr_assert_eq(o.role, ROLE_NAMESPACE);
	cr_assert_eq(o.verbosity, 1);
	cr_assert_eq(o.target, TARGET_COMMAND);
	cr_assert_not(o.new_session);
}

Test(environment, dumb_init_setsid)
{
	setenv("DUMB_INIT_SETSID", "1", 1);
	struct options o = PARSE_ENV("x");
	cr_assert(o.new_session);
	cr_assert_eq(o.target, TARGET_GROUP);
	setenv("DUMB_INIT_SETSID", "0", 1);
	o = PARSE_ENV("x");
	cr_assert_not(o.new_session);
	cr_assert_eq(o.target, TARGET_COMMAND);
}

Test(environment, defaults_and_rubbish)
{
	setenv("TINI_VERBOSITY", "lots", 1);
	struct options o = PARSE_ENV("x");
	cr_assert_eq(o.verbosity, 0);
	cr_assert_eq(o.role, ROLE_AUTO);
	cr_assert_eq(o.target, TARGET_COMMAND);
	cr_assert_not(o.rewrite_listen_pid);
}

Test(environment, listen_pid_only_when_it_names_us)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);
	cr_assert(PARSE_ENV("x").rewrite_listen_pid);
	setenv("LISTEN_PID", "1", 1);
	cr_assert_not(PARSE_ENV("x").rewrite_listen_pid);
	setenv("LISTEN_PID", "12x", 1);
	cr_assert_not(PARSE_ENV("x").rewrite_listen_pid);
}

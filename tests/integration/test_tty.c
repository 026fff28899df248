/* Terminals: through a real pseudo-terminal (tests/tty/tty_check.py drives an
 * interactive bash like a user at a keyboard), nsinit -- bash keeps bash's
 * job control, Ctrl-C reaches the foreground program once, SIGWINCH reaches
 * it, and Ctrl-Z on a command under nsinit gives the caller's shell a stopped
 * job that fg resumes. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

TestSuite(tty, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

static void scenario(const char *name)
{
	const char *script = getenv("NSINIT_TTY_CHECK");
	struct hs_opts o;
	struct hs_proc p;

	if (hs_wrapped())
		cr_skip("the scenario runs nsinit itself; under NSINIT_WRAP it would run the wrapper");
	if (!script || access("/usr/bin/python3", X_OK) != 0 || access("/bin/bash", X_OK) != 0)
		cr_skip("needs NSINIT_TTY_CHECK (set by make check), python3 and bash");
	o = (struct hs_opts){ .prefix = HS_ARGV("python3", script) };
	hs_run(&p, &o, HS_ARGV(name), 30000);
	cr_expect_eq(hs_code(&p), 0, "scenario %s: %s\n%s%s", name, hs_status_str(&p),
		     p.out.data ? p.out.data : "", p.err.data ? p.err.data : "");
	hs_cleanup(&p);
}

Test(tty, bash_job_control_inside)
{
	scenario("bash-job-control");
}

Test(tty, ctrl_c_once_and_sigwinch)
{
	scenario("ctrl-c-once");
}

/* Breaker finding: kill %1 (a signal to the job's process group) reached
 * the command twice, from the relay and from PID 1, which shares the group
 * as a shell's job. */
Test(tty, kill_of_the_job_reaches_the_command_once)
{
	scenario("kill-job-once");
}

Test(tty, stopped_job_and_fg)
{
	scenario("stopped-job");
}

Test(tty, bash_job_control_as_pid1_in_place)
{
	scenario("bash-job-control-init");
}

Test(tty, new_session_keys_reach_the_command)
{
	scenario("new-session-keys");
}

Test(tty, new_session_hangup_reaches_the_command)
{
	scenario("new-session-hangup");
}

Test(tty, stopped_script_and_fg_wakes_its_children)
{
	scenario("stopped-script");
}

/* nsinit: wires the parts together. Parse the command line, take over the
 * signals, then be the relay and PID 1 of new namespaces, or PID 1 here. */
#include "init/environment.h"
#include "lib/events.h"
#include "lib/exitcode.h"
#include "lib/msg.h"
#include "init/options.h"
#include "init/roles.h"
#include "lib/signals.h"
#include "lib/sys.h"
#include "spawn/terminal.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The version is written once, as VERSION in the Makefile, which passes it
 * in CPPFLAGS; a copy here would go stale at the next release. */
#ifndef NSINIT_VERSION
#error "NSINIT_VERSION is not defined: build with the Makefile (it passes -DNSINIT_VERSION from VERSION)"
#endif

/* tini -p: the signal nsinit gets when its parent dies, forwarded like any
 * other. If the parent died before the prctl, nothing would ever come:
 * send it ourselves (it is blocked, so it waits in the signalfd). */
static void set_parent_death_signal(int sig)
{
	pid_t parent = getppid();

	if (prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0) < 0)
		die_errno("cannot set the parent death signal");
	if (getppid() != parent)
		(void)kill(getpid(), sig);
}

/* --events: open the channel before anything else can emit. A bad one
 * stops nsinit here, before any command runs. */
static void open_events(const char *spec)
{
	events_set_fd(events_open(spec));
}

/* Write text to stdout (for --help and --version; no stdio needed). */
static int print_out(const char *text)
{
	size_t len = strlen(text);

	return sys_write(STDOUT_FILENO, text, len) == (ssize_t)len ? 0 : EXIT_NSINIT_FAILED;
}

int main(int argc, char **argv)
{
	struct options opts;
	sigset_t original_mask;
	char err[512];
	int code;

	sys_hold_stdio();
	switch (options_parse(argc, argv, &opts, err, sizeof(err))) {
	case PARSE_HELP:
		return print_out(options_usage);
	case PARSE_VERSION:
		return print_out("nsinit " NSINIT_VERSION "\n");
	case PARSE_LICENSE:
		return print_out(options_license);
	case PARSE_ERROR:
		die("%s (see 'nsinit --help')", err);
	case PARSE_RUN:
		break;
	}
	environment_read(&opts, getpid());
	/* Asked here, before any namespace: inside a new PID namespace the
	 * caller's process groups have no number, and tcgetpgrp says 0. */
	opts.tty_foreground = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	/* Only a shell doing job control gives us a group of our own on its
	 * terminal; timeout(1), make, CI runners and Python's subprocess leave
	 * us in theirs, or in a session without a terminal. */
	opts.leads_job = getpgrp() == getpid() && isatty(STDIN_FILENO) &&
			 terminal_session(STDIN_FILENO) == getsid(0);
	opts.pid1_in_job = opts.leads_job && !opts.new_session;
	msg_set_verbosity(opts.verbosity);
	signals_take_over(&original_mask);
	if (opts.events)
		open_events(opts.events);
	if (opts.parent_death_signal)
		set_parent_death_signal(opts.parent_death_signal);

	if (opts.role == ROLE_NAMESPACE || (opts.role == ROLE_AUTO && getpid() != 1))
		code = roles_in_new_namespace(&opts, &original_mask);
	else
		code = roles_here(&opts, &original_mask);
	/* The events writer (the relay, or PID 1 without one) leaves once the
	 * reader has every line. */
	if (events_pending())
		events_drain(signals_open_fd());
	return code;
}

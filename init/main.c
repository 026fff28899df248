/* nsinit: wires the parts together. Parse the command line, take over the
 * signals, then be the relay and PID 1 of a new namespace, or PID 1 here. */
#include "environment.h"
#include "exitcode.h"
#include "handoff.h"
#include "msg.h"
#include "namespace.h"
#include "options.h"
#include "pid1.h"
#include "relay.h"
#include "signals.h"
#include "sys.h"

#include <string.h>
#include <unistd.h>

#ifndef NSINIT_VERSION
#define NSINIT_VERSION "0.1.0"
#endif

/* Make the namespace: the parent stays outside as the relay, the child is
 * its PID 1. Each returns the exit code of nsinit. */
static int run_in_new_namespace(const struct options *opts, const sigset_t *original_mask)
{
	int sock[2];
	pid_t pid;

	handoff_pair(sock);
	pid = namespace_clone();
	if (pid == 0) {
		close(sock[0]);
		namespace_mount_proc();
		return pid1_run(opts, original_mask, sock[1]);
	}
	close(sock[1]);
	return relay_run(pid, sock[0]);
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
	environment_read(&opts);
	msg_set_verbosity(opts.verbosity);
	signals_take_over(&original_mask);

	if (opts.role == ROLE_NAMESPACE || (opts.role == ROLE_AUTO && getpid() != 1))
		return run_in_new_namespace(&opts, &original_mask);
	return pid1_run(&opts, &original_mask, -1);
}

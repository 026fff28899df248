/* The command line: one struct that parsing fills and everything else reads. */
#ifndef NSINIT_OPTIONS_H
#define NSINIT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum role {
	ROLE_AUTO,         /* a new namespace unless already PID 1 */
	ROLE_NAMESPACE,    /* --namespace: always a new namespace */
	ROLE_NO_NAMESPACE, /* --no-namespace: act as init right here */
};

struct options {
	int kill_signal;   /* sent to what is left when the command exits */
	uint64_t grace_us; /* wait after a kill_signal other than SIGKILL */
	int verbosity;     /* -v count */
	enum role role;
	char **command;    /* NULL-terminated argv of the command, inside argv */
	/* From the environment (environment.c), not the command line: */
	bool rewrite_listen_pid; /* LISTEN_PID names nsinit: give the command its own */
};

enum parse_result {
	PARSE_RUN,
	PARSE_HELP,
	PARSE_VERSION,
	PARSE_ERROR, /* `err` holds one line naming the problem */
};

#define OPTIONS_DEFAULT_GRACE_US (5ULL * 1000 * 1000)

/* Parse argv into opts. Pure: no output, no exit, no global state, so that
 * unit tests and the fuzzer can call it over and over. */
enum parse_result options_parse(int argc, char **argv, struct options *opts, char *err,
				size_t err_len);

/* The --help text. */
extern const char options_usage[];

#endif

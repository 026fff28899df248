/* The command line: one struct that parsing fills and everything else reads. */
#ifndef NSINIT_OPTIONS_H
#define NSINIT_OPTIONS_H

#include "lib/sigpolicy.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum role {
	ROLE_AUTO,         /* a new namespace unless already PID 1 */
	ROLE_NAMESPACE,    /* --namespace: always a new namespace */
	ROLE_NO_NAMESPACE, /* --no-namespace, -s: act as init right here */
};

/* Where forwarded signals go. */
enum signal_target {
	TARGET_COMMAND, /* the command only (tini's default) */
	TARGET_GROUP,   /* the command's process group (tini -g, dumb-init's default) */
};

struct options {
	/* What PID 1 does. */
	int kill_signal;   /* --kill-child: sent to what is left when the command exits */
	uint64_t grace_us; /* --grace: wait after a kill_signal other than SIGKILL */
	uint64_t stop_timeout_us; /* --stop-timeout: bound on a stop, or 0 (none) */
	uint64_t stop_delay_us;   /* --stop-delay: hold a stop signal this long */
	uint64_t timeout_us;      /* --timeout: the command's time limit, or 0 */
	bool wait_all;     /* --wait-all: stay until every process has exited */
	int verbosity;     /* -v count (or TINI_VERBOSITY) */
	bool warn_reaped;  /* -w: warn about every orphan reaped */
	enum role role;

	/* The namespaces (when nsinit makes them). */
	bool user_ns;          /* --user: a user namespace even when privileged */
	bool map_current_user; /* keep the caller's ids inside (the default); false:
				* --map-root-user */
	unsigned long extra_ns; /* CLONE_NEWUTS, _NEWIPC, _NEWNET, _NEWCGROUP, _NEWTIME */
	const char *hostname;   /* --uts=HOSTNAME, or NULL */
	const char *pid_file;   /* --pid-file: where to write PID 1's pid */
	const char *root;       /* --root: the command's root directory, or NULL */

	/* The command. */
	char **command;          /* NULL-terminated argv, inside argv */
	uint64_t cap_drop;       /* --cap-drop: capabilities taken from every set */
	bool cap_keep_given;     /* --cap-keep was given: */
	uint64_t cap_keep;       /*   drop every capability but these */
	bool no_new_privs;       /* --no-new-privs */
	const char *run_as;      /* --run-as=USER[:GROUP], or NULL */
	bool new_session;        /* --new-session, or dumb-init's setsid mode */
	bool setsid_ctty;        /* DUMB_INIT_SETSID=1: the new session takes the terminal */
	enum signal_target target;
	struct sig_rules rules;  /* -r FROM:TO: what each signal becomes */
	uint32_t zero_exit[8];   /* -e CODE: bitset of exit codes reported as 0 */
	int parent_death_signal; /* -p: nsinit's own PR_SET_PDEATHSIG, or 0 */
	const char *events;      /* --events: an fd number or a file for JSON events */

	/* What the command line set explicitly (GIVEN_*): the environment
	 * (environment.c) only fills in the rest. */
	unsigned given;
	/* From the environment, not the command line: */
	bool rewrite_listen_pid; /* LISTEN_PID names nsinit: give the command its own */
	bool tty_foreground;     /* stdin is a terminal whose foreground is our group */
	bool leads_job;          /* we lead our own process group, in a session whose
				  * terminal is stdin: a shell's job, under job control */
	bool pid1_in_job;        /* PID 1 stays in the relay's process group: a
				  * shell's job (to wake it), without --new-session;
				  * else it leads a group of its own (sigpolicy.h) */
};

enum {
	GIVEN_ROLE = 1 << 0,
	GIVEN_TARGET = 1 << 1,
	GIVEN_VERBOSITY = 1 << 2,
	GIVEN_SESSION = 1 << 3,
};

enum parse_result {
	PARSE_RUN,
	PARSE_HELP,
	PARSE_VERSION,
	PARSE_LICENSE,
	PARSE_ERROR, /* `err` holds one line naming the problem */
};

#define OPTIONS_DEFAULT_GRACE_US (5ULL * 1000 * 1000)

/* Parse argv into opts. Pure: no output, no exit, no global state, so that
 * unit tests and the fuzzer can call it over and over. */
enum parse_result options_parse(int argc, char **argv, struct options *opts, char *err,
				size_t err_len);

/* Is exit code `code` one that -e maps to 0? */
bool options_zero_exit(const struct options *opts, int code);

/* The --help and -l texts. */
extern const char options_usage[];
extern const char options_license[];

#endif

/* The environment nsinit reads: tini's and dumb-init's variables, so that
 * images that set them keep their meaning, and LISTEN_PID. Everything passes
 * on to the command unchanged, except LISTEN_PID when it names nsinit.
 * The command line wins where it set something (opts->given). Pure: it reads
 * the environment and nothing else, so tests and the fuzzer call it freely. */
#include "init/environment.h"
#include "lib/num.h"

#include <stdlib.h>
#include <string.h>

/* Socket activation (sd_listen_fds(3)): the service manager sets LISTEN_PID to
 * the pid it started, which is nsinit, and the command only accepts the fds
 * if LISTEN_PID is its own pid. Rewrite it for the command, as catatonit
 * does, but only when it names nsinit: any other value was not meant for us. */
static bool listen_pid_is_ours(pid_t self)
{
	const char *v = getenv("LISTEN_PID");
	char *end;
	long pid;

	if (!v || !*v)
		return false;
	pid = num_long(v, &end);
	return *end == '\0' && pid == (long)self;
}

/* tini treats TINI_SUBREAPER and TINI_KILL_PROCESS_GROUP as set when they
 * exist at all, whatever their value. */
static bool is_set(const char *name)
{
	return getenv(name) != NULL;
}

/* TINI_VERBOSITY counts from tini's default of 1 (warnings only), which is
 * nsinit's 0; 2 is tini -v, nsinit -v. Anything but a small number is ignored. */
static void verbosity(struct options *opts, const char *v)
{
	char *end;
	long n = num_long(v, &end);

	if (*v && !*end && n >= 0 && n <= 9)
		opts->verbosity = n > 1 ? (int)n - 1 : 0;
}

void environment_read(struct options *opts, pid_t self)
{
	const char *v;

	opts->rewrite_listen_pid = listen_pid_is_ours(self);
	if (is_set("TINI_SUBREAPER") && !(opts->given & GIVEN_ROLE))
		opts->role = ROLE_NO_NAMESPACE;
	if (is_set("TINI_KILL_PROCESS_GROUP") && !(opts->given & GIVEN_TARGET))
		opts->target = TARGET_GROUP;
	v = getenv("TINI_VERBOSITY");
	if (v && !(opts->given & GIVEN_VERBOSITY))
		verbosity(opts, v);
	/* dumb-init: DUMB_INIT_SETSID=0 is its single-child mode; 1 its default
	 * (a new session, signals to the whole process group). */
	v = getenv("DUMB_INIT_SETSID");
	if (v && !(opts->given & (GIVEN_TARGET | GIVEN_SESSION))) {
		if (strcmp(v, "0") == 0) {
			opts->new_session = false;
			opts->target = TARGET_COMMAND;
		} else if (strcmp(v, "1") == 0) {
			opts->new_session = true;
			opts->setsid_ctty = true;
			opts->target = TARGET_GROUP;
		}
	}
}

/* environment_read after options_parse, with the five variables nsinit reads
 * taken from the input. The input is split on NUL bytes: the first five parts
 * are TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP, TINI_VERBOSITY,
 * DUMB_INIT_SETSID and LISTEN_PID, each "=VALUE" to set it (so "=" sets it
 * empty) or anything else to leave it unset; LISTEN_PID "=$$" stands for this
 * process's pid, which no fuzzer would guess. The other parts are argv[1..].
 * The variables are put back as they were after every input.
 *
 * Checked: the environment changes only the fields it owns, never one the
 * command line set (opts->given), and each as its variable says. */
#include "fuzz.h"

#include "init/environment.h"
#include "init/options.h"

#include <stdbool.h>
#include <unistd.h>

#define ERR_LEN 512

enum { SUBREAPER, KILL_GROUP, VERBOSITY, SETSID, LISTEN_PID, NVARS };

static const char *const names[NVARS] = {
	"TINI_SUBREAPER", "TINI_KILL_PROCESS_GROUP", "TINI_VERBOSITY", "DUMB_INIT_SETSID",
	"LISTEN_PID",
};

/* The variables as the fuzzer found them, put back after every input. */
static char *saved[NVARS];
static bool saved_taken;

static void save_environment(void)
{
	if (saved_taken)
		return;
	for (int i = 0; i < NVARS; i++) {
		const char *v = getenv(names[i]);

		saved[i] = v ? strdup(v) : NULL;
		if (v && !saved[i])
			abort();
	}
	saved_taken = true;
}

static void restore_environment(void)
{
	for (int i = 0; i < NVARS; i++) {
		if (saved[i])
			CHECK(setenv(names[i], saved[i], 1) == 0);
		else
			CHECK(unsetenv(names[i]) == 0);
	}
}

/* environment.c's reading of LISTEN_PID, done independently. */
static bool names_us(const char *v)
{
	char *end;
	long pid;

	if (!v || !*v)
		return false;
	pid = strtol(v, &end, 10);
	return *end == '\0' && pid == (long)getpid();
}

static void check_environment(const struct options *before, const struct options *after,
			      const char *const value[NVARS])
{
	struct options rest = *after;
	unsigned given = before->given;

	/* Nothing outside the environment's fields moves. */
	rest.role = before->role;
	rest.target = before->target;
	rest.verbosity = before->verbosity;
	rest.new_session = before->new_session;
	rest.setsid_ctty = before->setsid_ctty;
	rest.rewrite_listen_pid = before->rewrite_listen_pid;
	rest.tty_foreground = before->tty_foreground;
	CHECK(memcmp(&rest, before, sizeof(rest)) == 0);

	if ((given & GIVEN_ROLE) || !value[SUBREAPER])
		CHECK(after->role == before->role);
	else
		CHECK(after->role == ROLE_NO_NAMESPACE);

	if (given & GIVEN_TARGET)
		CHECK(after->target == before->target);
	if (given & GIVEN_VERBOSITY || !value[VERBOSITY])
		CHECK(after->verbosity == before->verbosity);
	else
		CHECK(after->verbosity >= 0 && after->verbosity <= 8);
	if (given & (GIVEN_TARGET | GIVEN_SESSION))
		CHECK(after->new_session == before->new_session);
	if (!value[SETSID] && !value[KILL_GROUP])
		CHECK(after->target == before->target);
	if (!value[SETSID])
		CHECK(after->new_session == before->new_session);
	/* Only dumb-init's own setsid mode takes the terminal. */
	if (after->setsid_ctty != before->setsid_ctty)
		CHECK(value[SETSID] && !strcmp(value[SETSID], "1") && after->new_session);
	if (after->new_session != before->new_session)
		CHECK(after->target == (after->new_session ? TARGET_GROUP : TARGET_COMMAND));

	CHECK(after->rewrite_listen_pid == names_us(value[LISTEN_PID]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split s;
	const char *value[NVARS] = { NULL };
	char pid[24], **argv, *err;
	int argc, first_arg;
	struct options opts, before;

	/* A longer input reaches no code a shorter one does not. */
	if (size > 512)
		return 0;

	save_environment();
	err = malloc(ERR_LEN);
	split_input(data, size, &s);
	first_arg = s.count < NVARS ? s.count : NVARS;
	for (int i = 0; i < first_arg; i++) {
		const char *part = s.strings[i];

		if (part[0] != '=')
			continue;
		value[i] = part + 1;
		if (i == LISTEN_PID && strcmp(value[i], "$$") == 0) {
			snprintf(pid, sizeof(pid), "%ld", (long)getpid());
			value[i] = pid;
		}
	}
	for (int i = 0; i < NVARS; i++) {
		if (value[i])
			CHECK(setenv(names[i], value[i], 1) == 0);
		else
			CHECK(unsetenv(names[i]) == 0);
	}

	argc = s.count - first_arg + 1;
	argv = malloc(((size_t)argc + 1) * sizeof(*argv));
	if (!argv || !err)
		abort();
	argv[0] = (char *)"nsinit";
	memcpy(argv + 1, s.strings + first_arg,
	       ((size_t)(s.count - first_arg) + 1) * sizeof(*argv));

	if (options_parse(argc, argv, &opts, err, ERR_LEN) == PARSE_RUN) {
		before = opts;
		environment_read(&opts, getpid());
		check_environment(&before, &opts, value);
	}

	restore_environment();
	free(argv);
	free(err);
	split_free(&s);
	return 0;
}

/* options_parse on any command line: the input split on NUL bytes is argv[1..]
 * (argv[0] is "nsinit"). Besides the sanitizers, it checks what the rest of
 * nsinit relies on: a known result, a command inside argv, values in range, a
 * one-line error, argv left as it was, and the same answer whatever the size
 * of the error buffer. */
#include "fuzz.h"

#include "lib/duration.h"
#include "init/options.h"

#include <limits.h>
#include <sched.h>
#include <signal.h>

/* main.c's buffer size. */
#define ERR_LEN 512

static const unsigned long known_ns = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
				      CLONE_NEWCGROUP | CLONE_NEWTIME;
static const unsigned known_given = GIVEN_ROLE | GIVEN_TARGET | GIVEN_VERBOSITY | GIVEN_SESSION;

static void check_run(const struct options *o, char **argv, int argc)
{
	CHECK(o->command != NULL);
	CHECK(o->command > argv && o->command < argv + argc);
	CHECK(o->command[0] != NULL);
	CHECK(argv[argc] == NULL);
	CHECK(o->kill_signal >= 1 && o->kill_signal < NSIG);
	CHECK(o->parent_death_signal == 0 ||
	      (o->parent_death_signal >= 1 && o->parent_death_signal < NSIG));
	CHECK(o->rules.rewrite[0] == 0);
	for (int sig = 0; sig < NSIG; sig++)
		CHECK(o->rules.rewrite[sig] >= 0 && o->rules.rewrite[sig] < NSIG);
	CHECK(o->grace_us <= DURATION_MAX_US);
	CHECK(o->verbosity >= 0);
	CHECK(o->role == ROLE_AUTO || o->role == ROLE_NAMESPACE || o->role == ROLE_NO_NAMESPACE);
	CHECK(o->target == TARGET_COMMAND || o->target == TARGET_GROUP);
	CHECK((o->extra_ns & ~known_ns) == 0);
	CHECK(o->hostname == NULL || (o->hostname[0] && strlen(o->hostname) <= HOST_NAME_MAX));
	CHECK(o->hostname == NULL || (o->extra_ns & CLONE_NEWUTS));
	CHECK(o->pid_file == NULL || o->pid_file[0]);
	CHECK(o->events == NULL || o->events[0]);
	CHECK((o->given & ~known_given) == 0);
	CHECK(!o->rewrite_listen_pid && !o->tty_foreground); /* environment.c's, not ours */
	CHECK(!options_zero_exit(o, -1) && !options_zero_exit(o, 256));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split s;
	char **argv, **argv_copy;
	int argc;
	struct options opts, opts_small;
	enum parse_result r, r_small;
	size_t small_len = size % 9; /* 0 too: nothing may be written then */
	char *err, *err_small;

	/* A longer command line reaches no code a shorter one does not; it only
	 * slows every run down. */
	if (size > 512)
		return 0;

	/* Heap buffers of the exact size, so that ASan sees a write past them. */
	err = malloc(ERR_LEN);
	err_small = malloc(small_len);
	split_input(data, size, &s);
	argc = s.count + 1;
	argv = malloc(((size_t)argc + 1) * sizeof(*argv));
	argv_copy = malloc(((size_t)argc + 1) * sizeof(*argv));
	if (!err || (!err_small && small_len) || !argv || !argv_copy)
		abort();
	argv[0] = (char *)"nsinit";
	memcpy(argv + 1, s.strings, ((size_t)s.count + 1) * sizeof(*argv));
	memcpy(argv_copy, argv, ((size_t)argc + 1) * sizeof(*argv));

	r = options_parse(argc, argv, &opts, err, ERR_LEN);

	/* Parsing is pure: argv (pointers and bytes) is left alone. */
	CHECK(memcmp(argv, argv_copy, ((size_t)argc + 1) * sizeof(*argv)) == 0);
	CHECK(memcmp(s.text, data, size) == 0);
	switch (r) {
	case PARSE_RUN:
		check_run(&opts, argv, argc);
		break;
	case PARSE_HELP:
	case PARSE_VERSION:
	case PARSE_LICENSE:
		break;
	case PARSE_ERROR:
		check_error_line(err, ERR_LEN);
		break;
	default:
		CHECK(!"options_parse returned no parse_result");
	}

	/* A smaller error buffer changes nothing but how much of the error fits. */
	r_small = options_parse(argc, argv, &opts_small, err_small, small_len);
	CHECK(r_small == r);
	CHECK(memcmp(&opts, &opts_small, sizeof(opts)) == 0);
	if (r == PARSE_ERROR && small_len > 0) {
		size_t n = strlen(err);

		CHECK(memchr(err_small, '\0', small_len) != NULL);
		CHECK(strlen(err_small) == (n < small_len ? n : small_len - 1));
		CHECK(strncmp(err_small, err, strlen(err_small)) == 0);
	}

	free(argv_copy);
	free(argv);
	free(err_small);
	free(err);
	split_free(&s);
	return 0;
}

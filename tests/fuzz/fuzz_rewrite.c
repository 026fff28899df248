/* Rewrite specs through options_parse: each NUL-separated part of the input is
 * the value of one -r, so the command line is `nsinit -r P1 -r P2 ... true`.
 * The table options_parse builds is checked against one built here from
 * signame_parse, spec by spec (a later spec for the same signal wins), and the
 * long form --rewrite=P must give the same answer as -r P. */
#include "fuzz.h"

#include "init/options.h"
#include "lib/signame.h"

#include <signal.h>

#define ERR_LEN 512

/* What one spec should do: 0 and *from, *to set, or -1 for an error. */
static int expect(const char *spec, int *from, int *to)
{
	const char *colon = strchr(spec, ':');
	char *from_text;

	/* options.c copies FROM into a buffer of SIGNAME_MAX + 8 bytes and refuses
	 * anything longer, even a valid name padded with zeros ("RTMIN+0...01"). */
	if (!colon || (size_t)(colon - spec) >= SIGNAME_MAX + 8)
		return -1;
	from_text = strndup(spec, (size_t)(colon - spec));
	if (!from_text)
		abort();
	*from = signame_parse(from_text);
	free(from_text);
	if (*from < 0)
		return -1;
	*to = strcmp(colon + 1, "0") == 0 ? 0 : signame_parse(colon + 1);
	return *to < 0 ? -1 : 0;
}

static enum parse_result parse(char **specs, int n, bool long_form, struct options *o, char *err)
{
	char **argv = calloc((size_t)(2 * n + 3), sizeof(*argv));
	char **owned = calloc((size_t)n + 1, sizeof(*owned));
	int argc = 0;
	enum parse_result r;

	if (!argv || !owned)
		abort();
	argv[argc++] = (char *)"nsinit";
	for (int i = 0; i < n; i++) {
		if (long_form) {
			owned[i] = malloc(strlen(specs[i]) + sizeof("--rewrite="));
			if (!owned[i])
				abort();
			strcpy(owned[i], "--rewrite=");
			strcat(owned[i], specs[i]);
			argv[argc++] = owned[i];
		} else {
			argv[argc++] = (char *)"-r";
			argv[argc++] = specs[i];
		}
	}
	argv[argc++] = (char *)"true";
	r = options_parse(argc, argv, o, err, ERR_LEN);
	if (r == PARSE_RUN)
		CHECK(o->command == argv + argc - 1);
	for (int i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(argv);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split s;
	struct options o, o_long;
	int table[NSIG];
	bool valid = true;
	char *err, *err_long;
	enum parse_result r;

	/* Many specs reach no code a few do not; they only slow every run down. */
	if (size > 256)
		return 0;

	err = malloc(ERR_LEN);
	err_long = malloc(ERR_LEN);
	if (!err || !err_long)
		abort();
	split_input(data, size, &s);
	for (int sig = 0; sig < NSIG; sig++)
		table[sig] = sig;
	for (int i = 0; i < s.count && valid; i++) {
		int from, to;

		if (expect(s.strings[i], &from, &to) < 0)
			valid = false;
		else
			table[from] = to;
	}

	r = parse(s.strings, s.count, false, &o, err);
	CHECK(r == (valid ? PARSE_RUN : PARSE_ERROR));
	if (r == PARSE_RUN)
		CHECK(memcmp(o.rules.rewrite, table, sizeof(table)) == 0);
	else
		check_error_line(err, ERR_LEN);

	CHECK(parse(s.strings, s.count, true, &o_long, err_long) == r);
	if (r == PARSE_RUN)
		CHECK(memcmp(o_long.rules.rewrite, table, sizeof(table)) == 0);
	else
		CHECK(strcmp(err, err_long) == 0);

	free(err_long);
	free(err);
	split_free(&s);
	return 0;
}

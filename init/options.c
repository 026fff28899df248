/* Command-line parsing. Options stop at the first non-option argument (like
 * getopt's "+" mode, env(1) and tini), so `nsinit sh -c x` needs no "--".
 * Hand-written rather than getopt_long: getopt keeps global state and prints
 * its own messages, and nsinit must say one line of its own and be fuzzable. */
#include "options.h"

#include "duration.h"
#include "fmt.h"
#include "signame.h"

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

enum opt_id { OPT_HELP, OPT_VERSION, OPT_VERBOSE, OPT_KILL_CHILD, OPT_GRACE, OPT_NAMESPACE,
	      OPT_NO_NAMESPACE };

enum arg_kind { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

struct opt_def {
	const char *long_name;
	char short_name; /* 0: long form only */
	enum arg_kind arg;
	enum opt_id id;
};

static const struct opt_def defs[] = {
	{ "help", 'h', ARG_NONE, OPT_HELP },
	{ "version", 'V', ARG_NONE, OPT_VERSION },
	{ "verbose", 'v', ARG_NONE, OPT_VERBOSE },
	{ "kill-child", 0, ARG_OPTIONAL, OPT_KILL_CHILD },
	{ "grace", 0, ARG_REQUIRED, OPT_GRACE },
	{ "namespace", 0, ARG_NONE, OPT_NAMESPACE },
	{ "no-namespace", 0, ARG_NONE, OPT_NO_NAMESPACE },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

const char options_usage[] =
	"usage: nsinit [options] [--] COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND as the child of a PID 1 that reaps orphans, forwards signals and,\n"
	"when COMMAND exits, kills everything it left behind. Not already PID 1, nsinit\n"
	"makes a new PID and mount namespace with a fresh /proc and becomes its PID 1.\n"
	"\n"
	"options:\n"
	"  --kill-child[=SIGNAL]  signal for what is left when COMMAND exits\n"
	"                         (default SIGKILL)\n"
	"  --grace=DURATION       after a kill-child signal other than SIGKILL, wait this\n"
	"                         long before SIGKILL (default 5s; e.g. 500ms, 10s, 2m)\n"
	"  --namespace            make a new namespace even when already PID 1\n"
	"  --no-namespace         act as init here, without a new namespace\n"
	"  -v, --verbose          log what PID 1 does, one line per event\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"SIGNAL is a name (TERM, SIGTERM, any case), a number, or RTMIN+n.\n"
	"\n"
	"exit status: COMMAND's own; 128+N if it died of signal N; 125 if nsinit\n"
	"failed; 126 if COMMAND cannot be executed; 127 if it was not found.\n";

struct parser {
	struct options *opts;
	char *err;
	size_t err_len;
};

static enum parse_result fail(struct parser *p, const char *format, ...) PRINTF_LIKE(2, 3);

static enum parse_result fail(struct parser *p, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	fmt_v(p->err, p->err_len, format, ap);
	va_end(ap);
	return PARSE_ERROR;
}

/* Apply one recognised option. `value` is NULL when none was given. */
static enum parse_result apply(struct parser *p, const struct opt_def *d, const char *value)
{
	struct options *o = p->opts;

	switch (d->id) {
	case OPT_HELP:
		return PARSE_HELP;
	case OPT_VERSION:
		return PARSE_VERSION;
	case OPT_VERBOSE:
		o->verbosity++;
		break;
	case OPT_KILL_CHILD:
		o->kill_signal = value ? signame_parse(value) : SIGKILL;
		if (o->kill_signal < 0)
			return fail(p,
				    "unknown signal '%s' for --kill-child: use a name like TERM or "
				    "SIGTERM, a number, or RTMIN+n",
				    value);
		break;
	case OPT_GRACE:
		if (duration_parse(value, &o->grace_us) < 0)
			return fail(p, "bad duration '%s' for --grace: use e.g. 500ms, 10s or 2m",
				    value);
		break;
	case OPT_NAMESPACE:
	case OPT_NO_NAMESPACE: {
		enum role r = d->id == OPT_NAMESPACE ? ROLE_NAMESPACE : ROLE_NO_NAMESPACE;

		if (o->role != ROLE_AUTO && o->role != r)
			return fail(p, "--namespace and --no-namespace contradict each other");
		o->role = r;
		break;
	}
	}
	return PARSE_RUN;
}

/* "--name", "--name=value" or "--name value". *i is advanced past a value
 * taken from the next argument. */
static enum parse_result parse_long(struct parser *p, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *value = eq ? eq + 1 : NULL;

	for (size_t k = 0; k < NDEFS; k++) {
		const struct opt_def *d = &defs[k];

		if (strlen(d->long_name) != len || strncmp(d->long_name, name, len) != 0)
			continue;
		if (d->arg == ARG_NONE && value)
			return fail(p, "option '--%s' takes no value", d->long_name);
		if (d->arg == ARG_REQUIRED && !value) {
			if (*i + 1 >= argc)
				return fail(p, "option '--%s' needs a value", d->long_name);
			value = argv[++*i];
		}
		return apply(p, d, value);
	}
	return fail(p, "unknown option '%.*s'", (int)(len + 2), argv[*i]);
}

/* A cluster of short options, "-v", "-vv"; a value is the rest of the
 * cluster or the next argument. */
static enum parse_result parse_short(struct parser *p, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	for (const char *c = arg + 1; *c; c++) {
		const struct opt_def *d = NULL;
		enum parse_result r;

		for (size_t k = 0; k < NDEFS && !d; k++)
			if (defs[k].short_name == *c)
				d = &defs[k];
		if (!d)
			return fail(p, "unknown option '-%c'", *c);
		if (d->arg == ARG_NONE) {
			r = apply(p, d, NULL);
		} else {
			const char *value = c[1] ? c + 1 : NULL;

			if (!value && d->arg == ARG_REQUIRED) {
				if (*i + 1 >= argc)
					return fail(p, "option '-%c' needs a value", *c);
				value = argv[++*i];
			}
			return apply(p, d, value);
		}
		if (r != PARSE_RUN)
			return r;
	}
	return PARSE_RUN;
}

enum parse_result options_parse(int argc, char **argv, struct options *opts, char *err,
				size_t err_len)
{
	struct parser p = { opts, err, err_len };
	int i;

	memset(opts, 0, sizeof(*opts));
	opts->kill_signal = SIGKILL;
	opts->grace_us = OPTIONS_DEFAULT_GRACE_US;
	opts->role = ROLE_AUTO;
	if (err_len > 0)
		err[0] = '\0';

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		enum parse_result r;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* the command */
		if (arg[1] == '-')
			r = parse_long(&p, argc, argv, &i);
		else
			r = parse_short(&p, argc, argv, &i);
		if (r != PARSE_RUN)
			return r;
	}
	if (i >= argc)
		return fail(&p, "no command given: usage: nsinit [options] [--] COMMAND [ARG...]");
	opts->command = argv + i;
	return PARSE_RUN;
}

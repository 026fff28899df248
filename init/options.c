/* Command-line parsing. Options stop at the first non-option argument (like
 * getopt's "+" mode, env(1) and tini), so `nsinit sh -c x` needs no "--".
 * Hand-written rather than getopt_long: getopt keeps global state and prints
 * its own messages, and nsinit must say one line of its own and be fuzzable. */
#include "init/options.h"

#include "lib/capname.h"
#include "lib/num.h"
#include "lib/duration.h"
#include "lib/fmt.h"
#include "lib/signame.h"

#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum opt_id {
	OPT_HELP, OPT_VERSION, OPT_LICENSE, OPT_VERBOSE, OPT_WARN_REAPED,
	OPT_KILL_CHILD, OPT_GRACE, OPT_STOP_TIMEOUT, OPT_STOP_DELAY, OPT_TIMEOUT, OPT_WAIT_ALL, OPT_NAMESPACE, OPT_NO_NAMESPACE, OPT_SUBREAPER,
	OPT_USER, OPT_MAP_ROOT, OPT_MAP_CURRENT, OPT_UTS, OPT_IPC, OPT_NET, OPT_CGROUP, OPT_TIME,
	OPT_PID_FILE, OPT_ROOT,
	OPT_CAP_DROP, OPT_CAP_KEEP, OPT_NO_NEW_PRIVS, OPT_RUN_AS, OPT_NEW_SESSION,
	OPT_GROUP, OPT_SINGLE_CHILD, OPT_REWRITE, OPT_ZERO_EXIT, OPT_PDEATHSIG, OPT_EVENTS,
};

enum arg_kind { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

/* Names held in the table, not pointed to: a static-pie relocates every
 * pointer at start, and 34 relocations cost the static binary a page. */
struct opt_def {
	char long_name[20]; /* "parent-death-signal" and its NUL */
	char short_name;    /* 0: long form only */
	unsigned char arg;  /* enum arg_kind */
	unsigned char id;   /* enum opt_id */
};

/* The short letters are tini's (-s -g -e -p -w -l -v) and dumb-init's (-c -r
 * -V -h), with their meanings, so that either name can be swapped for nsinit. */
static const struct opt_def defs[] = {
	{ "help", 'h', ARG_NONE, OPT_HELP },
	{ "version", 'V', ARG_NONE, OPT_VERSION },
	{ "license", 'l', ARG_NONE, OPT_LICENSE },
	{ "verbose", 'v', ARG_NONE, OPT_VERBOSE },
	{ "warn-reaped", 'w', ARG_NONE, OPT_WARN_REAPED },
	{ "kill-child", 0, ARG_OPTIONAL, OPT_KILL_CHILD },
	{ "grace", 0, ARG_REQUIRED, OPT_GRACE },
	{ "stop-timeout", 0, ARG_REQUIRED, OPT_STOP_TIMEOUT },
	{ "stop-delay", 0, ARG_REQUIRED, OPT_STOP_DELAY },
	{ "timeout", 0, ARG_REQUIRED, OPT_TIMEOUT },
	{ "wait-all", 0, ARG_NONE, OPT_WAIT_ALL },
	{ "namespace", 0, ARG_NONE, OPT_NAMESPACE },
	{ "no-namespace", 0, ARG_NONE, OPT_NO_NAMESPACE },
	{ "subreaper", 's', ARG_NONE, OPT_SUBREAPER },
	{ "user", 0, ARG_NONE, OPT_USER },
	{ "map-root-user", 0, ARG_NONE, OPT_MAP_ROOT },
	{ "map-current-user", 0, ARG_NONE, OPT_MAP_CURRENT },
	{ "uts", 0, ARG_OPTIONAL, OPT_UTS },
	{ "ipc", 0, ARG_NONE, OPT_IPC },
	{ "net", 0, ARG_NONE, OPT_NET },
	{ "cgroup", 0, ARG_NONE, OPT_CGROUP },
	{ "time", 0, ARG_NONE, OPT_TIME },
	{ "pid-file", 0, ARG_REQUIRED, OPT_PID_FILE },
	{ "root", 0, ARG_REQUIRED, OPT_ROOT },
	{ "cap-drop", 0, ARG_REQUIRED, OPT_CAP_DROP },
	{ "cap-keep", 0, ARG_REQUIRED, OPT_CAP_KEEP },
	{ "no-new-privs", 0, ARG_NONE, OPT_NO_NEW_PRIVS },
	{ "run-as", 0, ARG_REQUIRED, OPT_RUN_AS },
	{ "new-session", 0, ARG_NONE, OPT_NEW_SESSION },
	{ "process-group", 'g', ARG_NONE, OPT_GROUP },
	{ "single-child", 'c', ARG_NONE, OPT_SINGLE_CHILD },
	{ "rewrite", 'r', ARG_REQUIRED, OPT_REWRITE },
	{ "zero-exit", 'e', ARG_REQUIRED, OPT_ZERO_EXIT },
	{ "parent-death-signal", 'p', ARG_REQUIRED, OPT_PDEATHSIG },
	{ "events", 0, ARG_REQUIRED, OPT_EVENTS },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

const char options_usage[] =
	"usage: nsinit [options] [--] COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND as the child of a PID 1 that reaps orphans, forwards signals and,\n"
	"when COMMAND exits, kills everything it left behind. Not already PID 1, nsinit\n"
	"makes a new PID and mount namespace with a fresh /proc and becomes its PID 1.\n"
	"\n"
	"PID 1:\n"
	"  --kill-child[=SIGNAL]  signal for what is left when COMMAND exits\n"
	"                         (default SIGKILL)\n"
	"  --grace=DURATION       after a kill-child signal other than SIGKILL, wait this\n"
	"                         long before SIGKILL (default 5s; e.g. 500ms, 10s, 2m)\n"
	"  --stop-timeout=DURATION  after a stop signal (TERM, INT, QUIT), give COMMAND\n"
	"                         this long to exit, then kill-child everything (default:\n"
	"                         no limit; the caller's own stop timeout rules)\n"
	"  --stop-delay=DURATION  hold a stop signal this long before passing it on\n"
	"                         (a second stop signal passes on at once)\n"
	"  --timeout=DURATION     stop COMMAND after this long (the stop signal, then\n"
	"                         after --grace the kill-child signal); exit 124\n"
	"  --wait-all             stay until every process has exited, not just COMMAND\n"
	"  -v, --verbose          log what PID 1 does, one line per event\n"
	"  -w, --warn-reaped      warn about every orphan reaped\n"
	"  --events=FD|FILE       write what happens as JSON lines to fd FD or FILE\n"
	"namespaces:\n"
	"  --namespace            make a new namespace even when already PID 1\n"
	"  --no-namespace         act as init here, without a new namespace\n"
	"  -s, --subreaper        the same, as a child subreaper (tini -s)\n"
	"  --user                 add a user namespace even when privileged\n"
	"  --map-root-user        in a user namespace, be root\n"
	"  --map-current-user     in it, keep the caller's uid and gid (the default)\n"
	"  --uts[=HOSTNAME]       new hostname namespace, optionally setting the name\n"
	"  --ipc, --net, --cgroup, --time\n"
	"                         new IPC, network (loopback up), cgroup, time namespace\n"
	"  --pid-file=FILE        write PID 1's pid (as the caller sees it) to FILE\n"
	"  --root=DIR             run COMMAND with DIR as its root and a fresh /proc in it\n"
	"COMMAND:\n"
	"  --cap-drop=LIST        drop capabilities (cap_net_raw,...; or all) from every set\n"
	"  --cap-keep=LIST        drop every capability but these\n"
	"  --no-new-privs         set no_new_privs: setuid and file caps grant nothing\n"
	"  --run-as=USER[:GROUP]  run COMMAND as USER and GROUP (names or ids), as gosu\n"
	"  --new-session          start COMMAND in a new session (dumb-init's setsid)\n"
	"  -g, --process-group    send signals to COMMAND's process group (tini -g)\n"
	"  -c, --single-child     send signals to COMMAND only (dumb-init -c)\n"
	"  -r, --rewrite=FROM:TO  send TO instead of FROM; TO=0 drops FROM (dumb-init -r)\n"
	"  -e, --zero-exit=CODE   report exit code CODE as 0 (tini -e; repeatable)\n"
	"  -p, --parent-death-signal=SIGNAL\n"
	"                         signal nsinit gets when its parent dies (tini -p)\n"
	"other:\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"  -l, --license          show the license\n"
	"\n"
	"SIGNAL is a name (TERM, SIGTERM, any case), a number, or RTMIN+n.\n"
	"Environment: TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP, TINI_VERBOSITY,\n"
	"DUMB_INIT_SETSID; LISTEN_PID is rewritten for COMMAND when it names nsinit.\n"
	"\n"
	"exit status: COMMAND's own; 128+N if it died of signal N; 125 if nsinit\n"
	"failed; 126 if COMMAND cannot be executed; 127 if it was not found.\n";

const char options_license[] =
	"nsinit is distributed under the MIT license:\n"
	"\n"
	"Copyright (c) 2026 the nsinit developers\n"
	"\n"
	"Permission is hereby granted, free of charge, to any person obtaining a copy of\n"
	"this software and associated documentation files (the \"Software\"), to deal in\n"
	"the Software without restriction, including without limitation the rights to\n"
	"use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of\n"
	"the Software, and to permit persons to whom the Software is furnished to do so,\n"
	"subject to the following conditions: the above copyright notice and this\n"
	"permission notice shall be included in all copies or substantial portions of\n"
	"the Software. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n"
	"\n"
	"The static binary includes musl (MIT; a few files BSD-2-Clause, BSD-3-Clause or\n"
	"ISC) and libcap (BSD-3-Clause or GPL-2.0); the .deb's copyright file,\n"
	"/usr/share/doc/nsinit/copyright (packaging/deb/copyright), holds their texts.\n";

struct parser {
	struct options *opts;
	char *err;
	size_t err_len;
};

static enum parse_result fail(struct parser *p, const char *format, ...) PRINTF_LIKE(2, 3);

static enum parse_result fail(struct parser *p, const char *format, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, format);
	fmt_v(text, sizeof(text), format, ap);
	va_end(ap);
	/* Values are echoed as the user gave them: a newline or an escape in one
	 * must not split the message into two lines or reach the terminal raw.
	 * Sanitized whole before it is cut to fit, so that a smaller buffer
	 * holds a prefix of the same message. */
	fmt_sanitize(text);
	fmt(p->err, p->err_len, "%s", text);
	return PARSE_ERROR;
}

/* A signal named in an option's value; -1 (after fail()) when it names none. */
static int signal_arg(struct parser *p, const char *value, const char *option)
{
	int sig = signame_parse(value);

	if (sig < 0)
		fail(p, "unknown signal '%s' for %s: use a name like TERM or SIGTERM, a number, "
			"or RTMIN+n", value, option);
	return sig;
}

/* -r FROM:TO, dumb-init's syntax: TO=0 drops FROM. */
static enum parse_result rewrite(struct parser *p, const char *value)
{
	const char *colon = strchr(value, ':');
	char from_text[SIGNAME_MAX + 8];
	int from, to;

	if (!colon || (size_t)(colon - value) >= sizeof(from_text))
		return fail(p, "bad rewrite '%s' for --rewrite: use FROM:TO, e.g. TERM:QUIT or "
			       "WINCH:0 to drop SIGWINCH", value);
	memcpy(from_text, value, (size_t)(colon - value));
	from_text[colon - value] = '\0';
	from = signal_arg(p, from_text, "--rewrite");
	if (from < 0)
		return PARSE_ERROR;
	to = strcmp(colon + 1, "0") == 0 ? 0 : signal_arg(p, colon + 1, "--rewrite");
	if (to < 0)
		return PARSE_ERROR;
	p->opts->rules.rewrite[from] = to;
	return PARSE_RUN;
}

/* -e CODE: an exit code from 0 to 255. */
static enum parse_result zero_exit(struct parser *p, const char *value)
{
	char *end;
	long code = num_long(value, &end);

	if (!*value || *end || code < 0 || code > 255)
		return fail(p, "bad exit code '%s' for --zero-exit: use a number from 0 to 255",
			    value);
	p->opts->zero_exit[code / 32] |= 1U << (code % 32);
	return PARSE_RUN;
}

static enum parse_result capabilities(struct parser *p, const char *value, const char *option,
				      uint64_t *mask)
{
	char bad[64];

	if (capname_parse(value, mask, bad, sizeof(bad)) < 0)
		return fail(p, "unknown capability '%s' for %s: use names like cap_net_raw or "
			       "NET_RAW, separated by commas, or all", bad, option);
	return PARSE_RUN;
}

static enum parse_result set_role(struct parser *p, enum role r)
{
	if (p->opts->role != ROLE_AUTO && p->opts->role != r)
		return fail(p, "--namespace contradicts --no-namespace and -s");
	p->opts->role = r;
	p->opts->given |= GIVEN_ROLE;
	return PARSE_RUN;
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
	case OPT_LICENSE:
		return PARSE_LICENSE;
	case OPT_VERBOSE:
		o->verbosity++;
		o->given |= GIVEN_VERBOSITY;
		break;
	case OPT_WARN_REAPED:
		o->warn_reaped = true;
		break;
	case OPT_KILL_CHILD:
		o->kill_signal = value ? signal_arg(p, value, "--kill-child") : SIGKILL;
		if (o->kill_signal < 0)
			return PARSE_ERROR;
		break;
	case OPT_GRACE:
		if (duration_parse(value, &o->grace_us) < 0)
			return fail(p, "bad duration '%s' for --grace: use e.g. 500ms, 10s or 2m",
				    value);
		break;
	case OPT_STOP_TIMEOUT:
		if (duration_parse(value, &o->stop_timeout_us) < 0 || o->stop_timeout_us == 0)
			return fail(p, "bad duration '%s' for --stop-timeout: use e.g. 30s or 2m "
				       "(more than 0)", value);
		break;
	case OPT_STOP_DELAY:
		if (duration_parse(value, &o->stop_delay_us) < 0)
			return fail(p, "bad duration '%s' for --stop-delay: use e.g. 5s or 500ms",
				    value);
		break;
	case OPT_TIMEOUT:
		if (duration_parse(value, &o->timeout_us) < 0 || o->timeout_us == 0)
			return fail(p, "bad duration '%s' for --timeout: use e.g. 30s, 10m or 2h "
				       "(more than 0)", value);
		break;
	case OPT_WAIT_ALL:
		o->wait_all = true;
		break;
	case OPT_NAMESPACE:
		return set_role(p, ROLE_NAMESPACE);
	case OPT_NO_NAMESPACE:
	case OPT_SUBREAPER:
		return set_role(p, ROLE_NO_NAMESPACE);
	case OPT_USER:
		o->user_ns = true;
		break;
	case OPT_MAP_ROOT:
		o->map_current_user = false;
		break;
	case OPT_MAP_CURRENT:
		o->map_current_user = true;
		break;
	case OPT_UTS:
		o->extra_ns |= CLONE_NEWUTS;
		if (value && (!*value || strlen(value) > HOST_NAME_MAX))
			return fail(p, "bad hostname '%s' for --uts: use 1 to %d characters", value,
				    HOST_NAME_MAX);
		o->hostname = value;
		break;
	case OPT_IPC:
		o->extra_ns |= CLONE_NEWIPC;
		break;
	case OPT_NET:
		o->extra_ns |= CLONE_NEWNET;
		break;
	case OPT_CGROUP:
		o->extra_ns |= CLONE_NEWCGROUP;
		break;
	case OPT_TIME:
		o->extra_ns |= CLONE_NEWTIME;
		break;
	case OPT_PID_FILE:
		if (!*value)
			return fail(p, "empty file name for --pid-file");
		o->pid_file = value;
		break;
	case OPT_ROOT:
		if (!*value)
			return fail(p, "empty directory name for --root");
		o->root = value;
		break;
	case OPT_CAP_DROP:
		return capabilities(p, value, "--cap-drop", &o->cap_drop);
	case OPT_CAP_KEEP:
		o->cap_keep_given = true;
		return capabilities(p, value, "--cap-keep", &o->cap_keep);
	case OPT_NO_NEW_PRIVS:
		o->no_new_privs = true;
		break;
	case OPT_RUN_AS:
		/* Checked and looked up later, in the command's root (lib/passwd.c). */
		o->run_as = value;
		break;
	case OPT_NEW_SESSION:
		o->new_session = true;
		o->given |= GIVEN_SESSION;
		break;
	case OPT_GROUP:
		o->target = TARGET_GROUP;
		o->given |= GIVEN_TARGET;
		break;
	case OPT_SINGLE_CHILD:
		o->target = TARGET_COMMAND;
		o->new_session = false;
		o->given |= GIVEN_TARGET | GIVEN_SESSION;
		break;
	case OPT_REWRITE:
		return rewrite(p, value);
	case OPT_ZERO_EXIT:
		return zero_exit(p, value);
	case OPT_EVENTS:
		if (!*value)
			return fail(p, "empty value for --events: give an fd number or a file");
		o->events = value;
		break;
	case OPT_PDEATHSIG:
		o->parent_death_signal = signal_arg(p, value, "--parent-death-signal");
		if (o->parent_death_signal < 0)
			return PARSE_ERROR;
		break;
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
	for (int sig = 0; sig < NSIG; sig++)
		opts->rules.rewrite[sig] = sig;
	opts->kill_signal = SIGKILL;
	opts->grace_us = OPTIONS_DEFAULT_GRACE_US;
	opts->role = ROLE_AUTO;
	/* A wrapper must be invisible: the command runs as whoever started
	 * nsinit (bubblewrap's default); --map-root-user asks for root. */
	opts->map_current_user = true;
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

bool options_zero_exit(const struct options *opts, int code)
{
	return code >= 0 && code <= 255 && (opts->zero_exit[code / 32] >> (code % 32)) & 1;
}

/* Signal names as kill(1) and the shells spell them. */
#include "lib/signame.h"

#include "lib/fmt.h"

#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int sig;
} names[] = {
	{ "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },
	{ "ILL", SIGILL },       { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },
	{ "IOT", SIGIOT },       { "BUS", SIGBUS },       { "FPE", SIGFPE },
	{ "KILL", SIGKILL },     { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },
	{ "TERM", SIGTERM },
#ifdef SIGSTKFLT /* not on mips */
	{ "STKFLT", SIGSTKFLT },
#endif
	{ "CHLD", SIGCHLD },
	{ "CLD", SIGCHLD },      { "CONT", SIGCONT },     { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
	{ "URG", SIGURG },       { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },     { "WINCH", SIGWINCH },
	{ "IO", SIGIO },         { "POLL", SIGPOLL },     { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

/* Parse a whole decimal number in [0, INT_MAX]; -1 if `s` is anything else. */
static int parse_decimal(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	return (int)v;
}

/* The real-time range as the kernel, glibc, kill(1) and systemd number it:
 * 34 to 64. musl's SIGRTMIN is 35 (it keeps 34 for itself), so the libc's
 * macros would make "RTMIN+3" a different signal in the static build. */
#define RT_FIRST 34
#define RT_LAST 64

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (case already folded by the caller's
 * strncasecmp), checked against the real-time range. */
static int parse_realtime(const char *s)
{
	int base, off = 0, sign;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = RT_FIRST;
		sign = 1;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = RT_LAST;
		sign = -1;
	} else {
		return -1;
	}
	s += 5;
	if (*s != '\0') {
		if (*s != (sign > 0 ? '+' : '-'))
			return -1;
		off = parse_decimal(s + 1);
		if (off < 0)
			return -1;
	}
	if (off > RT_LAST - RT_FIRST)
		return -1;
	return base + sign * off;
}

int signame_parse(const char *text)
{
	const char *s = text;
	int sig;

	if (s == NULL || *s == '\0')
		return -1;
	if (isdigit((unsigned char)*s)) {
		sig = parse_decimal(s);
		return (sig >= 1 && sig < NSIG) ? sig : -1;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].sig;
	return parse_realtime(s);
}

const char *signame_format(int sig, char *buf, size_t len)
{
	if (sig >= RT_FIRST && sig <= RT_LAST) {
		if (sig == RT_FIRST)
			fmt(buf, len, "SIGRTMIN");
		else
			fmt(buf, len, "SIGRTMIN+%d", sig - RT_FIRST);
		return buf;
	}
	/* The first name in the table is the canonical one (IOT, CLD, POLL follow
	 * ABRT, CHLD, IO). */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].sig == sig) {
			fmt(buf, len, "SIG%s", names[i].name);
			return buf;
		}
	}
	fmt(buf, len, "signal %d", sig);
	return buf;
}

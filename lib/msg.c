/* Messages on stderr. See msg.h for why each line is a single write. */
#include "lib/msg.h"

#include "lib/errtext.h"
#include "lib/exitcode.h"
#include "lib/sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* Written once by main() before any other process exists; read-only after. */
static int verbosity;
/* A reader of stderr that let a line time out: drop the next ones without
 * waiting, until one goes through again. */
static bool stalled;

void msg_set_verbosity(int v)
{
	verbosity = v;
}

int msg_verbosity(void)
{
	return verbosity;
}

/* Format "nsinit: <fmt>[: <errtext(err)>]\n" and write it in one go. */
static void emit(bool fatal, int err, bool with_errno, const char *format, va_list ap)
{
	char line[1024];
	const size_t cap = sizeof(line) - 1; /* keep one byte for the newline */
	size_t len;

	len = fmt(line, cap, "nsinit: ");
	len += fmt_v(line + len, cap - len, format, ap);
	if (with_errno)
		len += fmt(line + len, cap - len, ": %s", errtext(err));
	/* Names and paths come from outside: a newline in one must not forge a
	 * second "nsinit:" line, nor an escape sequence reach the terminal. */
	fmt_sanitize(line);
	line[len++] = '\n';
	/* Best effort: a short or failed write to stderr is not worth dying for.
	 * Only a last word before exit may wait for a full pipe; the running
	 * relay and PID 1 drop a line rather than stall. */
	if (fatal)
		(void)sys_write(STDERR_FILENO, line, len);
	else
		stalled = sys_write_bounded(STDERR_FILENO, line, len, stalled ? 0 : 1000) < 0 &&
			  errno == EAGAIN;
}

noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(true, 0, false, fmt, ap);
	va_end(ap);
	_exit(EXIT_NSINIT_FAILED);
}

noreturn void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	emit(true, err, true, fmt, ap);
	va_end(ap);
	_exit(EXIT_NSINIT_FAILED);
}

noreturn void die_code(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(true, 0, false, fmt, ap);
	va_end(ap);
	_exit(code);
}

void warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	emit(false, 0, false, fmt, ap);
	va_end(ap);
	errno = err;
}

void warn_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	emit(false, err, true, fmt, ap);
	va_end(ap);
	errno = err;
}

void note(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	emit(false, 0, false, fmt, ap);
	va_end(ap);
	errno = err;
}

const char *msg_fork_hint(int err)
{
	return err == EAGAIN ? ": a process limit was reached; raise ulimit -u, or a cgroup's "
			       "pids.max"
			     : "";
}

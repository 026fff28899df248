/* Messages on stderr: errors, warnings and the -v event log.
 *
 * Every line is formatted first and written with one write(2), so lines from
 * the relay, PID 1 and the command never interleave mid-line, and a closed or
 * broken stderr never kills nsinit (SIGPIPE is blocked and write errors are
 * ignored: logging is best effort, PID 1 must survive it).
 */
#ifndef NSINIT_MSG_H
#define NSINIT_MSG_H

#include "lib/fmt.h"

#include <stdnoreturn.h>

/* Set once at start-up from the options; read by note(). */
void msg_set_verbosity(int verbosity);
int msg_verbosity(void);

/* Print "nsinit: <message>" and _exit(125). Safe in a forked child. */
noreturn void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* The same, followed by ": <strerror(errno)>". */
noreturn void die_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Print "nsinit: <message>" and _exit(code). */
noreturn void die_code(int code, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Print "nsinit: <message>" and go on. */
void warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warn_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Print "nsinit: <message>" only with -v. */
void note(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* fork or clone failed with err: for EAGAIN, the clause that names the
 * limits that refuse it (": a process limit was reached; ..."), else "". */
const char *msg_fork_hint(int err);

#endif

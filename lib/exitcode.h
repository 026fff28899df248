/* The exit-code policy of nsinit, written once (README.md repeats it).
 *
 * The command's own exit code passes through unchanged; death by signal N is
 * 128+N (the shell's convention, and tini's). Codes 125-127 follow env(1),
 * timeout(1) and `docker run`: 125 is nsinit's own failure (including bad usage),
 * 126 a command that was found but cannot be executed, 127 one that was not found.
 */
#ifndef NSINIT_EXITCODE_H
#define NSINIT_EXITCODE_H

#define EXIT_TIMED_OUT 124 /* --timeout ran out, as timeout(1) exits */
#define EXIT_NSINIT_FAILED 125
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NOT_FOUND 127
#define EXIT_SIGNAL_BASE 128

/* Exit code for a wait(2) status: the code itself, or 128+N for signal N. */
int exitcode_from_status(int status);

/* Exit code for an execve(2) errno: 127 when the file was not found, else 126. */
int exitcode_from_exec_errno(int err);

#endif

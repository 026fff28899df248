/* --pid-file: where PID 1's pid is written, for nsenter --target and scripts. */
#ifndef NSINIT_PIDFILE_H
#define NSINIT_PIDFILE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct pidfile {
	char path[PATH_MAX]; /* absolute, so that chdir("/") does not lose it */
	char text[16];       /* what was written: "<pid>\n" */
	bool written;
};

/* Write pid and a newline to path (created or truncated, mode 0644 less the
 * umask), remembering which file it was. Returns 0, or -1 after printing
 * why. */
int pidfile_write(struct pidfile *pf, const char *path, pid_t pid);

/* Remove the file written, unless it has been replaced since (by a newer
 * nsinit, say): it must still hold our pid. Warns if it cannot. */
void pidfile_remove(const struct pidfile *pf);

#endif

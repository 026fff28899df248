/* --pid-file: where PID 1's pid is written, for nsenter --target and scripts. */
#ifndef NSINIT_PIDFILE_H
#define NSINIT_PIDFILE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct pidfile {
	char path[PATH_MAX]; /* absolute, so that chdir("/") does not lose it */
	char dir[PATH_MAX];  /* path up to the last '/' ("/" for a file in /) */
	size_t name;         /* path + name: what follows the last '/' */
	char text[16];       /* what was written: "<pid>\n" */
	dev_t dev;           /* the file written */
	ino_t ino;
	bool written;
};

/* Write pid and a newline to path as a new regular file (mode 0644 less the
 * umask) that replaces the name at once (rename(2)); a link, fifo, device or
 * directory there is refused, and nothing is followed or truncated. Returns
 * 0, or -1 after printing why. */
int pidfile_write(struct pidfile *pf, const char *path, pid_t pid);

/* Remove the file written, unless it has been replaced since (by a newer
 * nsinit, say): it must still be the same file holding our pid. Warns if it
 * cannot. */
void pidfile_remove(const struct pidfile *pf);

#endif

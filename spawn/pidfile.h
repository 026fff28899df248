/* --pid-file: where PID 1's pid is written, for nsenter --target and scripts. */
#ifndef NSINIT_PIDFILE_H
#define NSINIT_PIDFILE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct pidfile {
	const char *path;        /* as the user gave it, for messages */
	int dirfd;               /* its directory, held open until removal, or -1 */
	char name[NAME_MAX + 1]; /* its last component */
	char text[16];           /* what was written: "<pid>\n" */
	dev_t dev;               /* the file written */
	ino_t ino;
	bool written;
};

#define PIDFILE_NONE { .dirfd = -1, .written = false }

/* Write pid and a newline to path as a new regular file (mode 0644 less the
 * umask) that replaces the name at once (rename(2)); a link, fifo, device or
 * directory there is refused, and nothing is followed or truncated (see
 * lib/stranger.h for the directories on the way). The directory stays open
 * (close-on-exec) until pidfile_remove(). Returns 0, or -1 after printing
 * why. */
int pidfile_write(struct pidfile *pf, const char *path, pid_t pid);

/* Remove the file written, unless it has been replaced since (by a newer
 * nsinit, say): it must still be the same file holding our pid. Warns if it
 * cannot. */
void pidfile_remove(struct pidfile *pf);

#endif

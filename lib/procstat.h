/* One line of /proc/PID/stat, the fields nsinit asks about. */
#ifndef NSINIT_PROCSTAT_H
#define NSINIT_PROCSTAT_H

#include <stdbool.h>

struct procstat {
	char name[64];        /* field 2, without its parentheses */
	long ppid;            /* 4 */
	long pgrp;            /* 5: process group */
	long session;         /* 6 */
	unsigned long flags;  /* 9: PF_* */
	long start;           /* 22: start time, in clock ticks after boot */
};

/* PF_FORKNOEXEC: forked, and no execve since (the kernel clears it in
 * execve before the close-on-exec fds close). */
#define PROCSTAT_FORKNOEXEC 0x00000040UL

/* Read PID/stat through the procfs dirfd proc (which must show pid's PID
 * namespace). Returns false if the process is gone or the line is not one. */
bool procstat_read(int proc, long pid, struct procstat *st);

#endif

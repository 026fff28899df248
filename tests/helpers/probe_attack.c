/* What an untrusted command tries against nsinit's own processes. */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* probe attack PID: try to take PID's fds 0-63 (pidfd_getfd) and to
 * attach to it (ptrace), as a command that wants nsinit's socket, or its
 * terminal for TIOCSTI, would. Prints "getfd: <n> taken" (how many fds it
 * got) and "ptrace: ok" or "ptrace: <errno name>". */
int cmd_attack(int argc, char **argv)
{
	if (argc != 3)
		usage();
	pid_t target = (pid_t)num_arg(argv[2]);
	int pidfd = (int)syscall(SYS_pidfd_open, target, 0);
	int taken = 0;

	if (pidfd < 0)
		die("pidfd_open");
	for (int fd = 0; fd < 64; fd++) {
		int got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

		if (got >= 0) {
			taken++;
			close(got);
		}
	}
	out("getfd: %d taken\n", taken);
	if (ptrace(PTRACE_SEIZE, target, NULL, NULL) == 0) {
		out("ptrace: ok\n");
		(void)ptrace(PTRACE_DETACH, target, NULL, NULL);
	} else {
		out("ptrace: %s\n", strerrorname_np(errno));
	}
	return 0;
}

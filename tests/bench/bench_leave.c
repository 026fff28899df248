/* bench-leave: the command of the shutdown benchmark.
 *
 *   bench-leave STAMP N TOKEN
 *
 * Forks N children that block for ever (default dispositions, so any
 * kill-child signal ends them), writes its own CLOCK_MONOTONIC time (decimal
 * ns) into STAMP and exits 0, leaving the N behind for the init to deal
 * with. TOKEN only marks the processes: the children share this argv, so
 * the driver finds whatever survived the init by it in /proc/PID/cmdline. */
#include "common.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>

int main(int argc, char **argv)
{
	sigset_t none;
	char buf[32];
	int n, fd, len;

	if (argc != 4) {
		dprintf(2, "usage: bench-leave STAMP N TOKEN\n");
		return 2;
	}
	n = atoi(argv[2]);
	/* An init may hand us a blocked mask; the children must die of the
	 * kill-child signal as any process would. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			bench_die("fork");
		if (pid == 0) {
			close_from(3);
			for (;;)
				pause();
		}
	}
	/* Open first, so that only the write(2) lies between the stamp and the
	 * exit. */
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		bench_die("cannot open %s", argv[1]);
	len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", now_ns());
	if (!write_full(fd, buf, (size_t)len))
		bench_die("cannot write %s", argv[1]);
	_exit(0);
}

/* bench-run: time commands from spawn to reaped, for the start-up and the
 * shutdown benchmarks.
 *
 *   bench-run [-e ERRLOG] [-t TIMEOUT_S] SEG [::: SEG]...
 *   SEG = STAMP CMD [ARG...]
 *
 * Runs each SEG's command once, in the order given (the driver rotates the
 * order between rounds), with stdin and stdout on /dev/null and stderr
 * appended to ERRLOG (default /dev/null). For each it prints one line:
 *
 *   <wall ns> <wait status> <ns from STAMP to reaped, or -1> <CPU ns>
 *
 * The wall time runs from just before posix_spawn to just after waitpid, so
 * it holds the wrapper's exec, its namespaces, the command and the
 * teardown: what a caller waits for. STAMP is '-' or a file into which the
 * command writes its own CLOCK_MONOTONIC time (decimal ns) just before it
 * exits (bench-leave does); the third field is then the time from the
 * command's exit to the wrapper's, i.e. the shutdown. A run that outlives
 * TIMEOUT_S (default 30) is killed and reported with status -1. The CPU
 * time is user + system of the whole tree that was waited for (wait4's
 * rusage counts every descendant reaped along the way, orphans reaped by an
 * init included): the work done, which waiting for a CPU on a busy machine
 * does not inflate as it does the wall time.
 *
 * posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK)) keeps the harness' own
 * cost out of the time and the same for every configuration. */
#include "common.h"

#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

/* Read the command's exit stamp; 0 if it wrote none. */
static uint64_t read_stamp(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

/* Wait for pid with a deadline: a pidfd polls readable when it exits. */
static int wait_deadline(pid_t pid, int timeout_s, int *status, struct rusage *ru)
{
	int fd = pidfd_open(pid);

	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		do
			r = poll(&p, 1, timeout_s * 1000);
		while (r < 0 && errno == EINTR);
		close(fd);
		if (r == 0) {
			kill(pid, SIGKILL);
			wait4(pid, status, 0, ru);
			return -1;
		}
	}
	while (wait4(pid, status, 0, ru) < 0)
		if (errno != EINTR)
			bench_die("wait4");
	return 0;
}

static void run_one(char **seg, const char *errlog, int timeout_s)
{
	const char *stamp = seg[0];
	posix_spawn_file_actions_t fa;
	uint64_t t0, t1, cmd_exit = 0, cpu;
	struct rusage ru = { 0 };
	int status = 0;
	pid_t pid;

	if (strcmp(stamp, "-") != 0)
		unlink(stamp);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errlog, O_WRONLY | O_APPEND | O_CREAT, 0644);

	t0 = now_ns();
	errno = posix_spawnp(&pid, seg[1], &fa, NULL, seg + 1, environ);
	if (errno != 0) {
		printf("-1 -2 -1 -1\n");
		posix_spawn_file_actions_destroy(&fa);
		return;
	}
	if (wait_deadline(pid, timeout_s, &status, &ru) < 0)
		status = -1;
	t1 = now_ns();
	cpu = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
	      ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
	posix_spawn_file_actions_destroy(&fa);
	if (strcmp(stamp, "-") != 0)
		cmd_exit = read_stamp(stamp);
	if (cmd_exit && cmd_exit <= t1)
		printf("%" PRIu64 " %d %" PRIu64 " %" PRIu64 "\n", t1 - t0, status, t1 - cmd_exit, cpu);
	else
		printf("%" PRIu64 " %d -1 %" PRIu64 "\n", t1 - t0, status, cpu);
}

int main(int argc, char **argv)
{
	const char *errlog = "/dev/null";
	int timeout_s = 30, i = 1;

	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i += 2) {
		if (strcmp(argv[i], "-e") == 0)
			errlog = argv[i + 1];
		else if (strcmp(argv[i], "-t") == 0)
			timeout_s = atoi(argv[i + 1]);
		else
			break;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (i < argc) {
		int end = i;

		while (end < argc && strcmp(argv[end], ":::") != 0)
			end++;
		if (end - i < 2) {
			dprintf(2, "usage: bench-run [-e ERRLOG] [-t TIMEOUT_S] STAMP CMD [ARG...] [::: ...]\n");
			return 2;
		}
		argv[end < argc ? end : argc] = NULL;
		run_one(argv + i, errlog, timeout_s);
		i = end + 1;
	}
	return 0;
}

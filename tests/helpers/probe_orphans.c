/*
 * Orphans: processes whose parent exited, so that PID 1 must reap them.
 * All are made by make_orphans(); what each does once made is its fate.
 */
#define _GNU_SOURCE
#include "probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* What an orphan does: with a hold pipe, wait for its EOF (every copy of
 * hold_w closed), then exit with code, or die of sig when sig > 0; without
 * one (hold < 0), block for ever. */
struct fate {
	int hold, hold_w, code, sig;
};

static void live(const struct fate *f) __attribute__((noreturn));
static void live(const struct fate *f)
{
	char b;
	if (f->hold < 0)
		block_forever();
	close(f->hold_w);
	while (read(f->hold, &b, 1) < 0 && errno == EINTR)
		;
	if (f->sig > 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, f->sig);
		signal(f->sig, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		kill(getpid(), f->sig);
		block_forever();
	}
	_exit(f->code);
}

/*
 * Make n orphans quickly: a few intermediate children (4 from 64 orphans
 * on) each fork their share and exit, so every orphan is PID 1's child
 * once this returns. The pid of the first intermediate's last orphan goes
 * to *last when asked. 0 on success, 1 if a fork was refused with EAGAIN
 * (a pids limit), -1 on any other failure.
 */
static int make_orphans(long n, const struct fate *f, pid_t *last)
{
	const long workers = n >= 64 ? 4 : 1;
	pid_t kids[4];
	long started = 0;
	int info[2], result = 0;
	if (pipe2(info, O_CLOEXEC) < 0)
		return -1;
	for (; started < workers; started++) {
		long share = n / workers + (started < n % workers ? 1 : 0);
		pid_t c = fork();
		if (c < 0) {
			result = errno == EAGAIN ? 1 : -1;
			break;
		}
		if (c == 0) {
			pid_t g = 0;
			for (long i = 0; i < share; i++) {
				g = fork();
				if (g < 0)
					_exit(errno == EAGAIN ? 11 : 12);
				if (g == 0)
					live(f);
			}
			if (started == 0 && write(info[1], &g, sizeof g) != sizeof g)
				_exit(12);
			_exit(0);
		}
		kids[started] = c;
	}
	close(info[1]);
	for (long w = 0; w < started; w++) {
		int st;
		while (waitpid(kids[w], &st, 0) < 0)
			if (errno != EINTR)
				return -1;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (code && result == 0)
			result = code == 11 ? 1 : -1;
	}
	if (last && (result || read(info[0], last, sizeof *last) != sizeof *last))
		result = result ? result : -1;
	close(info[0]);
	return result;
}

/* Count processes in our /proc other than PID 1 and ourselves, and zombies. */
static void scan_proc(int *left, int *zombies)
{
	*left = 0;
	*zombies = 0;
	DIR *d = opendir("/proc");
	if (!d)
		die("opendir /proc");
	pid_t self = getpid();
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atol(e->d_name);
		if (pid == 1 || pid == self)
			continue;
		char path[64], buf[512];
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue; /* gone meanwhile */
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		(*left)++;
		char *rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && rp[2] == 'Z')
			(*zombies)++;
	}
	closedir(d);
}

/* Wait (deadline 120 s) until the scan of our /proc shows nothing but PID 1
 * and us (zombies_wanted < 0), or exactly that many zombies among the
 * others. Prints "left=L zombies=Z"; 0 when met, else 1. */
static int wait_scan(long zombies_wanted)
{
	int left = 0, zombies = 0, met;
	long long deadline = mono_ms() + 120000;
	for (;;) {
		scan_proc(&left, &zombies);
		met = zombies_wanted < 0 ? (left == 0 && zombies == 0) : zombies == zombies_wanted;
		if (met || mono_ms() > deadline)
			break;
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	}
	out("left=%d zombies=%d\n", left, zombies);
	return met ? 0 : 1;
}

/* n orphans that exit at once, then wait_scan(zombies_wanted). */
static int orphan_burst(long n, long zombies_wanted)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	struct fate f = {.hold = p[0], .hold_w = p[1]};
	if (make_orphans(n, &f, NULL) != 0) {
		dprintf(STDERR_FILENO, "probe: cannot make %ld orphans: %s\n", n, strerror(errno));
		return 3;
	}
	close(p[1]); /* every orphan sees EOF now and exits */
	close(p[0]);
	return wait_scan(zombies_wanted);
}

/* probe orphan-burst N CODE, probe orphans N */
int cmd_orphan_burst(int argc, char **argv)
{
	if (argc < 3)
		usage();
	int r = orphan_burst(num_arg(argv[2]), -1);
	return r == 0 && argc > 3 ? (int)num_arg(argv[3]) : r;
}

/* probe orphan-batches */
int cmd_orphan_batches(int argc, char **argv)
{
	char line[64];
	(void)argc;
	(void)argv;
	out("ready\n");
	for (;;) {
		read_line_from(STDIN_FILENO, line, sizeof line);
		if (!line[0])
			return 0;
		int r = orphan_burst(num_arg(line), -1);
		if (r)
			return r;
	}
}

/* probe orphan-exit CODE, probe orphan-kill SIGNUM */
static int one_orphan(int argc, char **argv, bool by_signal)
{
	if (argc < 3)
		usage();
	int val = (int)num_arg(argv[2]), p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	struct fate f = {.hold = p[0], .hold_w = p[1], .code = by_signal ? 0 : val,
			 .sig = by_signal ? val : 0};
	pid_t g;
	if (make_orphans(1, &f, &g) != 0)
		die("make an orphan");
	int pfd = (int)syscall(SYS_pidfd_open, g, 0);
	if (pfd < 0)
		die("pidfd_open");
	out("orphan %d\n", (int)g);
	close(p[1]);
	close(p[0]);
	struct pollfd pf = {.fd = pfd, .events = POLLIN};
	if (poll(&pf, 1, 30000) != 1) {
		dprintf(STDERR_FILENO, "probe: orphan did not die\n");
		return 3;
	}
	out("done\n");
	return 0;
}

int cmd_orphan_exit(int argc, char **argv)
{
	return one_orphan(argc, argv, false);
}

int cmd_orphan_kill(int argc, char **argv)
{
	return one_orphan(argc, argv, true);
}

/* probe zombies-on-usr1 N CODE */
int cmd_zombies_on_usr1(int argc, char **argv)
{
	if (argc < 4)
		usage();
	long n = num_arg(argv[2]);
	int code = (int)num_arg(argv[3]);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &s, NULL) < 0)
		die("sigprocmask");
	out("ready\n");
	while (sigwaitinfo(&s, NULL) < 0)
		if (errno != EINTR)
			die("sigwaitinfo");
	int r = orphan_burst(n, n);
	return r == 0 ? code : r;
}

/*
 * probe fork-limit N CODE: under a pids limit. Phase 1: make up to N orphans
 * that block on a pipe, counting the forks refused with EAGAIN. Then release
 * them (the limit only lets go of their pids once PID 1 has reaped them)
 * and make as many again that block for ever, retrying EAGAIN for up to
 * 20 s. The phase 2 orphans are left for nsinit's shutdown.
 */
int cmd_fork_limit(int argc, char **argv)
{
	if (argc < 4)
		usage();
	long n = num_arg(argv[2]);
	int code = (int)num_arg(argv[3]);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	struct fate held = {.hold = p[0], .hold_w = p[1]}, forever = {.hold = -1};
	long ok = 0, failed = 0;
	for (long i = 0; i < n; i++) {
		int r = make_orphans(1, &held, NULL);
		if (r < 0)
			die("fork (not EAGAIN)");
		if (r == 0)
			ok++;
		else
			failed++;
	}
	out("phase1 ok=%ld failed=%ld\n", ok, failed);
	close(p[1]);
	close(p[0]);
	long ok2 = 0, retries = 0;
	long long deadline = mono_ms() + 20000;
	while (ok2 < ok && mono_ms() < deadline) {
		int r = make_orphans(1, &forever, NULL);
		if (r < 0)
			die("fork (not EAGAIN)");
		if (r == 0) {
			ok2++;
			continue;
		}
		retries++;
		poll(NULL, 0, 2); /* retrying a refused fork, with a deadline */
	}
	out("phase2 ok=%ld retries=%ld\n", ok2, retries);
	return ok2 == ok ? code : 1;
}

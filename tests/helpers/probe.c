/*
 * probe: helper command run *inside* nsinit by the integration tests.
 *
 * Every line is written with write(2), so nothing sits in a stdio buffer.
 *
 *   probe signals [N]         block every signal, print "ready", then print the
 *                             name of each signal received ("SIGTERM",
 *                             "SIGRTMIN+1", ...); exit 0 after N signals
 *                             (N = 0 or absent: never).
 *   probe orphans N           create N double-forked orphans that all exit at
 *                             once, then wait (deadline 60 s) until no process
 *                             but PID 1 and the probe is left and none is a
 *                             zombie; print "left=L zombies=Z"; exit 0 if both
 *                             are 0, else 1.
 *   probe ignore-term-child   fork a child that ignores SIGTERM and blocks
 *                             forever; once it is armed print
 *                             "armed <CLOCK_MONOTONIC ms>" and exit 0.
 *   probe bg-signals          fork a child that blocks every signal and prints
 *                             the name of the first one it receives, then
 *                             exits; once the child is set up print "armed"
 *                             and exit 0.
 *   probe spawn-bg N [stay]   fork N children that block forever (default
 *                             dispositions), print "ready"; then exit 0, or
 *                             with "stay" block forever too.
 *   probe orphan-exit CODE    create one orphan that exits with CODE,
 *   probe orphan-kill SIGNUM  ... or that kills itself with SIGNUM;
 *                             print "orphan <pid>", wait until it is dead,
 *                             print "done", exit 0.
 *   probe status [ARG...]     print the process' start state:
 *                               SigBlk: <hex>      (from /proc/self/status)
 *                               SigIgn: <hex>
 *                               fds: 0 1 2 ...     (open fds, ascending)
 *                               fd <n>: <readlink of /proc/self/fd/n>
 *                               cwd: <getcwd>
 *                               argc: <argc of the probe>
 *                               argv[<i>]: <arg>   (i = 0 .. argc-1)
 *                               env: <K=V>         (each environment entry)
 *   probe nspid [DIRFD]       print the "NSpid:" line of the probe's status
 *                             read through /proc, or through the proc
 *                             directory open on inherited fd DIRFD.
 *
 * Exit code 2 on usage error, 3 on an unexpected system call failure.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		_exit(3);
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, (size_t)n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			_exit(3);
		}
		p += w;
		n -= (int)w;
	}
}

static void die(const char *what)
{
	dprintf(STDERR_FILENO, "probe: %s: %s\n", what, strerror(errno));
	_exit(3);
}

static void usage(void)
{
	dprintf(STDERR_FILENO,
		"usage: probe signals [N] | orphans N | ignore-term-child | bg-signals |\n"
		"       spawn-bg N [stay] | orphan-exit CODE | orphan-kill SIGNUM |\n"
		"       status [ARG...] | nspid [DIRFD]\n");
	_exit(2);
}

static long num_arg(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		usage();
	return v;
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void block_forever(void)
{
	for (;;)
		pause();
}

static void sig_name(int sig, char *buf, size_t n)
{
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		if (sig == SIGRTMIN)
			snprintf(buf, n, "SIGRTMIN");
		else
			snprintf(buf, n, "SIGRTMIN+%d", sig - SIGRTMIN);
		return;
	}
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, n, "SIG%s", abbrev);
	else
		snprintf(buf, n, "SIG%d", sig);
}

static int cmd_signals(int argc, char **argv)
{
	long want = argc > 2 ? num_arg(argv[2]) : 0;
	sigset_t all;
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		die("sigprocmask");
	out("ready\n");
	for (long got = 0; want == 0 || got < want; got++) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0) {
			if (errno == EINTR) {
				got--;
				continue;
			}
			die("sigwaitinfo");
		}
		char name[32];
		sig_name(sig, name, sizeof name);
		out("%s\n", name);
	}
	return 0;
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

static int cmd_orphans(int argc, char **argv)
{
	if (argc < 3)
		usage();
	long n = num_arg(argv[2]);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0)
			die("fork");
		if (c == 0) {
			pid_t g = fork();
			if (g < 0)
				_exit(1);
			if (g == 0) {
				char b;
				close(p[1]);
				while (read(p[0], &b, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			_exit(0);
		}
		int st;
		while (waitpid(c, &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			dprintf(STDERR_FILENO, "probe: intermediate child failed\n");
			return 3;
		}
	}
	close(p[1]); /* every grandchild sees EOF now and exits */
	close(p[0]);

	int left = 0, zombies = 0;
	long long deadline = mono_ms() + 60000;
	for (;;) {
		scan_proc(&left, &zombies);
		if ((left == 0 && zombies == 0) || mono_ms() > deadline)
			break;
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	}
	out("left=%d zombies=%d\n", left, zombies);
	return left == 0 && zombies == 0 ? 0 : 1;
}

static void read_line_from(int fd, char *buf, size_t n)
{
	size_t len = 0;
	while (len + 1 < n) {
		ssize_t r = read(fd, buf + len, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = 0;
}

static int cmd_ignore_term_child(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid_t c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		close(p[0]);
		if (signal(SIGTERM, SIG_IGN) == SIG_ERR)
			_exit(3);
		if (write(p[1], "armed\n", 6) != 6)
			_exit(3);
		close(p[1]);
		block_forever();
	}
	close(p[1]);
	char line[64];
	read_line_from(p[0], line, sizeof line);
	if (strcmp(line, "armed") != 0) {
		dprintf(STDERR_FILENO, "probe: child did not arm\n");
		return 3;
	}
	out("armed %lld\n", mono_ms());
	return 0;
}

static int cmd_bg_signals(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid_t c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		close(p[0]);
		sigset_t all;
		sigfillset(&all);
		if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
			_exit(3);
		if (write(p[1], "armed\n", 6) != 6)
			_exit(3);
		close(p[1]);
		siginfo_t si;
		int sig;
		while ((sig = sigwaitinfo(&all, &si)) < 0)
			if (errno != EINTR)
				_exit(3);
		char name[32];
		sig_name(sig, name, sizeof name);
		out("%s\n", name);
		_exit(0);
	}
	close(p[1]);
	char line[64];
	read_line_from(p[0], line, sizeof line);
	if (strcmp(line, "armed") != 0) {
		dprintf(STDERR_FILENO, "probe: child did not arm\n");
		return 3;
	}
	out("armed\n");
	return 0;
}

static int cmd_spawn_bg(int argc, char **argv)
{
	if (argc < 3)
		usage();
	long n = num_arg(argv[2]);
	int stay = argc > 3 && strcmp(argv[3], "stay") == 0;
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0)
			die("fork");
		if (c == 0)
			block_forever();
	}
	out("ready\n");
	if (stay)
		block_forever();
	return 0;
}

static long pidfd_open_(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static int cmd_orphan(int argc, char **argv, int by_signal)
{
	if (argc < 3)
		usage();
	long val = num_arg(argv[2]);
	int go[2], info[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(info, O_CLOEXEC) < 0)
		die("pipe");
	pid_t c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		pid_t g = fork();
		if (g < 0)
			_exit(3);
		if (g == 0) {
			char b;
			close(go[1]);
			while (read(go[0], &b, 1) < 0 && errno == EINTR)
				;
			if (by_signal) {
				signal((int)val, SIG_DFL);
				sigset_t s;
				sigemptyset(&s);
				sigaddset(&s, (int)val);
				sigprocmask(SIG_UNBLOCK, &s, NULL);
				kill(getpid(), (int)val);
				block_forever();
			}
			_exit((int)val);
		}
		if (write(info[1], &g, sizeof g) != sizeof g)
			_exit(3);
		_exit(0);
	}
	close(info[1]);
	pid_t g = 0;
	if (read(info[0], &g, sizeof g) != sizeof g)
		die("read grandchild pid");
	int st;
	while (waitpid(c, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	long pfd = pidfd_open_(g);
	if (pfd < 0)
		die("pidfd_open");
	out("orphan %d\n", (int)g);
	close(go[1]);
	close(go[0]);
	struct pollfd pf = {.fd = (int)pfd, .events = POLLIN};
	int r = poll(&pf, 1, 30000);
	if (r != 1) {
		dprintf(STDERR_FILENO, "probe: orphan did not die\n");
		return 3;
	}
	out("done\n");
	return 0;
}

static int fd_list(int *fds, int max)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		die("opendir /proc/self/fd");
	int self = dirfd(d), n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		int fd = atoi(e->d_name);
		if (fd == self || n >= max)
			continue;
		fds[n++] = fd;
	}
	closedir(d);
	for (int i = 1; i < n; i++) /* insertion sort */
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	return n;
}

static int cmd_status(int argc, char **argv)
{
	/* Collect the fd list before opening anything else. */
	int fds[256];
	int nfds = fd_list(fds, 256);

	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		die("fopen /proc/self/status");
	char line[1024];
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "SigBlk:", 7) || !strncmp(line, "SigIgn:", 7))
			out("%s", line);
	fclose(f);

	char buf[4096];
	int len = snprintf(buf, sizeof buf, "fds:");
	for (int i = 0; i < nfds && len < (int)sizeof buf - 16; i++)
		len += snprintf(buf + len, sizeof buf - (size_t)len, " %d", fds[i]);
	out("%s\n", buf);
	for (int i = 0; i < nfds; i++) {
		char path[64], target[PATH_MAX];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		out("fd %d: %s\n", fds[i], target);
	}
	if (!getcwd(buf, sizeof buf))
		die("getcwd");
	out("cwd: %s\n", buf);
	/* argv[0] is the probe itself, argv[1] is "status": report all. */
	out("argc: %d\n", argc);
	for (int i = 0; i < argc; i++)
		out("argv[%d]: %s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		out("env: %s\n", *e);
	return 0;
}

static int cmd_nspid(int argc, char **argv)
{
	int fd;
	if (argc > 2)
		fd = openat((int)num_arg(argv[2]), "self/status", O_RDONLY | O_CLOEXEC);
	else
		fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open status");
	FILE *f = fdopen(fd, "r");
	if (!f)
		die("fdopen");
	char line[1024];
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "NSpid:", 6)) {
			out("%s", line);
			fclose(f);
			return 0;
		}
	fclose(f);
	dprintf(STDERR_FILENO, "probe: no NSpid line\n");
	return 3;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *c = argv[1];
	if (!strcmp(c, "signals"))
		return cmd_signals(argc, argv);
	if (!strcmp(c, "orphans"))
		return cmd_orphans(argc, argv);
	if (!strcmp(c, "ignore-term-child"))
		return cmd_ignore_term_child();
	if (!strcmp(c, "bg-signals"))
		return cmd_bg_signals();
	if (!strcmp(c, "spawn-bg"))
		return cmd_spawn_bg(argc, argv);
	if (!strcmp(c, "orphan-exit"))
		return cmd_orphan(argc, argv, 0);
	if (!strcmp(c, "orphan-kill"))
		return cmd_orphan(argc, argv, 1);
	if (!strcmp(c, "status"))
		return cmd_status(argc, argv);
	if (!strcmp(c, "nspid"))
		return cmd_nspid(argc, argv);
	usage();
	return 2;
}

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
 *   probe caps PID [EFF]      print the Cap* and NoNewPrivs lines of
 *                             /proc/PID/status; with EFF (hex), first wait
 *                             (deadline 20 s) until its CapEff is EFF, for
 *                             a process that lowers its capabilities
 *                             while the probe runs (PID 1 does).
 *   probe no-userns CMD [ARG...]
 *                             run CMD under a seccomp filter that refuses
 *                             user namespaces with EPERM (clone and unshare
 *                             with CLONE_NEWUSER; clone3, whose flags it
 *                             cannot see, with ENOSYS), as Docker's default
 *                             profile or Debian's
 *                             kernel.unprivileged_userns_clone=0 would.
 *   probe netif               print "<name> up" or "<name> down" for each
 *                             network interface, in index order.
 *   probe orphan-burst N CODE create N double-forked orphans (a few
 *                             intermediates fork them quickly) that all exit
 *                             at once, wait (deadline 120 s) until PID 1 has
 *                             reaped them all; print "left=L zombies=Z";
 *                             exit CODE if both are 0, else 1.
 *   probe orphan-batches      print "ready"; for each line "N" on stdin, an
 *                             orphan-burst of N answered by "left=L
 *                             zombies=Z"; exit 0 at EOF.
 *   probe zombies-on-usr1 N CODE
 *                             print "ready", wait for SIGUSR1, make N orphans
 *                             that exit at once, wait until N zombies are
 *                             there (PID 1 is stopped); print "left=L
 *                             zombies=N", exit CODE.
 *   probe fork-limit N CODE   under a pids limit: N orphan attempts, some
 *                             refused (EAGAIN): "phase1 ok=K failed=F"; then
 *                             release them and make K orphans again, which
 *                             only works once PID 1 reaped the first ones:
 *                             "phase2 ok=K2 retries=R"; exit CODE if K2 = K.
 *   probe sigcount BARRIER ROUNDS CODE
 *                             count every signal; at each BARRIER (a number,
 *                             RTMAX or RTMIN+k) print "round R", "count
 *                             <SIGNAME> <n>" per signal so far, "end R";
 *                             exit CODE after ROUNDS barriers.
 *   probe leave N CODE        fork N children that block for ever, print
 *                             "ready", wait for EOF on stdin, exit CODE.
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
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#ifndef SYS_clone3_NR
#define SYS_clone3_NR 435 /* __NR_clone3, which older headers lack */
#endif

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
		"       status [ARG...] | nspid [DIRFD] | caps PID [EFF] |\n"
		"       no-userns CMD [ARG...] | netif |\n"
		"       orphan-burst N CODE | orphan-batches | zombies-on-usr1 N CODE |\n"
		"       fork-limit N CODE | sigcount BARRIER ROUNDS CODE | leave N CODE\n");
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

/* The "Cap*" and "NoNewPrivs" lines of /proc/PID/status into buf, and its
 * CapEff into *eff; false if the process is gone. */
static int read_caps(const char *pid, char *buf, size_t n, unsigned long long *eff)
{
	char path[64], line[1024];
	size_t len = 0;
	snprintf(path, sizeof path, "/proc/%s/status", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	buf[0] = 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "Cap", 3) != 0 && strncmp(line, "NoNewPrivs:", 11) != 0)
			continue;
		if (!strncmp(line, "CapEff:", 7))
			*eff = strtoull(line + 7, NULL, 16);
		len += (size_t)snprintf(buf + len, n - len, "%s", line);
		if (len >= n)
			len = n - 1;
	}
	fclose(f);
	return 1;
}

static int cmd_caps(int argc, char **argv)
{
	if (argc < 3)
		usage();
	int wait = argc > 3;
	unsigned long long want = 0, eff = ~0ULL;
	if (wait) {
		char *end;
		want = strtoull(argv[3], &end, 16);
		if (end == argv[3] || *end)
			usage();
	}
	char buf[4096];
	long long deadline = mono_ms() + 20000;
	for (;;) {
		if (!read_caps(argv[2], buf, sizeof buf, &eff))
			die("read status");
		if (!wait || eff == want || mono_ms() > deadline)
			break;
		poll(NULL, 0, 1); /* polling /proc with a deadline */
	}
	out("%s", buf);
	return 0;
}

static int cmd_no_userns(int argc, char **argv)
{
	if (argc < 3)
		usage();
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3_NR, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 0, 3),
		/* the low half of the flags (little endian) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		die("seccomp");
	execvp(argv[2], argv + 2);
	die("exec");
	return 3;
}

static int cmd_netif(void)
{
	struct if_nameindex *ifs = if_nameindex();
	if (!ifs)
		die("if_nameindex");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		struct ifreq ifr;
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->if_name);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
			die("SIOCGIFFLAGS");
		out("%s %s\n", i->if_name, (ifr.ifr_flags & IFF_UP) ? "up" : "down");
	}
	close(fd);
	if_freenameindex(ifs);
	return 0;
}

/* ---- reliability helpers (tests/integration/test_faults.c, tests/soak) ---- */

/* Wait for `pid` (our child) and return its exit code, or -1. */
static int wait_code(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * One orphan: fork an intermediate child that forks the orphan and exits.
 * The orphan blocks reading `hold` until EOF when hold >= 0 (its copy of
 * `hold_w` closed), else for ever. Returns 0 on success, 1 if a fork failed
 * with EAGAIN (a pids limit), -1 on any other failure.
 */
static int make_orphan(int hold, int hold_w)
{
	pid_t c = fork();
	if (c < 0)
		return errno == EAGAIN ? 1 : -1;
	if (c == 0) {
		pid_t g = fork();
		if (g < 0)
			_exit(errno == EAGAIN ? 11 : 12);
		if (g == 0) {
			if (hold < 0)
				block_forever();
			char b;
			close(hold_w);
			while (read(hold, &b, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		_exit(0);
	}
	int code = wait_code(c);
	return code == 0 ? 0 : code == 11 ? 1 : -1;
}

/*
 * Make n orphans quickly: `workers` intermediate children each fork their
 * share of orphans, which block on `hold`, then exit. The orphans are
 * children of PID 1 once this returns. 0 on success.
 */
static int make_orphans_fast(long n, int hold, int hold_w)
{
	const long workers = n >= 64 ? 4 : 1;
	for (long w = 0; w < workers; w++) {
		long share = n / workers + (w < n % workers ? 1 : 0);
		pid_t c = fork();
		if (c < 0)
			return -1;
		if (c == 0) {
			for (long i = 0; i < share; i++) {
				pid_t g = fork();
				if (g < 0)
					_exit(12);
				if (g == 0) {
					char b;
					close(hold_w);
					while (read(hold, &b, 1) < 0 && errno == EINTR)
						;
					_exit(0);
				}
			}
			_exit(0);
		}
	}
	int bad = 0;
	for (long w = 0; w < workers; w++) {
		int st;
		pid_t r;
		while ((r = wait(&st)) < 0 && errno == EINTR)
			;
		if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	return bad ? -1 : 0;
}

/* Wait (deadline ms) until the scan of our /proc satisfies the condition:
 * nothing but PID 1 and us (zombies_wanted < 0), or exactly that many
 * zombies among the others. Prints "left=L zombies=Z"; 0 when met. */
static int wait_scan(long zombies_wanted, long long deadline_ms)
{
	int left = 0, zombies = 0;
	long long deadline = mono_ms() + deadline_ms;
	for (;;) {
		scan_proc(&left, &zombies);
		if (zombies_wanted < 0 ? (left == 0 && zombies == 0) : zombies == zombies_wanted)
			break;
		if (mono_ms() > deadline) {
			out("left=%d zombies=%d\n", left, zombies);
			return 1;
		}
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	}
	out("left=%d zombies=%d\n", left, zombies);
	return 0;
}

/* Create n orphans that all exit at once (the pipe they block on closes),
 * then wait until PID 1 has reaped every one (zombies_wanted < 0), or until
 * that many of them are zombies (PID 1 is stopped). 0 on success. */
static int orphan_burst(long n, long zombies_wanted)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	if (make_orphans_fast(n, p[0], p[1]) < 0) {
		dprintf(STDERR_FILENO, "probe: cannot make %ld orphans: %s\n", n, strerror(errno));
		close(p[0]);
		close(p[1]);
		return 3;
	}
	close(p[1]); /* every orphan sees EOF now and exits */
	close(p[0]);
	return wait_scan(zombies_wanted, 120000);
}

/* probe orphan-burst N CODE */
static int cmd_orphan_burst(int argc, char **argv)
{
	if (argc < 4)
		usage();
	int r = orphan_burst(num_arg(argv[2]), -1);
	return r == 0 ? (int)num_arg(argv[3]) : r;
}

/* probe orphan-batches: a line "N" on stdin makes a burst of N orphans and
 * answers "left=0 zombies=0" once PID 1 has reaped them all; EOF ends. */
static int cmd_orphan_batches(void)
{
	char line[64];
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

/* probe zombies-on-usr1 N CODE: print "ready", wait for SIGUSR1, then make N
 * orphans that exit at once and wait until all N are zombies (PID 1 is
 * stopped, so nobody reaps them); print "left=.. zombies=N", exit CODE. */
static int cmd_zombies_on_usr1(int argc, char **argv)
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
 * that block on a pipe, counting the forks refused with EAGAIN; print
 * "phase1 ok=K failed=F". Then release them (they exit; the limit only lets
 * go of their pids once PID 1 has reaped them) and make K orphans again that
 * block for ever, retrying EAGAIN for up to 20 s; print "phase2 ok=K2
 * retries=R". Exit CODE if K2 == K, else 1. The phase 2 orphans are left
 * for nsinit's shutdown.
 */
static int cmd_fork_limit(int argc, char **argv)
{
	if (argc < 4)
		usage();
	long n = num_arg(argv[2]);
	int code = (int)num_arg(argv[3]);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	long ok = 0, failed = 0;
	for (long i = 0; i < n; i++) {
		int r = make_orphan(p[0], p[1]);
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
		int r = make_orphan(-1, -1);
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

/* A signal number: "RTMAX", "RTMIN+k" or a decimal number. */
static int sig_arg(const char *s)
{
	if (!strcmp(s, "RTMAX"))
		return SIGRTMAX;
	if (!strncmp(s, "RTMIN+", 6))
		return SIGRTMIN + (int)num_arg(s + 6);
	return (int)num_arg(s);
}

/*
 * probe sigcount BARRIER ROUNDS CODE: block every signal, print "ready",
 * count each signal received. At each BARRIER print "round R", then
 * "count <SIGNAME> <n>" for every other signal received so far (cumulative,
 * by number), then "end R". Exit CODE after ROUNDS barriers. Pending
 * signals are taken lowest number first, so a barrier of the highest
 * number sent last comes after every signal sent before it.
 */
static int cmd_sigcount(int argc, char **argv)
{
	if (argc < 5)
		usage();
	int barrier = sig_arg(argv[2]);
	long rounds = num_arg(argv[3]);
	int code = (int)num_arg(argv[4]);
	static long counts[NSIG];
	sigset_t all;
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		die("sigprocmask");
	out("ready\n");
	for (long round = 1; round <= rounds;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			die("sigwaitinfo");
		}
		if (sig != barrier) {
			counts[sig]++;
			continue;
		}
		out("round %ld\n", round);
		for (int s = 1; s < NSIG; s++)
			if (counts[s]) {
				char name[32];
				sig_name(s, name, sizeof name);
				out("count %s %ld\n", name, counts[s]);
			}
		out("end %ld\n", round);
		round++;
	}
	return code;
}

/* probe leave N CODE: fork N children that block for ever, print "ready",
 * wait for EOF (or a line) on stdin, exit CODE. */
static int cmd_leave(int argc, char **argv)
{
	if (argc < 4)
		usage();
	long n = num_arg(argv[2]);
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0)
			die("fork");
		if (c == 0)
			block_forever();
	}
	out("ready\n");
	char line[16];
	read_line_from(STDIN_FILENO, line, sizeof line);
	return (int)num_arg(argv[3]);
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
	if (!strcmp(c, "caps"))
		return cmd_caps(argc, argv);
	if (!strcmp(c, "no-userns"))
		return cmd_no_userns(argc, argv);
	if (!strcmp(c, "netif"))
		return cmd_netif();
	if (!strcmp(c, "orphan-burst"))
		return cmd_orphan_burst(argc, argv);
	if (!strcmp(c, "orphan-batches"))
		return cmd_orphan_batches();
	if (!strcmp(c, "zombies-on-usr1"))
		return cmd_zombies_on_usr1(argc, argv);
	if (!strcmp(c, "fork-limit"))
		return cmd_fork_limit(argc, argv);
	if (!strcmp(c, "sigcount"))
		return cmd_sigcount(argc, argv);
	if (!strcmp(c, "leave"))
		return cmd_leave(argc, argv);
	usage();
	return 2;
}

/*
 * probe: helper command run *inside* nsinit by the integration tests and
 * the soak. One program, one subcommand per job; the subcommands live in
 * files by what they are about (see probe.h).
 *
 * Orphans (probe_orphans.c). An orphan is double-forked: its parent exits,
 * so it becomes PID 1's child. "Exit at once" means they all block on one
 * pipe whose last writer then closes.
 *   probe orphan-burst N CODE create N orphans that exit at once, wait
 *                             (deadline 120 s) until PID 1 has reaped them
 *                             all; print "left=L zombies=Z" (processes but
 *                             PID 1 and the probe, and zombies among them);
 *                             exit CODE if both are 0, else 1.
 *   probe orphans N           orphan-burst N 0.
 *   probe orphan-batches      print "ready"; for each line "N" on stdin, an
 *                             orphan-burst of N; exit 0 at EOF.
 *   probe orphan-exit CODE    create one orphan that exits with CODE,
 *   probe orphan-kill SIGNUM  ... or that kills itself with SIGNUM;
 *                             print "orphan <pid>", wait until it is dead,
 *                             print "done", exit 0.
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
 * Children left behind (probe_children.c)
 *   probe spawn-bg N [stay]   fork N children that block forever (default
 *                             dispositions), print "ready"; then exit 0, or
 *                             with "stay" block forever too.
 *   probe leave N CODE        fork N children that block for ever, print
 *                             "ready", wait for EOF on stdin, exit CODE.
 *   probe ignore-term-child   fork a child that ignores SIGTERM and blocks
 *                             forever; once it is armed print
 *                             "armed <CLOCK_MONOTONIC ms>" and exit 0.
 *   probe bg-signals          fork a child that blocks every signal and prints
 *                             the name of the first one it receives, then
 *                             exits; once the child is set up print "armed"
 *                             and exit 0.
 * Signals received (probe_signals.c)
 *   probe signals [N]         block every signal, print "ready", then print the
 *                             name of each signal received ("SIGTERM",
 *                             "SIGRTMIN+1", ...); exit 0 after N signals
 *                             (N = 0 or absent: never).
 *   probe sigcount BARRIER ROUNDS CODE
 *                             count every signal; at each BARRIER (a number,
 *                             RTMAX or RTMIN+k) print "round R", "count
 *                             <SIGNAME> <n>" per signal so far, "end R";
 *                             exit CODE after ROUNDS barriers.
 * What the command sees (probe_inspect.c)
 *   probe status [ARG...]     print the process' start state: "SigBlk: <hex>",
 *                             "SigIgn: <hex>" (from /proc/self/status), "fds:
 *                             0 1 2 ..." (ascending), "fd <n>: <target>",
 *                             "cwd: <dir>", "argc: <n>", "argv[<i>]: <arg>",
 *                             "env: <K=V>" for each entry.
 *   probe nspid [DIRFD]       print the "NSpid:" line of the probe's status
 *                             read through /proc, or through the proc
 *                             directory open on inherited fd DIRFD.
 *   probe caps PID [EFF]      print the Cap* and NoNewPrivs lines of
 *                             /proc/PID/status; with EFF (hex), first wait
 *                             (deadline 20 s) until its CapEff is EFF.
 *   probe netif               print "<name> up|down" per network interface.
 * A kernel without user namespaces (probe_seccomp.c)
 *   probe no-userns CMD [ARG...]
 *                             run CMD under a seccomp filter that refuses
 *                             user namespaces, as Docker's default profile or
 *                             Debian's kernel.unprivileged_userns_clone=0 do.
 * An untrusted command (probe_attack.c)
 *   probe attack PID          try pidfd_getfd on PID's fds 0-63 and ptrace
 *                             PTRACE_SEIZE on it; print "getfd: <n> taken"
 *                             and "ptrace: ok" or "ptrace: <errno name>".
 * A hung file system (probe_hangfs.c)
 *   probe hangfs MOUNTPOINT   mount a FUSE file system (raw /dev/fuse, root
 *                             only) on MOUNTPOINT whose one file "cmd" looks
 *                             executable and whose open never returns: the
 *                             FUSE_OPEN is read and never answered (nor its
 *                             FUSE_INTERRUPT). Print "ready" once mounted,
 *                             "open" per FUSE_OPEN, "interrupt" when the
 *                             stuck open's caller got a signal; unmount
 *                             (MNT_DETACH) and exit 0 at EOF on stdin or
 *                             once unmounted.
 *
 * Exit code 2 on usage error, 3 on an unexpected system call failure.
 */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void out(const char *fmt, ...)
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

void die(const char *what)
{
	dprintf(STDERR_FILENO, "probe: %s: %s\n", what, strerror(errno));
	_exit(3);
}

static const struct {
	const char *name, *args;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"orphan-burst", "N CODE", cmd_orphan_burst},
	{"orphans", "N", cmd_orphan_burst},
	{"orphan-batches", "", cmd_orphan_batches},
	{"orphan-exit", "CODE", cmd_orphan_exit},
	{"orphan-kill", "SIGNUM", cmd_orphan_kill},
	{"zombies-on-usr1", "N CODE", cmd_zombies_on_usr1},
	{"fork-limit", "N CODE", cmd_fork_limit},
	{"spawn-bg", "N [stay]", cmd_spawn_bg},
	{"leave", "N CODE", cmd_leave},
	{"ignore-term-child", "", cmd_ignore_term_child},
	{"bg-signals", "", cmd_bg_signals},
	{"signals", "[N]", cmd_signals},
	{"sigcount", "BARRIER ROUNDS CODE", cmd_sigcount},
	{"status", "[ARG...]", cmd_status},
	{"nspid", "[DIRFD]", cmd_nspid},
	{"caps", "PID [EFF]", cmd_caps},
	{"netif", "", cmd_netif},
	{"no-userns", "CMD [ARG...]", cmd_no_userns},
	{"hangfs", "MOUNTPOINT", cmd_hangfs},
	{"attack", "PID", cmd_attack},
};

void usage(void)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		dprintf(STDERR_FILENO, "%s probe %s %s\n", i ? "      " : "usage:",
			commands[i].name, commands[i].args);
	_exit(2);
}

long num_arg(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		usage();
	return v;
}

long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void block_forever(void)
{
	for (;;)
		pause();
}

void sig_name(int sig, char *buf, size_t n)
{
	const char *abbrev = sigabbrev_np(sig);
	if (sig == SIGRTMIN)
		snprintf(buf, n, "SIGRTMIN");
	else if (sig > SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, n, "SIGRTMIN+%d", sig - SIGRTMIN);
	else if (abbrev)
		snprintf(buf, n, "SIG%s", abbrev);
	else
		snprintf(buf, n, "SIG%d", sig);
}

void read_line_from(int fd, char *buf, size_t n)
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

int main(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc, argv);
	usage();
}

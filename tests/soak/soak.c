/*
 * soak: nsinit under sustained load, in three phases, each bounded in time.
 *
 *   orphans  one nsinit -v runs `probe orphan-batches`; SOAK_ORPHANS orphans
 *            (default 100000) are made in bursts of SOAK_BATCH (5000) that
 *            exit at once; every one must be reaped (one "reaped orphan"
 *            line each) with no zombie left after each burst.
 *   signals  one nsinit -v runs `probe sigcount`; SOAK_SIGNALS real-time
 *            signals (default 10000) are sent, half to the relay (forwarded
 *            through the command's pidfd), half straight to PID 1
 *            (forwarded by PID 1 with kill); every one must arrive, counted
 *            exactly after each batch.
 *   runs     SOAK_RUNS (default 1000) nsinit runs in a row, each leaving
 *            two processes behind for the shutdown to kill.
 *
 * In the first two phases PID 1's fd count and VmRSS (read from the host's
 * /proc) are sampled at the start, middle and end: the fd count must not
 * change and VmRSS must not grow by SOAK_RSS_SLACK_KB (64) KiB or more. At
 * the end no process may be left whose parent chain leads to this driver,
 * nor any process in one of the PID namespaces seen.
 *
 * usage: soak NSINIT PROBE    (absolute paths; run as root)
 * Prints a short report; exits 0 if everything held, 1 if not, 2 on a
 * usage or set-up error. Synchronises on pipes, pidfds and polled /proc
 * conditions with deadlines, never on sleeps.
 */
#define _GNU_SOURCE
#include "tests/harness/core.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *nsinit_path, *probe_path;
static int failures;

/* ------------------------------------------------------------ basics */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("soak: FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	failures++;
}

/* The harness core's way out, and ours: what we started dies with us
 * (PR_SET_PDEATHSIG). */
void hs_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("soak: FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}
#define fatal hs_fail

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || n < 0) {
		fprintf(stderr, "soak: %s must be a non-negative number, not '%s'\n", name, v);
		exit(2);
	}
	return n;
}

/* --------------------------------------------------------- processes */

/* nsinit as the core runs it, and what its stderr said so far. */
struct proc {
	struct hs_proc h;
	long reaped_lines; /* stderr lines containing "reaped orphan" */
	long complaints;   /* stderr lines containing "cannot" */
	bool handoff;      /* the relay said "signals go to it directly" */
};

static void spawn(struct proc *p, const char *const *args)
{
	static const struct hs_opts o = {.stdin_pipe = true};
	memset(p, 0, sizeof *p);
	int err = hs_start(&p->h, &o, nsinit_path, args);
	if (err)
		fatal("cannot execute %s: %s", nsinit_path, strerror(err));
}

/* Count the complete stderr lines that arrived, and forget them (one move
 * per read: a burst brings thousands of lines). */
static void scan_err(struct proc *p)
{
	struct hs_buf *b = &p->h.err;
	size_t pos = 0;
	char *nl;
	while (b->data && (nl = memchr(b->data + pos, '\n', b->len - pos))) {
		const char *line = b->data + pos;
		*nl = 0;
		if (strstr(line, "reaped orphan"))
			p->reaped_lines++;
		if (strstr(line, "cannot"))
			p->complaints++;
		if (strstr(line, "signals go to it directly"))
			p->handoff = true;
		pos = (size_t)(nl - b->data) + 1;
	}
	if (pos) {
		memmove(b->data, b->data + pos, b->len - pos + 1);
		b->len -= pos;
		p->h.err_checked = p->h.err_checked > pos ? p->h.err_checked - pos : 0;
	}
}

static void pump(struct proc *p, long ms)
{
	hs_pump(&p->h, ms);
	scan_err(p);
}

/* Take the next stdout line (without '\n') into line; false on deadline/EOF. */
static bool next_line(struct proc *p, char *line, size_t n, long ms)
{
	long long deadline = hs_now_ms() + ms;
	for (;;) {
		if (hs_buf_take_line(&p->h.out, line, n))
			return true;
		long long t = hs_now_ms();
		if ((p->h.out_fd < 0 && p->h.exited) || t >= deadline)
			return false;
		pump(p, (long)(deadline - t));
	}
}

/* Wait for exit and EOF on both outputs; false on deadline. */
static bool finish(struct proc *p, long ms)
{
	long long deadline = hs_now_ms() + ms;
	bool ok = hs_wait(&p->h, ms) &&
		  hs_read_eof(&p->h, HS_BOTH, (long)(deadline - hs_now_ms()));
	scan_err(p);
	if (ok && p->h.err.len) { /* an unfinished last line */
		hs_buf_add(&p->h.err, "\n", 1);
		scan_err(p);
	}
	return ok;
}

/* Exited 0? */
static bool exited_0(const struct proc *p)
{
	return hs_code(&p->h) == 0;
}

/* ------------------------------------------------------------- /proc */

static unsigned long ns_inode(pid_t pid)
{
	char link[64];
	if (!hs_ns_link(pid, "pid", link, sizeof link))
		return 0;
	const char *b = strchr(link, '[');
	return b ? strtoul(b + 1, NULL, 10) : 0;
}

struct sample {
	long fds, rss_kb;
};

static struct sample sample_of(pid_t pid)
{
	struct sample s = {-1, -1};
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		s.fds = 0;
		while ((e = readdir(d)))
			if (isdigit((unsigned char)e->d_name[0]))
				s.fds++;
		closedir(d);
	}
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *st = hs_slurp(path);
	const char *r = st ? strstr(st, "\nVmRSS:") : NULL;
	if (r)
		s.rss_kb = atol(r + 7);
	free(st);
	return s;
}

/* Check that fds stayed identical and VmRSS grew by less than the slack. */
static void check_flat(const char *phase, const char *who, const struct sample *s, int n,
		       long slack_kb)
{
	printf("soak: %s: %s fds", phase, who);
	for (int i = 0; i < n; i++)
		printf("%s%ld", i ? "/" : " ", s[i].fds);
	printf(", VmRSS");
	for (int i = 0; i < n; i++)
		printf("%s%ld", i ? "/" : " ", s[i].rss_kb);
	printf(" KiB (start/middle/end)\n");
	for (int i = 1; i < n; i++) {
		if (s[i].fds != s[0].fds)
			fail("%s: %s fd count changed from %ld to %ld", phase, who, s[0].fds,
			     s[i].fds);
		if (s[i].rss_kb < 0 || s[0].rss_kb < 0)
			fail("%s: cannot read %s's VmRSS", phase, who);
		else if (s[i].rss_kb - s[0].rss_kb >= slack_kb)
			fail("%s: %s VmRSS grew from %ld to %ld KiB (slack %ld KiB)", phase, who,
			     s[0].rss_kb, s[i].rss_kb, slack_kb);
	}
}

/* ------------------------------------------------- namespaces seen */

static unsigned long *seen_ns;
static size_t n_seen, cap_seen;

static void remember_ns(unsigned long ino)
{
	if (!ino)
		return;
	for (size_t i = 0; i < n_seen; i++)
		if (seen_ns[i] == ino)
			return;
	if (n_seen == cap_seen) {
		cap_seen = cap_seen ? cap_seen * 2 : 1024;
		seen_ns = realloc(seen_ns, cap_seen * sizeof *seen_ns);
	}
	seen_ns[n_seen++] = ino;
}

static bool ns_seen(unsigned long ino)
{
	for (size_t i = 0; ino && i < n_seen; i++)
		if (seen_ns[i] == ino)
			return true;
	return false;
}

static pid_t ppid_of(pid_t pid, char *state)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	char *s = hs_slurp(path);
	const char *rp = s ? strrchr(s, ')') : NULL;
	pid_t pp = -1;
	if (rp && rp[1] == ' ') {
		*state = rp[2];
		pp = (pid_t)atol(rp + 4);
	}
	free(s);
	return pp;
}

/* Processes that descend from us or live in a namespace we saw. */
static int strays(bool report)
{
	pid_t self = getpid();
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atol(e->d_name);
		if (pid == self)
			continue;
		char state = '?', st0 = '?';
		bool ours = false;
		pid_t up = ppid_of(pid, &st0);
		for (int depth = 0; up > 1 && depth < 64; depth++) {
			if (up == self) {
				ours = true;
				break;
			}
			up = ppid_of(up, &state);
		}
		bool in_ns = ns_seen(ns_inode(pid));
		if (ours || in_ns) {
			n++;
			if (report)
				printf("soak: stray: pid %d state %c%s%s\n", (int)pid, st0,
				       ours ? " (descends from the soak driver)" : "",
				       in_ns ? " (in a namespace nsinit made)" : "");
		}
	}
	if (d)
		closedir(d);
	return n;
}

/* ------------------------------------------------------------ phases */

static void phase_orphans(long total, long batch, long slack_kb)
{
	const char *argv[] = {"-v", "--", probe_path, "orphan-batches", NULL};
	struct proc p;
	char line[256];
	long long t0 = hs_now_ms();
	spawn(&p, argv);
	if (!next_line(&p, line, sizeof line, 10000) || strcmp(line, "ready"))
		fatal("orphans: the probe did not start (%s)", line);
	pid_t pid1 = hs_pid1(&p.h, 5000);
	if (pid1 <= 0)
		fatal("orphans: no PID 1");
	remember_ns(ns_inode(pid1));

	struct sample s[3];
	long made = 0, warm = batch < total ? batch : total;
	long marks[3] = {warm, warm + (total - warm) / 2, total};
	for (int m = 0; m < 3; m++) {
		while (made < marks[m]) {
			long n = marks[m] - made < batch ? marks[m] - made : batch;
			char req[32];
			int len = snprintf(req, sizeof req, "%ld\n", n);
			if (write(p.h.in_fd, req, (size_t)len) != len)
				fatal("orphans: cannot write to the probe: %s", strerror(errno));
			if (!next_line(&p, line, sizeof line, 120000))
				fatal("orphans: no answer after %ld orphans (%s)", made,
				      p.h.exited ? hs_status_str(&p.h) : "running");
			if (strcmp(line, "left=0 zombies=0"))
				fatal("orphans: after %ld orphans the probe says '%s'", made + n, line);
			made += n;
		}
		/* Every "reaped orphan" line of this burst is out before the
		 * probe saw its /proc empty; let the pipe catch up. */
		long long deadline = hs_now_ms() + 10000;
		while (p.reaped_lines < made && hs_now_ms() < deadline)
			pump(&p, 100);
		s[m] = sample_of(pid1);
	}
	hs_close_stdin(&p.h);
	if (!finish(&p, 30000))
		fatal("orphans: nsinit did not finish");
	if (!exited_0(&p))
		fail("orphans: nsinit %s, the command exited 0", hs_status_str(&p.h));
	if (p.reaped_lines != total)
		fail("orphans: %ld 'reaped orphan' lines for %ld orphans", p.reaped_lines, total);
	if (p.complaints)
		fail("orphans: nsinit complained %ld times", p.complaints);
	printf("soak: orphans: %ld made, %ld reaped, in %.1f s\n", total, p.reaped_lines,
	       (double)(hs_now_ms() - t0) / 1000);
	check_flat("orphans", "PID 1", s, 3, slack_kb);
	hs_cleanup(&p.h);
}

/* Send n x sig to pid with sigqueue, retrying EAGAIN (queue limit). */
static void send_rt(pid_t pid, int sig, long n)
{
	union sigval v = {.sival_int = 0};
	for (long i = 0; i < n; i++) {
		long long deadline = hs_now_ms() + 10000;
		while (sigqueue(pid, sig, v) < 0) {
			if (errno != EAGAIN || hs_now_ms() > deadline)
				fatal("signals: sigqueue(%d, %d): %s", (int)pid, sig, strerror(errno));
			poll(NULL, 0, 1); /* the queue is full: let it drain, with a deadline */
		}
	}
}

/* Read the probe's report for round r; the counts of RTMIN+1 and RTMIN+2. */
static void read_round(struct proc *p, long r, long *c1, long *c2)
{
	char line[256], want[32];
	snprintf(want, sizeof want, "round %ld", r);
	*c1 = *c2 = 0;
	do {
		if (!next_line(p, line, sizeof line, 60000))
			fatal("signals: no report for round %ld (%s)", r,
			      p->h.exited ? hs_status_str(&p->h) : "running");
	} while (strcmp(line, want));
	snprintf(want, sizeof want, "end %ld", r);
	for (;;) {
		if (!next_line(p, line, sizeof line, 10000))
			fatal("signals: round %ld report cut short", r);
		if (!strcmp(line, want))
			return;
		if (!strncmp(line, "count SIGRTMIN+1 ", 17))
			*c1 = atol(line + 17);
		else if (!strncmp(line, "count SIGRTMIN+2 ", 17))
			*c2 = atol(line + 17);
		else
			fail("signals: unexpected signal at the command: %s", line);
	}
}

static void phase_signals(long total, long slack_kb)
{
	const char *argv[] = {"-v", "--", probe_path, "sigcount", "RTMIN+8", "7", "0", NULL};
	struct proc p;
	char line[256];
	long long t0 = hs_now_ms();
	spawn(&p, argv);
	if (!next_line(&p, line, sizeof line, 10000) || strcmp(line, "ready"))
		fatal("signals: the probe did not start");
	long long deadline = hs_now_ms() + 10000;
	while (!p.handoff && hs_now_ms() < deadline)
		pump(&p, 100);
	if (!p.handoff)
		fatal("signals: the relay never got the command's pidfd");
	pid_t pid1 = hs_pid1(&p.h, 5000);
	if (pid1 <= 0)
		fatal("signals: no PID 1");
	remember_ns(ns_inode(pid1));

	/* Rounds: (relay, PID 1) x (warm-up, first half, second half). The
	 * relay's go as RTMIN+1, PID 1's as RTMIN+2; each batch ends with a
	 * barrier (RTMIN+8) on the same path, so its report counts it all. */
	const long warm = 100, half = total / 2, quarter = half / 2;
	const long per[6] = {warm, warm, quarter, half - quarter, quarter, total - half - quarter};
	long sent1 = 0, sent2 = 0;
	struct sample s[3], r[3];
	union sigval v = {.sival_int = 0};
	for (long round = 1; round <= 6; round++) {
		bool relay = round % 2 == 1;
		pid_t to = relay ? p.h.pid : pid1;
		send_rt(to, relay ? SIGRTMIN + 1 : SIGRTMIN + 2, per[round - 1]);
		if (relay)
			sent1 += per[round - 1];
		else
			sent2 += per[round - 1];
		if (sigqueue(to, SIGRTMIN + 8, v) < 0)
			fatal("signals: barrier: %s", strerror(errno));
		long c1, c2;
		read_round(&p, round, &c1, &c2);
		if (c1 != sent1 || c2 != sent2)
			fail("signals: after round %ld the command counted %ld + %ld, sent %ld + %ld",
			     round, c1, c2, sent1, sent2);
		if (round % 2 == 0) {
			s[round / 2 - 1] = sample_of(pid1);
			r[round / 2 - 1] = sample_of(p.h.pid);
		}
	}
	/* A seventh, empty round ends the probe: the samples above were all
	 * taken while the command still ran, not while PID 1 shut down. */
	if (sigqueue(pid1, SIGRTMIN + 8, v) < 0)
		fatal("signals: last barrier: %s", strerror(errno));
	long c1, c2;
	read_round(&p, 7, &c1, &c2);
	if (!finish(&p, 30000))
		fatal("signals: nsinit did not finish");
	if (!exited_0(&p))
		fail("signals: nsinit %s, the command exited 0", hs_status_str(&p.h));
	if (p.complaints)
		fail("signals: nsinit complained %ld times", p.complaints);
	printf("soak: signals: %ld forwarded (%ld by the relay, %ld by PID 1; plus %ld warm-up), "
	       "all counted, in %lld ms\n",
	       total, half, total - half, 2 * warm, hs_now_ms() - t0);
	check_flat("signals", "PID 1", s, 3, slack_kb);
	check_flat("signals", "relay", r, 3, slack_kb);
	hs_cleanup(&p.h);
}

static void phase_runs(long runs)
{
	long long t0 = hs_now_ms();
	long bad = 0;
	for (long i = 0; i < runs; i++) {
		/* Every fourth run logs, every tenth stops what is left with
		 * SIGTERM first: the other paths of the shutdown. */
		const char *argv[10];
		size_t k = 0;
		if (i % 4 == 1)
			argv[k++] = "-v";
		if (i % 10 == 3) {
			argv[k++] = "--kill-child=TERM";
			argv[k++] = "--grace=2s";
		}
		argv[k++] = "--";
		argv[k++] = probe_path;
		argv[k++] = "leave";
		argv[k++] = "2";
		argv[k++] = "0";
		argv[k] = NULL;
		struct proc p;
		char line[64];
		spawn(&p, argv);
		if (!next_line(&p, line, sizeof line, 10000) || strcmp(line, "ready"))
			fatal("runs: run %ld: the probe did not start", i);
		pid_t pid1 = hs_pid1(&p.h, 5000);
		if (pid1 <= 0)
			fatal("runs: run %ld: no PID 1", i);
		remember_ns(ns_inode(pid1));
		hs_close_stdin(&p.h);
		if (!finish(&p, 10000)) {
			fail("runs: run %ld: nsinit did not finish, or what it left kept its "
			     "output open",
			     i);
			bad++;
		} else if (!exited_0(&p)) {
			fail("runs: run %ld: nsinit %s", i, hs_status_str(&p.h));
			bad++;
		}
		hs_cleanup(&p.h);
		if (bad > 5)
			fatal("runs: giving up after %ld failed runs", bad);
	}
	printf("soak: runs: %ld nsinit runs in %.1f s (%.1f ms each), %zu distinct PID namespace inodes seen\n",
	       runs, (double)(hs_now_ms() - t0) / 1000, (double)(hs_now_ms() - t0) / (double)(runs ? runs : 1),
	       n_seen);
}

int main(int argc, char **argv)
{
	if (argc != 3 || argv[1][0] != '/' || argv[2][0] != '/') {
		fprintf(stderr, "usage: soak /path/to/nsinit /path/to/probe\n");
		return 2;
	}
	nsinit_path = argv[1];
	probe_path = argv[2];
	if (access(nsinit_path, X_OK) || access(probe_path, X_OK)) {
		fprintf(stderr, "soak: cannot execute %s or %s\n", nsinit_path, probe_path);
		return 2;
	}
	long orphans = env_long("SOAK_ORPHANS", 100000);
	long batch = env_long("SOAK_BATCH", 5000);
	long signals = env_long("SOAK_SIGNALS", 10000);
	long runs = env_long("SOAK_RUNS", 1000);
	long slack = env_long("SOAK_RSS_SLACK_KB", 64);
	if (batch < 1)
		batch = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	long long t0 = hs_now_ms();
	printf("soak: %ld orphans in bursts of %ld, %ld signals, %ld runs\n", orphans, batch,
	       signals, runs);
	phase_orphans(orphans, batch, slack);
	phase_signals(signals, slack);
	phase_runs(runs);

	/* Nothing may be left: wait a little for the kernel to finish tearing
	 * down the last namespaces, then list what is there. */
	long long deadline = hs_now_ms() + 5000;
	int left;
	while ((left = strays(false)) && hs_now_ms() < deadline) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		poll(NULL, 0, 10); /* polling /proc with a deadline */
	}
	if (left) {
		strays(true);
		fail("%d processes left behind", left);
	} else {
		printf("soak: nothing left: no descendant of the driver, no process in the %zu "
		       "namespaces seen\n", n_seen);
	}
	printf("soak: %s in %.1f s\n", failures ? "FAILED" : "PASS",
	       (double)(hs_now_ms() - t0) / 1000);
	return failures ? 1 : 0;
}

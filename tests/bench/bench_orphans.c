/* bench-orphans: the command of the reaping benchmark. It makes N
 * double-forked orphans, which the init (PID 1, or a subreaper) must reap,
 * and measures from inside how fast that happens.
 *
 *   bench-orphans together|sequential N STATUS CTL
 *
 * together:   all N orphans are made first, by one middle process that
 *             then exits, and block on one pipe; on "go" the pipe's only
 *             writer is closed, so they all exit at once.
 * sequential: on "go" the orphans are made one after another, each by a
 *             middle process of its own that exits at once, and each exits
 *             as soon as it is orphaned: its parent's death sends it SIGKILL
 *             (PR_SET_PDEATHSIG), at the moment it is re-parented.
 *
 * Every orphan is watched through a pidfd in one epoll set. A pidfd polls
 * EPOLLIN when its process has exited (a zombie) and, since Linux 6.9,
 * EPOLLIN|EPOLLHUP once it has been reaped, with a wakeup at each step. So
 * exits and reaps are counted as they happen, without scanning /proc (which
 * would cost a CPU the init needs, and is the caller's /proc under bwrap):
 * zombies = exited - reaped at any moment. The watcher runs SCHED_FIFO (its
 * children do not: SCHED_RESET_ON_FORK), so that on a busy machine it sees
 * each step when it happens rather than when it next gets a CPU; otherwise
 * an exit and its reap would often be seen at once, and the zombie missed.
 *
 * Talks to the driver through two FIFOs that the driver holds open: writes
 * "ready" to STATUS, waits for a line on CTL ("go"), measures, writes
 * "done <json>", and exits when the next line (or EOF) comes on CTL, so the
 * driver can read the init's CPU time before the namespace goes away. */
#include "common.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define DEADLINE_NS (120ull * 1000000000u)
#define PIDPIPE_TAG (~(uint64_t)0)

enum { ALIVE, EXITED, REAPED };

struct watch {
	int ep;
	long n, added, exited, reaped, peak_zombies;
	uint64_t t_go, t_all_exited, t_all_reaped, t_all_made;
	unsigned char *state;
	int *fd;
};

/* Count one step of orphan i: exited (EPOLLIN) and/or reaped (EPOLLHUP). */
static void watch_event(struct watch *w, long i, uint32_t events, uint64_t t)
{
	if (w->state[i] == REAPED)
		return;
	if (w->state[i] == ALIVE) {
		w->state[i] = EXITED;
		if (++w->exited == w->n)
			w->t_all_exited = t;
	}
	if (events & EPOLLHUP) {
		w->state[i] = REAPED;
		if (w->fd[i] >= 0)
			close(w->fd[i]); /* also leaves the epoll set */
		if (++w->reaped == w->n)
			w->t_all_reaped = t;
	}
	if (w->exited - w->reaped > w->peak_zombies)
		w->peak_zombies = w->exited - w->reaped;
}

/* Watch one orphan. In together mode it is alive (blocked) now; in
 * sequential mode it may be gone already: ESRCH means it was reaped, and it
 * is counted so now. Its pid cannot have been reused in between: pids are
 * handed out cyclically, and too few were since. */
static void watch_add(struct watch *w, pid_t pid)
{
	long i = w->added++;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = (uint64_t)i };

	w->fd[i] = pidfd_open(pid);
	if (w->fd[i] < 0 && errno == ESRCH) {
		watch_event(w, i, EPOLLIN | EPOLLHUP, now_ns());
		return;
	}
	if (w->fd[i] < 0)
		bench_die("pidfd_open %d", (int)pid);
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, w->fd[i], &ev) < 0)
		bench_die("epoll_ctl");
}

/* Run the epoll loop until every orphan is reaped (or the deadline). With
 * pidpipe >= 0 (sequential), also take each new orphan's pid from it. */
static void watch_loop(struct watch *w, int pidpipe)
{
	struct epoll_event evs[512];

	if (pidpipe >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = PIDPIPE_TAG };

		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, pidpipe, &ev) < 0)
			bench_die("epoll_ctl");
	}
	while (w->reaped < w->n) {
		int n = epoll_wait(w->ep, evs, 512, 1000);
		uint64_t t = now_ns();

		if (n < 0 && errno != EINTR)
			bench_die("epoll_wait");
		for (int k = 0; k < n; k++) {
			pid_t pids[64];
			ssize_t got;

			if (evs[k].data.u64 != PIDPIPE_TAG) {
				watch_event(w, (long)evs[k].data.u64, evs[k].events, t);
				continue;
			}
			/* Whole pids only: a pipe write of 4 bytes is atomic. */
			got = read(pidpipe, pids, sizeof(pids));
			if (got <= 0)
				bench_die("the spawner is gone after %ld orphans", w->added);
			for (ssize_t j = 0; j < got / (ssize_t)sizeof(pid_t) && w->added < w->n; j++)
				watch_add(w, pids[j]);
			if (w->added == w->n) {
				w->t_all_made = now_ns();
				epoll_ctl(w->ep, EPOLL_CTL_DEL, pidpipe, NULL);
			}
		}
		if (t - w->t_go > DEADLINE_NS)
			break;
	}
}

/* The orphans are made with clone(CLONE_VM) rather than fork: each is an
 * ordinary process to the init (its own pid, parent and exit status, reaped
 * with wait4), but it shares the spawner's memory instead of copying its
 * page tables, so 10,000 of them cost milliseconds rather than seconds to
 * make and to end, and what is left to time is the init. They touch only
 * their own stack and the constants below, and make only plain system
 * calls. The middle processes of the double clone share that memory too. */
#define STACK_SIZE (16 * 1024)
#define RING 32 /* sequential: middles in flight at most */

static int orphan_fd = -1; /* together: the read end they all block on */
static int pid_fd = -1;    /* where a middle reports its orphan's pid */
static char *orphan_stacks;
static long orphans_total;
static char middle_stacks[RING][STACK_SIZE];

static char *orphan_stack(long i)
{
	return orphan_stacks + (size_t)(i + 1) * STACK_SIZE;
}

/* together: hold only the pipe, block until its writer is gone, exit.
 * sequential: die of SIGKILL as soon as the parent (the middle) exits. */
static int orphan_main(void *parent)
{
	char c;

	if (orphan_fd >= 0) {
		if (orphan_fd > 3)
			syscall(SYS_close_range, 3, orphan_fd - 1, 0);
		close_from((unsigned)orphan_fd + 1);
		while (read(orphan_fd, &c, 1) < 0 && errno == EINTR)
			;
		return 0;
	}
	close_from(3);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != (pid_t)(intptr_t)parent)
		return 0; /* orphaned already */
	for (;;)
		pause();
}

/* Make orphan i as a child of the calling middle, and report its pid. */
static int make_orphan(long i)
{
	pid_t g = clone(orphan_main, orphan_stack(i), CLONE_VM | SIGCHLD, (void *)(intptr_t)getpid());

	return g > 0 && write_full(pid_fd, &g, sizeof(g));
}

/* together: one middle makes every orphan, blocked on the pipe, then exits:
 * they are all re-parented to the init at once. */
static int middle_all(void *unused)
{
	(void)unused;
	for (long i = 0; i < orphans_total; i++)
		if (!make_orphan(i))
			return 111;
	return 0;
}

/* sequential: one middle per orphan, which it makes and leaves at once. */
static int middle_one(void *i)
{
	return make_orphan((long)(intptr_t)i) ? 0 : 111;
}

static void reap_middle(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* In the spawner, a plain child of the watcher (so the orphans share its
 * memory, not the watcher's). Sequential: the middles are started one after
 * another without waiting for each, so that the stream is not held up by a
 * round trip through the scheduler per orphan; a middle's stack is reused
 * only once that middle has been reaped. */
static noreturn void spawn(long n, int release, int pidw)
{
	pid_t middles[RING] = { 0 };

	orphan_stacks = mmap(NULL, (size_t)(n + 1) * STACK_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (orphan_stacks == MAP_FAILED)
		bench_die("mmap");
	orphan_fd = release;
	pid_fd = pidw;
	orphans_total = n;
	if (release >= 0) {
		pid_t mid = clone(middle_all, middle_stacks[0] + STACK_SIZE,
				  CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);

		if (mid < 0)
			bench_die("clone");
		reap_middle(mid);
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		int k = (int)(i % RING);

		if (middles[k] > 0)
			reap_middle(middles[k]);
		middles[k] = clone(middle_one, middle_stacks[k] + STACK_SIZE, CLONE_VM | SIGCHLD,
				   (void *)(intptr_t)i);
		if (middles[k] < 0)
			bench_die("clone");
	}
	for (int k = 0; k < RING; k++)
		if (middles[k] > 0)
			reap_middle(middles[k]);
	_exit(0);
}

/* Real-time priority for the watcher alone; without CAP_SYS_NICE the
 * numbers are still right, only coarser. */
static int go_realtime(void)
{
	struct sched_param sp = { .sched_priority = 10 };
	const char *env = getenv("BENCH_ORPHANS_RT");

	if (env && strcmp(env, "0") == 0)
		return 0;
	return sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0;
}

static void wait_line(int ctl)
{
	char c;

	while (read_full(ctl, &c, 1) && c != '\n')
		;
}

static void raise_fd_limit(long n)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		bench_die("getrlimit");
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max < want)
		rl.rlim_max = want; /* root may raise it */
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		bench_die("cannot allow %ld open files", (long)want);
}

int main(int argc, char **argv)
{
	struct watch w = { 0 };
	int together, status, ctl, rt, pidp[2], rel[2] = { -1, -1 };
	pid_t spawner;

	if (argc != 5 || (strcmp(argv[1], "together") && strcmp(argv[1], "sequential"))) {
		dprintf(2, "usage: bench-orphans together|sequential N STATUS CTL\n");
		return 2;
	}
	together = strcmp(argv[1], "together") == 0;
	w.n = atol(argv[2]);
	status = open(argv[3], O_WRONLY | O_CLOEXEC);
	ctl = open(argv[4], O_RDONLY | O_CLOEXEC);
	if (status < 0 || ctl < 0)
		bench_die("cannot open the FIFOs");
	if (getpid() == 1) {
		dprintf(status, "error the command is PID 1: there is no init to reap\n");
		return 4;
	}
	raise_fd_limit(w.n);
	w.state = calloc((size_t)w.n, 1);
	w.fd = calloc((size_t)w.n, sizeof(int));
	w.ep = epoll_create1(EPOLL_CLOEXEC);
	if (!w.state || !w.fd || w.ep < 0 || pipe(pidp) < 0 || pipe(rel) < 0)
		bench_die("setup");

	if (together) {
		spawner = fork();
		if (spawner == 0) {
			close(rel[1]);
			spawn(w.n, rel[0], pidp[1]);
		}
		close(rel[0]);
		for (long i = 0; i < w.n; i++) {
			pid_t pid;

			if (!read_full(pidp[0], &pid, sizeof(pid)))
				bench_die("the spawner died after %ld orphans", i);
			watch_add(&w, pid);
		}
		waitpid(spawner, NULL, 0);
		rt = go_realtime();
		dprintf(status, "ready\n");
		wait_line(ctl);
		w.t_go = w.t_all_made = now_ns();
		close(rel[1]); /* every orphan reads EOF and exits */
		watch_loop(&w, -1);
	} else {
		rt = go_realtime();
		dprintf(status, "ready\n");
		wait_line(ctl);
		w.t_go = now_ns();
		spawner = fork();
		if (spawner == 0)
			spawn(w.n, -1, pidp[1]);
		watch_loop(&w, pidp[0]);
		waitpid(spawner, NULL, 0);
	}
	dprintf(status,
		"done {\"n\": %ld, \"realtime\": %d, \"exited\": %ld, \"reaped\": %ld, \"peak_zombies\": %ld, "
		"\"made_ns\": %" PRIu64 ", \"exited_ns\": %" PRIu64 ", \"drain_ns\": %" PRIu64 "}\n",
		w.n, rt, w.exited, w.reaped, w.peak_zombies, w.t_all_made - w.t_go,
		w.t_all_exited ? w.t_all_exited - w.t_go : 0,
		w.t_all_reaped ? w.t_all_reaped - w.t_go : 0);
	wait_line(ctl);
	return 0;
}

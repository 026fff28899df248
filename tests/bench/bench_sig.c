/* bench-sig: signal forwarding latency, one signal in flight at a time.
 *
 *   bench-sig recv FIFO COUNT
 *       The command under the init. Blocks SIGUSR1, writes a "ready" record
 *       into FIFO, then for each SIGUSR1 taken with sigtimedwait writes a
 *       record with its CLOCK_MONOTONIC time of receipt. Exits 0 after
 *       COUNT signals, 3 if none came for 30 s (an init that forwards
 *       nothing).
 *   bench-sig send COUNT WARMUP PID:FIFO...
 *       Outside, for several configurations running side by side: WARMUP +
 *       COUNT rounds; in each, for every target in turn, takes the time,
 *       kill(PID, SIGUSR1), and waits (2 s at most) for the receiver's
 *       record before the next. Round-robin per signal, so that the noise of
 *       a shared machine falls on every configuration alike. Prints
 *       "<target index> <latency ns>" per signal after the warm-up, and
 *       "<target index> fail <why>" for a target that stopped answering,
 *       which is then left out.
 *
 * Both sides read the same clock on the same machine, so receipt minus send
 * is the latency through the init: its wakeup, its forwarding syscall and the
 * receiver's wakeup. The ack's own trip is not in it. */
#include "common.h"

#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>

struct record {
	uint64_t kind; /* 0 ready, 1 received */
	uint64_t t;
};

static int recv_main(const char *fifo, long count)
{
	struct timespec timeout = { .tv_sec = 30 };
	struct record r = { 0, now_ns() };
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		bench_die("sigprocmask");
	fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		bench_die("cannot open %s", fifo);
	if (!write_full(fd, &r, sizeof(r)))
		bench_die("cannot write ready");
	for (long i = 0; i < count; i++) {
		int sig;

		do
			sig = sigtimedwait(&set, NULL, &timeout);
		while (sig < 0 && errno == EINTR);
		r.t = now_ns();
		if (sig < 0)
			return 3;
		r.kind = 1;
		if (!write_full(fd, &r, sizeof(r)))
			bench_die("cannot write a record");
	}
	return 0;
}

struct target {
	pid_t pid;
	int fd;
	int live;
};

/* One signal to t, and its latency; 0 (and t->live cleared) on failure. */
static uint64_t one_signal(struct target *t, int index)
{
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	struct record r;
	uint64_t t0;
	int n;

	t0 = now_ns();
	if (kill(t->pid, SIGUSR1) < 0) {
		printf("%d fail cannot signal pid %d: %s\n", index, (int)t->pid, strerror(errno));
		t->live = 0;
		return 0;
	}
	do
		n = poll(&p, 1, 2000);
	while (n < 0 && errno == EINTR);
	if (n == 0 || !read_full(t->fd, &r, sizeof(r)) || r.kind != 1) {
		printf("%d fail %s\n", index, n == 0 ? "the signal never reached the command"
						      : "the receiver is gone");
		t->live = 0;
		return 0;
	}
	return r.t - t0;
}

static int send_main(long count, long warmup, int n, char **specs)
{
	struct target *t = calloc((size_t)n, sizeof(*t));

	if (!t)
		bench_die("calloc");
	for (int j = 0; j < n; j++) {
		char *colon = strchr(specs[j], ':');

		if (!colon)
			bench_die("bad target %s", specs[j]);
		*colon = '\0';
		t[j].pid = (pid_t)atoi(specs[j]);
		t[j].fd = open(colon + 1, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (t[j].fd < 0)
			bench_die("cannot open %s", colon + 1);
		t[j].live = 1;
	}
	for (long i = 0; i < warmup + count; i++)
		for (int j = 0; j < n; j++) {
			uint64_t lat;

			if (!t[j].live)
				continue;
			lat = one_signal(&t[j], j);
			if (lat && i >= warmup)
				printf("%d %" PRIu64 "\n", j, lat);
		}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return recv_main(argv[2], atol(argv[3]));
	if (argc >= 5 && strcmp(argv[1], "send") == 0)
		return send_main(atol(argv[2]), atol(argv[3]), argc - 4, argv + 4);
	dprintf(2, "usage: bench-sig recv FIFO COUNT | send COUNT WARMUP PID:FIFO...\n");
	return 2;
}

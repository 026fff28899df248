/* What the benchmark helpers share: the clock, failing, and the system calls
 * that glibc 2.36 has no wrapper for. Header-only, so that every helper is
 * one file plus this. */
#ifndef NSINIT_BENCH_COMMON_H
#define NSINIT_BENCH_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* CLOCK_MONOTONIC in nanoseconds: every timestamp of the benchmark, taken in
 * any process or namespace, is on this one clock (time namespaces aside,
 * which no configuration here makes). */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline noreturn __attribute__((format(printf, 1, 2))) void bench_die(const char *f, ...)
{
	int err = errno;
	char msg[256];
	va_list ap;

	va_start(ap, f);
	vsnprintf(msg, sizeof(msg), f, ap);
	va_end(ap);
	dprintf(2, "bench: %s: %s\n", msg, strerror(err));
	_exit(111);
}

static inline int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Close every fd from `first` up; the helpers' children must not hold the
 * pipes (an orphan holding a write end would keep its siblings blocked). */
static inline void close_from(unsigned first)
{
	if (syscall(SYS_close_range, first, ~0U, 0) < 0)
		for (int fd = (int)first; fd < 1024; fd++)
			close(fd);
}

/* read(2) of exactly len bytes, retrying EINTR and short reads; returns
 * false on EOF or error. */
static inline int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

static inline int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

#endif

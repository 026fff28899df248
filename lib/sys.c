/* The one place where EINTR is retried, and the raw system calls. */
#include "sys.h"

#include "fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif
#ifndef SYS_pwritev2
#define SYS_pwritev2 328
#endif
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
/* The new mount API (Linux 5.2); musl has no wrappers for it. */
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#define NS_FSOPEN_CLOEXEC 0x00000001
#define NS_FSCONFIG_CMD_CREATE 6
#define NS_FSMOUNT_CLOEXEC 0x00000001
#define NS_MOUNT_ATTR_NOSUID 0x00000002
#define NS_MOUNT_ATTR_NODEV 0x00000004
#define NS_MOUNT_ATTR_NOEXEC 0x00000008

/* Retry `call` while it fails with EINTR. Every EINTR retry goes through it. */
#define RETRY(type, call)                                                      \
	do {                                                                   \
		type r_;                                                       \
		do                                                             \
			r_ = (call);                                           \
		while (r_ < 0 && errno == EINTR);                              \
		return r_;                                                     \
	} while (0)

ssize_t sys_read(int fd, void *buf, size_t len)
{
	RETRY(ssize_t, read(fd, buf, len));
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	RETRY(ssize_t, write(fd, buf, len));
}

/* One attempt that never sleeps, on the fd that way needs. */
enum nowait { NOWAIT_SEND, NOWAIT_PWRITE, NOWAIT_WRITE };

static ssize_t attempt(int fd, enum nowait how, const void *buf, size_t len)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };

	switch (how) {
	case NOWAIT_SEND:
		RETRY(ssize_t, send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL));
	case NOWAIT_PWRITE:
		/* pwritev2 at the current offset (-1) with RWF_NOWAIT. */
		RETRY(ssize_t, syscall(SYS_pwritev2, fd, &iov, 1, -1L, -1L, RWF_NOWAIT));
	case NOWAIT_WRITE:
		break;
	}
	/* An O_NONBLOCK description of our own. */
	return sys_write(fd, buf, len);
}

/* Monotonic milliseconds (lib/clock.c is not everyone's to link). */
static int64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write all of buf without sleeping but in poll(2), at most until
 * deadline_ms. A line that does not fit in time is dropped (EAGAIN) even if
 * part of it went out: no wait is worth more than the line. */
static ssize_t write_by(int fd, enum nowait how, const char *buf, size_t len,
		       int64_t deadline_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	size_t done = 0;

	while (done < len) {
		ssize_t n = attempt(fd, how, buf + done, len - done);

		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno != EAGAIN)
			return -1;
		int64_t left = deadline_ms - now_ms();
		int ready = left > 0 ? sys_poll(&pfd, 1, (int)left) : 0;

		if (ready < 0)
			return -1;
		if (ready == 0) {
			errno = EAGAIN;
			return -1;
		}
	}
	return (ssize_t)done;
}

/* A description of our own, non-blocking, of the file fd names: setting
 * O_NONBLOCK on fd itself would change it for the command, which shares
 * it. Through /proc/self/fd, as a new open(2) of the same terminal or
 * pipe; O_NOCTTY, so a terminal never becomes ours. -1 without /proc, or
 * where the file cannot be opened again (a socket, a mode we may not). */
static int open_private_nonblocking(int fd)
{
	char path[40];

	fmt(path, sizeof(path), "/proc/self/fd/%d", fd);
	return sys_open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK);
}

ssize_t sys_write_bounded(int fd, const void *buf, size_t len, int wait_ms)
{
	int64_t deadline_ms = now_ms() + (wait_ms > 0 ? wait_ms : 0);
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	struct stat st;
	ssize_t n;
	int own;

	if (fstat(fd, &st) < 0)
		return -1;
	/* A file or disk never waits for a reader. */
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return sys_write(fd, buf, len);
	if (S_ISSOCK(st.st_mode))
		return write_by(fd, NOWAIT_SEND, buf, len, deadline_ms);
	/* Pipes take RWF_NOWAIT (Linux 5.8 on); terminals refuse it. */
	if (S_ISFIFO(st.st_mode)) {
		n = write_by(fd, NOWAIT_PWRITE, buf, len, deadline_ms);
		if (n >= 0 || (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL))
			return n;
	}
	own = open_private_nonblocking(fd);
	if (own >= 0) {
		n = write_by(own, NOWAIT_WRITE, buf, len, deadline_ms);
		close(own);
		return n;
	}
	/* No /proc: wait for room, then write. A terminal with less room than
	 * the line, or stopped after the poll, can still block here. */
	if (sys_poll(&pfd, 1, wait_ms > 0 ? wait_ms : 0) <= 0) {
		errno = EAGAIN;
		return -1;
	}
	return sys_write(fd, buf, len);
}

pid_t sys_waitpid(pid_t pid, int *status, int flags)
{
	RETRY(pid_t, waitpid(pid, status, flags));
}

int sys_waitid(idtype_t type, id_t id, siginfo_t *info, int flags)
{
	RETRY(int, waitid(type, id, info, flags));
}

int sys_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	/* A retried poll restarts its timeout; callers recompute deadlines
	 * from the clock, so a longer wait here is never a missed one. */
	RETRY(int, poll(fds, n, timeout_ms));
}

int sys_open(const char *path, int flags)
{
	RETRY(int, open(path, flags | O_CLOEXEC));
}

int sys_open_mode(const char *path, int flags, mode_t mode)
{
	RETRY(int, open(path, flags | O_CLOEXEC, mode));
}

ssize_t sys_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	RETRY(ssize_t, sendmsg(fd, msg, flags | MSG_NOSIGNAL));
}

ssize_t sys_recvmsg(int fd, struct msghdr *msg, int flags)
{
	RETRY(ssize_t, recvmsg(fd, msg, flags | MSG_CMSG_CLOEXEC));
}

/* The kernel's struct clone_args, version 0 (64 bytes). */
struct clone_args_v0 {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

pid_t sys_clone3(uint64_t flags, int exit_signal)
{
	struct clone_args_v0 args;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.exit_signal = (uint64_t)exit_signal;
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

pid_t sys_clone(unsigned long flags, int exit_signal)
{
	/* x86_64 argument order: flags, stack, parent_tid, child_tid, tls.
	 * A NULL stack makes the child run on a copy of ours, like fork(). */
	return (pid_t)syscall(SYS_clone, flags | (unsigned long)exit_signal, NULL, NULL, NULL, NULL);
}

int sys_mount_private_proc(void)
{
	int fs = (int)syscall(SYS_fsopen, "proc", NS_FSOPEN_CLOEXEC), mnt, err;

	if (fs < 0)
		return -1;
	/* The superblock is made now: it shows the PID namespace we are in. */
	if (syscall(SYS_fsconfig, fs, NS_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = errno;
		close(fs);
		errno = err;
		return -1;
	}
	mnt = (int)syscall(SYS_fsmount, fs, NS_FSMOUNT_CLOEXEC,
			   NS_MOUNT_ATTR_NOSUID | NS_MOUNT_ATTR_NODEV | NS_MOUNT_ATTR_NOEXEC);
	err = errno;
	close(fs);
	errno = err;
	return mnt;
}

int sys_pidfd_open(pid_t pid)
{
	/* pidfd_open(2) always sets O_CLOEXEC on the new fd. */
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int sys_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

void sys_close_all_but(const int *keep, int n)
{
	unsigned from = 3;

	/* Walk the kept fds in ascending order, closing the gaps between them. */
	for (;;) {
		int next = -1;

		for (int i = 0; i < n; i++)
			if (keep[i] >= (int)from && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			break;
		sys_close_range(from, (unsigned)next - 1);
		from = (unsigned)next + 1;
	}
	sys_close_range(from, ~0U);
}

void sys_hold_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* "/" exists everywhere, even in a chroot without /dev/null; open()
		 * returns the lowest free fd, which is this one. Opened read-only
		 * as a directory, every write to it fails at once (EBADF), which
		 * the best-effort log ignores: it never blocks, unlike an eventfd
		 * whose counter a write could fill. */
		if (open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) < 0)
			return;
	}
}

void sys_close_range(unsigned first, unsigned last)
{
	struct rlimit lim;

	if (first > last)
		return;
	if (syscall(SYS_close_range, first, last, 0) == 0)
		return;
	/* Kernels before 5.9 (or valgrind) lack close_range: close one by one,
	 * up to the highest fd that can exist. */
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
	    lim.rlim_cur <= last)
		last = lim.rlim_cur > 0 ? (unsigned)(lim.rlim_cur - 1) : 0;
	if (last > INT_MAX)
		last = INT_MAX;
	for (unsigned fd = first; fd <= last; fd++) {
		(void)close((int)fd); /* EBADF for most: nothing to handle */
		if (fd == last)
			break;
	}
}

/* The one place where EINTR is retried, and the raw system calls. */
#include "lib/sys.h"

#include "lib/clock.h"
#include "lib/fmt.h"
#include "lib/rawsys.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>

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

/* One write that never sleeps: EAGAIN instead. Pipes and sockets take
 * RWF_NOWAIT (Linux 5.8 on); terminals refuse it, and get a private
 * O_NONBLOCK description (*own), opened on first need. */
static ssize_t write_nowait(int fd, int *own, const struct iovec *iov)
{
	ssize_t n;

	if (*own >= 0)
		return sys_write(*own, iov->iov_base, iov->iov_len);
	do
		n = syscall(SYS_pwritev2, fd, iov, 1, -1L, -1L, RWF_NOWAIT);
	while (n < 0 && errno == EINTR);
	if (n >= 0 || (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL))
		return n;
	*own = open_private_nonblocking(fd);
	if (*own >= 0)
		return sys_write(*own, iov->iov_base, iov->iov_len);
	errno = ENOTSUP; /* none of the three: see sys_write_bounded */
	return -1;
}

ssize_t sys_write_nowait(int fd, int *own, const void *buf, size_t len)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };

	/* A regular file or a disk takes the write now, as in
	 * sys_write_bounded: only pipes, sockets and terminals wait. */
	if (*own < 0 && lseek(fd, 0, SEEK_CUR) >= 0)
		return sys_write(fd, buf, len);
	return write_nowait(fd, own, &iov);
}

ssize_t sys_write_bounded(int fd, const void *buf, size_t len, int wait_ms)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	uint64_t deadline = clock_now_us() + (uint64_t)(wait_ms > 0 ? wait_ms : 0) * 1000;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	bool woke = false;
	int own = -1;
	ssize_t n;

	/* A file or disk (anything seekable) never waits for a reader; pipes,
	 * sockets and terminals are not seekable. (lseek, not fstat: being
	 * seekable is the property itself, and a device that never waits,
	 * /dev/null, is seekable where its file type says only "device".) */
	if (lseek(fd, 0, SEEK_CUR) >= 0)
		return sys_write(fd, buf, len);
	/* All of it, waiting in poll(2) only, until the deadline: a line that
	 * does not fit in time is dropped (EAGAIN), even if part of it went.
	 * A file that polls writable yet takes nothing (a pipe with less room
	 * than the line) ends the wait too, rather than spin until it. */
	while ((n = write_nowait(fd, &own, &iov)) >= 0 || errno == EAGAIN) {
		if (n > 0) {
			woke = false;
			iov.iov_base = (char *)iov.iov_base + n;
			iov.iov_len -= (size_t)n;
			if (iov.iov_len == 0)
				break;
			continue;
		}
		pfd.fd = own >= 0 ? own : fd;
		if (woke || sys_poll(&pfd, 1, clock_poll_ms(deadline)) <= 0 ||
		    clock_now_us() >= deadline) {
			n = -1;
			errno = EAGAIN;
			break;
		}
		woke = true;
	}
	if (own >= 0)
		close(own);
	if (n >= 0)
		return (ssize_t)len;
	if (errno != ENOTSUP)
		return -1;
	/* No /proc: wait for room, then write. A terminal with less room than
	 * the line, or stopped after the poll, can still block here. */
	if (sys_poll(&pfd, 1, wait_ms > 0 ? wait_ms : 0) <= 0) {
		errno = EAGAIN;
		return -1;
	}
	return sys_write(fd, buf, len);
}

ssize_t sys_getdents64(int fd, void *buf, size_t len)
{
	RETRY(ssize_t, syscall(SYS_getdents64, fd, buf, len));
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

int sys_openat(int dir, const char *path, int flags)
{
	/* The raw call: musl's openat carries O_CREAT's varargs, which no
	 * caller here needs. */
	RETRY(int, (int)syscall(SYS_openat, dir, path, flags | O_CLOEXEC));
}

ssize_t sys_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	RETRY(ssize_t, sendmsg(fd, msg, flags | MSG_NOSIGNAL));
}

ssize_t sys_recvmsg(int fd, struct msghdr *msg, int flags)
{
	RETRY(ssize_t, recvmsg(fd, msg, flags | MSG_CMSG_CLOEXEC));
}

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

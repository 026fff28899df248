/* System calls as nsinit uses them: EINTR is retried here and nowhere else
 * (never for close(2), whose fd is gone even when it reports EINTR), and the
 * calls libc may lack (clone3, pidfd_*, close_range) are wrapped once.
 * Each wrapper returns what the system call returns, with errno set on failure.
 */
#ifndef NSINIT_SYS_H
#define NSINIT_SYS_H

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

/* Older libcs (musl 1.2.3 among them) lack the newest clone flag. */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

ssize_t sys_read(int fd, void *buf, size_t len);
ssize_t sys_write(int fd, const void *buf, size_t len);
/* write, but never sleeping on a full pipe, terminal or socket for more
 * than wait_ms in all: a log line or event that still cannot go is dropped
 * (EAGAIN). PID 1 must not stall because nobody reads its stderr (or its
 * terminal is stopped with Ctrl-S), yet a slow reader should lose nothing.
 * The file description fd names is never made non-blocking: the command
 * shares it. Only without /proc may a terminal still block (see sys.c). */
ssize_t sys_write_bounded(int fd, const void *buf, size_t len, int wait_ms);
/* One write to fd that never sleeps: what was written, or -1 with EAGAIN
 * when a pipe, socket or terminal has no room now (poll *own if it is >= 0,
 * else fd, for POLLOUT), ENOTSUP where fd can only be written blocking (a
 * terminal without /proc), or the write's own errno. *own starts at -1 and
 * is a private non-blocking description of a terminal, opened on first
 * need; the caller closes it. */
ssize_t sys_write_nowait(int fd, int *own, const void *buf, size_t len);
/* getdents64(2): a directory's entries as struct linux_dirent64 records,
 * into the caller's buffer, without the DIR machinery (which allocates a
 * DIR and its buffer for every directory opened). */
ssize_t sys_getdents64(int fd, void *buf, size_t len);
pid_t sys_waitpid(pid_t pid, int *status, int flags);
int sys_waitid(idtype_t type, id_t id, siginfo_t *info, int flags);
int sys_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
int sys_open(const char *path, int flags);
/* openat(2) without O_CREAT; O_CLOEXEC is added, as for sys_open. */
int sys_openat(int dir, const char *path, int flags);
ssize_t sys_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t sys_recvmsg(int fd, struct msghdr *msg, int flags);

/* clone3(2) with the given flags and exit signal, fork-like (no new stack).
 * Fails with ENOSYS where seccomp or valgrind refuse clone3. */
pid_t sys_clone3(uint64_t flags, int exit_signal);
/* The older clone(2), fork-like: the fallback when clone3 is refused. */
pid_t sys_clone(unsigned long flags, int exit_signal);

/* A new procfs instance, detached (in nobody's mount table) and showing the
 * caller's PID namespace: fsopen, fsconfig, fsmount, nosuid,nodev,noexec.
 * Returns a close-on-exec fd of its root, or -1 (ENOSYS before Linux 5.2,
 * EPERM without CAP_SYS_ADMIN over our mount namespace). */
int sys_mount_private_proc(void);

int sys_pidfd_open(pid_t pid);
int sys_pidfd_send_signal(int pidfd, int sig);
/* If the caller left any of fds 0-2 closed, fill the gap with a close-on-exec
 * placeholder: otherwise nsinit's first own fds (a socket, the signalfd) would
 * land there and pass for the command's stdio, while exec closes the
 * placeholder so the command finds the fd closed, as the caller left it. */
void sys_hold_stdio(void);

/* Close every fd above stderr except the n in keep (any order; -1 entries are
 * ignored): the fds the caller passed on are the command's, not nsinit's. */
void sys_close_all_but(const int *keep, int n);

/* close_range(2) over [first, last]; falls back to close(2) one by one. */
void sys_close_range(unsigned first, unsigned last);

#endif

/* clone3 with CLONE_NEWPID | CLONE_NEWNS, its fallback, and the mounts that
 * make the new mount namespace safe to use. */
#include "namespace.h"

#include "caps.h"
#include "msg.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define NS_FLAGS (CLONE_NEWPID | CLONE_NEWNS)

/* Read a small integer file such as /proc/sys/user/max_pid_namespaces into
 * buf, without the newline; "unreadable" if it cannot be read. */
static const char *read_setting(const char *path, char *buf, size_t len)
{
	int fd = sys_open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : sys_read(fd, buf, len - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return "unreadable";
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* clone failed: say why, and what to change. */
static noreturn void diagnose_clone_failure(int err)
{
	char pid_max[32], mnt_max[32];

	switch (err) {
	case EPERM:
		if (!caps_may_create_namespaces())
			die("cannot create a PID namespace: %s: nsinit needs CAP_SYS_ADMIN "
			    "for that; run it as root (e.g. with sudo), or pass --no-namespace "
			    "to act as init without a namespace",
			    strerror(err));
		die("cannot create a PID namespace: %s, although nsinit holds "
		    "CAP_SYS_ADMIN: a seccomp profile or security module forbids it; "
		    "allow unshare/clone of namespaces there, or pass --no-namespace",
		    strerror(err));
	case ENOSPC:
	case EUSERS:
		die("cannot create a PID namespace: %s: a namespace limit was reached: "
		    "/proc/sys/user/max_pid_namespaces is %s and "
		    "/proc/sys/user/max_mnt_namespaces is %s (PID namespaces also nest at "
		    "most 32 deep); raise the limit, e.g. sysctl -w user.max_pid_namespaces=N",
		    strerror(err),
		    read_setting("/proc/sys/user/max_pid_namespaces", pid_max, sizeof(pid_max)),
		    read_setting("/proc/sys/user/max_mnt_namespaces", mnt_max, sizeof(mnt_max)));
	default:
		errno = err;
		die_errno("cannot create a PID and mount namespace");
	}
}

pid_t namespace_clone(void)
{
	pid_t pid = sys_clone3(NS_FLAGS, SIGCHLD);

	/* Seccomp profiles (Docker's default among them) and valgrind answer
	 * clone3 with ENOSYS; clone(2) does the same job with the flags we need. */
	if (pid < 0 && errno == ENOSYS) {
		note("clone3 is refused here (ENOSYS); using clone");
		pid = sys_clone(NS_FLAGS, SIGCHLD);
	}
	if (pid < 0)
		diagnose_clone_failure(errno);
	return pid;
}

void namespace_mount_proc(void)
{
	/* The copied mounts may be shared with the caller's (systemd makes / shared):
	 * make them all private first, or the /proc below would appear on the host. */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) {
		if (errno == EINVAL)
			die("cannot make mount propagation private: / is not a mount point "
			    "(inside a chroot?); bind-mount the new root onto itself before "
			    "chroot, or pass --no-namespace");
		die_errno("cannot make mount propagation private");
	}
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		int err = errno;

		if (err == EPERM || err == EACCES)
			die("cannot mount a fresh /proc: %s: the existing /proc is masked or "
			    "partly covered (as container runtimes do), which the kernel refuses "
			    "to reveal; give the container an unmasked /proc, or pass "
			    "--no-namespace",
			    strerror(err));
		if (err == ENOENT)
			die("cannot mount a fresh /proc: there is no /proc directory; create "
			    "it, or pass --no-namespace");
		errno = err;
		die_errno("cannot mount a fresh /proc");
	}
}

/* PID 1's set-up inside the new namespaces: the mounts (util-linux unshare's
 * order: / recursively private first, then proc with nosuid,nodev,noexec),
 * the hostname and the loopback interface. All of it happens before the
 * command starts, so a failure is nsinit's own: one line, exit 125, or the
 * fallback to running without a namespace (main.c). */
#include "inside.h"

#include "fmt.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

/* The mount of a fresh /proc failed with err: say why. */
static void proc_refused(int err, char *why, size_t len)
{
	if (err == EPERM || err == EACCES)
		fmt(why, len, "cannot mount a fresh /proc: %s: the existing /proc is masked or "
			      "partly covered (as container runtimes do), which the kernel refuses "
			      "to reveal; give the container an unmasked /proc, or pass "
			      "-s (--no-namespace) to act as init without one",
		    strerror(err));
	else if (err == ENOENT)
		fmt(why, len, "cannot mount a fresh /proc: there is no /proc directory; create "
			      "it, or pass -s (--no-namespace) to act as init without one");
	else
		fmt(why, len, "cannot mount a fresh /proc: %s", strerror(err));
}

/* Returns 0, or -1 after writing why into `why`. */
static int mount_proc(char *why, size_t len, bool *no_proc)
{
	/* The copied mounts may be shared with the caller's (systemd makes / shared):
	 * make them all private first, or the /proc below would appear on the host. */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) {
		if (errno == EINVAL)
			fmt(why, len, "cannot make mount propagation private: / is not a mount "
				      "point (inside a chroot?); bind-mount the new root onto itself "
				      "before chroot, or pass -s (--no-namespace) to act as init "
				      "without one");
		else
			fmt(why, len, "cannot make mount propagation private: %s", strerror(errno));
		return -1;
	}
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		*no_proc = errno == EPERM || errno == EACCES || errno == ENOENT;
		proc_refused(errno, why, len);
		return -1;
	}
	return 0;
}

/* A new UTS namespace starts with a copy of the caller's names; --uts=NAME
 * replaces the hostname (the NIS domain name stays). */
static int set_hostname(const char *name, char *why, size_t len)
{
	if (sethostname(name, strlen(name)) == 0)
		return 0;
	fmt(why, len, "cannot set the hostname to '%s': %s", name, strerror(errno));
	return -1;
}

/* A new network namespace has only a loopback interface, and it is down:
 * bring it up, so that the command can use 127.0.0.1 and ::1 as on any
 * machine (what `ip link set lo up` does, without needing ip). */
static int loopback_up(char *why, size_t len)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", sizeof("lo"));
	if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (r < 0)
		fmt(why, len, "cannot bring up the loopback interface: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int inside_setup(const char *hostname, unsigned long flags, char *why, size_t len,
		 bool *no_proc)
{
	*no_proc = false;
	if (mount_proc(why, len, no_proc) < 0)
		return -1;
	if ((flags & CLONE_NEWUTS) && hostname && set_hostname(hostname, why, len) < 0)
		return -1;
	if ((flags & CLONE_NEWNET) && loopback_up(why, len) < 0)
		return -1;
	return 0;
}

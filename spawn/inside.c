/* PID 1's set-up inside the new namespaces: the mounts (util-linux unshare's
 * order: / recursively private first, then proc with nosuid,nodev,noexec),
 * the hostname and the loopback interface. All of it happens before the
 * command starts, so a failure is nsinit's own: one line, exit 125. */
#include "inside.h"

#include "msg.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

/* The mount of a fresh /proc failed with err: say why. */
static noreturn void proc_refused(int err)
{
	if (err == EPERM || err == EACCES)
		die("cannot mount a fresh /proc: %s: the existing /proc is masked or "
		    "partly covered (as container runtimes do), which the kernel refuses "
		    "to reveal; give the container an unmasked /proc, or pass "
		    "-s (--no-namespace) to act as init without one",
		    strerror(err));
	if (err == ENOENT)
		die("cannot mount a fresh /proc: there is no /proc directory; create "
		    "it, or pass -s (--no-namespace) "
		    "to act as init without one");
	errno = err;
	die_errno("cannot mount a fresh /proc");
}

static void mount_proc(void)
{
	/* The copied mounts may be shared with the caller's (systemd makes / shared):
	 * make them all private first, or the /proc below would appear on the host. */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) {
		if (errno == EINVAL)
			die("cannot make mount propagation private: / is not a mount point "
			    "(inside a chroot?); bind-mount the new root onto itself before "
			    "chroot, or pass -s (--no-namespace) "
		    "to act as init without one");
		die_errno("cannot make mount propagation private");
	}
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		proc_refused(errno);
}

/* A new UTS namespace starts with a copy of the caller's names; --uts=NAME
 * replaces the hostname (the NIS domain name stays). */
static void set_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) < 0)
		die_errno("cannot set the hostname to '%s'", name);
}

/* A new network namespace has only a loopback interface, and it is down:
 * bring it up, so that the command can use 127.0.0.1 and ::1 as on any
 * machine (what `ip link set lo up` does, without needing ip). */
static void loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", sizeof("lo"));
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		die_errno("cannot bring up the loopback interface");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		die_errno("cannot bring up the loopback interface");
	close(fd);
}

void inside_setup(const struct options *opts, unsigned long flags)
{
	mount_proc();
	if ((flags & CLONE_NEWUTS) && opts->hostname)
		set_hostname(opts->hostname);
	if (flags & CLONE_NEWNET)
		loopback_up();
}

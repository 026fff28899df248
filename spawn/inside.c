/* PID 1's set-up inside the new namespaces: the mounts (util-linux unshare's
 * order: / recursively private first, then proc with nosuid,nodev,noexec),
 * the hostname and the loopback interface. All of it happens before the
 * command starts, so a failure is nsinit's own: one line, exit 125, or the
 * fallback to running without a namespace (be_pid1 in init/roles.c tells
 * the relay, which runs the command itself). */
#include "spawn/inside.h"

#include "lib/errtext.h"
#include "lib/fmt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The mount of a fresh /proc failed with err: say why. */
static void proc_refused(int err, char *why, size_t len)
{
	if (err == EPERM || err == EACCES)
		fmt(why, len, "cannot mount a fresh /proc: %s: the existing /proc is masked or "
			      "partly covered (as container runtimes do), which the kernel refuses "
			      "to reveal; give the container an unmasked /proc, or pass "
			      "-s (--no-namespace) to act as init without one",
		    errtext(err));
	else if (err == ENOENT)
		fmt(why, len, "cannot mount a fresh /proc: there is no /proc directory; create "
			      "it, or pass -s (--no-namespace) to act as init without one");
	else
		fmt(why, len, "cannot mount a fresh /proc: %s", errtext(err));
}

/* A directory right below "/", for private_from_chroot() to step into. */
static int some_subdirectory(char *name, size_t len)
{
	DIR *d = opendir("/");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode) && fmt(name, len, "/%s", e->d_name) < len - 1)
			found = 0;
	}
	closedir(d);
	return found;
}

/* In a plain chroot (sbuild's, mock's, debootstrap's), "/" is a directory,
 * not a mount: its propagation cannot be changed, and mounting /proc in it
 * would show up on the host. We are in a mount namespace of our own, and
 * root: step out of the chroot to the namespace's real root (chroot into a
 * subdirectory leaves the working directory outside it, and ".." climbs from
 * there), make every mount private there, and chroot back. The caller's
 * mounts do not change; only our copies of them stop propagating. */
static int private_from_chroot(void)
{
	struct stat here, up;
	char sub[300];
	int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = -1;

	if (root < 0)
		return -1;
	if (some_subdirectory(sub, sizeof(sub)) < 0 || chdir("/") < 0 || chroot(sub) < 0)
		goto out;
	/* At most as deep as a path can be: the namespace's root is its own
	 * parent. */
	for (int i = 0; i < 4096; i++) {
		if (stat(".", &here) < 0 || stat("..", &up) < 0)
			goto out;
		if (here.st_dev == up.st_dev && here.st_ino == up.st_ino)
			break;
		if (chdir("..") < 0)
			goto out;
	}
	if (chroot(".") < 0)
		goto out;
	r = mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL);
out:
	/* Back into the chroot, whatever happened. */
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		r = -1;
	close(root);
	return r;
}

/* Make every mount private, so that nothing we mount propagates back to the
 * caller. Returns 0, or -1 after writing why into `why`. */
static int make_private(char *why, size_t len)
{
	/* The copied mounts may be shared with the caller's (systemd makes /
	 * shared). */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0)
		return 0;
	if (errno == EINVAL && private_from_chroot() == 0)
		return 0;
	if (errno == EINVAL)
		fmt(why, len, "cannot make mount propagation private: / is not a mount point "
			      "(inside a chroot?) and nsinit cannot step out of it; bind-mount the "
			      "new root onto itself before chroot, or pass -s (--no-namespace) to "
			      "act as init without one");
	else
		fmt(why, len, "cannot make mount propagation private: %s", errtext(errno));
	return -1;
}

/* With --root, is DIR's /proc a directory of DIR's own? Called after the
 * chroot, so "/proc" is DIR's entry whatever it holds, and a link swapped in
 * after the check still resolves inside DIR. A link within DIR would only
 * move the mount within DIR, but the command would run without a /proc all
 * the same, so any link is refused. Returns 0, or -1 after writing why into
 * `why`; a /proc that cannot be looked at is left to the mount to report. */
static int check_proc_dir(const char *root, char *why, size_t len)
{
	struct stat st;

	if (lstat("/proc", &st) < 0 || S_ISDIR(st.st_mode))
		return 0;
	fmt(why, len, "cannot use '%s' for --root: its /proc is %s, not a directory; make it "
		      "an empty directory",
	    root, fmt_file_kind(st.st_mode));
	return -1;
}

/* Returns 0, or -1 after writing why into `why`. With `root`, we chroot
 * into it first and mount /proc there: from then on every path nsinit
 * names (/proc, the chdir to /, the command) resolves inside DIR, so that
 * no link in DIR can lead a mount or an open out of it. DIR itself is the
 * caller's to name, links and all. */
static int mount_proc(const char *root, char *why, size_t len, bool *no_proc)
{
	if (root && access(root, X_OK) < 0) {
		fmt(why, len, "cannot use '%s' for --root: %s; name a directory", root,
		    errtext(errno));
		return -1;
	}
	if (make_private(why, len) < 0)
		return -1;
	if (root && (chroot(root) < 0 || chdir("/") < 0)) {
		fmt(why, len, "cannot change the root to '%s' (--root): %s", root, errtext(errno));
		return -1;
	}
	if (root && check_proc_dir(root, why, len) < 0)
		return -1;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		*no_proc = !root && (errno == EPERM || errno == EACCES || errno == ENOENT);
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
	fmt(why, len, "cannot set the hostname to '%s': %s", name, errtext(errno));
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
		fmt(why, len, "cannot bring up the loopback interface: %s", errtext(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int inside_setup(const char *hostname, const char *root, unsigned long flags, char *why,
		 size_t len, bool *no_proc)
{
	*no_proc = false;
	if (mount_proc(root, why, len, no_proc) < 0)
		return -1;
	if ((flags & CLONE_NEWUTS) && hostname && set_hostname(hostname, why, len) < 0)
		return -1;
	if ((flags & CLONE_NEWNET) && loopback_up(why, len) < 0)
		return -1;
	return 0;
}

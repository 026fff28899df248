/* The pid file is written by the relay before PID 1 may start the command,
 * so it is there for as long as the command can run, and removed when the
 * relay exits. A relay killed by SIGKILL cannot remove it: the file then
 * names a pid that is gone (or, much later, reused), as any pid file does.
 *
 * nsinit often runs as root and is handed paths in directories others may
 * write to (/tmp, a service's run directory), so the name is treated as a
 * stranger's: nothing at it is ever opened for writing, followed, truncated
 * or removed unless it is the file nsinit made. The pid goes into a new
 * file made with O_EXCL next to it under a random name, which rename(2) then
 * puts in place; the directory is held open from the start to the removal,
 * so that every step names the same one (and a tight RLIMIT_NOFILE at exit
 * cannot leave the file behind).
 *
 * openat(2) is called directly, not through lib/sys.c: it can fail with
 * EINTR only while it waits (on a fifo, a device), and these opens never
 * wait (O_EXCL on a new file; O_NONBLOCK), with every signal blocked. */
#include "spawn/pidfile.h"

#include "lib/fmt.h"
#include "lib/msg.h"
#include "lib/stranger.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Hold the directory open, so that every step (and the removal at exit,
 * after the relay has moved to /) names the same one. */
static int open_dir(struct pidfile *pf, const char *path)
{
	const char *name;

	pf->path = path;
	pf->dirfd = stranger_open_parent(path, &name);
	if (pf->dirfd < 0) {
		if (pf->dirfd == STRANGER_REFUSED)
			warn("cannot use '%s' for %s: %s", path, "--pid-file", STRANGER_REFUSED_WHY);
		else
			warn_errno("cannot write the pid file '%s'", path);
		pf->dirfd = -1;
		return -1;
	}
	if (fmt(pf->name, sizeof(pf->name), "%s", name) >= sizeof(pf->name) - 1) {
		errno = ENAMETOOLONG;
		warn_errno("cannot write the pid file '%s'", path);
		return -1;
	}
	return 0;
}

/* A regular file there is an old pid file, replaced whole. Anything else
 * (a link planted to make root write elsewhere, a fifo, a terminal, a
 * device) is not ours to replace: say what it is. Returns 0 to go on, 1
 * after refusing, -1 with errno set. */
static int check_target(const struct pidfile *pf)
{
	struct stat st;

	if (fstatat(pf->dirfd, pf->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISREG(st.st_mode))
		return 0;
	warn("cannot use '%s' for %s: it is %s, not a regular file; %s", pf->path, "--pid-file",
	     fmt_file_kind(st.st_mode), "remove it, or name another file");
	return 1;
}

/* A new file of our own in the same directory (so that rename stays within
 * one file system), under a name nobody can guess ahead of us. */
static int create_temp(int dirfd, char *tmp, size_t len)
{
	int fd = -1;

	for (int i = 0; i < 16 && fd < 0; i++) {
		uint64_t r = 0;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint64_t)getpid() << 32 ^ (uint64_t)i ^ (uintptr_t)&r;
		fmt(tmp, len, ".nsinit-%llx.pid", (unsigned long long)r);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	return fd;
}

/* Write the text to fd, close it and note which file it is. */
static int fill(struct pidfile *pf, int fd)
{
	size_t len = strlen(pf->text);
	ssize_t n = sys_write(fd, pf->text, len);
	struct stat st;
	int r = n == (ssize_t)len && fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 ? 0 : -1;

	if (n >= 0 && n < (ssize_t)len)
		errno = EIO; /* a short write */
	/* close(2) is where a network file system reports a failed write. */
	if (close(fd) < 0 || r < 0)
		return -1;
	pf->dev = st.st_dev;
	pf->ino = st.st_ino;
	return 0;
}

int pidfile_write(struct pidfile *pf, const char *path, pid_t pid)
{
	char tmp[64];
	int fd = -1, r = -1, err;

	pf->written = false;
	fmt(pf->text, sizeof(pf->text), "%d\n", (int)pid);
	if (open_dir(pf, path) < 0)
		return -1;
	if ((r = check_target(pf)) == 0) {
		fd = create_temp(pf->dirfd, tmp, sizeof(tmp));
		if (fd < 0 || fill(pf, fd) < 0 || renameat(pf->dirfd, tmp, pf->dirfd, pf->name) < 0)
			r = -1;
	}
	err = errno;
	/* Leave nothing behind but what was there: the temporary file is ours. */
	if (r < 0 && fd >= 0)
		(void)unlinkat(pf->dirfd, tmp, 0);
	errno = err;
	if (r < 0)
		warn_errno("cannot write the pid file '%s'", path);
	if (r != 0) {
		close(pf->dirfd);
		pf->dirfd = -1;
		return -1;
	}
	pf->written = true;
	return 0;
}

/* Is the name still the file we made, holding what we wrote? Whoever
 * replaced it (a newer nsinit, say) made another file. Opened as at the
 * start: no link followed, no fifo waited on. */
static bool still_ours(const struct pidfile *pf)
{
	char buf[sizeof(pf->text)];
	struct stat st;
	ssize_t n = -1;
	int fd = openat(pf->dirfd, pf->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode) &&
	    st.st_dev == pf->dev && st.st_ino == pf->ino)
		n = sys_read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, pf->text) == 0;
}

void pidfile_remove(struct pidfile *pf)
{
	if (pf->dirfd < 0)
		return;
	/* The window between the check and unlinkat is one in which only
	 * someone who may write to the directory anyway could swap the file. */
	if (pf->written && still_ours(pf) && unlinkat(pf->dirfd, pf->name, 0) < 0)
		warn_errno("cannot remove the pid file '%s'", pf->path);
	close(pf->dirfd);
	pf->dirfd = -1;
}

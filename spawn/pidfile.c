/* The pid file is written by the relay before PID 1 may start the command,
 * so it is there for as long as the command can run, and removed when the
 * relay exits. A relay killed by SIGKILL cannot remove it: the file then
 * names a pid that is gone (or, much later, reused), as any pid file does. */
#include "pidfile.h"

#include "msg.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The relay moves to / once running: a relative path is made absolute now. */
static int absolute(struct pidfile *pf, const char *path)
{
	char cwd[PATH_MAX] = "";

	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		warn_errno("no current directory for the pid file '%s' (give an absolute path)",
			   path);
		return -1;
	}
	/* fmt() cuts what does not fit: a path that fills the buffer may be cut.
	 * The cwd "/" needs no second slash. */
	if (fmt(pf->path, sizeof(pf->path), "%s%s%s", cwd, cwd[0] && cwd[1] ? "/" : "", path) >=
	    sizeof(pf->path) - 1) {
		errno = ENAMETOOLONG;
		warn_errno("cannot write the pid file '%s'", path);
		return -1;
	}
	return 0;
}

int pidfile_write(struct pidfile *pf, const char *path, pid_t pid)
{
	size_t len = fmt(pf->text, sizeof(pf->text), "%d\n", (int)pid);
	ssize_t n;
	int fd;

	pf->written = false;
	if (absolute(pf, path) < 0)
		return -1;
	fd = sys_open_mode(pf->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		warn_errno("cannot write the pid file '%s'", pf->path);
		return -1;
	}
	n = sys_write(fd, pf->text, len);
	if (n == (ssize_t)len) {
		/* close(2) is where a network file system reports a failed write. */
		if (close(fd) == 0) {
			pf->written = true;
			return 0;
		}
	} else {
		int err = n >= 0 ? EIO : errno; /* a short write */

		close(fd);
		errno = err;
	}
	warn_errno("cannot write the pid file '%s'", pf->path);
	/* Leave no half-written file that names no pid. */
	(void)unlink(pf->path);
	return -1;
}

/* Does the file still hold what we wrote? Whoever replaced it (a newer
 * nsinit, say) wrote another pid. */
static bool holds_our_pid(const struct pidfile *pf)
{
	char buf[sizeof(pf->text)];
	int fd = sys_open(pf->path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : sys_read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, pf->text) == 0;
}

void pidfile_remove(const struct pidfile *pf)
{
	/* The window between the check and unlink is one nobody else should be
	 * writing our pid file in. */
	if (pf->written && holds_our_pid(pf) && unlink(pf->path) < 0)
		warn_errno("cannot remove the pid file '%s'", pf->path);
}

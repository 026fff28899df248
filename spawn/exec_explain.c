/* The reading half of lib/execwhy.c: PID 1 looks at the file the command's
 * child could not run, after the child reported, never in the child (which
 * shares PID 1's memory and may make only raw system calls). It runs once,
 * on a path execve just reached, before PID 1 shuts down for want of a
 * command. The file may have changed since: this only explains, it never
 * decides an exit code (those come from execve's errno). */
#include "spawn/exec_explain.h"

#include "lib/execwhy.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Enough for the ELF header, its program headers and PT_INTERP's text as
 * linkers place them, and for the kernel's whole #! line (256 bytes). */
enum { HEAD = 2048 };

size_t exec_explain(const char *path, int err, char *why, size_t len)
{
	static unsigned char head[HEAD]; /* static: a small stack must not cost PID 1 */
	struct execwhy_facts f = { .err = err, .our_machine = execwhy_our_machine() };
	struct statfs fs;
	struct stat st;
	char interp[256];
	ssize_t n;
	int fd;

	if (!*path || stat(path, &st) < 0)
		return 0;
	f.stat_ok = true;
	f.mode = st.st_mode;
	/* statfs, not statvfs: the same flags (Linux 2.6.36 on), without
	 * musl's conversion. */
	f.noexec_mount = statfs(path, &fs) == 0 && (fs.f_flags & ST_NOEXEC);
	/* Only a regular file is read: opening a device may do something. */
	fd = S_ISREG(st.st_mode) ? sys_open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK) : -1;
	if (fd >= 0) {
		n = sys_read(fd, head, sizeof(head));
		close(fd);
		if (n > 0) {
			f.head = head;
			f.head_len = (size_t)n;
		}
	}
	/* The interpreter is looked up as the kernel did, from our root. */
	if (f.head && execwhy_interpreter(f.head, f.head_len, interp, sizeof(interp))) {
		f.interpreter = interp;
		f.interpreter_exists = access(interp, F_OK) == 0;
	}
	return execwhy_explain(&f, why, len);
}

/* The reading half of lib/execwhy.c: PID 1 looks at the file the command's
 * child could not run, after the child reported, never in the child (which
 * shares PID 1's memory and may make only raw system calls). It runs once,
 * on a path execve just reached, before PID 1 shuts down for want of a
 * command. The file may have changed since: this only explains, it never
 * decides an exit code (those come from execve's errno). */
#include "spawn/exec_explain.h"

#include "lib/execwhy.h"
#include "lib/fmt.h"
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

/* The kernel follows at most 4 levels of interpreters (binfmt_script). */
enum { MAX_DEPTH = 4 };

static size_t explain_at(const char *path, int err, char *why, size_t len, int depth)
{
	/* Static, one per level: a small stack must not cost PID 1. */
	static unsigned char heads[MAX_DEPTH + 1][HEAD];
	unsigned char *head = heads[depth];
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
		n = sys_read(fd, head, HEAD);
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
	/* A #! interpreter that is there but cannot run itself (a dynamic
	 * bash without its loader, a script whose own interpreter is
	 * missing): the cause is the interpreter's, said of it. */
	if (f.interpreter && f.interpreter_exists && f.head_len > 2 && f.head[0] == '#' &&
	    f.head[1] == '!' && depth < MAX_DEPTH) {
		static char inner[MAX_DEPTH][512];

		if (explain_at(interp, err, inner[depth], sizeof(inner[depth]), depth + 1))
			return fmt(why, len, "its #! interpreter '%s' cannot run: %s", interp,
				   inner[depth]);
	}
	return execwhy_explain(&f, why, len);
}

size_t exec_explain(const char *path, int err, char *why, size_t len)
{
	return explain_at(path, err, why, len, 0);
}

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
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Enough for the ELF header, its program headers and PT_INTERP's text as
 * linkers place them, and for the kernel's whole #! line (256 bytes). */
enum { HEAD = 2048 };

/* The kernel follows at most 4 levels of interpreters (binfmt_script). */
enum { MAX_DEPTH = 4 };

/* The first directory on path's way that who may not search, into dir;
 * false if there is none. Each is looked at as stat(2) sees it. */
static bool unsearchable(const char *path, const struct execwhy_who *who, char *dir,
			 size_t cap, struct stat *st)
{
	for (const char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t n = (size_t)(slash - path);

		if (n >= cap)
			return false;
		memcpy(dir, path, n);
		dir[n] = '\0';
		if (stat(dir, st) == 0 && S_ISDIR(st->st_mode) &&
		    !execwhy_permits(who, st->st_mode, st->st_uid, st->st_gid))
			return true;
	}
	/* The root itself. */
	if (stat("/", st) == 0 && !execwhy_permits(who, st->st_mode, st->st_uid, st->st_gid)) {
		fmt(dir, cap, "/");
		return true;
	}
	return false;
}

static size_t explain_at(const char *path, int err, const struct execwhy_who *who, char *why,
			 size_t len, int depth)
{
	/* Static, one per level: a small stack must not cost PID 1. */
	static unsigned char heads[MAX_DEPTH + 1][HEAD];
	unsigned char *head = heads[depth];
	struct execwhy_facts f = { .err = err, .our_machine = execwhy_our_machine(), .who = who };
	static char dir[4096];
	struct statfs fs;
	struct stat st;
	char interp[256];
	ssize_t n;
	int fd;

	if (who && err == EACCES && path[0] == '/' && unsearchable(path, who, dir, sizeof(dir), &st)) {
		f.unsearchable = dir;
		f.unsearchable_mode = st.st_mode;
		f.unsearchable_owner = st.st_uid;
		return execwhy_explain(&f, why, len);
	}
	if (!*path || stat(path, &st) < 0)
		return 0;
	f.stat_ok = true;
	f.mode = st.st_mode;
	f.owner = st.st_uid;
	f.group = st.st_gid;
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

		if (explain_at(interp, err, who, inner[depth], sizeof(inner[depth]), depth + 1))
			return fmt(why, len, "its #! interpreter '%s' cannot run: %s", interp,
				   inner[depth]);
	}
	return execwhy_explain(&f, why, len);
}

size_t exec_explain(const char *path, int err, const struct execwhy_who *who, char *why,
		    size_t len)
{
	return explain_at(path, err, who, why, len, 0);
}

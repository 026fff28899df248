/* A daemon is a session leader: setsid() is how a process detaches from its
 * parent's terminal and job. In our own PID namespace, /proc lists exactly
 * what is left, so one pass over it finds them; without one, the walk of
 * the command's descendants (descendants.c) says what is left. */
#include "init/daemons.h"

#include "lib/fmt.h"
#include "lib/num.h"
#include "lib/procstat.h"
#include "lib/msg.h"
#include "lib/readfile.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Is pid a session leader? Its name goes into name. */
static bool leads_a_session(int proc, long pid, char *name, size_t len)
{
	struct procstat st;

	if (!procstat_read(proc, pid, &st))
		return false;
	fmt(name, len, "%s", st.name);
	return st.session == pid;
}

struct found {
	unsigned n;
	char first[64];
	long first_pid;
};

static void consider(int proc, long pid, struct found *f)
{
	char name[64];

	if (pid <= 1 || !leads_a_session(proc, pid, name, sizeof(name)))
		return;
	if (!f->n++) {
		fmt(f->first, sizeof(f->first), "%s", name);
		f->first_pid = pid;
	}
}

void daemons_warn(int proc, const pid_t *only, size_t count)
{
	struct found f = { 0 };
	struct dirent *ent;
	int fd;
	DIR *d;

	if (proc < 0)
		return;
	if (only) {
		for (size_t i = 0; i < count; i++)
			consider(proc, only[i], &f);
	} else {
		fd = openat(proc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = fd < 0 ? NULL : fdopendir(fd);
		if (!d) {
			if (fd >= 0)
				close(fd);
			return;
		}
		while ((ent = readdir(d)) != NULL)
			consider(proc, num_long(ent->d_name, NULL), &f);
		closedir(d);
	}
	unsigned n = f.n;

	if (n)
		warn("the command exited and left %u daemon%s (%s, pid %ld%s) in a session of "
		     "%s own; stopping %s with the rest: pass --wait-all to wait for %s",
		     n, n == 1 ? "" : "s", f.first, f.first_pid, n > 1 ? ", ..." : "",
		     n == 1 ? "its" : "their", n == 1 ? "it" : "them", n == 1 ? "it" : "them");
}

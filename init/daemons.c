/* A daemon is a session leader: setsid() is how a process detaches from its
 * parent's terminal and job. In our own PID namespace, /proc lists exactly
 * what is left, so one pass over it finds them. */
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

void daemons_warn(int proc)
{
	int fd = openat(proc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *ent;
	char first[64] = "", name[64];
	long first_pid = 0;
	unsigned n = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((ent = readdir(d)) != NULL) {
		long pid = num_long(ent->d_name, NULL);

		if (pid <= 1 || !leads_a_session(proc, pid, name, sizeof(name)))
			continue;
		if (!n++) {
			fmt(first, sizeof(first), "%s", name);
			first_pid = pid;
		}
	}
	closedir(d);
	if (n)
		warn("the command exited and left %u daemon%s (%s, pid %ld%s) in a session of "
		     "%s own; stopping %s with the rest: pass --wait-all to wait for %s",
		     n, n == 1 ? "" : "s", first, first_pid, n > 1 ? ", ..." : "",
		     n == 1 ? "its" : "their", n == 1 ? "it" : "them", n == 1 ? "it" : "them");
}

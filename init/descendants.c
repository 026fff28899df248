/* A walk of our process subtree through /proc/PID/task/TID/children. A pid
 * read from /proc may be reused by the time we signal it, so each one is
 * pinned with a pidfd and checked to still be a child of the process whose
 * list named it before it is signalled. */
#include "descendants.h"

#include "fmt.h"
#include "msg.h"
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Deeper chains than this are not walked: the depth bounds our stack. */
#define MAX_DEPTH 200

/* The PPid of pid from /proc/PID/stat, or -1. */
static pid_t parent_of(pid_t pid)
{
	char path[32], buf[512], *p, *end;
	ssize_t n;
	long ppid;
	int fd;

	fmt(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = sys_open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = sys_read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "PID (NAME) STATE PPID ...": the name may hold spaces and ')', so
	 * skip to the last ')'. (strtol, not sscanf: scanf costs 12 KiB static.) */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	ppid = strtol(p + 4, &end, 10);
	if (end == p + 4 || ppid <= 0)
		return -1;
	return (pid_t)ppid;
}

/* Signal `child` if it is still the child of `parent` and alive. */
static unsigned signal_checked(pid_t parent, pid_t child, int sig)
{
	int fd = sys_pidfd_open(child);
	struct pollfd pfd;

	if (fd < 0) {
		/* No pidfds (old kernel, valgrind): check, then signal. */
		if (errno == ESRCH || parent_of(child) != parent)
			return 0;
		return kill(child, sig) == 0;
	}
	/* The pidfd pins the process: while it has not exited, its pid is not
	 * reused, so /proc/PID read now describes it. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	unsigned sent = 0;
	if (parent_of(child) == parent && sys_poll(&pfd, 1, 0) == 0)
		sent = sys_pidfd_send_signal(fd, sig) == 0;
	close(fd);
	return sent;
}

static unsigned walk(pid_t pid, int sig, int depth);

/* Signal the children listed in one children file, deepest first: signalling
 * a parent first could reparent its children to us mid-walk and skip them. */
static unsigned walk_list(pid_t parent, const char *list, int sig, int depth)
{
	unsigned count = 0;
	char *end;

	for (const char *s = list; *s; s = end) {
		long child = strtol(s, &end, 10);

		if (end == s)
			break;
		if (child > 0) {
			count += walk((pid_t)child, sig, depth + 1);
			count += signal_checked(parent, (pid_t)child, sig);
		}
	}
	return count;
}

static unsigned walk(pid_t pid, int sig, int depth)
{
	char path[300], list[4096];
	unsigned count = 0;
	struct dirent *d;
	DIR *tasks;

	if (depth > MAX_DEPTH)
		return 0;
	fmt(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return 0;
	while ((d = readdir(tasks)) != NULL) {
		ssize_t n;
		int fd;

		if (d->d_name[0] == '.')
			continue;
		fmt(path, sizeof(path), "/proc/%d/task/%s/children", (int)pid, d->d_name);
		fd = sys_open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = sys_read(fd, list, sizeof(list) - 1);
		close(fd);
		if (n <= 0)
			continue;
		list[n] = '\0';
		/* A full buffer may end inside a pid: drop that one. The children
		 * that did not fit are picked up by the next walk. */
		if ((size_t)n == sizeof(list) - 1 && strrchr(list, ' '))
			*strrchr(list, ' ') = '\0';
		count += walk_list(pid, list, sig, depth);
	}
	closedir(tasks);
	return count;
}

unsigned descendants_signal(int sig)
{
	return walk(getpid(), sig, 0);
}

/* A walk of our process subtree through /proc/PID/task/TID/children, for
 * nsinit without a PID namespace of its own (-s), where kill(-1) would reach
 * every process of the user.
 *
 * Three rules keep every signal on a process of ours:
 * - The pids must mean what they say: the walk reads a procfs that shows
 *   our own PID namespace. A /proc of another namespace (the host's, in
 *   `unshare --pid --fork` without --mount-proc) names other processes by
 *   the same numbers, so it is never read; a private, detached procfs
 *   instance of our own is mounted instead (descendants_init).
 * - The children nsinit already had when it started (a shell's background
 *   jobs, inherited across exec) are the caller's, not the command's: they
 *   are neither signalled nor walked into.
 * - A pid read from /proc may be reused by the time we signal it, so each
 *   one is pinned with a pidfd and checked to still be a child of the
 *   process whose list named it before it is signalled.
 *
 * The walk collects first and signals afterwards, deepest first: signalling
 * a parent first could reparent its children to us mid-walk and skip them.
 * It keeps its queue on the heap, so no depth of process chain can exhaust
 * PID 1's stack. */
#include "init/descendants.h"

#include "lib/fmt.h"
#include "lib/msg.h"
#include "lib/procstat.h"
#include "lib/readfile.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A child nsinit inherited: its pid and start time (pid reuse cannot fake
 * both). */
struct inherited {
	pid_t pid;
	long start;
};

/* Set up once by descendants_init, before the command exists; read by the
 * shutdown in the signal loop. */
static struct {
	bool ready;
	bool warned;
	const char *why; /* why there is no procfs to walk */
	int proc;                    /* a procfs showing our PID namespace, or -1 */
	struct inherited *inherited; /* the children we started with */
	size_t n_inherited;
	pid_t group; /* without a procfs: the command's own process group, or 0 */
} state = { .proc = -1 };

/* The walk's queue: every descendant found, parents before their children. */
struct node {
	pid_t parent, pid;
};

struct walk {
	pid_t self;
	struct node *v;
	size_t n, cap;
	char *buf; /* one children file, grown as needed */
	size_t buf_cap;
	bool truncated; /* out of memory: part of the tree was not collected */
};

/* Read a whole small file under the procfs into buf; -1 if it cannot be. */
static ssize_t read_proc(int proc, const char *path, char *buf, size_t len)
{
	int fd = sys_openat(proc, path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = sys_read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The parent and start time of pid from PID/stat; false if gone. */
static bool read_stat(pid_t pid, pid_t *ppid, long *start)
{
	struct procstat st;

	if (!procstat_read(state.proc, pid, &st) || st.ppid < 0)
		return false;
	*ppid = (pid_t)st.ppid;
	*start = st.start;
	return true;
}

static pid_t parent_of(pid_t pid)
{
	long start;
	pid_t ppid;

	return read_stat(pid, &ppid, &start) ? ppid : -1;
}

/* Does this procfs show our own PID namespace? Its "self" must be us under
 * the pid we know, and only that: NSpid lists our pid in every namespace
 * from the procfs' one down to ours, so exactly one entry means the same
 * namespace (a host /proc could show us under the same number by chance). */
static bool shows_our_namespace(int proc)
{
	char buf[4096], *line, *end;
	long pid;

	if (read_proc(proc, "self/status", buf, sizeof(buf)) <= 0)
		return false;
	line = text_find(buf, "\nNSpid:"); /* Linux 4.1 on; pidfds need 5.3 anyway */
	if (!line)
		return false;
	line = strchr(line, ':') + 1;
	pid = strtol(line, &end, 10);
	if (end == line || pid != (long)getpid())
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	return *end == '\n' || *end == '\0';
}

/* A procfs to walk: /proc if it shows our namespace, else a detached one of
 * our own. Returns -1 and sets *why when neither is there. */
static int open_procfs(const char **why)
{
	int fd = sys_open("/proc", O_RDONLY | O_DIRECTORY);

	if (fd >= 0 && shows_our_namespace(fd))
		return fd;
	*why = fd < 0 ? "no /proc" : "/proc shows another PID namespace";
	if (fd >= 0)
		close(fd);
	fd = sys_mount_private_proc();
	if (fd >= 0 && shows_our_namespace(fd))
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

typedef void child_fn(struct walk *w, pid_t parent, pid_t child);

/* Call fn for every pid in one thread's children file, read whole: a
 * process can have thousands of children. */
static void children_of_task(struct walk *w, pid_t pid, const char *tid, child_fn *fn)
{
	char path[64];
	bool cut = false;
	size_t len = 0;
	int list;

	fmt(path, sizeof(path), "%d/task/%s/children", (int)pid, tid);
	list = sys_openat(state.proc, path, O_RDONLY);
	if (list < 0)
		return;
	for (;;) {
		ssize_t n;

		if (w->buf_cap - len < 512) {
			size_t cap = w->buf_cap ? w->buf_cap * 2 : 4096;
			char *b = realloc(w->buf, cap);

			if (!b) {
				cut = w->truncated = true;
				break;
			}
			w->buf = b;
			w->buf_cap = cap;
		}
		n = sys_read(list, w->buf + len, w->buf_cap - len - 1);
		if (n <= 0) {
			cut = n < 0;
			break;
		}
		len += (size_t)n;
	}
	close(list);
	if (!w->buf)
		return;
	w->buf[len] = '\0';
	/* After a failed read or allocation, the last pid may be cut. */
	if (cut && strrchr(w->buf, ' '))
		*strrchr(w->buf, ' ') = '\0';
	for (char *s = w->buf, *end; *s; s = end) {
		long child = strtol(s, &end, 10);

		if (end == s)
			break;
		if (child > 0)
			fn(w, pid, (pid_t)child);
	}
}

/* The kernel's struct linux_dirent64, as getdents64 fills it. */
struct kernel_dirent {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Call fn for every child of every thread of pid. (getdents64, not
 * fdopendir: musl's fdopendir pulls in fstat, half a KiB of the static
 * binary.) */
static void for_each_child(struct walk *w, pid_t pid, child_fn *fn)
{
	uint64_t ents[512]; /* aligned for struct kernel_dirent */
	char path[32];
	ssize_t n;
	int fd;

	fmt(path, sizeof(path), "%d/task", (int)pid);
	fd = sys_openat(state.proc, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return; /* gone already */
	while ((n = sys_getdents64(fd, ents, sizeof(ents))) > 0) {
		for (ssize_t off = 0; off < n;) {
			const struct kernel_dirent *d =
				(const struct kernel_dirent *)(const void *)((char *)ents + off);

			off += d->reclen;
			if (d->name[0] != '.')
				children_of_task(w, pid, d->name, fn);
		}
	}
	close(fd);
}

static bool is_inherited(pid_t pid)
{
	long start;
	pid_t ppid;

	for (size_t i = 0; i < state.n_inherited; i++)
		if (state.inherited[i].pid == pid)
			return read_stat(pid, &ppid, &start) && start == state.inherited[i].start;
	return false;
}

/* for_each_child's callback for the walk: queue the child. */
static void enqueue(struct walk *w, pid_t parent, pid_t child)
{
	if (parent == w->self && is_inherited(child))
		return;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct node *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			w->truncated = true;
			return;
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct node){ parent, child };
}

/* for_each_child's callback at start-up: remember the child. */
static void remember(struct walk *w, pid_t parent, pid_t child)
{
	struct inherited *v;
	long start;
	pid_t ppid;

	(void)w;
	(void)parent;
	if (!read_stat(child, &ppid, &start))
		return; /* gone: nothing to protect */
	v = realloc(state.inherited, (state.n_inherited + 1) * sizeof(*v));
	if (!v)
		return; /* out of memory: the one case where it is not protected */
	state.inherited = v;
	state.inherited[state.n_inherited++] = (struct inherited){ child, start };
}

/* Find a procfs and the children we already have; quiet, see warn_blind. */
static void setup(void)
{
	struct walk w = { .self = getpid() };

	if (state.ready)
		return;
	state.ready = true;
	state.proc = open_procfs(&state.why);
	if (state.proc >= 0)
		for_each_child(&w, w.self, remember);
	free(w.buf);
}

/* Is state.proc still the procfs we opened? PID 1 closes every fd it does
 * not know of once the command runs (until it keeps descendants_fd()), and
 * the number may name another file by now: only a procfs of our namespace
 * passes the test it passed at first. If it fails, look again: without
 * CAP_SYS_ADMIN by then, only a /proc of our namespace can still be had. */
static void check_procfs(void)
{
	if (state.proc < 0 || shows_our_namespace(state.proc))
		return;
	state.proc = -1; /* not ours any more: never close it */
	state.proc = open_procfs(&state.why);
}

/* Once: without a procfs, say what is missing, what it costs, and the fix. */
static void warn_blind(void)
{
	if (state.proc >= 0 || state.warned)
		return;
	state.warned = true;
	warn("%s and no procfs of our own can be mounted (needs CAP_SYS_ADMIN): the "
	     "command's leftovers cannot be found; mount a /proc of this PID namespace, or "
	     "drop -s",
	     state.why);
}

void descendants_init(void)
{
	setup();
	warn_blind();
}

void descendants_set_command(pid_t command)
{
	pid_t group = getpgid(command);

	/* Only a group of the command's own: ours holds nsinit and the caller. */
	if (group > 0 && group != getpgrp())
		state.group = group;
}

/* Signal `child` if it is still the child of `parent` and alive. */
static unsigned signal_checked(pid_t parent, pid_t child, int sig)
{
	int fd = sys_pidfd_open(child);
	struct pollfd pfd;
	unsigned sent = 0;

	if (fd < 0) {
		/* No pidfds (old kernel, old valgrind): check, then signal. */
		if (errno == ESRCH || parent_of(child) != parent)
			return 0;
		return kill(child, sig) == 0;
	}
	/* The pidfd pins the process: while it has not exited, its pid is not
	 * reused, so /proc/PID read now describes it. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (parent_of(child) == parent && sys_poll(&pfd, 1, 0) == 0)
		sent = sys_pidfd_send_signal(fd, sig) == 0;
	close(fd);
	return sent;
}

/* Without a procfs: the command's own process group, if it had one. */
static unsigned signal_group(int sig)
{
	if (state.group <= 0)
		return 0;
	if (kill(-state.group, sig) == 0)
		return 1;
	if (errno == ESRCH)
		state.group = 0; /* empty now: never signal the number again */
	return 0;
}

unsigned descendants_signal(int sig)
{
	struct walk w = { .self = getpid() };
	unsigned count = 0;

	descendants_init(); /* no-op once PID 1 called it */
	check_procfs();
	warn_blind();
	if (state.proc < 0)
		return signal_group(sig);
	/* Breadth first: the queue itself is the order, every process after
	 * its parent; signalled from the end, so children before parents. */
	for_each_child(&w, w.self, enqueue);
	for (size_t i = 0; i < w.n; i++)
		for_each_child(&w, w.v[i].pid, enqueue);
	if (w.truncated && !state.warned) {
		state.warned = true;
		warn("out of memory: some leftover processes may miss the signal");
	}
	for (size_t i = w.n; i-- > 0;)
		count += signal_checked(w.v[i].parent, w.v[i].pid, sig);
	free(w.v);
	free(w.buf);
	return count;
}

int descendants_fd(void)
{
	return state.proc;
}

bool descendants_settled(void)
{
	/* Signal 0 checks that a process exists: are any of ours left? */
	return descendants_signal(0) == 0;
}

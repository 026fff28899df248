/* A walk of our process subtree through /proc/PID/task/TID/children, for
 * nsinit without a PID namespace of its own (-s), where kill(-1) would reach
 * every process of the user.
 *
 * Three rules keep every signal on a process of the command's:
 * - The pids must mean what they say: the walk reads a procfs that shows
 *   our own PID namespace. A /proc of another namespace (the host's, in
 *   `unshare --pid --fork` without --mount-proc) names other processes by
 *   the same numbers, so it is never read; a private, detached procfs
 *   instance of our own is mounted instead (descendants_init).
 * - Only the command's descendants are the command's. The children nsinit
 *   already had when it started (a shell's background jobs, inherited
 *   across exec) are the caller's, and so is every process below them,
 *   also once the kernel re-parents it to nsinit (the subreaper) because
 *   its parent died: lineage.c judges each child of nsinit, and the walk
 *   records the caller's processes it passes (never signalling them) so
 *   that their orphans are known later.
 * - A pid read from /proc may be reused by the time we signal it, so each
 *   one is pinned with a pidfd and checked to still be the process that was
 *   collected (its start time) before it is signalled.
 *
 * The walk collects first and signals afterwards, parents no later than
 * their children (the command's process group in one call, then the rest
 * of its processes, parents first): a parent that traps the signal to
 * clean up must get it while its children still run, or it sees them die,
 * its wait returns and it exits before its trap. A child re-parented to us
 * mid-walk keeps its start time, so it is still signalled. The queue is on
 * the heap, so no depth of process chain can exhaust PID 1's stack. */
#include "init/descendants.h"

#include "init/lineage.h"
#include "lib/num.h"
#include "lib/fmt.h"
#include "lib/msg.h"
#include "lib/procstat.h"
#include "lib/readfile.h"
#include "lib/sys.h"

#include <errno.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Set up once by descendants_init, before the command exists; read by the
 * shutdown in the signal loop. */
static struct {
	bool ready;
	bool warned;
	const char *why; /* why there is no procfs to walk */
	const char *fix; /*   and what would give us one */
	int proc;        /* a procfs showing our PID namespace, or -1 */
	struct lineage lineage; /* whose each process is */
	bool group_gone; /* without a procfs: the command's group was empty once */
} state = { .proc = -1 };

/* The walk's queue: every process found, parents before their children. */
struct node {
	pid_t parent;
	struct lineage_proc p;
	bool caller; /* the caller's: walked into and recorded, never signalled */
};

struct walk {
	pid_t self;
	bool at_start; /* every child of ours is one we inherited: the caller's */
	bool caller;   /* the owner of the children being queued, below the top */
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

/* pid as PID/stat shows it; false if gone. */
static bool read_proc_stat(pid_t pid, struct lineage_proc *p)
{
	struct procstat st;

	if (!procstat_read(state.proc, pid, &st))
		return false;
	*p = (struct lineage_proc){ pid, (pid_t)st.pgrp, (pid_t)st.session, st.start };
	return true;
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
	pid = num_long(line, &end);
	if (end == line || pid != (long)getpid())
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	return *end == '\n' || *end == '\0';
}

/* Is fd (a directory) the root of a procfs? False if it cannot tell. */
static bool is_procfs(int fd)
{
	struct statfs fs;

	return fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* A procfs to walk: /proc if it shows our namespace, else a detached one of
 * our own. Returns -1 and sets *why and *fix when neither is there. */
static int open_procfs(const char **why, const char **fix)
{
	int fd = sys_open("/proc", O_RDONLY | O_DIRECTORY);

	if (fd >= 0 && shows_our_namespace(fd))
		return fd;
	if (fd >= 0 && is_procfs(fd)) {
		*why = "/proc shows another PID namespace";
		*fix = "mount a /proc of this PID namespace, or drop -s";
	} else {
		*why = "no procfs is mounted on /proc";
		*fix = "mount one (mount -t proc proc /proc) or give nsinit CAP_SYS_ADMIN";
	}
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
		long child = num_long(s, &end);

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

/* Call fn for every child of every thread of pid. (getdents64 into a
 * buffer on the stack, not fdopendir, which allocates a DIR for every
 * directory: the walk opens one for every process it visits.) */
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

/* for_each_child's callback: queue the child, the caller's or the
 * command's. A child of ours is judged on its own (lineage.c); below, a
 * child is its parent's owner's. The caller's are recorded as they are
 * passed, so that their orphans are still known as theirs later. */
static void enqueue(struct walk *w, pid_t parent, pid_t child)
{
	struct node node = { .parent = parent };

	if (!read_proc_stat(child, &node.p))
		return; /* gone already */
	if (parent != w->self)
		node.caller = w->caller;
	else if (w->at_start)
		node.caller = true;
	else
		node.caller = lineage_owner(&state.lineage, &node.p) == LINEAGE_CALLER;
	if (node.caller && !lineage_note(&state.lineage, &node.p, LINEAGE_CALLER))
		w->truncated = true;
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
	w->v[w->n++] = node;
}

/* Collect our whole subtree, breadth first: the queue itself is the order,
 * every process after its parent. */
static void collect(struct walk *w)
{
	for_each_child(w, w->self, enqueue);
	for (size_t i = 0; i < w->n; i++) {
		w->caller = w->v[i].caller;
		for_each_child(w, w->v[i].p.pid, enqueue);
	}
}

/* Find a procfs and record what the caller's processes are: the children we
 * already have, everything below them, and our own process group (a
 * shell's jobs without job control stay in it); quiet, see warn_blind. */
static void setup(void)
{
	struct walk w = { .self = getpid(), .at_start = true };
	struct lineage_proc self = { .pid = w.self, .pgid = getpgrp(), .start = -1 };

	if (state.ready)
		return;
	state.ready = true;
	self.sid = state.lineage.own_sid = getsid(0);
	/* Only fails out of memory: the caller's jobs without job control
	 * then go unrecognised once orphaned. */
	(void)lineage_note(&state.lineage, &self, LINEAGE_CALLER);
	state.proc = open_procfs(&state.why, &state.fix);
	if (state.proc >= 0)
		collect(&w);
	free(w.v);
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
	state.proc = open_procfs(&state.why, &state.fix);
}

/* Once: without a procfs, say what is missing, what it costs, and the fix. */
static void warn_blind(void)
{
	if (state.proc >= 0 || state.warned)
		return;
	state.warned = true;
	warn("%s and no procfs of our own can be mounted (needs CAP_SYS_ADMIN): at exit only "
	     "the command's process group can be signalled; %s",
	     state.why, state.fix);
}

void descendants_init(void)
{
	setup();
	warn_blind();
}

void descendants_set_command(pid_t command)
{
	struct lineage_proc p;

	/* It leads a process group of its own (and under --new-session a
	 * session), numbered with its pid, from its first instruction on:
	 * its child calls setpgid before anything else can fail, or it never
	 * runs. (Asking getpgid now would race that call and could name
	 * nsinit's own group, the caller's.) */
	state.lineage.command = command;
	if (state.proc >= 0 && read_proc_stat(command, &p) &&
	    !lineage_note(&state.lineage, &p, LINEAGE_COMMAND))
		warn("out of memory: the command may be taken for the caller's");
}

/* Signal the process collected as p if it still is that process (the same
 * start time) and alive. */
static unsigned signal_checked(const struct lineage_proc *p, int sig)
{
	int fd = sys_pidfd_open(p->pid);
	struct lineage_proc now;
	struct pollfd pfd;
	unsigned sent = 0;

	if (fd < 0) {
		/* No pidfds (old kernel, old valgrind): check, then signal. */
		if (errno == ESRCH || !read_proc_stat(p->pid, &now) || now.start != p->start)
			return 0;
		return kill(p->pid, sig) == 0;
	}
	/* The pidfd pins the process: while it has not exited, its pid is not
	 * reused, so /proc/PID read now describes it. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (read_proc_stat(p->pid, &now) && now.start == p->start && sys_poll(&pfd, 1, 0) == 0)
		sent = sys_pidfd_send_signal(fd, sig) == 0;
	close(fd);
	return sent;
}

/* Without a procfs: the command's own process group, until it is found
 * empty (after that its number could be reused: never signal it again). */
static unsigned signal_group(int sig)
{
	if (state.lineage.command <= 0 || state.group_gone)
		return 0;
	if (kill(-state.lineage.command, sig) == 0)
		return 1;
	if (errno == ESRCH)
		state.group_gone = true;
	else
		warn_errno("cannot signal the command's process group");
	return 0;
}

/* Signal the command's processes of a walk, in lineage_order's order. */
static unsigned signal_collected(const struct walk *w, int sig)
{
	struct lineage_proc *procs = NULL;
	size_t n = 0, n_order = 0, *order = NULL, in_group = 0;
	unsigned count = 0;

	if (w->n) {
		procs = malloc(w->n * sizeof(*procs));
		order = malloc(w->n * sizeof(*order));
	}
	if (w->n && (!procs || !order)) {
		/* Out of memory: one by one, parents first, is still safe. */
		for (size_t i = 0; i < w->n; i++)
			if (!w->v[i].caller)
				count += signal_checked(&w->v[i].p, sig);
		free(procs);
		free(order);
		return count;
	}
	for (size_t i = 0; i < w->n; i++)
		if (!w->v[i].caller)
			procs[n++] = w->v[i].p;
	if (lineage_order(&state.lineage, procs, n, order, &n_order)) {
		in_group = n - n_order;
		if (kill(-state.lineage.command, sig) == 0)
			count += (unsigned)in_group;
		else if (errno != ESRCH)
			warn_errno("cannot signal the command's process group");
	}
	for (size_t i = 0; i < n_order; i++)
		count += signal_checked(&procs[order[i]], sig);
	free(procs);
	free(order);
	return count;
}

unsigned descendants_signal(int sig)
{
	struct walk w = { .self = getpid() };
	unsigned count;

	descendants_init(); /* no-op once PID 1 called it */
	check_procfs();
	warn_blind();
	if (state.proc < 0)
		return signal_group(sig);
	collect(&w);
	if (w.truncated && !state.warned) {
		state.warned = true;
		warn("out of memory: some leftover processes may miss the signal");
	}
	count = signal_collected(&w, sig);
	free(w.v);
	free(w.buf);
	return count;
}

size_t descendants_list(pid_t **out)
{
	struct walk w = { .self = getpid() };
	size_t n = 0;

	*out = NULL;
	descendants_init();
	check_procfs();
	if (state.proc < 0)
		return 0;
	collect(&w);
	if (w.n && (*out = malloc(w.n * sizeof(**out))) != NULL)
		for (size_t i = 0; i < w.n; i++)
			if (!w.v[i].caller)
				(*out)[n++] = w.v[i].p.pid;
	free(w.v);
	free(w.buf);
	return n;
}

int descendants_fd(void)
{
	return state.proc;
}

bool descendants_settled(void)
{
	/* Signal 0 checks that a process exists: are any of the command's
	 * left? The caller's are not ours to wait for. */
	return descendants_signal(0) == 0;
}

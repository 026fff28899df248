/* The relay writes the child's /proc/PID/uid_map and gid_map from outside,
 * as unshare(1) does: the kernel lets a process in the parent namespace
 * write them, and takes an unprivileged map only from there. Each map is
 * taken once, whole, in one write(2) of less than a page; a refused write
 * leaves the map unwritten, which is what makes the fallback below possible.
 *
 * Why the whole range for root: with only 0 -> 0, every file not owned by
 * root would show up as owned by nobody inside, and root there could not
 * chown to any other user; mapping every id to itself keeps ownership as it
 * is outside. The capabilities root gets still only count in the new user
 * namespace (no module loading, no host sysctls, no mounting of devices).
 *
 * Why the caller's own ids by default (bubblewrap's choice, not unshare's):
 * a wrapper must be invisible, and services check who they run as
 * (postgres refuses root, nginx chowns to its own user). PID 1 needs no
 * uid 0 for its work: the clone gave it every capability in the namespace
 * it created, whatever its uid maps to, and it never calls execve. The
 * command's execve as a non-root uid then drops them, as it would without
 * nsinit. */
#include "spawn/userns.h"

#include "lib/errtext.h"
#include "lib/num.h"
#include "lib/msg.h"
#include "lib/readfile.h"
#include "spawn/namespace.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kernel refuses a map of a page or more. */
enum { MAP_MAX = 4096 };

/* Write text to /proc/PID/NAME in one write(2). Returns 0, or -1 with errno. */
static int write_proc(pid_t pid, const char *name, const char *text)
{
	char path[48];
	size_t len = strlen(text);
	ssize_t n;
	int fd, err;

	fmt(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = sys_open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = sys_write(fd, text, len);
	err = n < 0 ? errno : EIO;
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	errno = err;
	return -1;
}

/* Say why /proc/PID/NAME could not be written; returns -1. */
static int explain(pid_t pid, const char *name, int err)
{
	char policy[256];
	const char *fix = "run nsinit as root, or pass --no-namespace";

	/* Ubuntu's AppArmor restriction may let the namespace be made and
	 * refuse its maps. */
	if (err == EPERM && namespace_userns_policy(policy, sizeof(policy)))
		fix = policy;
	else if (err == ENOENT || err == EROFS)
		fix = "mount /proc read-write for nsinit's PID namespace, or pass --no-namespace";
	warn("cannot set up the user namespace: cannot write /proc/%d/%s: %s; %s", (int)pid,
	     name, errtext(err), fix);
	return -1;
}

/* Every id of our own user namespace mapped to itself: /proc/self/uid_map
 * (or gid_map) with the outer column replaced by the inner one, so
 * "0 0 4294967295" in the initial namespace and only the ids it has in a
 * nested one. Whole lines only. Returns the length, 0 if it cannot be read. */
static size_t identity_map(const char *kind, char *out, size_t cap)
{
	static char in[MAP_MAX]; /* static: a small stack must not cost the relay */
	char path[32];
	size_t len = 0;

	fmt(path, sizeof(path), "/proc/self/%s_map", kind);
	if (read_small(path, in, sizeof(in)) <= 0)
		return 0;
	/* Each line out is no longer than the line in (the kernel pads the
	 * columns), so the map fits in what the kernel takes. */
	for (const char *s = in; *s;) {
		char *end;
		unsigned long first = num_ulong(s, &end), count;

		(void)num_ulong(end, &end); /* the id outside: replaced */
		count = num_ulong(end, &end);
		if (*end != '\n')
			break;
		len += fmt(out + len, cap - len, "%lu %lu %lu\n", first, first, count);
		s = end + 1;
	}
	return len;
}

/* Map one kind of id ("uid" or "gid"): every id to itself when try_all and
 * the kernel allows it, else `outside` alone to `inside`. Returns 0, or -1
 * after printing why neither could be. */
static int map_ids(pid_t pid, const char *kind, unsigned outside, unsigned inside,
		   bool try_all)
{
	bool gid = kind[0] == 'g';
	static char text[MAP_MAX]; /* static, as in above */
	char name[16];

	fmt(name, sizeof(name), "%s_map", kind);
	/* Without CAP_SETUID (CAP_SETGID) over those ids the kernel answers
	 * EPERM and the map stays unwritten: then map the one id any user may. */
	if (try_all && identity_map(kind, text, sizeof(text)) > 0) {
		if (write_proc(pid, name, text) == 0) {
			note("user namespace: every %s maps to itself", kind);
			return 0;
		}
		if (errno != EPERM)
			return explain(pid, name, errno);
	}
	/* An unprivileged gid map is taken only once setgroups is denied: else
	 * the process could drop a group whose members a file denies access. */
	if (gid && write_proc(pid, "setgroups", "deny") < 0)
		return explain(pid, "setgroups", errno);
	fmt(text, sizeof(text), "%u %u 1\n", inside, outside);
	if (write_proc(pid, name, text) < 0)
		return explain(pid, name, errno);
	note("user namespace: %s %u outside is %u inside%s", kind, outside, inside,
	     gid ? "; setgroups is denied" : "");
	return 0;
}

int userns_write_maps(pid_t pid, bool map_current_user)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	bool try_all = map_current_user || uid == 0;

	if (map_ids(pid, "uid", uid, map_current_user ? uid : 0, try_all) < 0)
		return -1;
	return map_ids(pid, "gid", gid, map_current_user ? gid : 0, try_all);
}

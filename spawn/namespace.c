/* clone3 with the namespace flags, its fallback, and, when the kernel says
 * no, one line naming the setting or the limit that refused and what to
 * change. */
#include "spawn/namespace.h"

#include "spawn/caps.h"
#include "lib/errtext.h"
#include "lib/fmt.h"
#include "lib/msg.h"
#include "lib/readfile.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/* Arrays, not pointers: the table needs no relocations. */
struct kind {
	unsigned long flag;
	char name[8]; /* in messages: "a PID namespace" */
	char file[8]; /* in /proc/self/ns/ and /proc/sys/user/max_*_namespaces;
		       * "--FILE" is the option that asks for it, but for PID and mount */
};

/* In the order the kernel makes them: the user namespace first, since it
 * owns the others. */
static const struct kind kinds[] = {
	{ CLONE_NEWUSER, "user", "user" },
	{ CLONE_NEWPID, "PID", "pid" },
	{ CLONE_NEWNS, "mount", "mnt" },
	{ CLONE_NEWUTS, "UTS", "uts" },
	{ CLONE_NEWIPC, "IPC", "ipc" },
	{ CLONE_NEWNET, "network", "net" },
	{ CLONE_NEWCGROUP, "cgroup", "cgroup" },
	{ CLONE_NEWTIME, "time", "time" },
};

/* The namespaces nsinit always makes, which no option asks for. */
#define ALWAYS (CLONE_NEWPID | CLONE_NEWNS)

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

unsigned long namespace_flags(unsigned long extra, bool user)
{
	unsigned long flags = ALWAYS | extra;

	if (user || !caps_may_create_namespaces())
		flags |= CLONE_NEWUSER;
	return flags;
}

const char *namespace_option(unsigned long flags)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (flags & kinds[i].flag & ~ALWAYS)
			return kinds[i].file;
	return NULL;
}

/* Read a small setting such as /proc/sys/user/max_pid_namespaces into buf,
 * without the newline; "unreadable" if it cannot be read. */
static const char *read_setting(const char *path, char *buf, size_t len)
{
	if (read_small(path, buf, len) <= 0)
		return "unreadable";
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* The switches distributions put in front of unprivileged user namespaces,
 * the value that closes each and the one that opens it. */
static const char *const policies[][3] = {
	{ "/proc/sys/kernel/unprivileged_userns_clone", "0", "1" },             /* Debian */
	{ "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1", "0" }, /* Ubuntu */
};

const char *namespace_userns_policy(char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		const char *const *p = policies[i];
		char value[32];

		if (strcmp(read_setting(p[0], value, sizeof(value)), p[1]) != 0)
			continue;
		fmt(buf, len, "%s is %s, closing user namespaces to unprivileged users; set it to "
			      "%s (as root), run nsinit as root, or pass -s (--no-namespace) "
		    "to act as init without one",
		    p[0], p[1], p[2]);
		return buf;
	}
	return NULL;
}

/* EPERM or EACCES. An unprivileged user needs the user namespace, and that
 * is what a sysctl, AppArmor, seccomp or a chroot refuses; the namespaces it
 * owns follow from it. */
static void refused(int err, unsigned long flags, char *buf, size_t len)
{
	bool user = flags & CLONE_NEWUSER;
	char policy[256];
	const char *why;

	if (caps_may_create_namespaces()) {
		fmt(buf, len, "cannot create %s: %s, although nsinit holds CAP_SYS_ADMIN: seccomp, "
			      "a security module or a chroot forbids it; allow it, or %s",
		    user ? "a user namespace" : "the namespaces", errtext(err),
		    user ? "drop --user" : "pass --no-namespace");
		return;
	}
	why = namespace_userns_policy(policy, sizeof(policy));
	fmt(buf, len, "cannot create a user namespace: %s: %s", errtext(err),
	    why ? why
		: "without CAP_SYS_ADMIN nsinit needs one, but seccomp, a security module or a "
		  "chroot forbids it; run it as root, or pass -s (--no-namespace) "
		  "to act as init without one");
}

/* ENOSPC or EUSERS: a /proc/sys/user/max_*_namespaces limit of this user
 * namespace (or of one enclosing it) was reached, or the nesting limit. A
 * limit of 0 is the usual culprit (a switch, not a count), so it is named
 * alone; otherwise every limit that applies is listed, with the nesting
 * limit first: 33 nsinits deep, that is the cause, and from inside no
 * level can count the levels above its own /proc.
 *
 * The cause holds no ';': the fallback to a subreaper (init/roles.c) keeps
 * a line up to its first ';' and drops the fix after it. */
static void limit_reached(int err, unsigned long flags, char *buf, size_t len)
{
	char path[64], value[32], list[400];
	size_t n = 0;

	list[0] = '\0';
	for (size_t i = 0; i < NKINDS; i++) {
		const struct kind *k = &kinds[i];

		if (!(flags & k->flag))
			continue;
		fmt(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", k->file);
		read_setting(path, value, sizeof(value));
		if (strcmp(value, "0") == 0) {
			fmt(buf, len, "cannot create a %s namespace: %s: a namespace limit was "
				      "reached: %s is 0; raise the limit, e.g. sysctl -w "
				      "user.max_%s_namespaces=N",
			    k->name, errtext(err), path, k->file);
			return;
		}
		n += fmt(list + n, sizeof(list) - n, " %s=%s", path + 15, value);
	}
	fmt(buf, len, "cannot create the namespaces: %s: a namespace limit was reached: the "
		      "nesting limit of 32 PID or user namespaces, or one in /proc/sys/user/ "
		      "(here%s, or those of an enclosing user namespace); nest fewer levels, or "
		      "raise the limit",
	    errtext(err), list);
}

/* EINVAL: a kernel built without one of the namespaces has no
 * /proc/self/ns/ entry for it. */
static void unsupported(int err, unsigned long flags, char *buf, size_t len)
{
	char path[32];
	/* Without /proc here every entry would look missing. */
	bool can_tell = access("/proc/self/ns", F_OK) == 0;

	for (size_t i = 0; i < NKINDS && can_tell; i++) {
		const struct kind *k = &kinds[i];
		/* No option to drop: PID and mount, and the user namespace that
		 * nsinit adds for want of CAP_SYS_ADMIN. */
		bool fixed = (k->flag & ALWAYS) ||
			     (k->flag == CLONE_NEWUSER && !caps_may_create_namespaces());

		fmt(path, sizeof(path), "/proc/self/ns/%s", k->file);
		if ((flags & k->flag) && access(path, F_OK) < 0 && errno == ENOENT) {
			fmt(buf, len, "cannot create a %s namespace: %s: the kernel has none (no "
				      "%s); %s%s",
			    k->name, errtext(err), path, fixed ? "pass --no-" : "drop --",
			    fixed ? "namespace" : k->file);
			return;
		}
	}
	fmt(buf, len, "cannot create the namespaces: %s", errtext(err));
}

bool namespace_explain(int err, unsigned long flags, char *buf, size_t len)
{
	switch (err) {
	case EPERM:
	case EACCES:
		refused(err, flags, buf, len);
		return true;
	case ENOSPC:
	case EUSERS:
		limit_reached(err, flags, buf, len);
		return true;
	case EINVAL:
		unsupported(err, flags, buf, len);
		return true;
	default:
		fmt(buf, len, "cannot create the namespaces: %s%s", errtext(err), msg_fork_hint(err));
		return false;
	}
}

/* valgrind answers clone3 with ENOSYS, and after a fork-like clone(2) that
 * fails it leaves every signal blocked, SIGSEGV included (3.19 does). Its
 * client stack grows on SIGSEGV, so the first new page of stack the
 * diagnosis touches would kill nsinit without a word. Touching those pages
 * before the clone grows the stack while that still works. */
static void reserve_stack_for_diagnosis(void)
{
	volatile char pages[16384];

	for (size_t i = 0; i < sizeof(pages); i += 1024)
		pages[i] = 0;
}

pid_t namespace_clone(unsigned long flags)
{
	pid_t pid = sys_clone3(flags, SIGCHLD);

	/* Seccomp profiles (Docker's default among them) and valgrind answer
	 * clone3 with ENOSYS; clone(2) does the same job, except for a time
	 * namespace: CLONE_NEWTIME overlaps clone(2)'s exit-signal bits. */
	if (pid < 0 && errno == ENOSYS) {
		if (flags & CLONE_NEWTIME)
			die("cannot create a time namespace: that takes clone3, which seccomp or "
			    "valgrind refuses here; allow clone3, or drop --time");
		note("clone3 is refused here (ENOSYS); using clone");
		reserve_stack_for_diagnosis();
		pid = sys_clone(flags, SIGCHLD);
	}
	return pid;
}

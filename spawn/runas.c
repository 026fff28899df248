/* --run-as, gosu's job done by nsinit itself: minimal and scratch images
 * have neither gosu nor setpriv, and a container entrypoint wants its
 * service as www-data or postgres, never as root.
 *
 * The names are looked up by PID 1, in the command's own root, before the
 * command's child exists; the child only makes four system calls with
 * what PID 1 found (switch_ids in spawn/child.c). Everything happens before execve, so the command never
 * runs privileged, and PID 1 keeps CAP_KILL to signal it (caps.c). */
#include "spawn/runas.h"

#include "lib/errtext.h"
#include "lib/sys.h"
#include "lib/fmt.h"
#include "lib/msg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* /etc/passwd or /etc/group, whole, however large (a directory of
 * thousands of users is common: a line cut at a buffer's end once read
 * "svc:x:3001:3001" as uid 300, group 0); NULL if it is missing or cannot
 * be read, which passwd_resolve then says. The caller frees it: what the
 * files said is copied into the ids. */
static char *read_etc(const char *path)
{
	int fd = sys_open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	/* A regular file only, of a sane size: a fifo or a device there would
	 * block or never end. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20) ||
	    !(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = sys_read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return buf;
}

/* HOME=home in our environment, which the command's child passes on:
 * every HOME entry replaced in place, or one appended to a copy of environ
 * (PID 1's own). Not setenv, which would add a kilobyte to the static
 * binary for one variable. Returns 0, or -1 with errno. */
static int set_home(const char *home)
{
	static char entry[5 + sizeof(((struct passwd_ids *)0)->home)];
	bool found = false;
	size_t n = 0;
	char **env;

	fmt(entry, sizeof(entry), "HOME=%s", home);
	for (; environ[n]; n++)
		if (strncmp(environ[n], "HOME=", 5) == 0) {
			environ[n] = entry;
			found = true;
		}
	if (found)
		return 0;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return -1;
	memcpy(env, environ, n * sizeof(*env));
	env[n] = entry;
	environ = env;
	return 0;
}

/* The caller chose no HOME of its own: none, an empty one, or root's
 * (spelt with or without trailing slashes: "/root/" is "/root"). */
static bool home_is_unchosen(const char *home, const char *root_home)
{
	size_t a, b;

	if (!home || !home[0])
		return true;
	for (a = strlen(home); a > 1 && home[a - 1] == '/'; a--)
		;
	for (b = strlen(root_home); b > 1 && root_home[b - 1] == '/'; b--)
		;
	return a == b && strncmp(home, root_home, a) == 0;
}

int runas_prepare(const char *spec, const char *name, struct runas *out)
{
	const char *home = getenv("HOME");
	char *passwd = read_etc("/etc/passwd"), *group = read_etc("/etc/group"), err[512];
	int r = passwd_resolve(spec, passwd, group, getgid(), &out->ids, err, sizeof(err));

	out->spec = spec;
	free(passwd);
	free(group);
	if (r < 0) {
		warn("cannot run '%s' as '%s': %s", name, spec, err);
		return -1;
	}
	/* gosu's rule, su-exec's too: HOME follows the user unless the caller
	 * chose one of its own (anything but root's). */
	if (home_is_unchosen(home, out->ids.root_home) && set_home(out->ids.home) < 0) {
		warn_errno("cannot set HOME for '%s' as '%s'", name, spec);
		return -1;
	}
	return 0;
}

void runas_warn(const struct runas *r, const char *name, int step, int err)
{
	const char *what = step == RUNAS_GROUPS ? "setgroups"
			   : step == RUNAS_GID	? "setresgid"
			   : step == RUNAS_UID	? "setresuid"
						: "PR_SET_KEEPCAPS";
	const char *why = "";

	/* EPERM: no CAP_SETUID/CAP_SETGID, or (setgroups) a user namespace
	 * that denies it; EINVAL: an id the user namespace does not map. A
	 * rootless nsinit maps only the caller's ids, and denies setgroups. */
	if (err == EPERM || err == EINVAL)
		why = "; switching users takes root (a rootless nsinit has only the caller's ids)";
	warn("cannot run '%s' as '%s' (uid %u, gid %u): %s: %s%s", name, r->spec,
	     (unsigned)r->ids.uid, (unsigned)r->ids.gid, what, errtext(err), why);
}

/* Walking a user's path one component at a time, so that each symbolic link
 * met on the way can be judged by where it lies and who made it.
 *
 * The walk resolves links itself, as systemd's chase() does: it reads the
 * target of the very link it judged (through an O_PATH fd of the link, so
 * that nothing can be swapped in between) and walks that too, link by
 * link. The kernel is never asked to follow a link, so a link reached
 * through an allowed one is judged like the first. */
#include "lib/stranger.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* As the kernel's limit on links in one lookup (ELOOP past it). */
#define MAX_LINKS 40

static bool trusted_uid(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* May we follow the link `st` found in the directory `dir`? Only if no one
 * but root and us can have put it there or can replace it: the directory
 * is root's or ours, and either nobody else may write to it, or it is
 * sticky (/tmp) and the link is root's or ours, which the sticky bit keeps
 * others from removing or renaming over. The owner of a directory can
 * always chmod it, hence the first test; a POSIX ACL that lets another user
 * write shows in the group bits (its mask). This is stricter than
 * fs.protected_symlinks, which trusts any directory that is not both sticky
 * and world-writable, and so lets /home/u/run/link lead root anywhere. */
static bool link_allowed(const struct stat *dir, const struct stat *link)
{
	if (!trusted_uid(dir->st_uid))
		return false;
	if (!(dir->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return (dir->st_mode & S_ISVTX) && trusted_uid(link->st_uid);
}

/* The link `fd` (an O_PATH fd of the link itself) was met in `dirfd` with
 * `rest` of the path still to walk (empty, or starting with '/'): put its
 * target in front of rest, in buf. Returns the new start, or NULL with
 * errno set. */
static char *splice_link(int dirfd, int fd, const char *rest, char *buf, size_t size)
{
	char target[PATH_MAX];
	struct stat dir, st;
	ssize_t n;
	size_t rest_len = strlen(rest);

	if (fstat(fd, &st) < 0 || fstat(dirfd, &dir) < 0)
		return NULL;
	if (!link_allowed(&dir, &st)) {
		errno = 0; /* refused: see stranger_open_parent */
		return NULL;
	}
	n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0)
		return NULL;
	if ((size_t)n >= sizeof(target) || (size_t)n + rest_len >= size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	/* rest may lie in buf: move it first, then put the target before it. */
	memmove(buf + n, rest, rest_len + 1);
	memcpy(buf, target, (size_t)n);
	return buf;
}

/* Walk the path in buf (directories only) from fd, which is consumed.
 * Returns an O_PATH fd of the directory reached, -1 with errno set, or -1
 * with errno 0 for a link that may not be followed. */
static int walk(int fd, char *buf, size_t size)
{
	char *s = buf;
	int links = 0;

	for (;;) {
		struct stat st;
		char *end, saved;
		int next, err;

		/* A step failed (errno says why; 0: a link refused). */
		if (fd < 0)
			return -1;
		if (s == buf && *s == '/') { /* an absolute path or link target */
			close(fd);
			fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
		s += strspn(s, "/");
		if (fd < 0 || !*s)
			return fd;
		/* buf is ours: end the component in place ("." and ".." need no
		 * care: neither is ever a link). */
		end = s + strcspn(s, "/");
		saved = *end;
		*end = '\0';
		next = openat(fd, s, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		*end = saved;
		s = end;
		if (next >= 0 && fstat(next, &st) < 0)
			st.st_mode = 0; /* cannot fail on an open fd: read as not a directory */
		if (next >= 0 && S_ISLNK(st.st_mode)) {
			s = ++links > MAX_LINKS ? (errno = ELOOP, NULL)
						: splice_link(fd, next, s, buf, size);
			err = errno;
			close(next);
			errno = err;
			if (s)
				continue;
			next = -1;
		} else if (next >= 0 && !S_ISDIR(st.st_mode)) {
			close(next);
			next = -1;
			errno = ENOTDIR;
		}
		err = errno;
		close(fd);
		errno = err;
		fd = next;
	}
}

int stranger_open_parent(const char *path, const char **name)
{
	const char *last = strrchr(path, '/');
	char buf[PATH_MAX];
	size_t dir_len = last ? (size_t)(last - path) + (last == path) : 0;
	int fd;

	*name = last ? last + 1 : path;
	if (dir_len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, dir_len);
	buf[dir_len] = '\0';
	fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	fd = walk(fd, buf, sizeof(buf));
	if (fd < 0 && errno == 0)
		return STRANGER_REFUSED;
	return fd;
}

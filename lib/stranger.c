/* Walking a user's path one component at a time, so that each symbolic link
 * met on the way can be judged by where it lies and who made it. */
#include "lib/stranger.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* May we follow the link `st` found in the directory `dir`? */
static int link_allowed(const struct stat *dir, const struct stat *st)
{
	bool sticky_public = (dir->st_mode & S_ISVTX) && (dir->st_mode & S_IWOTH);

	return !sticky_public || st->st_uid == dir->st_uid || st->st_uid == geteuid();
}

/* Step from dirfd into the component comp (of len bytes). Returns the new
 * O_PATH fd, or -1 with errno set. */
static int step(int dirfd, const char *comp, size_t len)
{
	char name[NAME_MAX + 1];
	struct stat dir, st;

	if (len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, comp, len);
	name[len] = '\0';
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISLNK(st.st_mode) &&
	    (fstatat(dirfd, "", &dir, AT_EMPTY_PATH) < 0 || !link_allowed(&dir, &st))) {
		errno = EACCES;
		return -1;
	}
	/* The kernel follows an allowed link, and everything within it. */
	return openat(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int stranger_open_parent(const char *path, const char **name)
{
	const char *last = strrchr(path, '/'), *s = path;
	int fd = openat(AT_FDCWD, path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	*name = last ? last + 1 : path;
	while (fd >= 0 && last && s < last) {
		size_t len = strcspn(s, "/");
		int next;

		if (len == 0 || (len == 1 && s[0] == '.')) {
			s += len + 1;
			continue;
		}
		next = step(fd, s, len);
		close(fd);
		fd = next;
		s += len + 1;
	}
	return fd;
}

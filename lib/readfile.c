/* The one way nsinit reads a small file. */
#include "lib/readfile.h"

#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

ssize_t read_small(const char *path, char *buf, size_t len)
{
	return read_small_at(AT_FDCWD, path, buf, len);
}

ssize_t read_small_at(int dirfd, const char *path, char *buf, size_t len)
{
	size_t have = 0;
	ssize_t n = 1;
	int fd, err;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	fd = sys_openat(dirfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	while (have < len - 1 && (n = sys_read(fd, buf + have, len - 1 - have)) > 0)
		have += (size_t)n;
	err = errno;
	close(fd);
	buf[have] = '\0';
	if (n < 0 && have == 0) {
		errno = err;
		return -1;
	}
	return (ssize_t)have;
}

char *text_find(const char *text, const char *needle)
{
	size_t n = strlen(needle);

	for (char *p = strchr(text, *needle); p; p = strchr(p + 1, *needle))
		if (strncmp(p, needle, n) == 0)
			return p;
	return NULL;
}

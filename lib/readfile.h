/* Reading a small file whole: /proc entries, settings. */
#ifndef NSINIT_READFILE_H
#define NSINIT_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Read path into buf, at most len - 1 bytes, and NUL-terminate it. A /proc
 * file may come in several reads, so it reads until EOF or a full buffer.
 * Returns the length read, or -1 with errno set (buf is then ""). */
ssize_t read_small(const char *path, char *buf, size_t len);
/* The same, path relative to the directory dirfd (a procfs, say). */
ssize_t read_small_at(int dirfd, const char *path, char *buf, size_t len);

/* strstr, for the short needles nsinit looks for in the small /proc files
 * it reads ("\nPid:"): a scan, where musl's two-way strstr, made for long
 * needles, costs 1.3 KB of the 96 KiB static binary. */
char *text_find(const char *text, const char *needle);

#endif

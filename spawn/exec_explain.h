/* Why the command's execve failed, in words: PID 1 reads the file. */
#ifndef NSINIT_EXEC_EXPLAIN_H
#define NSINIT_EXEC_EXPLAIN_H

#include "lib/execwhy.h"

#include <stddef.h>

/* execve(path) failed with err: read what can be read of path (its mode, its
 * mount's flags, its first bytes, whether the interpreter they name is
 * there) and put the cause into why, as words after "cannot run 'NAME': ".
 * Returns the length, or 0 if there is nothing to add to strerror(err).
 * path is absolute, as the command's child saw it (in the same root). who:
 * who ran execve, for the permission bits on the way, or NULL (root). */
size_t exec_explain(const char *path, int err, const struct execwhy_who *who, char *why,
		    size_t len);

#endif

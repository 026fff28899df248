/* Opening what the user names as a stranger would (STYLE 20): nsinit often
 * runs as root and is handed paths in directories others may write to. */
#ifndef NSINIT_STRANGER_H
#define NSINIT_STRANGER_H

/* Open the directory that holds path's last component (O_PATH, close-on-
 * exec), and point *name at that component inside path. A symbolic link on
 * the way is followed only where the kernel's fs.protected_symlinks would
 * follow it whatever the sysctl says: not when it sits in a sticky,
 * world-writable directory (/tmp) and belongs to neither that directory's
 * owner nor us. Returns the fd, or -1 with errno set (EACCES for such a
 * link). */
int stranger_open_parent(const char *path, const char **name);

#endif

/* Opening what the user names as a stranger would (STYLE 20): nsinit often
 * runs as root and is handed paths in directories others may write to. */
#ifndef NSINIT_STRANGER_H
#define NSINIT_STRANGER_H

/* What stranger_open_parent returns for a link it will not follow. */
#define STRANGER_REFUSED (-2)

/* The problem and the fix, for the line that reports STRANGER_REFUSED
 * ("cannot use 'PATH' for --OPTION: " STRANGER_REFUSED_WHY). */
#define STRANGER_REFUSED_WHY                                                                \
	"a symbolic link on the way lies in a directory that a user other than root or you " \
	"can change; name the real directory"

/* Open the directory that holds path's last component (O_PATH, close-on-
 * exec), and point *name at that component inside path. Every symbolic link
 * on the way (and in the targets of links) is followed only if no one but
 * root and the caller can have put it there: the directory holding it is
 * root's or the caller's, and either writable by no one else, or sticky
 * (/tmp) with the link root's or the caller's. Returns the fd,
 * STRANGER_REFUSED for a link it will not follow, or -1 with errno set. */
int stranger_open_parent(const char *path, const char **name);

#endif

/* --run-as=USER[:GROUP] resolved against the texts of /etc/passwd and
 * /etc/group, as gosu and su-exec do. Pure: the caller reads the files. */
#ifndef NSINIT_PASSWD_H
#define NSINIT_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { PASSWD_MAX_GROUPS = 64 };

struct passwd_ids {
	uid_t uid;
	gid_t gid;
	size_t ngroups;                       /* supplementary groups, gid first */
	gid_t groups[PASSWD_MAX_GROUPS];
	char home[256];                       /* the user's home, or "/" */
	char root_home[256];                  /* uid 0's home, or "/root" */
};

/* Resolve spec ("USER", "USER:GROUP"; either a name or a number) against
 * passwd and group (the files' texts, NULL when a file is missing).
 *  - USER: a name must be in passwd; a number need not be (then the group
 *    is caller_gid, as under gosu and docker run --user, and home "/").
 *  - GROUP: a name must be in group; a number need not be. Without it, the
 *    primary group is passwd's.
 *  - Supplementary groups: GROUP alone when given; else the primary group
 *    and every group of `group` that lists the user by name.
 * Returns 0, or -1 with one line (after "cannot run as 'SPEC': ") in err. */
int passwd_resolve(const char *spec, const char *passwd, const char *group, gid_t caller_gid,
		   struct passwd_ids *ids, char *err, size_t err_len);

#endif

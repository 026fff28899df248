/* Whose is a process nsinit -s finds in its subtree, and in which order the
 * command's get the kill-child signal: pure decisions, no I/O. */
#ifndef NSINIT_LINEAGE_H
#define NSINIT_LINEAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum lineage_owner {
	LINEAGE_COMMAND, /* descends from the command: its leftovers are ours to end */
	LINEAGE_CALLER,  /* descends from a child nsinit inherited: never signalled */
};

/* A process as /proc/PID/stat shows it; (pid, start) names it across pid
 * reuse. */
struct lineage_proc {
	pid_t pid, pgid, sid;
	long start;
};

/* A process whose owner was once seen for sure. */
struct lineage_known {
	pid_t pid;
	long start;
	enum lineage_owner owner;
};

/* What is known of the two families. */
struct lineage {
	pid_t command;     /* the command's pid: it leads its own process group,
			    * and its own session under --new-session; 0 before */
	struct lineage_known *known;
	size_t n_known, cap_known;
	pid_t *groups;     /* process groups the caller's processes are in */
	size_t n_groups, cap_groups;
	pid_t *sessions;   /* sessions the caller's processes are in, never ours */
	size_t n_sessions, cap_sessions;
	pid_t own_sid;     /* nsinit's session: the command's too, without --new-session */
};

/* Whose is `child`, a child of nsinit? Its children are the same owner's. */
enum lineage_owner lineage_owner(const struct lineage *l, const struct lineage_proc *child);

/* Remember that p is `owner`'s, and for the caller's, its process group and
 * session (unless they are nsinit's session). False when out of memory. */
bool lineage_note(struct lineage *l, const struct lineage_proc *p, enum lineage_owner owner);

/* The kill-child order for the command's processes v[0..n) (parents
 * before children, as a breadth-first walk finds them): returns whether
 * the command's process group gets the signal first, in one call, and
 * fills order[] with the indices to signal one by one afterwards, parents
 * first (*n_order of them): those outside that group. */
bool lineage_order(const struct lineage *l, const struct lineage_proc *v, size_t n, size_t *order,
		   size_t *n_order);

#endif

/* Whose is a process nsinit -s finds, and the kill-child order.
 *
 * Only the command's descendants are the command's. nsinit may have
 * inherited children across exec (a shell's jobs); when one of those, or a
 * process below it, dies, the kernel gives its children to nsinit, the
 * subreaper, and the parent chain that said whose they were is gone. So
 * each child of nsinit is judged by what outlives that chain, strongest
 * first:
 * 1. its (pid, start time), if it was seen before and its owner known:
 *    the caller's processes are recorded at start and at every walk;
 * 2. the command's process group or session (the command's pid: it leads
 *    one of its own, and that number was free when it was forked, so no
 *    older process can be in it), which its descendants inherit;
 * 3. a process group or session a process of the caller's was seen in
 *    (nsinit's own group included: a shell's jobs without job control
 *    share it), which the caller's descendants inherit;
 * 4. else the command's: a process made after nsinit last looked, that
 *    left every group it came with, and was orphaned since. The command's
 *    daemons (fork, setsid, exit) look like this, and ending them is what
 *    -s promises; a caller's process must have done all three between two
 *    looks to be taken for one. */
#include "init/lineage.h"

#include <stdlib.h>

static bool has(const pid_t *v, size_t n, pid_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

enum lineage_owner lineage_owner(const struct lineage *l, const struct lineage_proc *child)
{
	for (size_t i = 0; i < l->n_known; i++)
		if (l->known[i].pid == child->pid && l->known[i].start == child->start)
			return l->known[i].owner;
	if (l->command > 0 && (child->pgid == l->command || child->sid == l->command))
		return LINEAGE_COMMAND;
	if (has(l->groups, l->n_groups, child->pgid) || has(l->sessions, l->n_sessions, child->sid))
		return LINEAGE_CALLER;
	return LINEAGE_COMMAND;
}

/* Add id to a set that grows by doubling; false when out of memory. */
static bool add(pid_t **v, size_t *n, size_t *cap, pid_t id)
{
	if (id <= 0 || has(*v, *n, id))
		return true;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		pid_t *nv = realloc(*v, c * sizeof(**v));

		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = id;
	return true;
}

bool lineage_note(struct lineage *l, const struct lineage_proc *p, enum lineage_owner owner)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < l->n_known; i++)
		if (l->known[i].pid == p->pid && l->known[i].start == p->start)
			break;
	if (i == l->n_known) {
		if (l->n_known == l->cap_known) {
			size_t c = l->cap_known ? l->cap_known * 2 : 16;
			struct lineage_known *nv = realloc(l->known, c * sizeof(*nv));

			if (!nv)
				return false;
			l->known = nv;
			l->cap_known = c;
		}
		l->known[l->n_known++] = (struct lineage_known){ p->pid, p->start, owner };
	}
	if (owner != LINEAGE_CALLER)
		return true;
	/* The command's group and session are its own (rule 2 comes first);
	 * nsinit's session is the command's too unless --new-session, so it
	 * never marks the caller's. */
	ok = add(&l->groups, &l->n_groups, &l->cap_groups, p->pgid);
	if (p->sid != l->own_sid)
		ok = add(&l->sessions, &l->n_sessions, &l->cap_sessions, p->sid) && ok;
	return ok;
}

bool lineage_order(const struct lineage *l, const struct lineage_proc *v, size_t n, size_t *order,
		   size_t *n_order)
{
	bool group = false;

	/* The group gets one kill(-group): every member has the signal queued
	 * before any of them can be seen to die (the kernel holds its task
	 * list while it sends), so no parent in it outlives its child's news
	 * unsignalled. Only a group still holding a process of the command's
	 * is signalled: an empty group's number could be reused. */
	for (size_t i = 0; i < n && l->command > 0; i++)
		if (v[i].pgid == l->command)
			group = true;
	*n_order = 0;
	for (size_t i = 0; i < n; i++)
		if (!group || v[i].pgid != l->command)
			order[(*n_order)++] = i;
	return group;
}

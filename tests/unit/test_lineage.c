/* lineage: whose is each child of nsinit -s, and the kill-child order. */
#include "init/lineage.h"

#include <criterion/criterion.h>
#include <stdlib.h>

#define SELF 100    /* nsinit; its group is the caller's shell's */
#define SHELLGRP 90 /* nsinit's process group, from the caller's shell */
#define SID 80      /* nsinit's session */
#define CMD 200     /* the command: its own group */

/* nsinit's start: its own group, one inherited job leading group 150 (job
 * control) whose child was seen; then the command started. */
static void start(struct lineage *l)
{
	*l = (struct lineage){ .own_sid = SID };
	cr_assert(lineage_note(l, &(struct lineage_proc){ SELF, SHELLGRP, SID, -1 }, LINEAGE_CALLER));
	cr_assert(lineage_note(l, &(struct lineage_proc){ 150, 150, SID, 5 }, LINEAGE_CALLER));
	cr_assert(lineage_note(l, &(struct lineage_proc){ 151, 150, 151, 6 }, LINEAGE_CALLER));
	l->command = CMD;
	cr_assert(lineage_note(l, &(struct lineage_proc){ CMD, SHELLGRP, SID, 9 }, LINEAGE_COMMAND));
}

static void done(struct lineage *l)
{
	free(l->known);
	free(l->groups);
	free(l->sessions);
}

Test(lineage, whose_is_each_child)
{
	static const struct {
		const char *what;
		struct lineage_proc p;
		enum lineage_owner owner;
	} rows[] = {
		{ "an inherited job", { 150, 150, SID, 5 }, LINEAGE_CALLER },
		{ "the job's child seen at start, since in a session of its own", { 151, 151, 151, 6 }, LINEAGE_CALLER },
		{ "the job's pid reused by a later process", { 150, CMD, SID, 50 }, LINEAGE_COMMAND },
		{ "the command, before its setpgid", { CMD, SHELLGRP, SID, 9 }, LINEAGE_COMMAND },
		{ "an orphan in the command's group", { 300, CMD, SID, 20 }, LINEAGE_COMMAND },
		{ "an orphan in the command's session (--new-session)", { 301, 301, CMD, 20 }, LINEAGE_COMMAND },
		{ "an orphan of a job without job control", { 302, SHELLGRP, SID, 20 }, LINEAGE_CALLER },
		{ "an orphan in a job's group", { 303, 150, SID, 20 }, LINEAGE_CALLER },
		{ "an orphan in a session a job's child made", { 304, 304, 151, 20 }, LINEAGE_CALLER },
		{ "a daemon of unknown lineage", { 305, 305, 305, 20 }, LINEAGE_COMMAND },
		{ "a process in nsinit's session, its own group", { 306, 306, SID, 20 }, LINEAGE_COMMAND },
	};
	struct lineage l;

	start(&l);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_expect_eq(lineage_owner(&l, &rows[i].p), rows[i].owner, "%s", rows[i].what);
	done(&l);
}

/* nsinit's session never marks the caller's: the command shares it. */
Test(lineage, our_session_is_never_the_callers_mark)
{
	struct lineage l;

	start(&l);
	for (size_t i = 0; i < l.n_sessions; i++)
		cr_expect_neq(l.sessions[i], SID);
	done(&l);
}

Test(lineage, the_group_first_then_the_rest_parents_first)
{
	/* Breadth first: the command's group, a daemon that left it, and
	 * the daemon's child. */
	const struct lineage_proc v[] = {
		{ 300, CMD, SID, 1 }, { 301, 400, 400, 2 }, { 302, CMD, SID, 3 }, { 303, 400, 400, 4 },
	};
	struct lineage l = { .command = CMD };
	size_t order[4], n;

	cr_assert(lineage_order(&l, v, 4, order, &n));
	cr_assert_eq(n, 2);
	cr_expect_eq(order[0], 1);
	cr_expect_eq(order[1], 3);
}

Test(lineage, no_group_call_when_none_of_ours_is_in_it)
{
	/* The group is empty: its number could be someone else's by now. */
	const struct lineage_proc v[] = { { 301, 400, 400, 2 }, { 303, 400, 400, 4 } };
	struct lineage l = { .command = CMD };
	size_t order[2], n;

	cr_assert_not(lineage_order(&l, v, 2, order, &n));
	cr_assert_eq(n, 2);
	cr_expect_eq(order[0], 0);
	cr_expect_eq(order[1], 1);
	cr_assert_not(lineage_order(&l, v, 0, order, &n));
	cr_expect_eq(n, 0);
}

/* Capabilities through libcap: the one file that includes <sys/capability.h>.
 *
 * The start path reads and sets the three sets with one capget(2) and one
 * capset(2) each (libcap's thin wrappers): no cap_t to allocate, and no
 * walk over 64 capabilities unless --cap-drop or --cap-keep asks for one.
 * The command's child sets its own sets with the raw capset(2) and the
 * words caps_before_command() prepared (spawn/child.c): that call is no
 * libcap use, and the child's code stays in one file, where
 * packaging/child-symbols.sh checks everything it calls. */
#include "spawn/caps.h"

#include "lib/msg.h"

#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#define BIT(cap) (1ULL << (cap))

/* Our own three sets. Zeroed first: the kernel fills both words, but a
 * checker such as valgrind may know only of the first. */
static int read_own(struct caps_sets *s)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (capget(&h, d) < 0)
		return -1;
	s->effective = d[0].effective | (uint64_t)d[1].effective << 32;
	s->permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
	s->inheritable = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* capset(2)'s two words of each set. */
static void to_data(const struct caps_sets *s, struct __user_cap_data_struct d[2])
{
	d[0] = (struct __user_cap_data_struct){ (uint32_t)s->effective, (uint32_t)s->permitted,
						(uint32_t)s->inheritable };
	d[1] = (struct __user_cap_data_struct){ (uint32_t)(s->effective >> 32),
						(uint32_t)(s->permitted >> 32),
						(uint32_t)(s->inheritable >> 32) };
}

/* Set our own three sets. The kernel empties the ambient set of whatever
 * is no longer both permitted and inheritable. */
static int set_own(const struct caps_sets *s)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	to_data(s, d);
	return capset(&h, d);
}

static bool same_sets(const struct caps_sets *a, const struct caps_sets *b)
{
	return a->effective == b->effective && a->permitted == b->permitted &&
	       a->inheritable == b->inheritable;
}

bool caps_may_create_namespaces(void)
{
	struct caps_sets s;

	/* Fail closed: not knowing must not send a privileged nsinit down the
	 * user-namespace path, where PID 1 would keep every capability. */
	if (read_own(&s) < 0)
		die_errno("cannot read nsinit's capabilities");
	return s.effective & BIT(CAP_SYS_ADMIN);
}

/* The capabilities this kernel knows, as a mask. libcap may name newer ones,
 * which the kernel answers with EINVAL; "all" means all the kernel has. */
static uint64_t kernel_caps(void)
{
	cap_value_t n = cap_max_bits();

	return n >= 64 ? ~0ULL : BIT(n) - 1;
}

/* Drop every capability of `drop` that is still in the bounding set: one
 * already lowered (by a container runtime) needs no CAP_SETPCAP. Without
 * CAP_SETPCAP (EPERM) the bounding set stays if `optional`. */
static int lower_bounding(uint64_t drop, bool optional)
{
	for (int cap = 0; cap < 64; cap++) {
		if (!(drop & BIT(cap)) || prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return errno == EPERM && optional ? 0 : -1;
	}
	return 0;
}

static struct caps_failure failure(enum caps_step step)
{
	return (struct caps_failure){ step, errno };
}

/* The bounding set is what limits a root command at execve, which gives
 * uid 0 all of it; lowering it takes CAP_SETPCAP, so it comes before the
 * capset that may drop CAP_SETPCAP. Without CAP_SETPCAP, no_new_privs
 * stands in for it: a file's capabilities cannot grant anything back.
 *
 * PID 1 then keeps, in its permitted set, what it needs and what the
 * command keeps (the child is a copy of PID 1), and in its effective set
 * only what it needs: from here on the command's process can never see PID
 * 1 with more in effect. The inheritable set, and with it the ambient set
 * (what a non-root command keeps across execve), loses what is dropped.
 *
 * A non-root command (rootless by default, or --run-as) loses at execve
 * all it holds but its ambient set, so --cap-keep's capabilities go there:
 * what it keeps is then what it holds, as with systemd's User= and
 * AmbientCapabilities=. With --run-as, PID 1 keeps CAP_SETUID and
 * CAP_SETGID in effect until the fork, for the child to switch with. */
struct caps_failure caps_before_command(const struct caps_request *rq, bool removes_files,
					struct caps_plan *plan)
{
	uint64_t drop = (rq->drop | (rq->keep_given ? ~rq->keep : 0)) & kernel_caps();
	uint64_t needs = BIT(CAP_KILL) | (removes_files ? BIT(CAP_DAC_OVERRIDE) : 0);
	uint64_t setid = rq->switches_ids ? BIT(CAP_SETUID) | BIT(CAP_SETGID) : 0;
	struct caps_sets now, pid1;
	struct __user_cap_data_struct d[2];
	int nnp = rq->no_new_privs;

	memset(plan, 0, sizeof(*plan));
	if (read_own(&now) < 0)
		return failure(CAPS_READ);
	if (drop && lower_bounding(drop, nnp || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1) < 0)
		return failure(CAPS_BOUNDING);
	if (rq->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return failure(CAPS_NO_NEW_PRIVS);
	plan->child = (struct caps_sets){ now.effective & ~drop, now.permitted & ~drop,
					  now.inheritable & ~drop };
	if (rq->keep_given && rq->nonroot) {
		plan->ambient = rq->keep & plan->child.permitted;
		plan->child.inheritable |= plan->ambient;
	}
	/* Switched to another user, the command's execve is checked as that
	 * user's, not with root's overrides. */
	if (rq->switches_ids && rq->nonroot)
		plan->child.effective = 0;
	/* The child shares PID 1's memory: it gets the words capset(2) takes,
	 * ready, and only makes the call (spawn/child.c). */
	_Static_assert(sizeof(d) == sizeof(plan->child_capset), "capset(2)'s data");
	to_data(&plan->child, d);
	memcpy(plan->child_capset, d, sizeof(d));
	pid1 = (struct caps_sets){ now.permitted & (needs | setid),
				   now.permitted & (needs | setid | plan->child.permitted),
				   plan->child.inheritable };
	if (!same_sets(&pid1, &now) && set_own(&pid1) < 0)
		return failure(CAPS_SETS);
	/* What the child inherits and what it must have differ in the
	 * effective set, which execve's own checks use (a root command in a
	 * directory only CAP_DAC_OVERRIDE opens), and in the permitted set
	 * when the command loses what PID 1 needs. */
	plan->child_sets = !same_sets(&pid1, &plan->child) || rq->switches_ids || plan->ambient;
	plan->pid1 = (struct caps_sets){ now.permitted & needs, now.permitted & needs, 0 };
	plan->pid1_holds_more = !same_sets(&pid1, &plan->pid1);
	return (struct caps_failure){ CAPS_OK, 0 };
}

struct caps_failure caps_after_fork(const struct caps_plan *plan)
{
	if (plan->pid1_holds_more && set_own(&plan->pid1) < 0)
		return failure(CAPS_PID1);
	return (struct caps_failure){ CAPS_OK, 0 };
}

static const char *step_name(enum caps_step step)
{
	switch (step) {
	case CAPS_BOUNDING:
		return "the bounding set";
	case CAPS_SETS:
		return "the permitted, effective and inheritable sets";
	case CAPS_NO_NEW_PRIVS:
		return "no_new_privs";
	case CAPS_READ:
	case CAPS_PID1:
	case CAPS_OK:
		break;
	}
	return "nothing";
}

void caps_warn(struct caps_failure f)
{
	errno = f.err;
	if (f.step == CAPS_BOUNDING && f.err == EPERM)
		warn("cannot drop capabilities from the command's bounding set: nsinit does not "
		     "hold CAP_SETPCAP; run it as root, or add --no-new-privs");
	else if (f.step == CAPS_PID1)
		warn_errno("cannot drop PID 1's capabilities; not starting the command");
	else if (f.step == CAPS_READ)
		warn_errno("cannot read nsinit's capabilities; not starting the command");
	else
		warn_errno("cannot drop the command's capabilities from %s", step_name(f.step));
}

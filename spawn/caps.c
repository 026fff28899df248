/* Capabilities through libcap: the one file that includes <sys/capability.h>. */
#include "spawn/caps.h"

#include "lib/fmt.h"
#include "lib/msg.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#define BIT(cap) (1ULL << (cap))

bool caps_may_create_namespaces(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t value = CAP_CLEAR;

	/* Fail closed: not knowing must not send a privileged nsinit down the
	 * user-namespace path, where PID 1 would keep every capability. */
	if (caps == NULL)
		die_errno("cannot read nsinit's capabilities");
	if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &value) < 0)
		die_errno("cannot read nsinit's capabilities");
	cap_free(caps);
	return value == CAP_SET;
}

/* The capabilities this kernel knows, as a mask. libcap may name newer ones,
 * which the kernel answers with EINVAL; "all" means all the kernel has. */
static uint64_t kernel_caps(void)
{
	cap_value_t n = cap_max_bits();

	return n >= 64 ? ~0ULL : BIT(n) - 1;
}

/* Clear mask from the permitted, effective and inheritable sets of caps. */
static int clear_sets(cap_t caps, uint64_t mask)
{
	static const cap_flag_t sets[] = { CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE };
	cap_value_t list[64];
	int n = 0;

	for (cap_value_t cap = 0; cap < 64; cap++)
		if (mask & BIT(cap))
			list[n++] = cap;
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (cap_set_flag(caps, sets[i], n, list, CAP_CLEAR) < 0)
			return -1;
	return 0;
}

static void failed(struct caps_failure *f, enum caps_step step)
{
	if (f->step == CAPS_OK) {
		f->step = step;
		f->err = errno;
	}
}

/* Drop every capability of `drop` (not empty) from all five sets of ours.
 *
 * The bounding set is what limits a root process at execve, which gives uid
 * 0 all of it; lowering it takes CAP_SETPCAP, so it comes before the sets
 * that may drop CAP_SETPCAP. Only what is still there is dropped, so that a
 * bounding set already lowered (by a container runtime) needs no CAP_SETPCAP.
 * Without CAP_SETPCAP (EPERM) it is skipped if bounding_optional.
 *
 * The ambient set is what a non-root process keeps across execve; lowering
 * it needs no privilege. Permitted and effective are what we hold now, and
 * inheritable is what execve may pass on.
 *
 * Every step is tried; the first failure is returned. */
static struct caps_failure lower(uint64_t drop, bool bounding_optional)
{
	struct caps_failure f = { CAPS_OK, 0 };
	bool bounding = true, ambient = true;
	cap_t caps;

	for (cap_value_t cap = 0; cap < 64; cap++) {
		if (!(drop & BIT(cap)))
			continue;
		if (bounding && cap_get_bound(cap) == 1 && cap_drop_bound(cap) < 0) {
			bounding = false;
			if (errno != EPERM || !bounding_optional)
				failed(&f, CAPS_BOUNDING);
		}
		if (ambient) {
			int r = cap_get_ambient(cap);

			if (r < 0) {
				ambient = false; /* before Linux 4.3: no ambient set */
			} else if (r == 1 && cap_set_ambient(cap, CAP_CLEAR) < 0) {
				ambient = false;
				failed(&f, CAPS_AMBIENT);
			}
		}
	}
	caps = cap_get_proc();
	if (caps == NULL || clear_sets(caps, drop) < 0 || cap_set_proc(caps) < 0)
		failed(&f, CAPS_SETS);
	cap_free(caps);
	return f;
}

struct caps_failure caps_for_command(const struct caps_request *rq)
{
	uint64_t drop = rq->drop;
	struct caps_failure f = { CAPS_OK, 0 };

	if (rq->keep_given)
		drop |= ~rq->keep;
	drop &= kernel_caps();
	/* Without CAP_SETPCAP the bounding set stays, and a file with
	 * capabilities could grant them back at execve. no_new_privs forbids
	 * exactly that, so with it the bounding set may stay. */
	if (drop)
		f = lower(drop, rq->no_new_privs);
	if (f.step == CAPS_OK && rq->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		failed(&f, CAPS_NO_NEW_PRIVS);
	return f;
}

/* PID 1 never calls execve, so its bounding and inheritable sets limit
 * nothing it will ever do: one capset that keeps only `keep` (of what it
 * has) in the permitted and effective sets, and one prctl that empties the
 * ambient set, are the whole drop. Fails closed: the caller does not start
 * the command if this fails. */
struct caps_failure caps_for_pid1(bool removes_files)
{
	uint64_t keep = BIT(CAP_KILL) | (removes_files ? BIT(CAP_DAC_OVERRIDE) : 0);
	struct caps_failure f = { CAPS_OK, 0 };
	cap_t now = cap_get_proc(), next = cap_init();
	cap_value_t list[64];
	int n = 0;

	if (now == NULL || next == NULL) {
		failed(&f, CAPS_READ);
		goto out;
	}
	for (cap_value_t cap = 0; cap < 64; cap++) {
		cap_flag_value_t v = CAP_CLEAR;

		if ((keep & BIT(cap)) && cap_get_flag(now, cap, CAP_PERMITTED, &v) == 0 &&
		    v == CAP_SET)
			list[n++] = cap;
	}
	/* libcap refuses to set an empty list: cap_init() is empty already. */
	if ((n && (cap_set_flag(next, CAP_PERMITTED, n, list, CAP_SET) < 0 ||
		   cap_set_flag(next, CAP_EFFECTIVE, n, list, CAP_SET) < 0)) ||
	    cap_set_proc(next) < 0)
		failed(&f, CAPS_SETS);
	/* EINVAL: a kernel before 4.3 has no ambient set to empty. */
	else if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		failed(&f, CAPS_AMBIENT);
out:
	cap_free(now);
	cap_free(next);
	return f;
}

const char *caps_step_name(enum caps_step step)
{
	switch (step) {
	case CAPS_BOUNDING:
		return "the bounding set";
	case CAPS_AMBIENT:
		return "the ambient set";
	case CAPS_SETS:
		return "the permitted, effective and inheritable sets";
	case CAPS_NO_NEW_PRIVS:
		return "no_new_privs";
	case CAPS_READ:
		return "reading them";
	case CAPS_OK:
		break;
	}
	return "nothing";
}

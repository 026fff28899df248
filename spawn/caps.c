/* Capabilities through libcap: the one file that includes <sys/capability.h>. */
#include "caps.h"

#include "fmt.h"
#include "msg.h"
#include "options.h"

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

	if (caps == NULL)
		return false;
	if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &value) < 0)
		value = CAP_CLEAR;
	cap_free(caps);
	return value == CAP_SET;
}

/* One name: libcap knows "cap_net_raw"; accept "NET_RAW" and any case too. */
static int parse_one(const char *name, size_t len, cap_value_t *cap)
{
	char buf[64];
	size_t off = 0;

	if (len == 0 || len + 4 >= sizeof(buf))
		return -1;
	if (len < 4 || strncasecmp(name, "cap_", 4) != 0) {
		memcpy(buf, "cap_", 4);
		off = 4;
	}
	for (size_t i = 0; i < len; i++)
		buf[off + i] = (char)tolower((unsigned char)name[i]);
	buf[off + len] = '\0';
	/* cap_from_name also takes numbers; only names are promised here. */
	if (isdigit((unsigned char)buf[4]))
		return -1;
	return cap_from_name(buf, cap) == 0 && *cap >= 0 && *cap < 64 ? 0 : -1;
}

/* "all" may stand anywhere in the list, next to names ("all,net_raw"):
 * a list built by a script should not fail for saying a name twice. */
int caps_parse(const char *list, uint64_t *mask, char *bad, size_t bad_len)
{
	for (const char *s = list;; s++) {
		size_t len = strcspn(s, ",");
		cap_value_t cap;

		if (len == 3 && strncasecmp(s, "all", 3) == 0) {
			*mask = ~0ULL;
		} else if (parse_one(s, len, &cap) < 0) {
			fmt(bad, bad_len, "%.*s", (int)len, s);
			return -1;
		} else {
			*mask |= 1ULL << cap;
		}
		s += len;
		if (*s == '\0')
			return 0;
	}
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

/* The first step of lower() that failed, and its errno. */
struct failure {
	const char *set; /* NULL: none failed */
	int err;
};

static const char BOUNDING[] = "the bounding set";

static void failed(struct failure *f, const char *set)
{
	if (f->set == NULL) {
		f->set = set;
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
static struct failure lower(uint64_t drop, bool bounding_optional)
{
	struct failure f = { NULL, 0 };
	bool bounding = true, ambient = true;
	cap_t caps;

	for (cap_value_t cap = 0; cap < 64; cap++) {
		if (!(drop & BIT(cap)))
			continue;
		if (bounding && cap_get_bound(cap) == 1 && cap_drop_bound(cap) < 0) {
			bounding = false;
			if (errno != EPERM || !bounding_optional)
				failed(&f, BOUNDING);
		}
		if (ambient) {
			int r = cap_get_ambient(cap);

			if (r < 0) {
				ambient = false; /* before Linux 4.3: no ambient set */
			} else if (r == 1 && cap_set_ambient(cap, CAP_CLEAR) < 0) {
				ambient = false;
				failed(&f, "the ambient set");
			}
		}
	}
	caps = cap_get_proc();
	if (caps == NULL || clear_sets(caps, drop) < 0 || cap_set_proc(caps) < 0)
		failed(&f, "the permitted, effective and inheritable sets");
	cap_free(caps);
	return f;
}

void caps_apply_to_command(const struct options *opts)
{
	uint64_t drop = opts->cap_drop;

	if (opts->cap_keep_given)
		drop |= ~opts->cap_keep;
	drop &= kernel_caps();
	if (drop) {
		/* Without CAP_SETPCAP the bounding set stays, and a file with
		 * capabilities could grant them back at execve. no_new_privs
		 * forbids exactly that, so with it the bounding set may stay. */
		struct failure f = lower(drop, opts->no_new_privs);

		if (f.set == BOUNDING && f.err == EPERM)
			die("cannot drop capabilities from the command's bounding set: nsinit "
			    "does not hold CAP_SETPCAP; run it as root, or add --no-new-privs");
		if (f.set) {
			errno = f.err;
			die_errno("cannot drop the command's capabilities from %s", f.set);
		}
	}
	if (opts->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno("cannot set no_new_privs for the command");
}

/* What PID 1 still does once the command runs, and what it takes: reaping,
 * writing to the stderr it holds open, reading /proc/PID/stat, comm and
 * task/TID/children and opening pidfds take nothing, whoever owns the
 * process; signalling the command, its group and whatever is left, any of
 * which may have changed uid, takes CAP_KILL. Without a relay (--no-namespace,
 * or already PID 1), PID 1 also removes the --pid-file at exit, from a
 * directory that root may write in only through CAP_DAC_OVERRIDE; which role
 * this is cannot be told from here, so any --pid-file keeps it.
 *
 * Without CAP_SETPCAP the bounding set stays as it is: it only limits what an
 * execve could grant, and PID 1 never calls execve again. A non-root nsinit
 * always lands there, so that is no cause for a warning. */
void caps_drop_for_pid1(const struct options *opts)
{
	uint64_t keep = BIT(CAP_KILL) | (opts->pid_file ? BIT(CAP_DAC_OVERRIDE) : 0);
	struct failure f = lower(kernel_caps() & ~keep, true);

	if (f.set) {
		errno = f.err;
		warn_errno("cannot drop PID 1's capabilities from %s", f.set);
	}
}

/* When a namespace cannot be made: asked for by name (--namespace), one line
 * naming the cause and the fix, exit 125; not asked for, the same line as a
 * warning and the command runs under nsinit as a subreaper, as under tini.
 * And where a fallback exists (clone3 refused), it is taken. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(errors, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

/* Run nsinit behind `prefix` (a shell that sets up the hostile ground); it must
 * fail with 125 and exactly one line containing every needle. */
static void expect_refusal(const char *const *prefix, const char *const *needles)
{
	struct hs_opts o = { .prefix = prefix };
	struct hs_proc p;
	const char *err;

	/* By name, --namespace: a hard failure, as before. */
	hs_run(&p, &o, HS_ARGV("--namespace", "--", "true"), hs_ms(10000));
	err = p.err.data ? p.err.data : "";
	cr_expect_eq(hs_code(&p), 125, "expected exit 125, got %s; stderr:\n%s", hs_status_str(&p),
		     err);
	cr_expect_eq(hs_count_matching(err, "nsinit: "), 1, "expected one nsinit line:\n%s", err);
	for (const char *const *n = needles; *n; n++)
		cr_expect(strstr(err, *n), "stderr lacks '%s':\n%s", *n, err);
	hs_cleanup(&p);
	/* Not asked for: run as a subreaper, with one line saying why. */
	hs_expect_fallback(&o, HS_ARGV("--", "true"), needles[0]);
}

/* Without CAP_SYS_ADMIN nsinit makes a user namespace (test_rootless.c);
 * when even that is refused (seccomp here; Debian's sysctl, AppArmor or a
 * container runtime's profile elsewhere), the user is told what is missing. */
Test(errors, unprivileged_user_is_told_what_is_missing)
{
	expect_refusal(HS_ARGV("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			       hs_probe(), "no-userns"),
		       HS_ARGV("cannot create a user namespace", "Operation not permitted",
			       "CAP_SYS_ADMIN", "--no-namespace"));
}

/* The namespace limits are per user namespace: lower one inside a user
 * namespace of our own, leaving the host's settings alone. The shell execs
 * nsinit, so the harness's argv follows `exec "$0" "$@"`. */
Test(errors, namespace_limit_is_named_with_its_value)
{
	expect_refusal(HS_ARGV("unshare", "--user", "--map-root-user", "sh", "-c",
			       "echo 0 > /proc/sys/user/max_pid_namespaces && exec \"$0\" \"$@\""),
		       HS_ARGV("a namespace limit was reached",
			       "/proc/sys/user/max_pid_namespaces is 0", "raise the limit"));
}

/* A /proc partly covered by a mount the namespace may not remove (as container
 * runtimes mask /proc/kcore, /proc/timer_list...): the kernel refuses a fresh
 * proc mount in a user namespace. */
Test(errors, masked_proc_is_explained)
{
	expect_refusal(HS_ARGV("unshare", "--mount", "sh", "-c",
			       "mount --bind /dev/null /proc/timer_list && "
			       "exec unshare --user --map-root-user \"$0\" \"$@\""),
		       HS_ARGV("cannot mount a fresh /proc", "masked", "--no-namespace"));
}

/* seccomp answers clone3 with ENOSYS (Docker's default profile does): nsinit
 * falls back to clone and the user sees no difference. */
Test(errors, clone3_refused_falls_back_to_clone)
{
	const char *noclone3 = getenv("NSINIT_NOCLONE3");
	struct hs_opts o;
	struct hs_proc p;
	const char *out, *err;

	cr_assert(noclone3, "NSINIT_NOCLONE3 is not set (run through make check)");
	o = (struct hs_opts){ .prefix = HS_ARGV(noclone3) };
	hs_run(&p, &o, HS_ARGV("-v", "--", "sh", "-c", "ps -o pid=,comm= -p 1,$$"), hs_ms(10000));
	out = p.out.data ? p.out.data : "";
	err = p.err.data ? p.err.data : "";
	cr_expect_eq(hs_code(&p), 0, "got %s; stderr:\n%s", hs_status_str(&p), err);
	cr_expect(strstr(err, "clone3 is refused here (ENOSYS); using clone"), "stderr:\n%s", err);
	cr_expect(hs_count_regex(out, "^ *2 +sh$") == 1, "the command is not PID 2:\n%s", out);
	if (!hs_wrapped())
		cr_expect(hs_count_regex(out, "^ *1 +nsinit$") == 1, "nsinit is not PID 1:\n%s", out);
	hs_cleanup(&p);
}

/* An errno's words are nsinit's, not its libc's: the static build (musl)
 * said "No file descriptors available" where the dynamic one (glibc) says
 * "Too many open files". Run against either binary (make integration
 * NSINIT_BIN=build/static/nsinit), the line is the same word for word.
 * Four fds: stdin, stdout, stderr and one more, too few for the relay's
 * socket pair. */
Test(errors, an_errno_reads_the_same_in_every_build)
{
	struct hs_opts o = { .prefix = HS_ARGV("prlimit", "--nofile=4:4") };
	struct hs_proc p;

	if (hs_wrapped())
		cr_skip_test("the wrapper's own fds would count against the limit");
	hs_run(&p, &o, HS_ARGV("--", "echo", "ran"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "%s", hs_status_str(&p));
	cr_expect_str_eq(S(p.err), "nsinit: cannot create a socket pair: Too many open files\n");
	cr_expect_str_eq(S(p.out), "");
	hs_cleanup(&p);
}

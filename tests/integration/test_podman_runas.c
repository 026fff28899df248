/* --run-as in a container whose image has only /nsinit, busybox and an
 * /etc/passwd (tests/podman/setup.sh's localhost/nsinit-runas, ENTRYPOINT
 * ["/nsinit", "--run-as=svc", "--"]): no gosu, no setpriv, no NSS. nsinit is
 * the container's PID 1, or, under podman's --init, PID 2 falling back to a
 * subreaper; either way the command runs as svc, with its groups and home,
 * holding nothing. Runs only with NSINIT_PODMAN=1 (make check-podman). */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

TestSuite(podman_runas, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define PODMAN_RUN                                                                       \
	"podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs", "run", "--rm",    \
		"--pull=never", "--network", "none"
#define IMAGE "localhost/nsinit-runas"
#define REPORT                                                                           \
	"echo \"uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME pid1=$(cat "        \
	"/proc/1/comm)\"; grep -E '^Cap(Prm|Eff)' /proc/self/status"

static void need_podman(void)
{
	struct hs_proc p;

	if (!getenv("NSINIT_PODMAN"))
		cr_skip_test("podman tests run only with NSINIT_PODMAN=1 (make check-podman)");
	unsetenv("NSINIT_WRAP");
	hs_run(&p, &(struct hs_opts){ .prefix = HS_ARGV("sh", "-c", "exec \"$@\"") },
	       HS_ARGV("podman", "image", "inspect", "--format", "{{.Id}}", IMAGE), hs_ms(30000));
	cr_assert_eq(hs_code(&p), 0, "image %s is missing: run tests/podman/setup.sh:\n%s", IMAGE,
		     S(p.err));
	hs_cleanup(&p);
}

/* `podman run ARGS` to completion: the harness runs PREFIX NSINIT ARGS, and
 * sh -c 'exec "$@"' takes NSINIT as its $0, so podman is what runs. */
static void podman(struct hs_proc *p, const char *const *args)
{
	const char *argv[40];
	size_t n = 0;

	for (const char *const *a = HS_ARGV("sh", "-c", "exec \"$@\""); *a; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	hs_run(p, &(struct hs_opts){ .prefix = argv }, args, hs_ms(60000));
}

/* podman's own log lines (WARN[0000] ...) are not nsinit's. */
static int nsinit_lines(const char *err)
{
	return hs_count_regex(err, "^nsinit: ");
}

Test(podman_runas, the_image_entrypoint_runs_the_command_as_svc)
{
	struct hs_proc p;

	need_podman();
	podman(&p, HS_ARGV(PODMAN_RUN, IMAGE, "sh", "-c", REPORT));
	cr_expect_eq(hs_code(&p), 0, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_count_regex(S(p.out), "^uid=1500 gid=1500 groups=1500 1600 home=/home/svc "
					   "pid1=nsinit$") == 1,
		  "stdout:\n%s", S(p.out));
	cr_expect(hs_count_regex(S(p.out), "^Cap(Prm|Eff):\t0+$") == 2, "stdout:\n%s", S(p.out));
	cr_expect_eq(nsinit_lines(S(p.err)), 0, "stderr:\n%s", S(p.err));
	hs_cleanup(&p);

	/* Under podman's own init nsinit is PID 2, a subreaper: the same user. */
	podman(&p, HS_ARGV(PODMAN_RUN, "--init", IMAGE, "sh", "-c", REPORT));
	cr_expect_eq(hs_code(&p), 0, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_count_regex(S(p.out), "^uid=1500 gid=1500 groups=1500 1600 home=/home/svc "
					   "pid1=podman-init$") == 1,
		  "stdout:\n%s", S(p.out));
	cr_expect_eq(nsinit_lines(S(p.err)), 1, "want the fallback's one line:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(podman_runas, an_unknown_user_is_one_line_and_125)
{
	struct hs_proc p;

	need_podman();
	podman(&p, HS_ARGV(PODMAN_RUN, "--entrypoint", "[\"/nsinit\", \"--run-as=nosuch\", \"--\"]",
			   IMAGE, "id"));
	cr_expect_eq(hs_code(&p), 125, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_count_regex(S(p.err), "^nsinit: cannot run 'id' as 'nosuch': there is no user "
					   "'nosuch' in /etc/passwd$") == 1,
		  "stderr:\n%s", S(p.err));
	cr_expect_eq(nsinit_lines(S(p.err)), 1, "stderr:\n%s", S(p.err));
	cr_expect_str_empty(S(p.out), "the command ran:\n%s", S(p.out));
	hs_cleanup(&p);
}

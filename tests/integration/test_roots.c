/*
 * Roots: nsinit in a plain chroot (a directory never bind-mounted, as sbuild,
 * mock and debootstrap make them) and --root=DIR, like unshare --root. Each
 * runs under a mount namespace whose mounts are shared, as systemd's are, so
 * that a /proc leaking out of nsinit's namespace would show in the caller's.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(roots, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);


static char root_dir[] = "/tmp/nsinit-root-XXXXXX";

static void run(const char *cmd)
{
	int r = system(cmd);
	cr_assert_eq(r, 0, "`%s` failed (%d)", cmd, r);
}

/* A root holding a static busybox, and nsinit (with the libraries of a
 * dynamic build) at the path it has here. */
static void make_root(bool with_nsinit)
{
	char cmd[2048];

	if (access("/bin/busybox", X_OK) != 0)
		cr_skip_test("needs /bin/busybox (busybox-static)");
	cr_assert(mkdtemp(root_dir), "mkdtemp: %s", strerror(errno));
	snprintf(cmd, sizeof cmd,
		 "set -e; cd %s; mkdir -p bin proc tmp; cp /bin/busybox bin/; "
		 "for c in sh ps ls cat echo grep; do ln -s busybox bin/$c; done",
		 root_dir);
	run(cmd);
	if (!with_nsinit)
		return;
	/* The binary, and whatever ldd names (nothing for the static build). */
	snprintf(cmd, sizeof cmd,
		 "set -e; for f in %s $(ldd %s 2>/dev/null | grep -o '/[^ ]*'); do "
		 "mkdir -p %s$(dirname $f); cp -L $f %s$f; done",
		 hs_nsinit(), hs_nsinit(), root_dir, root_dir);
	run(cmd);
}

static void remove_root(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root_dir);
	run(cmd);
}

/* The caller: a mount namespace with / shared; after nsinit, count the
 * mounts under the root that the caller can see (there must be none). */
static const char *const *caller(const char *chroot_dir, const char **buf, size_t max)
{
	static char script[1024];
	snprintf(script, sizeof script,
		 "mount --make-rshared / && %s%s \"$0\" \"$@\"; rc=$?; "
		 "echo \"leaked $(grep -c ' %s' /proc/self/mountinfo)\"; exit $rc",
		 chroot_dir ? "chroot " : "", chroot_dir ? chroot_dir : "", root_dir);
	const char *const prefix[] = { "unshare", "--mount", "--propagation", "shared", "sh", "-c",
				       script, NULL };
	size_t k = 0;
	for (; prefix[k]; k++) {
		cr_assert(k + 1 < max);
		buf[k] = prefix[k];
	}
	buf[k] = NULL;
	return buf;
}

/* Issue: `chroot DIR /nsinit -- sh` failed unless DIR had been
 * bind-mounted onto itself ("/ is not a mount point"). */
Test(roots, a_plain_chroot_works)
{
	const char *prefix[16];
	struct hs_proc p;

	if (hs_wrapped())
		cr_skip_test("the wrapper does not live in the chroot");
	if (getenv("NSINIT_SANITIZED") && *getenv("NSINIT_SANITIZED"))
		cr_skip_test("ASan reads /proc at start, which the bare chroot has not");
	make_root(true);
	hs_run(&p, &(struct hs_opts){.prefix = caller(root_dir, prefix, 16)},
	       HS_ARGV("--", "sh", "-c", "ps -o pid,comm; test -e /proc/1/ns/pid && exit 3"),
	       hs_ms(20000));
	cr_expect_eq(hs_code(&p), 3, "%s\nstdout:\n%s\nstderr:\n%s", hs_status_str(&p), S(p.out),
		     S(p.err));
	cr_expect(hs_count_regex(S(p.out), "^ +1 +nsinit$") == 1, "nsinit is not PID 1:\n%s",
		  S(p.out));
	cr_expect(strstr(S(p.out), "leaked 0\n"), "a mount leaked to the caller:\n%s", S(p.out));
	cr_expect_str_eq(S(p.err), "", "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
	remove_root();
}

/* --root=DIR: the command's root is DIR, with a fresh /proc inside it; the
 * caller's mounts are untouched. */
Test(roots, root_option_runs_the_command_there)
{
	const char *prefix[16];
	char arg[64];
	struct hs_proc p;

	make_root(false);
	snprintf(arg, sizeof arg, "--root=%s", root_dir);
	hs_run(&p, &(struct hs_opts){.prefix = caller(NULL, prefix, 16)},
	       HS_ARGV(arg, "--", "/bin/sh", "-c", "ls /; ps -o pid,comm; exit 4"),
	       hs_ms(20000));
	cr_expect_eq(hs_code(&p), 4, "%s\nstdout:\n%s\nstderr:\n%s", hs_status_str(&p), S(p.out),
		     S(p.err));
	/* ls /: the root's own entries; ps: the fresh /proc, nsinit PID 1. */
	cr_expect(!strncmp(S(p.out), "bin\nproc\ntmp\n", 13), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	if (!hs_wrapped()) /* under valgrind PID 1's comm is valgrind's */
		cr_expect(hs_count_regex(S(p.out), "^ +1 +nsinit$") == 1,
			  "nsinit is not PID 1:\n%s", S(p.out));
	cr_expect(strstr(S(p.out), "leaked 0\n"), "a mount leaked to the caller:\n%s", S(p.out));
	hs_cleanup(&p);
	remove_root();
}

Test(roots, root_option_needs_a_namespace_and_a_directory)
{
	struct hs_proc p;

	hs_run(&p, NULL, HS_ARGV("-s", "--root=/", "--", "true"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125);
	cr_expect_str_eq(S(p.err), "nsinit: --root needs a new namespace, which --no-namespace (or "
				   "-s) rules out; drop one of them\n");
	hs_cleanup(&p);
	hs_run(&p, NULL, HS_ARGV("--root=/nonexistent", "--", "true"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125);
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "stderr:\n%s", S(p.err));
	cr_expect(strstr(S(p.err), "nsinit: cannot use '/nonexistent' for --root: No such file or "
				   "directory; name a directory\n"),
		  "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

/* --root=DIR with DIR/proc a link: proc was mounted on the link's target,
 * outside DIR (in nsinit's own mount namespace), and the command ran
 * without a /proc, silently. Now the mount happens after the chroot, so no
 * link can lead it out of DIR, and a /proc that is a link is refused in one
 * line, exit 125, the command not run. Rows: a link out of DIR, and one
 * within it (which would leave the command without /proc all the same). */
Test(roots, a_proc_that_is_a_link_is_refused)
{
	char outside[] = "/tmp/nsinit-outside-XXXXXX";
	const char *targets[] = { outside, "tmp" };
	const char *prefix[16];

	make_root(false);
	cr_assert(mkdtemp(outside), "mkdtemp: %s", strerror(errno));
	for (size_t i = 0; i < 2; i++) {
		char arg[64], proc[64], want[256];
		struct hs_proc p;

		snprintf(proc, sizeof proc, "%s/proc", root_dir);
		cr_assert((rmdir(proc) == 0 || unlink(proc) == 0) && symlink(targets[i], proc) == 0,
			  "%s: %s", proc, strerror(errno));
		snprintf(arg, sizeof arg, "--root=%s", root_dir);
		hs_run(&p, &(struct hs_opts){.prefix = caller(NULL, prefix, 16)},
		       HS_ARGV(arg, "--", "/bin/sh", "-c", "echo ran"), hs_ms(20000));
		snprintf(want, sizeof want, "nsinit: cannot use '%s' for --root: its /proc is a "
			 "symbolic link, not a directory; make it an empty directory\n", root_dir);
		cr_expect_eq(hs_code(&p), 125, "-> %s: %s\nstdout:\n%s\nstderr:\n%s", targets[i],
			     hs_status_str(&p), S(p.out), S(p.err));
		cr_expect_str_eq(S(p.err), want, "-> %s", targets[i]);
		cr_expect(!strstr(S(p.out), "ran"), "-> %s: the command ran", targets[i]);
		cr_expect(strstr(S(p.out), "leaked 0\n"), "a mount leaked to the caller:\n%s",
			  S(p.out));
		hs_cleanup(&p);
	}
	rmdir(outside);
	remove_root();
}

/* Rootless: without CAP_SYS_ADMIN nsinit adds a user namespace and maps the
 * caller's ids into it (to themselves by default, as bubblewrap does, so the
 * command runs as the user it would without nsinit; to root with
 * --map-root-user); --user does the same for a privileged caller, who gets
 * every id mapped to itself. The decision follows the capability, not the
 * uid. When the user namespace is refused or a limit is reached, one line
 * names the setting and its value. Run as root: the tests drop to nobody (or
 * uid 1234) with setpriv. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(rootless, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define NOBODY \
	HS_ARGV("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all")
#define USER_1234 \
	HS_ARGV("setpriv", "--reuid=1234", "--regid=1234", "--clear-groups", "--inh-caps=-all")

/* The binaries must be reachable by an unprivileged user (every directory
 * above them searchable by others), or every test here fails obscurely. */
static void assert_runnable_by(uid_t uid, const char *path)
{
	pid_t pid = fork();
	int status;

	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
			_exit(2);
		_exit(access(path, X_OK) == 0 ? 0 : 1);
	}
	cr_assert(waitpid(pid, &status, 0) == pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "uid %d cannot execute %s: make it and every directory above it "
		  "executable by others (chmod o+x)",
		  (int)uid, path);
}

static void check_binaries(uid_t uid)
{
	assert_runnable_by(uid, hs_nsinit());
	assert_runnable_by(uid, hs_probe());
}

/* Run nsinit behind `prefix` with `args`; it must exit 0. */
static void run_ok(struct hs_proc *p, const char *const *prefix, const char *const *args)
{
	struct hs_opts o = { .prefix = prefix };

	hs_run(p, &o, args, hs_ms(10000));
	cr_assert_eq(hs_code(p), 0, "`%s`: %s\nstdout:\n%s\nstderr:\n%s", p->argv_str,
		     hs_status_str(p), S(p->out), S(p->err));
}

/* The command's view of itself: ids, the maps, and who is PID 1 and 2. */
#define SELF_REPORT                                                                      \
	"echo uid=$(id -u) gid=$(id -g); echo uid_map $(cat /proc/self/uid_map); "     \
	"echo gid_map $(cat /proc/self/gid_map); echo setgroups $(cat /proc/self/setgroups); " \
	"ps -e -o pid=,comm="

static void expect_line(const char *out, const char *ere, const char *what)
{
	cr_expect(hs_count_regex(out, ere) == 1, "%s: no line matching /%s/ in:\n%s", what, ere,
		  out);
}

Test(rootless, nobody_stays_nobody_as_pid_2_of_a_namespace_of_its_own)
{
	struct hs_proc p;

	check_binaries(65534);
	run_ok(&p, NOBODY, HS_ARGV("--", "sh", "-c", SELF_REPORT "; grep ^Cap /proc/self/status"));
	expect_line(S(p.out), "^uid=65534 gid=65534$", "the caller's ids changed inside");
	expect_line(S(p.out), "^uid_map 65534 65534 1$", "uid 65534 is not mapped to itself");
	expect_line(S(p.out), "^gid_map 65534 65534 1$", "gid 65534 is not mapped to itself");
	expect_line(S(p.out), "^setgroups deny$", "setgroups is not denied");
	expect_line(S(p.out), "^ *2 sh$", "the command is not PID 2");
	if (!hs_wrapped())
		expect_line(S(p.out), "^ *1 nsinit$", "nsinit is not PID 1");
	/* nsinit, sh and ps only: PID 1 mounted a fresh /proc although it is
	 * not root inside. */
	cr_expect_eq(hs_count_regex(S(p.out), "^ *[0-9]+ "), 3, "processes:\n%s", S(p.out));
	/* As without nsinit: a non-root command holds no capability. */
	expect_line(S(p.out), "^CapEff:\t0+$", "the command holds capabilities");
	expect_line(S(p.out), "^CapPrm:\t0+$", "the command holds capabilities");
	cr_expect_str_empty(S(p.err), "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

Test(rootless, map_current_user_is_the_default_and_can_be_restated)
{
	struct hs_proc p;

	check_binaries(1234);
	run_ok(&p, USER_1234, HS_ARGV("--map-current-user", "--", "sh", "-c", SELF_REPORT));
	expect_line(S(p.out), "^uid=1234 gid=1234$", "the caller's ids changed");
	expect_line(S(p.out), "^uid_map 1234 1234 1$", "uid 1234 is not mapped to itself");
	expect_line(S(p.out), "^gid_map 1234 1234 1$", "gid 1234 is not mapped to itself");
	expect_line(S(p.out), "^setgroups deny$", "setgroups is not denied");
	expect_line(S(p.out), "^ *2 sh$", "the command is not PID 2");
	hs_cleanup(&p);

	/* The last of the two options wins. */
	run_ok(&p, USER_1234,
	       HS_ARGV("--map-root-user", "--map-current-user", "--", "sh", "-c", SELF_REPORT));
	expect_line(S(p.out), "^uid=1234 gid=1234$", "--map-current-user did not win");
	hs_cleanup(&p);
}

Test(rootless, map_root_user_makes_the_caller_root_inside)
{
	struct hs_proc p;

	check_binaries(1234);
	run_ok(&p, USER_1234,
	       HS_ARGV("--map-current-user", "--map-root-user", "--", "sh", "-c",
		       SELF_REPORT "; grep ^CapEff /proc/self/status"));
	expect_line(S(p.out), "^uid=0 gid=0$", "the caller is not root inside");
	expect_line(S(p.out), "^uid_map 0 1234 1$", "uid 1234 is not mapped to 0");
	expect_line(S(p.out), "^gid_map 0 1234 1$", "gid 1234 is not mapped to 0");
	/* Root of the namespace: every capability, in it only. */
	expect_line(S(p.out), "^CapEff:\t0*1f+$", "root inside holds no capabilities");
	hs_cleanup(&p);
}

/* Root asking for --user: every id maps to itself, and setgroups stays
 * allowed (root may use it), with or without --map-current-user. */
Test(rootless, root_with_user_maps_every_id_to_itself)
{
	const char *const *variants[] = {
		HS_ARGV("--user", "--", "sh", "-c", SELF_REPORT),
		HS_ARGV("--user", "--map-current-user", "--", "sh", "-c", SELF_REPORT),
	};

	for (size_t i = 0; i < 2; i++) {
		struct hs_proc p;

		run_ok(&p, NULL, variants[i]);
		expect_line(S(p.out), "^uid=0 gid=0$", "root is not root inside");
		expect_line(S(p.out), "^uid_map 0 0 4294967295$", "uids are not all mapped");
		expect_line(S(p.out), "^gid_map 0 0 4294967295$", "gids are not all mapped");
		expect_line(S(p.out), "^setgroups allow$", "setgroups is denied to root");
		expect_line(S(p.out), "^ *2 sh$", "the command is not PID 2");
		hs_cleanup(&p);
	}
}

/* Is the command in a user namespace other than ours? */
static bool in_new_user_namespace(const char *const *prefix, const char *const *opts_then_cmd)
{
	char ours[128], line[256];
	struct hs_proc p;
	bool differs;

	cr_assert(hs_ns_link(getpid(), "user", ours, sizeof(ours)));
	run_ok(&p, prefix, opts_then_cmd);
	cr_assert(hs_find_line(S(p.out), "user:[", line, sizeof(line)), "stdout:\n%s", S(p.out));
	differs = strcmp(line, ours) != 0;
	hs_cleanup(&p);
	return differs;
}

/* libcap decides, not the uid: root without CAP_SYS_ADMIN takes the rootless
 * path, and uid 1234 holding CAP_SYS_ADMIN does not. */
Test(rootless, the_capability_decides_not_the_uid)
{
	const char *const *readlink_user =
		HS_ARGV("--", "readlink", "/proc/self/ns/user");

	check_binaries(1234);
	cr_expect(in_new_user_namespace(HS_ARGV("setpriv", "--bounding-set=-sys_admin"),
					readlink_user),
		  "root without CAP_SYS_ADMIN made no user namespace");
	cr_expect(!in_new_user_namespace(HS_ARGV("setpriv", "--reuid=1234", "--regid=1234",
						 "--clear-groups", "--inh-caps=+sys_admin",
						 "--ambient-caps=+sys_admin"),
					 readlink_user),
		  "uid 1234 with CAP_SYS_ADMIN made a user namespace");
	cr_expect(!in_new_user_namespace(NULL, readlink_user),
		  "root made a user namespace without --user");
	cr_expect(in_new_user_namespace(NULL, HS_ARGV("--user", "--", "readlink",
						      "/proc/self/ns/user")),
		  "root made no user namespace with --user");
}

/* The relay stays in the caller's user namespace; PID 1 and the command are
 * in the new one. */
Test(rootless, relay_stays_outside_the_user_namespace)
{
	struct hs_opts o = { .prefix = NOBODY };
	char ours[128], relay[128], init[128], command[128];
	struct hs_proc p;
	pid_t pid1, cmd;

	check_binaries(65534);
	hs_spawn(&p, &o, HS_ARGV("--", hs_probe(), "spawn-bg", "0", "stay"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	pid1 = hs_pid1(&p, hs_ms(5000));
	cr_assert(pid1 > 0);
	cmd = hs_child_of(pid1, hs_ms(5000));
	cr_assert(cmd > 0);
	cr_assert(hs_ns_link(getpid(), "user", ours, sizeof(ours)));
	cr_assert(hs_ns_link(p.pid, "user", relay, sizeof(relay)));
	cr_assert(hs_ns_link(pid1, "user", init, sizeof(init)));
	cr_assert(hs_ns_link(cmd, "user", command, sizeof(command)));
	cr_expect_str_eq(relay, ours, "the relay left the caller's user namespace");
	cr_expect_str_neq(init, ours, "PID 1 is in the caller's user namespace");
	cr_expect_str_eq(command, init, "the command is not in PID 1's user namespace");
	hs_cleanup(&p);
}

/* Rootless is not a lesser mode: exit codes, orphans and the extra
 * namespaces work as for root. */
Test(rootless, exit_codes_and_orphans_as_for_root)
{
	struct hs_opts o = { .prefix = NOBODY };
	struct hs_proc p;

	check_binaries(65534);
	hs_run(&p, &o, HS_ARGV("--", "sh", "-c", "exit 3"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 3, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	hs_cleanup(&p);

	hs_run(&p, &o, HS_ARGV("--", "sh", "-c", "kill -TERM $$"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 143, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	hs_cleanup(&p);

	run_ok(&p, NOBODY, HS_ARGV("--", hs_probe(), "orphans", "5"));
	cr_expect(strstr(S(p.out), "left=0 zombies=0\n"), "stdout:\n%s", S(p.out));
	hs_cleanup(&p);
}

Test(rootless, extra_namespaces_without_privilege)
{
	struct hs_proc p;

	check_binaries(65534);
	run_ok(&p, NOBODY,
	       HS_ARGV("--uts=rootless", "--ipc", "--net", "--cgroup", "--", "sh", "-c",
		       "hostname; \"$0\" netif; ipcmk -Q >/dev/null && ipcs -q | grep -c '^0x'",
		       hs_probe()));
	cr_expect_str_eq(S(p.out), "rootless\nlo up\n1\n", "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

/* ---- refusals: one line, exit 125 ---- */

static void expect_refusal(const char *const *prefix, const char *const *args,
			   const char *const *needles)
{
	struct hs_opts o = { .prefix = prefix };
	struct hs_proc p;
	const char *err, *argv[32];

	/* Not asked for by name: the fallback, then the hard failure. */
	if (!strcmp(args[0], "--")) {
		hs_expect_fallback(&o, args, needles[0]);
		args = hs_argv_with(argv, 32, "--namespace", args);
	}
	hs_run(&p, &o, args, hs_ms(10000));
	err = S(p.err);
	cr_expect_eq(hs_code(&p), 125, "expected exit 125, got %s; stderr:\n%s",
		     hs_status_str(&p), err);
	cr_expect_eq(hs_count_matching(err, "nsinit: "), 1, "expected one nsinit line:\n%s", err);
	cr_expect_eq(hs_count_lines(err), 1, "expected one line:\n%s", err);
	for (const char *const *n = needles; *n; n++)
		cr_expect(strstr(err, *n), "stderr lacks '%s':\n%s", *n, err);
	cr_expect_str_empty(S(p.out), "the command ran:\n%s", S(p.out));
	hs_cleanup(&p);
}

/* The limits are per user namespace: lower max_user_namespaces in one of our
 * own, where we are root, and leave the host's settings alone. nsinit takes
 * the rootless path there once CAP_SYS_ADMIN is out of its bounding set. */
Test(rootless, user_namespace_limit_is_named_with_its_value)
{
	const char *const *needles =
		HS_ARGV("cannot create a user namespace", "a namespace limit was reached",
			"/proc/sys/user/max_user_namespaces is 0",
			"sysctl -w user.max_user_namespaces=");

	expect_refusal(HS_ARGV("unshare", "--user", "--map-root-user", "sh", "-c",
			       "echo 0 > /proc/sys/user/max_user_namespaces && "
			       "exec setpriv --bounding-set=-sys_admin \"$0\" \"$@\""),
		       HS_ARGV("--", "echo", "ran"), needles);
	/* The same with --user while holding CAP_SYS_ADMIN. */
	expect_refusal(HS_ARGV("unshare", "--user", "--map-root-user", "sh", "-c",
			       "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" \"$@\""),
		       HS_ARGV("--user", "--", "echo", "ran"), needles);
}

Test(rootless, pid_namespace_limit_is_named_on_the_rootless_path)
{
	expect_refusal(HS_ARGV("unshare", "--user", "--map-root-user", "sh", "-c",
			       "echo 0 > /proc/sys/user/max_pid_namespaces && "
			       "exec setpriv --bounding-set=-sys_admin \"$0\" \"$@\""),
		       HS_ARGV("--", "echo", "ran"),
		       HS_ARGV("cannot create a PID namespace", "a namespace limit was reached",
			       "/proc/sys/user/max_pid_namespaces is 0", "raise the limit"));
}

/* A user namespace refused outright (seccomp here; Debian's sysctl, AppArmor
 * or a container runtime's profile elsewhere), with CAP_SYS_ADMIN held. */
Test(rootless, user_namespace_refused_to_a_privileged_caller)
{
	expect_refusal(HS_ARGV(hs_probe(), "no-userns"), HS_ARGV("--user", "--", "echo", "ran"),
		       HS_ARGV("cannot create a user namespace", "Operation not permitted",
			       "although nsinit holds CAP_SYS_ADMIN", "--user"));
}

/* The relay cannot write the maps (/proc is read-only where it runs; not
 * unmounted, which ASan needs): it says why, and PID 1, waiting for its
 * go-ahead, exits 125 without running the command. */
Test(rootless, failed_maps_stop_pid1_before_the_command)
{
	check_binaries(65534);
	expect_refusal(HS_ARGV("unshare", "--mount", "--propagation", "private", "sh", "-c",
			       "mount -o remount,bind,ro /proc && exec setpriv --reuid=65534 "
			       "--regid=65534 --clear-groups \"$0\" \"$@\""),
		       HS_ARGV("--namespace", "--", "echo", "ran"),
		       HS_ARGV("cannot set up the user namespace", "uid_map",
			       "Read-only file system", "mount /proc read-write"));
}

/* ---- joining a rootless namespace ---- */

Test(rootless, pid_file_and_nsenter_as_the_same_user)
{
	char dir[] = "/tmp/nsinit-rootless-XXXXXX", path[128], *text, script[512];
	struct hs_opts o = { .prefix = NOBODY };
	struct hs_proc p, q;
	long pid;

	check_binaries(65534);
	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	cr_assert(chown(dir, 65534, 65534) == 0, "chown: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/nsinit.pid", dir);
	hs_spawn(&p, &o, HS_ARGV("--pid-file", path, "--", hs_probe(), "spawn-bg", "0", "stay"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	text = hs_slurp(path);
	cr_assert(text, "no pid file %s", path);
	pid = atol(text);
	cr_expect_eq(pid, (long)hs_pid1(&p, hs_ms(5000)), "the pid file says %s", text);
	free(text);

	/* As the same user: join the user namespace first, keeping our ids
	 * (setgroups is denied in there, which nsenter's default would need).
	 * Through the command, PID 1's child, as README says: PID 1 is not
	 * dumpable, so its namespaces are root's to open. */
	snprintf(script, sizeof(script),
		 "exec setpriv --reuid=65534 --regid=65534 --clear-groups nsenter --target "
		 "$(pgrep -P %ld) --user --preserve-credentials --pid --mount ps -e -o pid=,comm=",
		 pid);
	o = (struct hs_opts){ .prefix = HS_ARGV("sh", "-c", script, "sh") };
	hs_run(&q, &o, HS_ARGV("--"), hs_ms(10000));
	cr_expect_eq(hs_code(&q), 0, "nsenter: %s\n%s", hs_status_str(&q), S(q.err));
	if (!hs_wrapped())
		expect_line(S(q.out), "^ *1 nsinit$", "nsinit is not PID 1 of the joined namespace");
	expect_line(S(q.out), "^ *2 probe$", "the command is not PID 2 of the joined namespace");
	hs_cleanup(&q);

	kill(p.pid, SIGTERM);
	cr_assert(hs_wait(&p, hs_ms(10000)), "the relay did not exit on SIGTERM");
	cr_expect_eq(hs_code(&p), 143, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(access(path, F_OK) < 0 && errno == ENOENT, "the pid file is still there");
	hs_cleanup(&p);
	rmdir(dir);
}

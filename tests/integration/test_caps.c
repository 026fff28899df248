/* Capabilities: --cap-drop, --cap-keep and --no-new-privs as the command sees
 * them in /proc/self/status, and PID 1 keeping only CAP_KILL once the
 * command runs, yet still able to signal a command that changed its uid. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(caps, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define BIT(cap) (1ULL << (cap))

/* From <linux/capability.h>, spelled out so that the test needs no libcap. */
enum { CAP_CHOWN_ = 0, CAP_DAC_OVERRIDE_ = 1, CAP_KILL_ = 5, CAP_NET_BIND_SERVICE_ = 10, CAP_NET_RAW_ = 13,
       CAP_SYS_ADMIN_ = 21 };

/* What grep prints for the command's own sets. */
#define GREP_CAPS "grep", "-E", "^(Cap|NoNewPrivs)", "/proc/self/status"
/* Run as nobody, with no supplementary groups (setpriv from util-linux). */
#define AS_NOBODY "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"

struct sets {
	unsigned long long inh, prm, eff, bnd, amb;
	int nnp;
};

static unsigned long long field(const char *text, const char *key)
{
	char line[256];
	cr_assert(hs_find_line(text, key, line, sizeof line), "no %s line in:\n%s", key, text);
	return strtoull(line + strlen(key), NULL, 16);
}

static struct sets parse_sets(const char *text)
{
	struct sets s = {
		.inh = field(text, "CapInh:"),
		.prm = field(text, "CapPrm:"),
		.eff = field(text, "CapEff:"),
		.bnd = field(text, "CapBnd:"),
		.amb = field(text, "CapAmb:"),
		.nnp = -1,
	};
	char line[256];
	if (hs_find_line(text, "NoNewPrivs:", line, sizeof line))
		s.nnp = atoi(line + strlen("NoNewPrivs:"));
	return s;
}

/* The test's own sets: what nsinit started with. The suite runs as root, but
 * maybe in a container whose bounding set lacks a few. */
static struct sets own_sets(void)
{
	char *text = hs_slurp("/proc/self/status");
	cr_assert(text, "cannot read /proc/self/status");
	struct sets s = parse_sets(text);
	free(text);
	cr_assert_eq(s.prm, s.bnd, "the test needs root with every bounding capability permitted");
	return s;
}

/* Skip unless the test holds every capability of mask. */
static void need(unsigned long long mask)
{
	struct sets own = own_sets();
	if ((own.prm & mask) != mask)
		cr_skip_test("the test lacks capabilities %#llx", mask & ~own.prm);
}

/* Run nsinit with args; it must exit 0. Returns the command's sets. */
static struct sets run_sets(struct hs_proc *p, const struct hs_opts *o, const char *const *args)
{
	hs_run(p, o, args, hs_ms(10000));
	cr_assert_eq(hs_code(p), 0, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p->argv_str,
		     hs_status_str(p), S(p->out), S(p->err));
	/* PID 1's drop of its own capabilities warns only when it fails. */
	cr_expect(!strstr(S(p->err), "capabilit"), "`%s`: stderr:\n%s", p->argv_str, S(p->err));
	return parse_sets(S(p->out));
}

static void expect_sets(const struct hs_proc *p, struct sets got, unsigned long long prm,
			unsigned long long bnd, unsigned long long amb, int nnp)
{
	cr_expect_eq(got.bnd, bnd, "`%s`: CapBnd %#llx, expected %#llx\n%s", p->argv_str, got.bnd,
		     bnd, S(p->out));
	cr_expect_eq(got.prm, prm, "`%s`: CapPrm %#llx, expected %#llx\n%s", p->argv_str, got.prm,
		     prm, S(p->out));
	cr_expect_eq(got.eff, prm, "`%s`: CapEff %#llx, expected %#llx\n%s", p->argv_str, got.eff,
		     prm, S(p->out));
	cr_expect_eq(got.inh, amb, "`%s`: CapInh %#llx, expected %#llx\n%s", p->argv_str, got.inh,
		     amb, S(p->out));
	cr_expect_eq(got.amb, amb, "`%s`: CapAmb %#llx, expected %#llx\n%s", p->argv_str, got.amb,
		     amb, S(p->out));
	cr_expect_eq(got.nnp, nnp, "`%s`: NoNewPrivs %d, expected %d\n%s", p->argv_str, got.nnp,
		     nnp, S(p->out));
}

/* ---- the command ---- */

Test(caps, command_keeps_everything_by_default)
{
	struct sets own = own_sets();
	struct hs_proc p;
	struct sets got = run_sets(&p, NULL, HS_ARGV("--", GREP_CAPS));
	/* PID 1 drops its own capabilities after the fork: nothing leaks. */
	expect_sets(&p, got, own.prm, own.bnd, 0, 0);
	hs_cleanup(&p);
}

Test(caps, command_keeps_everything_without_namespace)
{
	struct sets own = own_sets();
	struct hs_proc p;
	struct sets got = run_sets(&p, NULL, HS_ARGV("--no-namespace", "--", GREP_CAPS));
	expect_sets(&p, got, own.prm, own.bnd, 0, 0);
	hs_cleanup(&p);
}

Test(caps, drop_one_in_every_spelling)
{
	need(BIT(CAP_NET_RAW_));
	struct sets own = own_sets();
	const char *spellings[] = {"--cap-drop=cap_net_raw", "--cap-drop=CAP_NET_RAW",
				   "--cap-drop=net_raw", "--cap-drop=Net_Raw"};
	for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		struct hs_proc p;
		struct sets got = run_sets(&p, NULL, HS_ARGV(spellings[i], "--", GREP_CAPS));
		unsigned long long want = own.prm & ~BIT(CAP_NET_RAW_);
		expect_sets(&p, got, want, own.bnd & ~BIT(CAP_NET_RAW_), 0, 0);
		hs_cleanup(&p);
	}
}

Test(caps, drop_a_list)
{
	unsigned long long mask = BIT(CAP_CHOWN_) | BIT(CAP_NET_RAW_) | BIT(CAP_SYS_ADMIN_);
	need(mask);
	struct sets own = own_sets();
	struct hs_proc p;
	struct sets got =
		run_sets(&p, NULL, HS_ARGV("--cap-drop=chown,CAP_NET_RAW,sys_admin", "--", GREP_CAPS));
	expect_sets(&p, got, own.prm & ~mask, own.bnd & ~mask, 0, 0);
	hs_cleanup(&p);
}

Test(caps, drop_all)
{
	struct hs_proc p;
	struct sets got = run_sets(&p, NULL, HS_ARGV("--cap-drop=all", "--", GREP_CAPS));
	expect_sets(&p, got, 0, 0, 0, 0);
	hs_cleanup(&p);
}

Test(caps, drop_all_in_init_role)
{
	/* nsinit already PID 1 (a container's entrypoint): the same drop. */
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					      "--kill-child")};
	struct hs_proc p;
	struct sets got = run_sets(&p, &o, HS_ARGV("--cap-drop=ALL", "--", GREP_CAPS));
	expect_sets(&p, got, 0, 0, 0, 0);
	hs_cleanup(&p);
}

Test(caps, keep_only_a_list)
{
	unsigned long long keep = BIT(CAP_KILL_) | BIT(CAP_NET_BIND_SERVICE_);
	need(keep);
	struct hs_proc p;
	struct sets got =
		run_sets(&p, NULL, HS_ARGV("--cap-keep=kill,net_bind_service", "--", GREP_CAPS));
	expect_sets(&p, got, keep, keep, 0, 0);
	hs_cleanup(&p);
}

Test(caps, drop_wins_over_keep)
{
	need(BIT(CAP_KILL_) | BIT(CAP_NET_BIND_SERVICE_));
	struct hs_proc p;
	struct sets got = run_sets(
		&p, NULL,
		HS_ARGV("--cap-keep=kill,net_bind_service", "--cap-drop=kill", "--", GREP_CAPS));
	expect_sets(&p, got, BIT(CAP_NET_BIND_SERVICE_), BIT(CAP_NET_BIND_SERVICE_), 0, 0);
	hs_cleanup(&p);
}

Test(caps, no_new_privs)
{
	struct sets own = own_sets();
	struct hs_proc p;
	struct sets got = run_sets(&p, NULL, HS_ARGV("--no-new-privs", "--", GREP_CAPS));
	expect_sets(&p, got, own.prm, own.bnd, 0, 1);
	hs_cleanup(&p);

	got = run_sets(&p, NULL, HS_ARGV("--no-new-privs", "--cap-drop=all", "--", GREP_CAPS));
	expect_sets(&p, got, 0, 0, 0, 1);
	hs_cleanup(&p);
}

static void expect_unknown(const char *option, const char *name)
{
	char marker[] = "/tmp/nsinit-caps-XXXXXX";
	int fd = mkstemp(marker);
	cr_assert(fd >= 0, "mkstemp");
	close(fd);
	unlink(marker);

	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV(option, "--", "touch", marker), hs_ms(10000));
	struct stat st;
	bool ran = stat(marker, &st) == 0;
	unlink(marker);
	cr_expect_eq(hs_code(&p), 125, "`%s`: exit %s, expected 125\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.err));
	cr_expect(!ran, "`%s`: the command ran", p.argv_str);
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "`%s`: expected one line on stderr:\n%s",
		     p.argv_str, S(p.err));
	char quoted[64];
	snprintf(quoted, sizeof quoted, "'%s'", name);
	cr_expect(strstr(S(p.err), quoted) && strstr(S(p.err), "nsinit: "),
		  "`%s`: stderr does not name %s:\n%s", p.argv_str, quoted, S(p.err));
	hs_cleanup(&p);
}

Test(caps, unknown_name_is_an_error)
{
	expect_unknown("--cap-drop=net_rawx", "net_rawx");
	expect_unknown("--cap-drop=chown,bogus,kill", "bogus");
	expect_unknown("--cap-keep=cap_nothing", "cap_nothing");
}

/* What a user sees: chown(2) needs CAP_CHOWN for a file of someone else. */
Test(caps, dropped_capability_is_refused)
{
	need(BIT(CAP_CHOWN_));
	char file[] = "/tmp/nsinit-caps-XXXXXX";
	int fd = mkstemp(file);
	cr_assert(fd >= 0, "mkstemp");
	close(fd);
	cr_assert(chown(file, 0, 0) == 0, "chown");
	struct stat st;

	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--cap-drop=chown", "--", "chown", "1", file), hs_ms(10000));
	cr_assert(stat(file, &st) == 0, "stat");
	cr_expect_neq(hs_code(&p), 0, "`%s`: chown succeeded without CAP_CHOWN", p.argv_str);
	cr_expect(strstr(S(p.err), "Operation not permitted"), "`%s`: stderr:\n%s", p.argv_str,
		  S(p.err));
	cr_expect_eq(st.st_uid, 0, "`%s`: the file changed owner to %d", p.argv_str,
		     (int)st.st_uid);
	hs_cleanup(&p);

	hs_run(&p, NULL, HS_ARGV("--", "chown", "1", file), hs_ms(10000));
	cr_assert(stat(file, &st) == 0, "stat");
	unlink(file);
	cr_expect_eq(hs_code(&p), 0, "`%s`: exit %s\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.err));
	cr_expect_eq(st.st_uid, 1, "`%s`: the file's owner is %d, not 1", p.argv_str,
		     (int)st.st_uid);
	hs_cleanup(&p);
}

/* A command that becomes nobody keeps, through the ambient set, only what was
 * not dropped. */
Test(caps, command_becoming_nobody_keeps_only_what_is_left)
{
	unsigned long long keep = BIT(CAP_KILL_) | BIT(CAP_NET_BIND_SERVICE_);
	need(keep | BIT(CAP_NET_RAW_));
	struct sets own = own_sets();
	struct hs_proc p;
	struct sets got = run_sets(
		&p, NULL,
		HS_ARGV("--cap-drop=net_raw", "--", AS_NOBODY, "--inh-caps=+kill,+net_bind_service",
			"--ambient-caps=+kill,+net_bind_service", GREP_CAPS));
	expect_sets(&p, got, keep, own.bnd & ~BIT(CAP_NET_RAW_), keep, 0);
	hs_cleanup(&p);

	/* The dropped one cannot be raised again. */
	hs_run(&p, NULL,
	       HS_ARGV("--cap-drop=net_raw", "--", AS_NOBODY, "--inh-caps=+net_raw",
		       "--ambient-caps=+net_raw", GREP_CAPS),
	       hs_ms(10000));
	cr_expect_neq(hs_code(&p), 0, "`%s`: setpriv raised a dropped capability:\n%s",
		      p.argv_str, S(p.out));
	cr_expect(!strstr(S(p.out), "CapAmb:"), "`%s`: the command ran:\n%s", p.argv_str,
		  S(p.out));
	hs_cleanup(&p);
}

/* nsinit itself started as nobody with ambient capabilities (as a service
 * manager's AmbientCapabilities= does): without CAP_SETPCAP it cannot lower
 * the bounding set, so it needs --no-new-privs to promise the drop. */
Test(caps, nonroot_nsinit_with_ambient_capabilities)
{
	need(BIT(CAP_KILL_) | BIT(CAP_NET_RAW_));
	struct hs_opts o = {.prefix = HS_ARGV(AS_NOBODY, "--inh-caps=+kill,+net_raw",
					      "--ambient-caps=+kill,+net_raw")};
	struct hs_proc p;
	struct sets got = run_sets(&p, &o,
				   HS_ARGV("--no-namespace", "--no-new-privs", "--cap-drop=net_raw",
					   "--", GREP_CAPS));
	/* The bounding set stays full, but no_new_privs keeps execve from
	 * granting anything out of it. */
	cr_expect(got.bnd & BIT(CAP_NET_RAW_), "`%s`:\n%s", p.argv_str, S(p.out));
	expect_sets(&p, got, BIT(CAP_KILL_), got.bnd, BIT(CAP_KILL_), 1);
	hs_cleanup(&p);

	hs_run(&p, &o, HS_ARGV("--no-namespace", "--cap-drop=net_raw", "--", GREP_CAPS),
	       hs_ms(10000));
	cr_expect_eq(hs_code(&p), 125, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.out), S(p.err));
	cr_expect(!strstr(S(p.out), "CapAmb:"), "`%s`: the command ran:\n%s", p.argv_str,
		  S(p.out));
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "`%s`: stderr:\n%s", p.argv_str, S(p.err));
	cr_expect(strstr(S(p.err), "CAP_SETPCAP") && strstr(S(p.err), "--no-new-privs"),
		  "`%s`: stderr does not say why and what to do:\n%s", p.argv_str, S(p.err));
	hs_cleanup(&p);
}

/* PID 1 keeps only CAP_KILL in effect before the command's child exists,
 * and the child takes back the rest of its own effective set before
 * execve: a root command in a directory only CAP_DAC_OVERRIDE opens runs. */
Test(caps, root_command_in_a_directory_of_another_user_runs)
{
	need(BIT(CAP_DAC_OVERRIDE_));
	char dir[] = "/tmp/nsinit-dac-XXXXXX", path[64];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/job", dir);
	/* The directory is what takes CAP_DAC_READ_SEARCH (0755 for the file
	 * itself: valgrind checks a file's mode bits without root's override). */
	cr_assert(hs_write_file(path, "#!/bin/sh\necho ran\n", 0755));
	cr_assert(chown(path, 65534, 65534) == 0);
	cr_assert(chmod(dir, 0700) == 0 && chown(dir, 65534, 65534) == 0);
	const char *const *modes[] = { HS_ARGV("--", path), HS_ARGV("--no-namespace", "--", path) };
	for (size_t m = 0; m < 2; m++) {
		struct hs_proc p;
		hs_run(&p, NULL, modes[m], hs_ms(10000));
		cr_expect_eq(hs_code(&p), 0, "`%s`: %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
			     S(p.err));
		cr_expect_str_eq(S(p.out), "ran\n", "`%s`", p.argv_str);
		hs_cleanup(&p);
	}
	unlink(path);
	rmdir(dir);
}

/* no_new_privs set by the caller (systemd's NoNewPrivileges=, setpriv)
 * stands in for CAP_SETPCAP as --no-new-privs does: the bounding set may
 * stay, since execve cannot grant anything from it. */
Test(caps, no_new_privs_inherited_from_the_caller)
{
	need(BIT(CAP_NET_RAW_));
	struct hs_opts o = {.prefix = HS_ARGV("setpriv", "--no-new-privs", "--bounding-set=-setpcap")};
	struct hs_proc p;
	struct sets got = run_sets(&p, &o, HS_ARGV("--cap-drop=net_raw", "--", GREP_CAPS));
	cr_expect(!(got.prm & BIT(CAP_NET_RAW_)) && !(got.eff & BIT(CAP_NET_RAW_)),
		  "`%s`: the command kept cap_net_raw:\n%s", p.argv_str, S(p.out));
	cr_expect_eq(got.nnp, 1, "`%s`:\n%s", p.argv_str, S(p.out));
	hs_cleanup(&p);
}

/* The command may lose what PID 1 keeps: with no_new_privs and no
 * CAP_SETPCAP to lower the bounding set, a root command's execve gets the
 * bounding set cut down to the permitted set it had, so the child drops
 * CAP_KILL from its own permitted set, while PID 1 keeps it. */
Test(caps, command_loses_kill_that_pid1_keeps)
{
	need(BIT(CAP_KILL_));
	struct hs_opts o = {.prefix = HS_ARGV("setpriv", "--no-new-privs", "--bounding-set=-setpcap")};
	const char *const *modes[] = {
		HS_ARGV("--cap-drop=kill", "--", GREP_CAPS),
		HS_ARGV("--no-namespace", "--cap-drop=kill", "--", GREP_CAPS),
	};
	for (size_t m = 0; m < 2; m++) {
		struct hs_proc p;
		struct sets got = run_sets(&p, &o, modes[m]);
		cr_expect(!(got.prm & BIT(CAP_KILL_)) && !(got.eff & BIT(CAP_KILL_)),
			  "`%s`: the command kept cap_kill:\n%s", p.argv_str, S(p.out));
		hs_cleanup(&p);
	}

	/* PID 1 (nsinit itself here) still holds it, to signal the command. */
	struct hs_proc p;
	hs_run(&p, &o,
	       HS_ARGV("--no-namespace", "--cap-drop=kill", "--", "sh", "-c",
		       "grep CapEff /proc/$PPID/status"),
	       hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "`%s`: %s\n%s", p.argv_str, hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.out), "0000000000000020"), "`%s`: PID 1's %s", p.argv_str, S(p.out));
	hs_cleanup(&p);
}

/* ---- PID 1 ---- */

/* PID 1 drops its capabilities before the command can run: the probe reads
 * PID 1's sets once, at its start, and finds CAP_KILL alone. (PID 1 never
 * calls execve again, so its bounding set is left as it is.) */
static void expect_pid1_keeps_kill(const struct hs_opts *o, const char *const *args)
{
	struct hs_proc p;
	hs_run(&p, o, args, hs_ms(30000));
	cr_assert_eq(hs_code(&p), 0, "`%s`: exit %s\nstdout:\n%s\nstderr:\n%s", p.argv_str,
		     hs_status_str(&p), S(p.out), S(p.err));
	struct sets got = parse_sets(S(p.out));
	expect_sets(&p, got, BIT(CAP_KILL_), got.bnd, 0, 0);
	cr_expect(!strstr(S(p.err), "capabilit"), "`%s`: stderr:\n%s", p.argv_str, S(p.err));
	hs_cleanup(&p);
}

Test(caps, pid1_keeps_only_kill)
{
	expect_pid1_keeps_kill(NULL, HS_ARGV("--", hs_probe(), "caps", "1"));
}

Test(caps, pid1_keeps_only_kill_whatever_the_command_gets)
{
	expect_pid1_keeps_kill(NULL,
			       HS_ARGV("--cap-keep=sys_admin", "--", hs_probe(), "caps", "1"));
}

Test(caps, pid1_keeps_only_kill_without_namespace)
{
	/* Without a namespace, PID 1 is nsinit itself: the command's parent. */
	expect_pid1_keeps_kill(NULL, HS_ARGV("--no-namespace", "--", "sh", "-c",
					     "exec \"$0\" caps $PPID", hs_probe()));
}

Test(caps, pid1_keeps_only_kill_in_init_role)
{
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					      "--kill-child")};
	expect_pid1_keeps_kill(&o, HS_ARGV("--", hs_probe(), "caps", "1"));
}

Test(caps, pid1_keeps_only_kill_in_a_user_namespace)
{
	/* Root of a user namespace: its capabilities are the namespace's. */
	if (system("unshare --user --map-root-user true 2>/dev/null") != 0)
		cr_skip_test("no user namespaces here");
	struct hs_opts o = {.prefix = HS_ARGV("unshare", "--user", "--map-root-user")};
	expect_pid1_keeps_kill(&o, HS_ARGV("--", hs_probe(), "caps", "1"));
}

/* Without a relay, PID 1 removes the pid file itself at exit, after its drop:
 * from a directory of another user, that takes CAP_DAC_OVERRIDE. */
Test(caps, pid1_removes_its_pid_file_from_a_directory_of_another_user)
{
	char dir[] = "/tmp/nsinit-caps-XXXXXX", path[64], option[80];
	cr_assert(mkdtemp(dir), "mkdtemp");
	cr_assert(chown(dir, 65534, 65534) == 0 && chmod(dir, 0755) == 0, "chown");
	snprintf(path, sizeof path, "%s/nsinit.pid", dir);
	snprintf(option, sizeof option, "--pid-file=%s", path);

	struct hs_proc p;
	hs_run(&p, NULL,
	       HS_ARGV("--no-namespace", option, "--", "sh", "-c", "test -s \"$0\" && echo written",
		       path),
	       hs_ms(10000));
	bool written = strstr(S(p.out), "written\n") != NULL;
	bool left = access(path, F_OK) == 0;
	unlink(path);
	rmdir(dir);
	if (!written)
		cr_skip_test("--pid-file wrote no file: not supported by this build");
	cr_expect_eq(hs_code(&p), 0, "`%s`: exit %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
		     S(p.err));
	cr_expect(!left, "`%s`: the pid file is left behind; stderr:\n%s", p.argv_str, S(p.err));
	cr_expect(!strstr(S(p.err), "nsinit:"), "`%s`: stderr:\n%s", p.argv_str, S(p.err));
	hs_cleanup(&p);
}

/* SIGTERM to the relay reaches a command that became nobody. The relay sends
 * it by pidfd or, before the pidfd arrives, through PID 1. */
Test(caps, term_reaches_a_command_that_changed_uid)
{
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("--", AS_NOBODY, "sh", "-c", "echo ready; exec sleep 1000"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	cr_assert(kill(p.pid, SIGTERM) == 0, "kill");
	cr_assert(hs_wait(&p, hs_ms(5000)), "nsinit did not exit after SIGTERM; stderr:\n%s",
		  S(p.err));
	cr_expect_eq(hs_code(&p), 128 + SIGTERM, "exit %s, expected 143\nstderr:\n%s",
		     hs_status_str(&p), S(p.err));
	hs_cleanup(&p);
}

/* Without a namespace there is no relay: PID 1 itself forwards, after its
 * drop (it reads signals only from its loop). */
Test(caps, pid1_forwards_to_a_command_that_changed_uid)
{
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("--no-namespace", "--", AS_NOBODY, "sh", "-c",
			 "echo ready; exec sleep 1000"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready\n", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	cr_assert(kill(p.pid, SIGTERM) == 0, "kill");
	cr_assert(hs_wait(&p, hs_ms(5000)), "nsinit did not exit after SIGTERM; stderr:\n%s",
		  S(p.err));
	cr_expect_eq(hs_code(&p), 128 + SIGTERM, "exit %s, expected 143\nstderr:\n%s",
		     hs_status_str(&p), S(p.err));
	hs_cleanup(&p);
}

/* A leftover running as nobody that ignores SIGTERM: after the grace, PID 1
 * (with CAP_KILL alone) still SIGKILLs it, by kill(-1) in a namespace or
 * through the descendant walk (/proc/PID/task/TID/children and pidfds of
 * another uid's processes, no CAP_SYS_PTRACE) without one. */
static void expect_leftover_killed(const char *role)
{
	struct hs_proc p;
	hs_spawn(&p, NULL,
		 HS_ARGV("-v", role, "--kill-child=TERM", "--grace=300ms", "--", AS_NOBODY,
			 hs_probe(), "ignore-term-child"));
	cr_assert(hs_read_until(&p, HS_OUT, "armed ", hs_ms(10000)), "stdout:\n%s\nstderr:\n%s",
		  S(p.out), S(p.err));
	cr_assert(hs_read_until(&p, HS_OUT, "\n", hs_ms(5000)), "stdout:\n%s", S(p.out));
	long long armed = 0;
	cr_assert(sscanf(strstr(S(p.out), "armed "), "armed %lld", &armed) == 1, "stdout:\n%s",
		  S(p.out));
	cr_assert(hs_wait(&p, hs_ms(10000)), "`%s`: nsinit did not exit: the leftover survived;"
		  " stderr:\n%s", p.argv_str, S(p.err));
	long long elapsed = p.t_exit_ms - armed;
	cr_expect_eq(hs_code(&p), 0, "`%s`: exit %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
		     S(p.err));
	cr_expect_geq(elapsed, 300, "`%s`: exited %lld ms after the command: grace not honoured",
		      p.argv_str, elapsed);
	cr_expect_eq(hs_count_regex(S(p.err), "^nsinit: reaped orphan [0-9]+ \\(probe\\): "
					      "killed by SIGKILL$"),
		     1, "`%s`: the leftover was not SIGKILLed:\n%s", p.argv_str, S(p.err));
	cr_expect(!strstr(S(p.err), "capabilit"), "`%s`: stderr:\n%s", p.argv_str, S(p.err));
	hs_cleanup(&p);
}

Test(caps, leftover_of_another_uid_is_killed)
{
	expect_leftover_killed("--namespace");
}

Test(caps, leftover_of_another_uid_is_killed_without_namespace)
{
	expect_leftover_killed("--no-namespace");
}

/* Hostile conditions: forks refused, namespaces and /proc unavailable, a
 * command that cannot be executed, a closed or broken stderr, a relay or
 * PID 1 killed or stopped, signal bursts and orphan floods. In each case
 * the user sees the documented exit code and one clear line, and nothing
 * of the namespace is left behind. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void faults_fini(void);

TestSuite(faults, .fini = faults_fini, .timeout = HS_SUITE_TIMEOUT);


/* ------------------------------------------------------------- helpers */

/* Poll /proc/<pid>/stat (with a deadline) until the state letter is `want`,
 * or, with `want` == 0, until it is anything but 'T' and 't'. */
static bool wait_state(pid_t pid, char want, long ms)
{
	long long deadline = hs_now_ms() + ms;
	for (;;) {
		char st = hs_proc_state(pid);
		if (want ? st == want : (st != 'T' && st != 't'))
			return true;
		if (hs_now_ms() >= deadline)
			return false;
		poll(NULL, 0, 2); /* polling /proc with a deadline */
	}
}

/* Wait until no process of the PID namespace `ns` is left, reaping what is
 * reparented to us (the tests that kill the relay become subreapers). */
static int wait_ns_empty(struct hs_proc *p, const char *ns, long ms, int *zombies)
{
	long long deadline = hs_now_ms() + ms;
	int left;
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		left = hs_pids_in_ns(ns, NULL, 0, zombies);
		if (left == 0 || hs_now_ms() >= deadline)
			return left;
		/* Keep reading: PID 1 may still be logging into our pipe. */
		if (!hs_read_eof(p, HS_BOTH, 5))
			continue;
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	}
}

/* The PID namespace of nsinit's PID 1 (started as the relay p). */
static void pid1_ns(struct hs_proc *p, pid_t *pid1, char *ns, size_t n)
{
	*pid1 = hs_pid1(p, hs_ms(5000));
	cr_assert(*pid1 > 0, "the relay %d has no child (PID 1)", (int)p->pid);
	cr_assert(hs_ns_link(*pid1, "pid", ns, n), "cannot read the pid namespace of %d",
		  (int)*pid1);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/nsinit-faults-XXXXXX");
	cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
	cr_assert(chmod(tmpdir, 0755) == 0);
}

static void remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char sub[PATH_MAX];
			if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < sizeof sub)
				remove_tree(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	cr_assert(chmod(path, mode) == 0, "chmod %s: %s", path, strerror(errno));
}

/* ------------------------------------------------ a pids cgroup of our own */

static bool cg_remove(void);
static char cg_dir[PATH_MAX * 3]; /* the cgroup made for this test, or "" */
static char cg_procs[PATH_MAX * 3 + 16];

/* The path of our own cgroup from /proc/self/cgroup: cgroup v2's "0::PATH"
 * line (key "") or the v1 line whose controller list holds `key`. */
static bool own_cgroup(const char *key, char *out, size_t n)
{
	char *s = hs_slurp("/proc/self/cgroup");
	bool found = false;
	char *save = NULL;
	for (char *line = s ? strtok_r(s, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = 0;
		const char *id = line, *ctl = c1 + 1, *path = c2 + 1;
		bool match = false;
		if (!*key) {
			match = !strcmp(id, "0") && !*ctl;
		} else {
			char *save2 = NULL, list[256];
			snprintf(list, sizeof list, "%s", ctl);
			for (char *t = strtok_r(list, ",", &save2); t && !match;
			     t = strtok_r(NULL, ",", &save2))
				match = !strcmp(t, key);
		}
		if (match) {
			snprintf(out, n, "%s", strcmp(path, "/") ? path : "");
			found = true;
		}
	}
	free(s);
	return found;
}

static bool file_has_word(const char *path, const char *word)
{
	char *s = hs_slurp(path);
	bool has = false;
	for (char *t = s ? strtok(s, " \n") : NULL; t && !has; t = strtok(NULL, " \n"))
		has = !strcmp(t, word);
	free(s);
	return has;
}

static bool write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = write(fd, v, strlen(v)) == (ssize_t)strlen(v);
	close(fd);
	return ok;
}

/*
 * Make a child cgroup with pids.max = max: cgroup v2 (at /sys/fs/cgroup or,
 * on a hybrid host, /sys/fs/cgroup/unified) when the pids controller is
 * enabled for our cgroup's children, else the v1 pids hierarchy. Skips the
 * test when neither is usable.
 */
static void cg_make(long max)
{
	static const char *const v2_mounts[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	char own[PATH_MAX], parent[PATH_MAX * 2], path[PATH_MAX * 4];
	bool have = false;

	cg_dir[0] = 0;
	for (size_t i = 0; i < 2 && !have; i++) {
		snprintf(path, sizeof path, "%s/cgroup.controllers", v2_mounts[i]);
		if (access(path, F_OK) != 0 || !own_cgroup("", own, sizeof own))
			continue;
		snprintf(parent, sizeof parent, "%s%s", v2_mounts[i], own);
		snprintf(path, sizeof path, "%s/cgroup.subtree_control", parent);
		have = file_has_word(path, "pids");
	}
	if (!have && access("/sys/fs/cgroup/pids/cgroup.procs", F_OK) == 0 &&
	    own_cgroup("pids", own, sizeof own)) {
		snprintf(parent, sizeof parent, "/sys/fs/cgroup/pids%s", own);
		have = true;
	}
	if (!have)
		cr_skip_test("no usable pids cgroup: cgroup v2 without the pids controller in "
			     "our parent's cgroup.subtree_control, and no v1 pids hierarchy");
	snprintf(cg_dir, sizeof cg_dir, "%s/nsinit-faults-%d", parent, (int)getpid());
	if (mkdir(cg_dir, 0755) < 0) {
		int err = errno;
		cg_dir[0] = 0;
		cr_skip_test("cannot make a pids cgroup under %s: %s", parent, strerror(err));
	}
	char v[32];
	snprintf(v, sizeof v, "%ld", max);
	snprintf(path, sizeof path, "%s/pids.max", cg_dir);
	cr_assert(write_str(path, v), "cannot write %s: %s", path, strerror(errno));
	snprintf(cg_procs, sizeof cg_procs, "%s/cgroup.procs", cg_dir);
	/* Can a process be moved in at all (cgroup v2 delegation, v1 rights)? */
	pid_t c = fork();
	cr_assert(c >= 0, "fork: %s", strerror(errno));
	if (c == 0) {
		char me[16];
		snprintf(me, sizeof me, "%d", (int)getpid());
		_exit(write_str(cg_procs, me) ? 0 : 1);
	}
	int st;
	cr_assert(waitpid(c, &st, 0) == c);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		cg_remove();
		cr_skip_test("cannot move a process into the pids cgroup %s", parent);
	}
}

/* prep hook: move the process about to exec nsinit into the cgroup. */
static void cg_join(void *arg)
{
	(void)arg;
	char v[16];
	snprintf(v, sizeof v, "%d", (int)getpid());
	if (!write_str(cg_procs, v))
		_exit(124);
}

static long cg_read(const char *file)
{
	char path[PATH_MAX * 4];
	snprintf(path, sizeof path, "%s/%s", cg_dir, file);
	char *s = hs_slurp(path);
	long v = s ? atol(s) : -1;
	free(s);
	return v;
}

/* Kill whatever is left in the cgroup and remove it; true if it was empty. */
static bool cg_remove(void)
{
	if (!cg_dir[0])
		return true;
	bool was_empty = cg_read("pids.current") == 0;
	long long deadline = hs_now_ms() + 10000;
	while (rmdir(cg_dir) < 0 && errno == EBUSY && hs_now_ms() < deadline) {
		char *s = hs_slurp(cg_procs);
		for (char *t = s ? strtok(s, "\n") : NULL; t; t = strtok(NULL, "\n"))
			kill((pid_t)atol(t), SIGKILL);
		free(s);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		poll(NULL, 0, 5); /* polling the cgroup with a deadline */
	}
	cg_dir[0] = 0;
	return was_empty;
}

static void faults_fini(void)
{
	hs_fini();
	cg_remove();
	if (tmpdir[0])
		remove_tree(tmpdir);
}

/* Wait (deadline) until the cgroup holds no process, zombies included. */
static long cg_wait_empty(long ms)
{
	long long deadline = hs_now_ms() + ms;
	long n;
	while ((n = cg_read("pids.current")) != 0 && hs_now_ms() < deadline)
		poll(NULL, 0, 5); /* polling the cgroup with a deadline */
	return n;
}

/* ------------------------------------------------------- fork refused */

/*
 * The command forks until the pids limit refuses (EAGAIN), releases the
 * orphans it made, and makes as many again, which only works once PID 1 has
 * reaped the first ones (a zombie keeps its pid charged to the cgroup). It
 * leaves the second batch for the shutdown and exits 7.
 */
Test(faults, fork_refused_pid1_keeps_reaping_and_shuts_down)
{
	cg_make(32);
	struct hs_opts o = {.prep = cg_join};
	struct hs_proc p;
	hs_run(&p, &o, HS_ARGV("-v", "--", hs_probe(), "fork-limit", "200", "7"), hs_ms(60000));
	cr_assert_neq(hs_code(&p), 124, "could not move nsinit into %s", cg_dir);
	long ok = -1, failed = -1, ok2 = -1, retries = -1;
	const char *l1 = strstr(S(p.out), "phase1 "), *l2 = strstr(S(p.out), "phase2 ");
	cr_assert(l1 && sscanf(l1, "phase1 ok=%ld failed=%ld", &ok, &failed) == 2,
		  "exit %s\nstdout:\n%s\nstderr:\n%.3000s", hs_status_str(&p), S(p.out), S(p.err));
	cr_expect_gt(failed, 0, "the pids limit refused no fork: the test proves nothing");
	cr_expect_gt(ok, 0, "no fork succeeded under the limit");
	cr_expect(l2 && sscanf(l2, "phase2 ok=%ld retries=%ld", &ok2, &retries) == 2 && ok2 == ok,
		  "after releasing %ld orphans, only %ld could be made again: PID 1 did not "
		  "reap them\nstdout:\n%s\nstderr:\n%.3000s", ok, ok2, S(p.out), S(p.err));
	cr_expect_eq(hs_code(&p), 7, "nsinit: %s, expected the command's 7\nstderr:\n%.3000s",
		     hs_status_str(&p), S(p.err));
	/* PID 1 reaped the released orphans, then killed the second batch. */
	int exited = hs_count_regex(S(p.err), "^nsinit: reaped orphan [0-9]+ \\(probe\\): exited 0$");
	int killed = hs_count_regex(S(p.err),
				    "^nsinit: reaped orphan [0-9]+ \\(probe\\): killed by SIGKILL$");
	cr_expect_eq(exited, ok, "%d orphans reaped with 'exited 0', %ld were released:\n%.3000s",
		     exited, ok, S(p.err));
	cr_expect_eq(killed, ok2, "%d orphans killed at shutdown, %ld were left:\n%.3000s", killed,
		     ok2, S(p.err));
	cr_expect_eq(hs_count_matching(S(p.err), "cannot"), 0, "nsinit complained:\n%.3000s",
		     S(p.err));
	long left = cg_wait_empty(hs_ms(3000));
	cr_expect_eq(left, 0, "%ld processes are left in the cgroup after nsinit exited", left);
	hs_cleanup(&p);
	cr_expect(cg_remove(), "the cgroup was not empty");
}

/* Even the command's fork is refused: nsinit's own failure, 125, one line. */
Test(faults, fork_of_the_command_refused_is_125)
{
	/* The relay and PID 1 fit, the command does not. */
	cg_make(2);
	struct hs_opts o = {.prep = cg_join};
	struct hs_proc p;
	hs_run(&p, &o, HS_ARGV("--", "true"), hs_ms(20000));
	cr_assert_neq(hs_code(&p), 124, "could not move nsinit into %s", cg_dir);
	cr_expect_eq(hs_code(&p), 125, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "expected one line:\n%s", S(p.err));
	cr_expect(strstr(S(p.err), "nsinit: cannot fork the command: Resource temporarily "
			 "unavailable") && strstr(S(p.err), "pids.max"),
		  "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
	cr_expect_eq(cg_wait_empty(hs_ms(3000)), 0, "processes left in the cgroup");
	cg_remove();
}

/* Not even PID 1 can be made: 125 and one line naming the errno. */
Test(faults, clone_of_pid1_refused_is_125)
{
	cg_make(1);
	struct hs_opts o = {.prep = cg_join};
	struct hs_proc p;
	hs_run(&p, &o, HS_ARGV("--", "true"), hs_ms(20000));
	cr_assert_neq(hs_code(&p), 124, "could not move nsinit into %s", cg_dir);
	cr_expect_eq(hs_code(&p), 125, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_eq(hs_count_lines(S(p.err)), 1, "expected one line:\n%s", S(p.err));
	cr_expect(strstr(S(p.err), "nsinit: cannot create the namespaces: Resource temporarily "
			 "unavailable"),
		  "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
	cg_remove();
}

/* ------------------------------------------- namespaces and /proc refused */

/* Run `prefix nsinit args`; expect 125 and exactly one line with every needle. */
static void expect_125_o(const struct hs_opts *o, const char *const *args,
			 const char *const *needles)
{
	struct hs_proc p;
	const char *argv[32];
	/* Not asked for by name: the fallback, then the hard failure. */
	if (!strcmp(args[0], "--")) {
		hs_expect_fallback(o, args, needles[0]);
		args = hs_argv_with(argv, 32, "--namespace", args);
	}
	hs_run(&p, o, args, hs_ms(20000));
	cr_assert_neq(hs_code(&p), 124, "the test's prep hook failed");
	const char *err = S(p.err);
	cr_expect_eq(hs_code(&p), 125, "expected exit 125, got %s; stderr:\n%s", hs_status_str(&p),
		     err);
	cr_expect_eq(hs_count_lines(err), 1, "expected exactly one stderr line:\n%s", err);
	cr_expect(!strncmp(err, "nsinit: ", 8), "the line does not start with 'nsinit: ':\n%s", err);
	for (const char *const *n = needles; *n; n++)
		cr_expect(strstr(err, *n), "stderr lacks '%s':\n%s", *n, err);
	cr_expect_eq(p.out.len, 0, "the command ran:\n%s", S(p.out));
	hs_cleanup(&p);
}

static void expect_125(const char *const *prefix, const char *const *args,
		       const char *const *needles)
{
	struct hs_opts o = {.prefix = prefix};
	expect_125_o(&o, args, needles);
}

/* A root without a /proc directory (a bare chroot): PID 1 cannot mount one. */
Test(faults, no_proc_directory_is_named)
{
	if (hs_wrapped())
		cr_skip_test("valgrind needs /proc to start, and the chroot has none");
	if (getenv("NSINIT_SANITIZED") && *getenv("NSINIT_SANITIZED"))
		cr_skip_test("ASan needs /proc (its own warnings and LeakSanitizer), and the chroot "
			     "has none");
	make_tmpdir();
	/* A tmpfs root holding /usr (and the merged-/usr links), the directory
	 * of nsinit and nothing else; the root is a mount point, so only the
	 * /proc mount can fail. */
	char script[PATH_MAX * 5];
	char nsdir[PATH_MAX];
	snprintf(nsdir, sizeof nsdir, "%s", hs_nsinit());
	*strrchr(nsdir, '/') = 0;
	snprintf(script, sizeof script,
		 "set -e; r=%s; mount -t tmpfs tmpfs \"$r\"; mkdir -p \"$r/usr\" \"$r%s\"; "
		 "mount --rbind /usr \"$r/usr\"; mount --bind %s \"$r%s\"; "
		 "for l in bin sbin lib lib64; do if [ -L /$l ]; then ln -s \"$(readlink /$l)\" "
		 "\"$r/$l\"; elif [ -d /$l ]; then mkdir \"$r/$l\"; mount --rbind /$l \"$r/$l\"; "
		 "fi; done; exec chroot \"$r\" \"$0\" \"$@\"",
		 tmpdir, nsdir, nsdir, nsdir);
	expect_125(HS_ARGV("unshare", "--mount", "--propagation", "private", "sh", "-c", script),
		   HS_ARGV("--", "true"),
		   HS_ARGV("cannot mount a fresh /proc", "no /proc directory", "--no-namespace"));
}

/* Already PID 1 (of a namespace in a user namespace of the test's own), with
 * max_pid_namespaces set to 0 there: --namespace cannot be honoured. */
Test(faults, forced_namespace_under_the_pid_limit)
{
	expect_125(HS_ARGV("unshare", "--user", "--map-root-user", "--pid", "--fork",
			   "--mount-proc", "sh", "-c",
			   "echo 0 > /proc/sys/user/max_pid_namespaces && exec \"$0\" \"$@\""),
		   HS_ARGV("--namespace", "--", "true"),
		   HS_ARGV("cannot create a PID namespace", "No space left on device",
			   "/proc/sys/user/max_pid_namespaces is 0", "raise the limit"));
}

/* The mount namespace limit at 0: named, with its value. */
Test(faults, mount_namespace_limit_is_named)
{
	expect_125(HS_ARGV("unshare", "--user", "--map-root-user", "sh", "-c",
			   "echo 0 > /proc/sys/user/max_mnt_namespaces && exec \"$0\" \"$@\""),
		   HS_ARGV("--", "true"),
		   HS_ARGV("cannot create a mount namespace",
			   "/proc/sys/user/max_mnt_namespaces is 0", "raise the limit"));
}

/* prep hook: enter a new user namespace in which ids 0-65535 map to the
 * same host ids. Only a process outside may write such maps (it needs
 * CAP_SETUID over the parent namespace): a helper forked first does it. */
static void enter_userns_identity(void *arg)
{
	(void)arg;
	int go[2], done[2];
	if (pipe(go) < 0 || pipe(done) < 0)
		_exit(124);
	pid_t self = getpid(), helper = fork();
	if (helper < 0)
		_exit(124);
	if (helper == 0) {
		char b, path[64];
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(1);
		static const char *const maps[] = {"uid_map", "gid_map"};
		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof path, "/proc/%d/%s", (int)self, maps[i]);
			if (!write_str(path, "0 0 65536\n"))
				_exit(1);
		}
		_exit(0);
	}
	close(go[0]);
	if (unshare(CLONE_NEWUSER) < 0 || write(go[1], "g", 1) != 1)
		_exit(124);
	int st;
	if (waitpid(helper, &st, 0) != helper || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		_exit(124);
	close(go[1]);
	close(done[0]);
	close(done[1]);
}

/* User namespaces switched off (max_user_namespaces 0 in a user namespace of
 * the test's own, where uids 0-65535 are mapped) and nsinit run there as an
 * unprivileged user, who needs one. */
Test(faults, user_namespaces_off_for_an_unprivileged_user)
{
	struct hs_opts o = {
		.prep = enter_userns_identity,
		.prefix = HS_ARGV("sh", "-c",
				  "echo 0 > /proc/sys/user/max_user_namespaces && exec setpriv "
				  "--reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "
				  "\"$0\" \"$@\""),
	};
	expect_125_o(&o, HS_ARGV("--", "true"),
		   HS_ARGV("cannot create a user namespace", "No space left on device",
			   "/proc/sys/user/max_user_namespaces is 0"));
}

/* PID namespaces nest 32 deep: nsinit at the bottom cannot add a 33rd. */
Test(faults, pid_namespace_nesting_limit)
{
	/* Each level is `unshare --pid --fork` running this script again; at
	 * depth 32 it execs nsinit, which is PID 1 there and is forced to try. */
	const char *script =
		"d=${NSINIT_DEPTH:-0}; if [ \"$d\" -lt 32 ]; then export NSINIT_DEPTH=$((d+1)); "
		"exec unshare --pid --fork --kill-child sh -c \"$NSINIT_SCRIPT\" \"$0\" \"$@\"; fi; "
		"exec \"$0\" \"$@\"";
	char env_script[1024];
	snprintf(env_script, sizeof env_script, "NSINIT_SCRIPT=%s", script);
	struct hs_opts o = {.prefix = HS_ARGV("sh", "-c", script),
			    .env = (const char *const[]){env_script, "NSINIT_DEPTH=0", NULL}};
	struct hs_proc p;
	hs_run(&p, &o, HS_ARGV("--namespace", "--", "true"), hs_ms(30000));
	const char *err = S(p.err);
	cr_expect_eq(hs_code(&p), 125, "expected 125, got %s; stderr:\n%s", hs_status_str(&p), err);
	cr_expect_eq(hs_count_lines(err), 1, "expected one line:\n%s", err);
	cr_expect(strstr(err, "nsinit: cannot create "), "stderr:\n%s", err);
	cr_expect(strstr(err, "No space left on device"), "stderr:\n%s", err);
	cr_expect(strstr(err, "nesting"), "the nesting limit is not named:\n%s", err);
	hs_cleanup(&p);
}

/* --------------------------------------------- the command cannot run */

/* One line, `nsinit: cannot run '<name>': <reason>`, and the code. */
static void expect_cannot_run(const struct hs_opts *o, const char *const *args,
			      const char *name, int code, const char *reason)
{
	struct hs_proc p;
	hs_run(&p, o, args, hs_ms(20000));
	const char *err = S(p.err);
	char want[512];
	snprintf(want, sizeof want, "nsinit: cannot run '%s': %s", name, reason);
	cr_expect_eq(hs_code(&p), code, "'%s': expected %d, got %s; stderr:\n%.2000s", name, code,
		     hs_status_str(&p), err);
	cr_expect_eq(hs_count_lines(err), 1, "'%s': expected one stderr line:\n%.2000s", name, err);
	cr_expect(!strncmp(err, want, strlen(want)), "'%s': stderr is\n%.2000s\nexpected '%s...'",
		  name, err, want);
	cr_expect_eq(p.out.len, 0, "stdout:\n%s", S(p.out));
	hs_cleanup(&p);
}

/* A name looked up through PATH: a directory, a file without the exec bit,
 * and a script whose #! interpreter is missing (execvp goes on past the
 * first two; the shell reports all three the same way). */
Test(faults, command_through_path_cannot_run)
{
	make_tmpdir();
	char path[PATH_MAX], file[PATH_MAX], env_path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/dircmd", tmpdir);
	cr_assert(mkdir(path, 0755) == 0);
	snprintf(file, sizeof file, "%s/noexeccmd", tmpdir);
	write_file(file, "#!/bin/sh\nexit 0\n", 0644);
	snprintf(file, sizeof file, "%s/badinterpcmd", tmpdir);
	write_file(file, "#!/nonexistent-interpreter-xyz\nexit 0\n", 0755);
	snprintf(env_path, sizeof env_path, "PATH=%s:%s", tmpdir, getenv("PATH"));
	struct hs_opts o = {.env = (const char *const[]){env_path, NULL}};
	for (int r = 0; r < 2; r++) {
		/* argv: [--no-namespace] -- NAME */
		const char *a[4] = {"--no-namespace", "--", NULL, NULL};
		const char **args = r ? a : a + 1;
		a[2] = "dircmd";
		expect_cannot_run(&o, args, "dircmd", 126, "it is a directory");
		a[2] = "noexeccmd";
		expect_cannot_run(&o, args, "noexeccmd", 126,
				  "it is not executable (mode 0644)");
		/* Through PATH the file exists but the name has no '/': 127 and
		 * one line; the reason may name either the script or the
		 * interpreter. A failed #! exec kills valgrind (test_exit.c). */
		a[2] = "badinterpcmd";
		if (!hs_wrapped())
			expect_cannot_run(&o, args, "badinterpcmd", 127, "");
	}
}

/* The same by path, in both roles (test_exit covers the default role). */
Test(faults, command_by_path_cannot_run_without_namespace)
{
	make_tmpdir();
	char file[PATH_MAX], dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/dir", tmpdir);
	cr_assert(mkdir(dir, 0755) == 0);
	expect_cannot_run(NULL, HS_ARGV("--no-namespace", "--", dir), dir, 126,
			  "it is a directory");
	snprintf(file, sizeof file, "%s/noexec.sh", tmpdir);
	write_file(file, "#!/bin/sh\nexit 0\n", 0644);
	expect_cannot_run(NULL, HS_ARGV("--no-namespace", "--", file), file, 126,
			  "it is not executable (mode 0644)");
	if (hs_wrapped())
		return; /* a missing #! interpreter kills valgrind itself (test_exit.c) */
	snprintf(file, sizeof file, "%s/badinterp.sh", tmpdir);
	write_file(file, "#!/nonexistent-interpreter-xyz\nexit 0\n", 0755);
	expect_cannot_run(NULL, HS_ARGV("--no-namespace", "--", file), file, 127,
			  "its #! interpreter '/nonexistent-interpreter-xyz' was not found");
}

/* execve(path, argv, envp) in a child: its errno, 0 if it ran. */
static int try_exec(const char *path, char **argv, char **envp)
{
	int ep[2];
	cr_assert(pipe2(ep, O_CLOEXEC) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execve(path, argv, envp);
		int err = errno;
		(void)!write(ep[1], &err, sizeof err);
		_exit(127);
	}
	close(ep[1]);
	int err = 0;
	ssize_t n;
	while ((n = read(ep[0], &err, sizeof err)) < 0 && errno == EINTR)
		;
	close(ep[0]);
	waitpid(pid, NULL, 0);
	return n == (ssize_t)sizeof err ? err : 0;
}

/* argv in buf: the words of head, then `fill` bytes of filler words (each
 * with its NUL, at most 100,000: one string may not pass 128 KiB). */
static char **filled_argv(char **buf, const char *const *head, char *pool, size_t fill)
{
	size_t k = 0;
	for (; *head; head++)
		buf[k++] = (char *)(uintptr_t)*head;
	memset(pool, 'a', fill);
	for (size_t at = 0; at < fill; at += 100000) {
		size_t end = at + 100000 < fill ? at + 100000 : fill;
		pool[end - 1] = 0;
		buf[k++] = pool + at;
	}
	buf[k] = NULL;
	return buf;
}

/*
 * E2BIG. nsinit's own argv holds the command's, so the command can only be
 * too large where its exec adds to it: here its path, found through PATH in
 * a directory nested 3.6 KiB deep. nsinit is started with the most filler
 * its own exec takes, found by trying it, so that nsinit starts and the
 * command's execve fails.
 */
Test(faults, argv_too_large_is_126_with_one_line)
{
	if (hs_wrapped())
		cr_skip_test("valgrind re-executes itself with arguments and an environment of "
			     "its own, so no argv can be sized to fit nsinit's exec but not the "
			     "command's");
	make_tmpdir();
	char dir[PATH_MAX];
	size_t len = (size_t)snprintf(dir, sizeof dir, "%s", tmpdir);
	while (len < 3600) {
		dir[len++] = '/';
		memset(dir + len, 'd', 200);
		len += 200;
		dir[len] = 0;
		cr_assert(mkdir(dir, 0755) == 0, "mkdir: %s", strerror(errno));
	}
	static char name[] = "nsinit-e2big-cmd";
	char cmdpath[PATH_MAX + 64];
	snprintf(cmdpath, sizeof cmdpath, "%s/%s", dir, name);
	cr_assert(symlink("/bin/true", cmdpath) == 0, "symlink: %s", strerror(errno));

	/* The environment the harness gives nsinit: ours, PATH replaced. */
	static char env_path[PATH_MAX * 2];
	snprintf(env_path, sizeof env_path, "PATH=%s:%s", dir, getenv("PATH"));
	const char *extra[] = {env_path, NULL};
	size_t e = 0;
	while (environ[e])
		e++;
	char **envp = calloc(e + 2, sizeof *envp);
	cr_assert(envp);
	e = 0;
	for (char **x = environ; *x; x++)
		if (strncmp(*x, "PATH=", 5) != 0)
			envp[e++] = *x;
	envp[e++] = env_path;

	/* 8 MiB: more than any exec takes (the kernel stops at 6 MiB). */
	const size_t most = 8UL << 20;
	char *pool = malloc(most), **argv = calloc(most / 100000 + 8, sizeof *argv);
	cr_assert(pool && argv);
	for (int r = 0; r < 2; r++) {
		const char *opt = r ? "--no-namespace" : "--";
		/* nsinit's argv as hs_run makes it, and the command's. */
		const char *const run_head[] = {opt, "--", name, NULL};
		const char *const *args = r ? run_head : run_head + 1;
		const char *nsinit_head[5] = {hs_nsinit()};
		memcpy(nsinit_head + 1, args, (r ? 4 : 3) * sizeof *args);
		const char *const cmd_head[] = {name, NULL};
		/* The most filler nsinit's exec takes, within 256 bytes: fits at
		 * lo, refused at hi. The command after "--" runs too, and fails or
		 * not: only nsinit's own exec counts here. */
		size_t lo = 0, hi = most;
		while (hi - lo > 256) {
			size_t mid = lo + (hi - lo) / 2;
			if (try_exec(hs_nsinit(), filled_argv(argv, nsinit_head, pool, mid), envp) ==
			    E2BIG)
				hi = mid;
			else
				lo = mid;
		}
		cr_assert(lo > 0 && hi < most, "%s: no argv size fits nsinit but not more", opt);

		/* The premise, checked: the command's own exec is too large. */
		int err = try_exec(cmdpath, filled_argv(argv, cmd_head, pool, lo), envp);
		cr_assert_eq(err, E2BIG, "test premise: exec of the command should fail with E2BIG, "
			     "got %s", err ? strerror(err) : "success");

		struct hs_opts o = {.env = extra};
		struct hs_proc p;
		hs_run(&p, &o, (const char *const *)filled_argv(argv, args, pool, lo), hs_ms(20000));
		const char *serr = S(p.err);
		char want[256];
		snprintf(want, sizeof want, "nsinit: cannot run '%s': Argument list too long\n",
			 name);
		cr_expect_eq(hs_code(&p), 126, "%s: expected 126, got %s; stderr:\n%.1000s", opt,
			     hs_status_str(&p), serr);
		cr_expect_str_eq(serr, want, "%s: stderr:\n%.1000s", opt, serr);
		hs_cleanup(&p);
	}
	free(pool);
	free(argv);
	free(envp);
}

/* --------------------------------------------------- stderr unusable */

static void close_stderr(void *arg)
{
	(void)arg;
	close(STDERR_FILENO);
}

/* stderr a pipe nobody reads: every write fails with EPIPE (and raises
 * SIGPIPE, which nsinit has blocked). */
static void broken_stderr(void *arg)
{
	(void)arg;
	int pp[2];
	if (pipe(pp) < 0 || dup2(pp[1], STDERR_FILENO) < 0)
		_exit(124);
	close(pp[0]);
	close(pp[1]);
}

/*
 * With -v and lots of events (300 orphans reaped, 400 signals forwarded),
 * logging into an unusable stderr never costs the command anything: it
 * runs to its end, its exit code comes out, nothing is left.
 */
static void stderr_unusable(hs_prep_fn prep, bool verbose)
{
	struct hs_opts o = {.prep = prep};
	struct hs_proc p;
	hs_spawn(&p, &o,
		 verbose ? HS_ARGV("-v", "--", hs_probe(), "orphan-burst", "300", "7")
			 : HS_ARGV("--", hs_probe(), "orphan-burst", "300", "7"));
	/* Ignored by default, so the probe lives on; each one is an event. */
	for (int i = 0; i < 200 && !p.exited; i++) {
		kill(p.pid, SIGWINCH);
		kill(p.pid, SIGURG);
	}
	cr_assert(hs_wait(&p, hs_ms(60000)), "nsinit did not exit; stdout:\n%s", S(p.out));
	cr_expect(hs_read_eof(&p, HS_OUT, hs_ms(5000)), "stdout still open: something survived");
	cr_expect_eq(hs_code(&p), 7, "nsinit %s: expected the command's 7; stdout:\n%s",
		     hs_status_str(&p), S(p.out));
	cr_expect_str_eq(S(p.out), "left=0 zombies=0\n", "the command did not run to its end");
	hs_cleanup(&p);
}

#define SKIP_IF_VALGRIND_NEEDS_STDERR()                                                    \
	do {                                                                               \
		if (hs_wrapped())                                                          \
			cr_skip_test("valgrind itself exits 127 when fd 2 is closed");      \
	} while (0)

Test(faults, stderr_closed_verbose)
{
	SKIP_IF_VALGRIND_NEEDS_STDERR();
	stderr_unusable(close_stderr, true);
}

Test(faults, stderr_closed_quiet)
{
	SKIP_IF_VALGRIND_NEEDS_STDERR();
	stderr_unusable(close_stderr, false);
}

Test(faults, stderr_broken_pipe_verbose)
{
	stderr_unusable(broken_stderr, true);
}

/* With fd 2 closed, the command finds it closed too: none of nsinit's own
 * fds took its place. */
Test(faults, stderr_closed_stays_closed_for_the_command)
{
	SKIP_IF_VALGRIND_NEEDS_STDERR();
	struct hs_opts o = {.prep = close_stderr};
	const char *const *variants[] = {HS_ARGV("--", hs_probe(), "status"),
					 HS_ARGV("-v", "--", hs_probe(), "status"),
					 HS_ARGV("--no-namespace", "--", hs_probe(), "status")};
	for (size_t i = 0; i < 3; i++) {
		struct hs_proc p;
		hs_run(&p, &o, variants[i], hs_ms(20000));
		cr_expect_eq(hs_code(&p), 0, "`%s`: %s\nstdout:\n%s", p.argv_str, hs_status_str(&p),
			     S(p.out));
		char line[256] = "";
		hs_find_line(S(p.out), "fds:", line, sizeof line);
		cr_expect_str_eq(line, "fds: 0 1", "`%s`: the command's fds:\n%s", p.argv_str,
				 S(p.out));
		hs_cleanup(&p);
	}
}

/* ------------------------------------------- the relay and PID 1 hit */

/* Start `nsinit -v -- probe ARGS`, wait for the probe's "ready" and the
 * relay's pidfd hand-off, so that from now on every signal to the relay
 * takes one path, straight to the command. Under valgrind, which lacks
 * pidfd_open, there is no hand-off: every signal goes through PID 1, one
 * path too. Returns whether the relay signals the command directly. */
static bool start_verbose(struct hs_proc *p, const struct hs_opts *o, const char *const *args)
{
	hs_spawn(p, o, args);
	cr_assert(hs_read_until(p, HS_OUT, "ready\n", hs_ms(10000)),
		  "no 'ready' (%s)\nstdout:\n%s\nstderr:\n%s", hs_status_str(p), S(p->out),
		  S(p->err));
	if (hs_wrapped())
		return false;
	cr_assert(hs_read_until(p, HS_ERR, "signals go to it directly\n", hs_ms(10000)),
		  "the relay never got the command's pidfd\nstderr:\n%s", S(p->err));
	return true;
}

/* The probe's barrier: a real-time signal above every one the tests count.
 * Not SIGRTMAX, which valgrind keeps for itself. */
#define BARRIER (SIGRTMIN + 8)
#define BARRIER_ARG "RTMIN+8"

/* Counts from the probe's last "round" report: count of `name`, 0 if none. */
static long count_of(const char *out, const char *name)
{
	const char *last = NULL, *s = out;
	while ((s = strstr(s, "round ")))
		last = s++;
	if (!last)
		return -1;
	char needle[64];
	snprintf(needle, sizeof needle, "\ncount %s ", name);
	const char *c = strstr(last, needle);
	return c ? atol(c + strlen(needle)) : 0;
}

/* The relay is SIGKILLed while the command makes 3000 orphans that exit:
 * the caller sees the kill, and the whole namespace goes with the relay. */
Test(faults, relay_sigkill_during_an_orphan_storm)
{
	cr_assert(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "prctl: %s", strerror(errno));
	struct hs_opts o = {.stdin_pipe = true};
	struct hs_proc p;
	start_verbose(&p, &o, HS_ARGV("-v", "--", hs_probe(), "orphan-batches"));
	pid_t pid1;
	char ns[128];
	pid1_ns(&p, &pid1, ns, sizeof ns);
	cr_assert_eq(write(p.in_fd, "3000\n", 5), 5);
	/* Kill once the storm is under way: the first orphan reaped. */
	cr_assert(hs_read_until(&p, HS_ERR, "reaped orphan", hs_ms(20000)),
		  "no orphan was reaped\nstderr:\n%.2000s", S(p.err));
	cr_assert(kill(p.pid, SIGKILL) == 0);
	cr_assert(hs_wait(&p, hs_ms(5000)), "the relay did not die");
	cr_expect_eq(hs_code(&p), -SIGKILL, "the caller sees %s", hs_status_str(&p));
	int zombies = 0, left = wait_ns_empty(&p, ns, hs_ms(10000), &zombies);
	cr_expect_eq(left, 0, "%d processes (%d zombies) of the namespace survive the relay", left,
		     zombies);
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(5000)), "stdout/stderr still open");
	hs_cleanup(&p);
}

/*
 * The relay is stopped: signals sent meanwhile wait in its queue and are
 * forwarded after SIGCONT (or not at all); a later signal certainly arrives,
 * and the command's exit code still comes out.
 */
Test(faults, relay_stopped_and_continued)
{
	struct hs_proc p;
	start_verbose(&p, NULL, HS_ARGV("-v", "--", hs_probe(), "sigcount", BARRIER_ARG, "1", "9"));
	pid_t pid1;
	char ns[128];
	pid1_ns(&p, &pid1, ns, sizeof ns);
	cr_assert(kill(p.pid, SIGSTOP) == 0);
	cr_assert(wait_state(p.pid, 'T', hs_ms(5000)), "the relay did not stop");
	for (int i = 0; i < 3; i++)
		cr_assert(kill(p.pid, SIGUSR1) == 0);
	cr_expect_eq(hs_proc_state(p.pid), 'T', "the relay ran while stopped");
	cr_assert(kill(p.pid, SIGCONT) == 0);
	cr_assert(wait_state(p.pid, 0, hs_ms(5000)), "the relay did not continue");
	cr_assert(kill(p.pid, SIGUSR2) == 0);
	union sigval v = {.sival_int = 0};
	cr_assert(sigqueue(p.pid, BARRIER, v) == 0);
	cr_assert(hs_read_until(&p, HS_OUT, "end 1\n", hs_ms(10000)),
		  "the command never got the barrier\nstdout:\n%s\nstderr:\n%s", S(p.out),
		  S(p.err));
	cr_expect_eq(count_of(S(p.out), "SIGUSR2"), 1, "SIGUSR2 after SIGCONT:\n%s", S(p.out));
	cr_expect_leq(count_of(S(p.out), "SIGUSR1"), 1, "SIGUSR1 (sent while stopped):\n%s",
		      S(p.out));
	cr_assert(hs_wait(&p, hs_ms(5000)), "nsinit did not exit");
	cr_expect_eq(hs_code(&p), 9, "nsinit %s, the command exited 9\nstderr:\n%s",
		     hs_status_str(&p), S(p.err));
	int zombies = 0, left = wait_ns_empty(&p, ns, hs_ms(3000), &zombies);
	cr_expect_eq(left, 0, "%d processes (%d zombies) of the namespace are left", left, zombies);
	hs_cleanup(&p);
}

/* The command exits while the relay is stopped: PID 1 finishes on its own
 * and waits, a zombie, for the relay; after SIGCONT the code comes out. */
Test(faults, command_exits_while_the_relay_is_stopped)
{
	struct hs_proc p;
	start_verbose(&p, NULL, HS_ARGV("-v", "--", hs_probe(), "sigcount", BARRIER_ARG, "1", "4"));
	pid_t pid1;
	char ns[128];
	pid1_ns(&p, &pid1, ns, sizeof ns);
	pid_t cmd = hs_child_of(pid1, hs_ms(5000));
	cr_assert(cmd > 0, "PID 1 has no child");
	cr_assert(kill(p.pid, SIGSTOP) == 0);
	cr_assert(wait_state(p.pid, 'T', hs_ms(5000)), "the relay did not stop");
	union sigval v = {.sival_int = 0};
	cr_assert(sigqueue(cmd, BARRIER, v) == 0, "sigqueue: %s", strerror(errno));
	cr_expect(wait_state(pid1, 'Z', hs_ms(5000)),
		  "PID 1 did not finish while the relay was stopped (state %c)",
		  hs_proc_state(pid1));
	int zombies = 0;
	cr_expect_eq(hs_pids_in_ns(ns, NULL, 0, &zombies), 1, "more than PID 1 is left");
	cr_expect_eq(hs_proc_state(p.pid), 'T', "the relay ran while stopped");
	cr_assert(kill(p.pid, SIGCONT) == 0);
	cr_assert(hs_wait(&p, hs_ms(5000)), "the relay did not exit after SIGCONT");
	cr_expect_eq(hs_code(&p), 4, "nsinit %s, the command exited 4\nstderr:\n%s",
		     hs_status_str(&p), S(p.err));
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(3000)), "stdout/stderr still open");
	cr_expect(strstr(S(p.out), "end 1\n"), "stdout:\n%s", S(p.out));
	int left = wait_ns_empty(&p, ns, hs_ms(3000), &zombies);
	cr_expect_eq(left, 0, "%d processes of the namespace are left", left);
	hs_cleanup(&p);
}

/*
 * PID 1 is stopped from outside. Meanwhile the command makes 200 orphans
 * that exit, and exits 5 itself: 201 zombies wait for PID 1. After SIGCONT,
 * every one is reaped, and the command's code comes out.
 */
Test(faults, pid1_stopped_and_continued)
{
	struct hs_proc p;
	bool direct = start_verbose(&p, NULL, HS_ARGV("-v", "--", hs_probe(), "zombies-on-usr1",
						      "200", "5"));
	pid_t pid1;
	char ns[128];
	pid1_ns(&p, &pid1, ns, sizeof ns);
	pid_t cmd = hs_child_of(pid1, hs_ms(5000));
	cr_assert(cmd > 0, "PID 1 has no child");
	cr_assert(kill(pid1, SIGSTOP) == 0, "kill: %s", strerror(errno));
	cr_assert(wait_state(pid1, 'T', hs_ms(5000)), "PID 1 did not stop (state %c)",
		  hs_proc_state(pid1));
	/* Through the relay's pidfd, straight to the command; without pidfds
	 * (valgrind) the relay would go through the stopped PID 1: signal the
	 * command from here then. */
	cr_assert(kill(direct ? p.pid : cmd, SIGUSR1) == 0);
	cr_assert(hs_read_until(&p, HS_OUT, "zombies=200\n", hs_ms(30000)),
		  "the orphans did not turn into zombies\nstdout:\n%s", S(p.out));
	int zombies = 0, n = 0;
	long long deadline = hs_now_ms() + hs_ms(5000);
	while ((n = hs_pids_in_ns(ns, NULL, 0, &zombies), zombies < 201) && hs_now_ms() < deadline)
		poll(NULL, 0, 5); /* polling /proc with a deadline */
	cr_expect_eq(zombies, 201, "expected 201 zombies (orphans and the command), got %d of %d",
		     zombies, n);
	cr_expect_eq(hs_proc_state(pid1), 'T', "PID 1 ran while stopped");
	cr_assert(kill(pid1, SIGCONT) == 0);
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit after SIGCONT");
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(5000)), "stdout/stderr still open");
	cr_expect_eq(hs_code(&p), 5, "nsinit %s, the command exited 5\nstderr:\n%.3000s",
		     hs_status_str(&p), S(p.err));
	int reaped = hs_count_regex(S(p.err), "^nsinit: reaped orphan [0-9]+ \\(probe\\): exited 0$");
	cr_expect_eq(reaped, 200, "%d of 200 orphans reaped:\n%.3000s", reaped, S(p.err));
	cr_expect(strstr(S(p.err), "nsinit: command 2 exited 5\n"), "stderr:\n%.3000s", S(p.err));
	int left = wait_ns_empty(&p, ns, hs_ms(3000), &zombies);
	cr_expect_eq(left, 0, "%d processes (%d zombies) of the namespace are left", left, zombies);
	hs_cleanup(&p);
}

/* ------------------------------------------------------ signal burst */

/* The standard signals a relay forwards (not SIGCHLD, which it keeps, nor
 * the fault signals, which kill it, nor KILL and STOP). */
static const int std_signals[] = {SIGHUP,  SIGINT,    SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE,
				  SIGALRM, SIGTERM,   SIGSTKFLT, SIGCONT, SIGTSTP, SIGTTIN,
				  SIGTTOU, SIGURG,    SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF,
				  SIGWINCH, SIGIO, SIGPWR};
#define N_STD (sizeof std_signals / sizeof std_signals[0])

/* The probe's name for a signal: "SIGTERM"; glibc calls 29 "POLL", the
 * probe too (sigabbrev_np). */
static void sig_name_of(int sig, char *buf, size_t n)
{
	snprintf(buf, n, "SIG%s", sigabbrev_np(sig));
}

static bool is_job_control(int sig)
{
	return sig == SIGCONT || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/*
 * 1,000 mixed signals to the relay: 500 standard ones of 21 kinds and 500
 * real-time ones (RTMIN+1..+4, sent with sigqueue). Meanwhile 100 x RTMIN+5
 * and 10 x SIGUSR2 go straight to PID 1, which forwards them too. Each
 * standard kind arrives at least once, every real-time signal exactly once,
 * and PID 1 still answers: the command's exit is seen at once.
 *
 * The kernel's own coalescing goes further for job control: queueing SIGCONT
 * discards a pending SIGTSTP, SIGTTIN or SIGTTOU, and queueing one of those
 * discards a pending SIGCONT (at the relay and again at the command). So of
 * those four kinds only the last one sent is sure to arrive.
 */
Test(faults, burst_of_a_thousand_mixed_signals)
{
	struct hs_proc p;
	/* --grace: without pidfds (valgrind) SIGTERM, SIGINT and SIGQUIT reach
	 * PID 1, which would stop the command after the default 5 s grace. */
	start_verbose(&p, NULL, HS_ARGV("-v", "--grace=10m", "--", hs_probe(), "sigcount",
					BARRIER_ARG, "2", "3"));
	pid_t pid1;
	char ns[128];
	pid1_ns(&p, &pid1, ns, sizeof ns);
	int std_sent[N_STD] = {0};
	int rt_sent[6] = {0}, last_jc = 0;
	union sigval v = {.sival_int = 0};
	for (int i = 0; i < 1000; i++) {
		if (i % 2 == 0) {
			size_t k = (size_t)(i / 2) % N_STD;
			cr_assert(kill(p.pid, std_signals[k]) == 0, "kill: %s", strerror(errno));
			std_sent[k]++;
			if (is_job_control(std_signals[k]))
				last_jc = std_signals[k];
		} else {
			int k = 1 + (i / 2) % 4;
			v.sival_int = i;
			cr_assert(sigqueue(p.pid, SIGRTMIN + k, v) == 0, "sigqueue: %s",
				  strerror(errno));
			rt_sent[k]++;
		}
		if (i % 10 == 0) {
			cr_assert(sigqueue(pid1, SIGRTMIN + 5, v) == 0, "sigqueue PID 1: %s",
				  strerror(errno));
			rt_sent[5]++;
		}
		if (i % 100 == 0) {
			cr_assert(kill(pid1, SIGUSR2) == 0);
		}
	}
	/* One barrier per path: each is forwarded after everything sent on
	 * its path before it, and the command takes lower numbers first. */
	cr_assert(sigqueue(p.pid, BARRIER, v) == 0);
	cr_assert(sigqueue(pid1, BARRIER, v) == 0);
	cr_assert(hs_read_until(&p, HS_OUT, "end 2\n", hs_ms(20000)),
		  "the barriers did not both arrive (%s)\nstdout:\n%s\nstderr (end):\n%s",
		  hs_status_str(&p), S(p.out), p.err.len > 3000 ? S(p.err) + p.err.len - 3000 : S(p.err));
	long long t_end = hs_now_ms();
	const char *out = S(p.out);
	char name[32];
	for (size_t k = 0; k < N_STD; k++) {
		int sig = std_signals[k];
		if (is_job_control(sig) && sig != last_jc)
			continue;
		sig_name_of(sig, name, sizeof name);
		cr_expect_geq(count_of(out, name), 1, "%s sent %d times, never arrived:\n%s", name,
			      std_sent[k], out);
	}
	int jc = 0;
	for (size_t k = 0; k < N_STD; k++)
		if (is_job_control(std_signals[k])) {
			sig_name_of(std_signals[k], name, sizeof name);
			jc += (int)count_of(out, name);
		}
	cr_expect_geq(jc, 1, "no job control signal arrived");
	cr_expect_geq(count_of(out, "SIGUSR2"), 1, "SIGUSR2 through PID 1 never arrived");
	for (int k = 1; k <= 5; k++) {
		snprintf(name, sizeof name, "SIGRTMIN+%d", k);
		cr_expect_eq(count_of(out, name), rt_sent[k], "%s: sent %d, arrived %ld:\n%s", name,
			     rt_sent[k], count_of(out, name), out);
	}
	cr_assert(hs_wait(&p, hs_ms(5000)), "nsinit did not exit after the command");
	cr_expect_lt(p.t_exit_ms - t_end, hs_ms(2000), "PID 1 took %lld ms to see the exit",
		     p.t_exit_ms - t_end);
	cr_expect_eq(hs_code(&p), 3, "nsinit %s, the command exited 3", hs_status_str(&p));
	cr_expect_eq(hs_count_matching(S(p.err), "cannot"), 0, "nsinit complained:\n%.3000s",
		     S(p.err));
	int zombies = 0, left = wait_ns_empty(&p, ns, hs_ms(3000), &zombies);
	cr_expect_eq(left, 0, "%d processes of the namespace are left", left);
	hs_cleanup(&p);
}

/* ------------------------------------------------------ orphan flood */

/* Thousands of orphans whose exits coalesce into few SIGCHLDs: each one is
 * reaped and logged. (The soak, in CI, makes 100,000 in bursts of 5,000.) */

Test(faults, three_thousand_orphans_exit_at_once)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("-v", "--", hs_probe(), "orphan-burst", "3000", "7"),
	       hs_ms(120000));
	cr_expect_eq(hs_code(&p), 7, "nsinit %s, the command exited 7; stdout:\n%s",
		     hs_status_str(&p), S(p.out));
	cr_expect_str_eq(S(p.out), "left=0 zombies=0\n", "the orphans were not all reaped");
	int lines = hs_count_matching(S(p.err), "reaped orphan");
	int ok = hs_count_regex(S(p.err), "^nsinit: reaped orphan [0-9]+ \\(probe\\): exited 0$");
	cr_expect_eq(lines, 3000, "%d 'reaped orphan' lines for 3000 orphans", lines);
	cr_expect_eq(ok, 3000, "%d of them read '... (probe): exited 0'", ok);
	cr_expect(strstr(S(p.err), "nsinit: command 2 exited 7\n"), "no 'command 2 exited 7'");
	hs_cleanup(&p);
}

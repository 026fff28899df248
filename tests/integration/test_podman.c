/*
 * nsinit under a real container runtime (podman with runc), both ways people
 * use an init:
 *
 *   init_*     podman run --init --init-path=$NSINIT IMAGE CMD: nsinit is PID 1
 *              (comm "podman-init", as podman mounts it at /run/podman-init)
 *   entry_*    an image whose ENTRYPOINT is ["/nsinit", "--"]
 *   fallback_* that image under `podman run --init`: podman's catatonit is
 *              PID 1, nsinit is not and can make no namespace, so it runs as
 *              a subreaper with one warning line
 *   kube_*     the Pods of packaging/kubernetes/ under `podman kube play`:
 *              nsinit as PID 1 of the container, and (kube_shared_*) in a pod
 *              with shareProcessNamespace, where the pause process is PID 1
 *   scratch_*  the image of packaging/container/Containerfile
 *
 * Only with NSINIT_PODMAN set (make check-podman, which runs
 * tests/podman/setup.sh first to import localhost/nsinit-bb and
 * localhost/nsinit-entry, build localhost/nsinit-scratch and write the
 * containers.conf that CONTAINERS_CONF names for the kube_* tests); otherwise,
 * and where podman cannot run a trivial container, every test is skipped.
 *
 * Commands run in the container are busybox sh scripts; they synchronise on
 * pipes (stdout "ready", stdin EOF, a FIFO) and never sleep. The 8 s TERM
 * handlers sleep, but as the workload whose length is measured, not to wait
 * for anything. Each test has its own container (or pod) name; the container
 * is run with --rm, removed first in case a killed run left it, and removed
 * again by the suite's .fini whatever happened.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void podman_fini(void);

TestSuite(podman, .fini = podman_fini, .timeout = HS_SUITE_TIMEOUT);

/* The only way podman works here (and on CI): runc, cgroupfs, no network. */
#define PODMAN "podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs"
#define RUN_OPTS                                                                             \
	"run", "--rm", "--pull=never", "--network", "none", "--ulimit", "nofile=1024:1024",  \
		"--ulimit", "nproc=1024:1024"
#define IMAGE_BB "localhost/nsinit-bb"
#define IMAGE_ENTRY "localhost/nsinit-entry"
#define IMAGE_SCRATCH "localhost/nsinit-scratch"

/* Deadlines (ms). A container starts in well under a second here. */
#define T_RUN 60000   /* a whole `podman run` */
#define T_READY 30000 /* until the command printed "ready" */
#define T_CMD 30000   /* podman kill/stop/inspect/rm/... */
#define T_STOP 60000  /* podman stop -t 30: past podman's own SIGKILL */

/*
 * A command whose TERM handler takes 8 s to shut down cleanly, then exits 0.
 * nsinit must forward TERM and wait, with no timer of its own, so the stop
 * ends after about 8 s with exit 0: not SIGKILLed (137) by a timer of
 * nsinit's or by podman, whose stop timeout the tests make 30 s.
 */
#define SLOW_TERM "trap 'echo stopping; sleep 8; echo stopped; exit 0' TERM; "
#define SLOW_MIN_MS 7000
#define SLOW_MAX_MS 25000

/*
 * The harness puts NSINIT after the prefix; with this prefix it becomes $0 of
 * the shell and is not run, and the arguments that follow it are exec'd.
 */
#define EXEC_ARGS HS_ARGV("sh", "-c", "exec \"$@\"")

/* The container and pod of the running test, removed by the suite's .fini. */
static char container[64];
static char pod[48];

/*
 * Every process a test starts lives here, not on the stack: after a failed
 * cr_assert, the suite's .fini (hs_fini) still reaches every registered
 * process, and a stack frame that the assertion unwound would by then hold
 * garbage. Each test runs in a process of its own.
 */
static struct hs_proc run_p; /* the container's `podman run` */
static struct hs_proc aux_p; /* podman kill/stop/inspect/..., one at a time */
static struct hs_proc host_p;

static void remove_container(const char *name)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd,
		 "timeout 30 podman --runtime runc --cgroup-manager cgroupfs "
		 "rm --force --time 0 --ignore %s >/dev/null 2>&1",
		 name);
	if (system(cmd) != 0) {
		/* Best effort; a leftover is removed by the next run. */
	}
}

static void remove_pod(const char *name)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd,
		 "timeout 30 podman --runtime runc --cgroup-manager cgroupfs "
		 "pod rm --force --time 0 --ignore %s >/dev/null 2>&1",
		 name);
	if (system(cmd) != 0) {
		/* Best effort; a leftover is removed by the next run. */
	}
}

static void podman_fini(void)
{
	hs_fini();
	if (pod[0])
		remove_pod(pod);
	if (container[0])
		remove_container(container);
}

/* ---- argument vectors ---- */

struct vec {
	const char *v[64];
	int n;
};

static void vadd(struct vec *a, ...)
{
	va_list ap;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));) {
		cr_assert(a->n < 63, "test bug: too many arguments");
		a->v[a->n++] = s;
	}
	va_end(ap);
	a->v[a->n] = NULL;
}

/* Run `podman ARGS...` (NULL-terminated) to completion, with a deadline. */
static void podman_run_args(struct hs_proc *p, const struct vec *args, bool stdin_pipe,
			    long deadline_ms)
{
	struct hs_opts o = {.prefix = EXEC_ARGS, .stdin_pipe = stdin_pipe};
	hs_run(p, &o, args->v, deadline_ms);
}

#define podman_cmd(p, ...)                                                                   \
	do {                                                                                 \
		struct vec a_ = {.n = 0};                                                    \
		vadd(&a_, PODMAN, __VA_ARGS__, NULL);                                        \
		podman_run_args((p), &a_, false, T_CMD);                                     \
	} while (0)

/* podman stop/pod stop with a stop timeout: longer than the stop's own. */
#define podman_stop(p, ...)                                                                  \
	do {                                                                                 \
		struct vec a_ = {.n = 0};                                                    \
		vadd(&a_, PODMAN, __VA_ARGS__, NULL);                                        \
		podman_run_args((p), &a_, false, T_STOP);                                    \
	} while (0)

/* `podman ARGS...` must exit 0; returns its stdout (malloc'd). */
#define podman_ok(...)                                                                       \
	({                                                                                   \
		podman_cmd(&aux_p, __VA_ARGS__);                                             \
		cr_assert_eq(hs_code(&aux_p), 0, "`%s`: %s\nstdout:\n%s\nstderr:\n%s",       \
			     aux_p.argv_str, hs_status_str(&aux_p), S(aux_p.out), S(aux_p.err)); \
		char *o_ = strdup(S(aux_p.out));                                             \
		hs_cleanup(&aux_p);                                                          \
		o_;                                                                          \
	})

/* ---- skipping ---- */

/*
 * Skip unless NSINIT_PODMAN is set and podman can run a trivial container.
 * Missing images are a failure: setup.sh was not run or did not work.
 */
static void need_podman(const char *name)
{
	if (!getenv("NSINIT_PODMAN"))
		cr_skip_test("podman tests run only with NSINIT_PODMAN=1 (make check-podman)");
	/* nsinit runs inside the container here, where no wrapper can go. */
	unsetenv("NSINIT_WRAP");
	if (system("command -v podman >/dev/null 2>&1") != 0)
		cr_skip_test("podman is not installed (tests/podman/setup.sh installs it)");

	struct hs_proc *p = &aux_p;
	podman_cmd(p, "image", "inspect", "--format", "{{.Id}}", IMAGE_BB, IMAGE_ENTRY);
	cr_assert_eq(hs_code(p), 0,
		     "image %s or %s is missing: run tests/podman/setup.sh (make check-podman "
		     "does)\n%s",
		     IMAGE_BB, IMAGE_ENTRY, S(p->err));
	hs_cleanup(p);

	snprintf(container, sizeof container, "nsinit-test-%s", name);
	remove_container(container);

	podman_cmd(p, RUN_OPTS, "--name", container, IMAGE_BB, "true");
	if (hs_code(p) != 0)
		cr_skip_test("podman cannot run a trivial container (`%s`: %s):\n%s", p->argv_str,
			     hs_status_str(p), S(p->err));
	hs_cleanup(p);
}

/* ---- containers running nsinit ---- */

enum mode {
	VIA_INIT,     /* podman run --init --init-path=$NSINIT localhost/nsinit-bb */
	VIA_ENTRY,    /* localhost/nsinit-entry, ENTRYPOINT ["/nsinit", "--"] */
	VIA_FALLBACK, /* podman run --init localhost/nsinit-entry: catatonit is PID 1 */
};

static const char *pid1_comm(enum mode m)
{
	return m == VIA_INIT ? "podman-init" : "nsinit";
}

/* Start `podman run [-i] ... sh -c SCRIPT` in the test's container. */
static void start(struct hs_proc *p, enum mode m, bool stdin_pipe, const char *script)
{
	struct vec a = {.n = 0};
	vadd(&a, PODMAN, RUN_OPTS, "--name", container, NULL);
	if (stdin_pipe)
		vadd(&a, "-i", NULL);
	if (m == VIA_INIT)
		vadd(&a, "--init", "--init-path", hs_nsinit(), IMAGE_BB, NULL);
	else if (m == VIA_FALLBACK)
		vadd(&a, "--init", IMAGE_ENTRY, NULL);
	else
		vadd(&a, IMAGE_ENTRY, NULL);
	vadd(&a, "sh", "-c", script, NULL);
	struct hs_opts o = {.prefix = EXEC_ARGS, .stdin_pipe = stdin_pipe};
	hs_spawn(p, &o, a.v);
}

/*
 * Lines of podman run's stderr other than podman's own log lines
 * ("WARN[0000] ..."), which a freshly set up machine may print: the command's
 * and nsinit's messages.
 */
static int stderr_lines(const struct hs_proc *p)
{
	return hs_count_lines(S(p->err)) - hs_count_regex(S(p->err), "^(WARN|INFO)\\[[0-9]+\\] ");
}

/*
 * stderr holds nothing but podman's own log lines, or, where nsinit falls
 * back to a subreaper, exactly one line: the warning that says so.
 */
static void expect_stderr(const struct hs_proc *p, enum mode m)
{
	if (m != VIA_FALLBACK) {
		cr_expect_eq(stderr_lines(p), 0, "stderr:\n%s", S(p->err));
		return;
	}
	cr_expect_eq(stderr_lines(p), 1, "want one warning line; stderr:\n%s", S(p->err));
	cr_expect(hs_count_regex(S(p->err), "^nsinit: .*; running as a subreaper \\(-s\\) instead; "
						"pass --namespace to make this an error$") == 1,
		  "no warning of the fallback to a subreaper; stderr:\n%s", S(p->err));
}

static void wait_ready(struct hs_proc *p)
{
	cr_assert(hs_read_until(p, HS_OUT, "ready\n", T_READY),
		  "the command never printed ready (podman run: %s)\nstdout:\n%s\nstderr:\n%s",
		  hs_status_str(p), S(p->out), S(p->err));
}

static void wait_exit(struct hs_proc *p)
{
	cr_assert(hs_wait(p, T_RUN), "podman run did not exit\nstdout:\n%s\nstderr:\n%s",
		  S(p->out), S(p->err));
	cr_assert(hs_read_eof(p, HS_BOTH, T_CMD), "podman run's output stayed open");
}

/* ---- PID 1 is nsinit, and it makes no namespace of its own ---- */

static int count_fields(const char *line)
{
	int n = 0;
	for (const char *s = line; *s; s++)
		if (*s != ' ' && *s != '\t' && (s == line || s[-1] == ' ' || s[-1] == '\t'))
			n++;
	return n;
}

static void pid1_without_namespace(enum mode m)
{
	struct hs_proc *p = &run_p;
	start(p, m, true,
	      "echo \"comm1=$(cat /proc/1/comm)\"; grep -E '^(NSpid|PPid):' /proc/$$/status;"
	      " echo ready; read x; echo done");
	wait_ready(p);

	/* From the inside: PID 1 is nsinit, the command its child, in one namespace. */
	char want[64], line[256];
	snprintf(want, sizeof want, "comm1=%s\n", pid1_comm(m));
	cr_expect(strstr(S(p->out), want), "PID 1 is not %s:\n%s", pid1_comm(m), S(p->out));
	cr_expect(hs_find_line(S(p->out), "PPid:", line, sizeof line) &&
			  hs_line_matches(line, "^PPid:[[:space:]]+1$"),
		  "the command is not a child of PID 1:\n%s", S(p->out));
	cr_expect(hs_find_line(S(p->out), "NSpid:", line, sizeof line) &&
			  count_fields(line) == 2,
		  "the command's NSpid does not have exactly one entry (an extra PID namespace?):\n%s",
		  S(p->out));

	/* From the host: the container's init is nsinit, and its child (the
	   command) shares its PID and mount namespaces, one level below the host. */
	char *s = podman_ok("inspect", "--format", "{{.State.Pid}}", container);
	pid_t pid1 = (pid_t)atol(s);
	free(s);
	cr_assert(pid1 > 0, "podman inspect gave no pid");
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid1);
	s = hs_slurp(path);
	cr_expect(s && !strcmp(s, m == VIA_INIT ? "podman-init\n" : "nsinit\n"),
		  "the container's init (host pid %d) is '%s', not %s", (int)pid1, s ? s : "?",
		  pid1_comm(m));
	free(s);
	pid_t cmd = hs_child_of(pid1, 10000);
	cr_assert(cmd > 0, "the container's init (host pid %d) has no child", (int)pid1);
	snprintf(path, sizeof path, "/proc/%d/comm", (int)cmd);
	s = hs_slurp(path);
	cr_expect(s && !strcmp(s, "sh\n"), "PID 1's child is '%s', not the command (sh)",
		  s ? s : "?");
	free(s);
	for (int i = 0; i < 2; i++) {
		const char *ns = i ? "mnt" : "pid";
		char l1[128], lc[128];
		cr_assert(hs_ns_link(pid1, ns, l1, sizeof l1) && hs_ns_link(cmd, ns, lc, sizeof lc),
			  "cannot read the %s namespace links", ns);
		cr_expect_str_eq(l1, lc, "nsinit made a new %s namespace: PID 1 %s, command %s", ns,
				 l1, lc);
	}
	snprintf(path, sizeof path, "/proc/%d/status", (int)cmd);
	s = hs_slurp(path);
	cr_assert(s && hs_find_line(s, "NSpid:", line, sizeof line), "no NSpid in %s", path);
	free(s);
	cr_expect_eq(count_fields(line), 3, "host's view of the command: '%s', want host + container",
		     line);

	hs_close_stdin(p);
	wait_exit(p);
	cr_expect_eq(hs_code(p), 0, "podman run: %s\nstderr:\n%s", hs_status_str(p), S(p->err));
	cr_expect(strstr(S(p->out), "ready\ndone\n"), "stdout:\n%s", S(p->out));
	hs_cleanup(p);
}

Test(podman, init_pid1_is_nsinit_without_namespace)
{
	need_podman("init-pid1");
	pid1_without_namespace(VIA_INIT);
}

Test(podman, entry_pid1_is_nsinit_without_namespace)
{
	need_podman("entry-pid1");
	pid1_without_namespace(VIA_ENTRY);
}

/* ---- orphans are reaped ---- */

/*
 * Ten double-forked orphans block reading a FIFO. Once the script has seen all
 * ten with nsinit ($PPID: PID 1, or the subreaper that is not) as their
 * parent, it lets them go (a line each) and scans /proc until no process but
 * PID 1, nsinit and itself is left, or gives up after 5000 scans. An init that
 * does not reap leaves them as zombies.
 */
#define ORPHANS_SCRIPT                                                                       \
	"scan() { o=0; z=0; ppn=0;"                                                          \
	"  for f in /proc/[0-9]*/stat; do"                                                   \
	"    l=; { read -r l < \"$f\"; } 2>/dev/null || continue;"                           \
	"    pid=${l%% *}; r=${l##*) }; st=${r%% *}; r=${r#* }; pp=${r%% *};"                \
	"    case $pid in 1|$$|$PPID) continue;; esac;"                                      \
	"    o=$((o+1)); [ \"$st\" = Z ] && z=$((z+1)); [ \"$pp\" = $PPID ] && ppn=$((ppn+1));" \
	"  done; };"                                                                         \
	"mkfifo /tmp/go; exec 3<>/tmp/go;"                                                   \
	"i=0; while [ $i -lt 10 ]; do (sh -c 'read x < /tmp/go' &); i=$((i+1)); done;"       \
	"scan; echo \"orphans=$o parent_nsinit=$ppn\";"                                      \
	"i=0; while [ $i -lt 10 ]; do echo go >&3; i=$((i+1)); done;"                        \
	"n=0; while scan; [ $o -gt 0 ] && [ $n -lt 5000 ]; do n=$((n+1)); done;"             \
	"echo \"zombies=$z left=$o\""

/* Who PID 1 is, and that the command's parent is nsinit. */
#define WHO_SCRIPT "echo \"pid1=$(cat /proc/1/comm) parent=$(cat /proc/$PPID/comm)\"; "

static void reaps_orphans(enum mode m)
{
	struct hs_proc *p = &run_p;
	start(p, m, false, ORPHANS_SCRIPT);
	wait_exit(p);
	cr_expect_eq(hs_code(p), 0, "podman run: %s\nstdout:\n%s\nstderr:\n%s",
		     hs_status_str(p), S(p->out), S(p->err));
	cr_expect(strstr(S(p->out), "orphans=10 parent_nsinit=10\n"),
		  "the orphans were not all children of nsinit:\n%s", S(p->out));
	cr_expect(strstr(S(p->out), "zombies=0 left=0\n"), "orphans were not reaped:\n%s",
		  S(p->out));
	expect_stderr(p, m);
	hs_cleanup(p);
}

Test(podman, init_reaps_orphans)
{
	need_podman("init-orphans");
	reaps_orphans(VIA_INIT);
}

Test(podman, entry_reaps_orphans)
{
	need_podman("entry-orphans");
	reaps_orphans(VIA_ENTRY);
}

/* ---- the command's exit code is podman run's ---- */

static void exit_code(enum mode m, const char *script, int want)
{
	struct hs_proc *p = &run_p;
	start(p, m, false, script);
	wait_exit(p);
	cr_expect_eq(hs_code(p), want, "`sh -c '%s'`: podman run: %s, want exit %d\nstderr:\n%s",
		     script, hs_status_str(p), want, S(p->err));
	expect_stderr(p, m);
	hs_cleanup(p);
}

Test(podman, init_exit_0)
{
	need_podman("init-exit0");
	exit_code(VIA_INIT, "exit 0", 0);
}

Test(podman, init_exit_3)
{
	need_podman("init-exit3");
	exit_code(VIA_INIT, "exit 3", 3);
}

Test(podman, init_killed_by_sigterm_is_143)
{
	need_podman("init-exit143");
	exit_code(VIA_INIT, "kill -TERM $$", 143);
}

Test(podman, entry_exit_0)
{
	need_podman("entry-exit0");
	exit_code(VIA_ENTRY, "exit 0", 0);
}

Test(podman, entry_exit_3)
{
	need_podman("entry-exit3");
	exit_code(VIA_ENTRY, "exit 3", 3);
}

Test(podman, entry_killed_by_sigterm_is_143)
{
	need_podman("entry-exit143");
	exit_code(VIA_ENTRY, "kill -TERM $$", 143);
}

/* ---- podman stop and podman kill ---- */

/*
 * The command waits for a child that never exits (tail -f /dev/null), so only
 * a signal ends it; `wait` returns when a trapped signal arrives.
 */
#define IDLE "tail -f /dev/null & t=$!; echo ready; while kill -0 $t 2>/dev/null; do wait $t; done"

/*
 * `podman stop -t 20` sends SIGTERM to PID 1 and SIGKILL 20 s later: 143 (or
 * the trap's code) says nsinit passed SIGTERM on, 137 that it did not.
 */
static void stop(enum mode m, const char *script, int want, const char *want_out)
{
	struct hs_proc *p = &run_p;
	start(p, m, false, script);
	wait_ready(p);
	long long t0 = hs_now_ms();
	char *s = podman_ok("stop", "-t", "20", container);
	free(s);
	wait_exit(p);
	cr_expect_eq(hs_code(p), want, "after podman stop: podman run %s, want exit %d\nstderr:\n%s",
		     hs_status_str(p), want, S(p->err));
	cr_expect_str_eq(S(p->out), want_out, "stdout:\n%s", S(p->out));
	cr_expect_lt(hs_now_ms() - t0, 10000, "podman stop took %lld ms", hs_now_ms() - t0);
	hs_cleanup(p);
}

Test(podman, init_stop_is_143)
{
	need_podman("init-stop");
	stop(VIA_INIT, IDLE, 143, "ready\n");
}

Test(podman, init_stop_trapped_term_gives_its_code)
{
	need_podman("init-stop-trap");
	stop(VIA_INIT, "trap 'echo got TERM; exit 7' TERM; " IDLE, 7, "ready\ngot TERM\n");
}

Test(podman, entry_stop_is_143)
{
	need_podman("entry-stop");
	stop(VIA_ENTRY, IDLE, 143, "ready\n");
}

Test(podman, entry_stop_trapped_term_gives_its_code)
{
	need_podman("entry-stop-trap");
	stop(VIA_ENTRY, "trap 'echo got TERM; exit 7' TERM; " IDLE, 7, "ready\ngot TERM\n");
}

/* Two SIGUSR1 reach the command's trap; SIGUSR2 then ends it with the trap's code. */
static void kill_usr1(enum mode m)
{
	struct hs_proc *p = &run_p;
	start(p, m, false,
	      "n=0; trap 'n=$((n+1)); echo \"got USR1 $n\"' USR1; trap 'exit 12' USR2; " IDLE);
	wait_ready(p);
	for (int i = 1; i <= 2; i++) {
		free(podman_ok("kill", "--signal", "USR1", container));
		char want[32];
		snprintf(want, sizeof want, "got USR1 %d\n", i);
		cr_assert(hs_read_until(p, HS_OUT, want, T_CMD),
			  "SIGUSR1 #%d did not reach the command (podman run: %s)\nstdout:\n%s\n"
			  "stderr:\n%s",
			  i, hs_status_str(p), S(p->out), S(p->err));
	}
	free(podman_ok("kill", "--signal", "USR2", container));
	wait_exit(p);
	cr_expect_eq(hs_code(p), 12, "after SIGUSR2: podman run %s, want exit 12\nstderr:\n%s",
		     hs_status_str(p), S(p->err));
	cr_expect_str_eq(S(p->out), "ready\ngot USR1 1\ngot USR1 2\n", "stdout:\n%s", S(p->out));
	hs_cleanup(p);
}

Test(podman, init_kill_usr1_reaches_command)
{
	need_podman("init-usr1");
	kill_usr1(VIA_INIT);
}

Test(podman, entry_kill_usr1_reaches_command)
{
	need_podman("entry-usr1");
	kill_usr1(VIA_ENTRY);
}

/* ---- a stop waits for the command's own shutdown ---- */

/*
 * `podman stop -t 30` of a command whose TERM handler takes 8 s: nsinit
 * forwards TERM and waits, with no timer of its own, so podman run exits 0
 * after about 8 s (7 s to 25 s: loose, for a loaded machine), not 137.
 */
static void stop_slow(enum mode m)
{
	struct hs_proc *p = &run_p;
	start(p, m, false, SLOW_TERM IDLE);
	wait_ready(p);
	long long t0 = hs_now_ms();
	struct hs_proc *a = &aux_p;
	podman_stop(a, "stop", "-t", "30", container);
	cr_expect_eq(hs_code(a), 0, "`%s`: %s\nstderr:\n%s", a->argv_str, hs_status_str(a),
		     S(a->err));
	hs_cleanup(a);
	wait_exit(p);
	long long ms = hs_now_ms() - t0;
	cr_expect_eq(hs_code(p), 0,
		     "after podman stop -t 30: podman run %s after %lld ms, want exit 0 after the "
		     "command's 8 s TERM handler\nstdout:\n%s\nstderr:\n%s",
		     hs_status_str(p), ms, S(p->out), S(p->err));
	cr_expect_str_eq(S(p->out), "ready\nstopping\nstopped\n", "stdout:\n%s", S(p->out));
	cr_expect(ms >= SLOW_MIN_MS && ms < SLOW_MAX_MS,
		  "the stop took %lld ms; the command's TERM handler takes 8 s", ms);
	expect_stderr(p, m);
	hs_cleanup(p);
}

Test(podman, init_stop_waits_for_8s_term_handler)
{
	need_podman("init-stop-slow");
	stop_slow(VIA_INIT);
}

Test(podman, entry_stop_waits_for_8s_term_handler)
{
	need_podman("entry-stop-slow");
	stop_slow(VIA_ENTRY);
}

/* ---- no namespace can be made: nsinit falls back to a subreaper ---- */

/*
 * Under `podman run --init`, podman's catatonit is PID 1 and the image's
 * entrypoint nsinit is its child, without CAP_SYS_ADMIN and under a masked
 * /proc: no namespace can be made, none was asked for by name, so nsinit
 * runs the command as a subreaper and says so in one line.
 */
Test(podman, fallback_runs_command_under_podman_init)
{
	need_podman("fallback-run");
	struct hs_proc *p = &run_p;
	start(p, VIA_FALLBACK, false, WHO_SCRIPT "exit 3");
	wait_exit(p);
	cr_expect_eq(hs_code(p), 3, "podman run --init %s: %s, want the command's exit 3\n"
				     "stdout:\n%s\nstderr:\n%s",
		     IMAGE_ENTRY, hs_status_str(p), S(p->out), S(p->err));
	cr_expect_str_eq(S(p->out), "pid1=podman-init parent=nsinit\n",
			 "PID 1 is not podman's init, or the command is not nsinit's child");
	expect_stderr(p, VIA_FALLBACK);
	hs_cleanup(p);
}

Test(podman, fallback_reaps_orphans)
{
	need_podman("fallback-orphans");
	reaps_orphans(VIA_FALLBACK);
}

Test(podman, fallback_killed_by_sigterm_is_143)
{
	need_podman("fallback-exit143");
	exit_code(VIA_FALLBACK, "kill -TERM $$", 143);
}

Test(podman, fallback_stop_waits_for_8s_term_handler)
{
	need_podman("fallback-stop-slow");
	stop_slow(VIA_FALLBACK);
}

Test(podman, fallback_kill_usr1_reaches_command)
{
	need_podman("fallback-usr1");
	kill_usr1(VIA_FALLBACK);
}

/* --namespace asks for the namespace by name: its failure stays an error. */
Test(podman, fallback_refused_with_namespace_option)
{
	need_podman("fallback-namespace");
	struct hs_proc *p = &run_p;
	podman_cmd(p, RUN_OPTS, "--name", container, "--init", "--entrypoint",
		   "[\"/nsinit\", \"--namespace\", \"--\"]", IMAGE_ENTRY, "sh", "-c", "echo ran");
	cr_expect_eq(hs_code(p), 125, "podman run --init, nsinit --namespace: %s, want 125\n"
				       "stdout:\n%s\nstderr:\n%s",
		     hs_status_str(p), S(p->out), S(p->err));
	cr_expect_str_eq(S(p->out), "", "the command ran");
	cr_expect_eq(stderr_lines(p), 1, "want one error line; stderr:\n%s", S(p->err));
	cr_expect(hs_count_regex(S(p->err), "^nsinit: ") == 1 &&
			  !strstr(S(p->err), "running as a subreaper"),
		  "stderr:\n%s", S(p->err));
	hs_cleanup(p);
}

/* ---- the Pods of packaging/kubernetes/ under podman kube play ---- */

#define KUBE_POD "pod.yaml"
#define KUBE_SHARED "pod-shared-pid.yaml"

/*
 * Skip unless podman runs; the pod of the running test is NAME, and its
 * container (the manifests' "app") NAME-app. CONTAINERS_CONF must name the
 * containers.conf of tests/podman/setup.sh: kube play takes no --ulimit or
 * --runtime flags.
 */
static void need_kube(const char *name)
{
	need_podman(name);
	const char *conf = getenv("CONTAINERS_CONF");
	cr_assert(conf && access(conf, R_OK) == 0,
		  "CONTAINERS_CONF must name tests/podman/setup.sh's containers.conf "
		  "(make check-podman sets it)");
	snprintf(pod, sizeof pod, "nsinit-test-%s", name);
	snprintf(container, sizeof container, "%s-app", pod);
	remove_pod(pod);
}

/* A manifest of packaging/kubernetes/ (NSINIT_KUBE names the folder). */
static char *read_manifest(const char *file)
{
	const char *dir = getenv("NSINIT_KUBE");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "packaging/kubernetes", file);
	char *s = hs_slurp(path);
	cr_assert(s, "cannot read %s (NSINIT_KUBE names packaging/kubernetes/)", path);
	return s;
}

/* JSON (and YAML double-quoted) escaping of a one-line script. */
static void quote(char *out, size_t n, const char *s)
{
	size_t k = 0;
	out[k++] = '"';
	for (; *s; s++) {
		cr_assert(k + 4 < n, "test bug: script too long");
		cr_assert(*s != '\n', "test bug: the script must be one line");
		if (*s == '"' || *s == '\\')
			out[k++] = '\\';
		out[k++] = *s;
	}
	out[k++] = '"';
	out[k] = '\0';
}

/*
 * The manifest as shipped, but for the pod's name (the test's), the image
 * (localhost/nsinit-entry: busybox and /nsinit) and, with script, the
 * command's args (["sh", "-c", script]). Everything else, nsinit as the
 * command, shareProcessNamespace, the grace period, is the manifest's own.
 * Each replaced line must be there exactly once.
 */
static char *manifest_for_test(const char *text, const char *script)
{
	static char args[8192];
	if (script) {
		char q[sizeof args - 32];
		quote(q, sizeof q, script);
		snprintf(args, sizeof args, "[\"sh\", \"-c\", %s]", q);
	}
	size_t cap = strlen(text) + sizeof args + 256, k = 0;
	char *out = malloc(cap);
	cr_assert(out);
	int names = 0, images = 0, argss = 0;
	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l + 1) : strlen(l);
		size_t ind = strspn(l, " ");
		const char *t = l + ind, *put = NULL;
		if (ind == 2 && !strncmp(t, "name: ", 6) && !names++)
			put = pod; /* metadata.name, the first name: at that depth */
		else if (!strncmp(t, "image: ", 7) && ++images)
			put = IMAGE_ENTRY;
		else if (script && !strncmp(t, "args: ", 6) && ++argss)
			put = args;
		if (put)
			k += (size_t)snprintf(out + k, cap - k, "%.*s%.*s %s\n", (int)ind, l,
					      (int)(strchr(t, ':') - t + 1), t, put);
		else
			k += (size_t)snprintf(out + k, cap - k, "%.*s", (int)len, l);
		cr_assert(k < cap, "test bug: manifest buffer");
		l += len;
	}
	cr_assert(names == 1 && images == 1 && (!script || argss == 1),
		  "the manifest has %d metadata name, %d image and %d args lines, want one each",
		  names, images, argss);
	return out;
}

/* terminationGracePeriodSeconds of the manifest. */
static int grace_of(const char *text)
{
	const char *g = strstr(text, "\n  terminationGracePeriodSeconds: ");
	cr_assert(g, "the manifest sets no terminationGracePeriodSeconds");
	return atoi(g + strlen("\n  terminationGracePeriodSeconds: "));
}

/* `podman kube play --network none -` of the manifest's text. */
static void kube_play(const char *yaml)
{
	struct hs_proc *p = &aux_p;
	struct hs_opts o = {.prefix = EXEC_ARGS, .stdin_pipe = true};
	hs_spawn(p, &o, HS_ARGV(PODMAN, "kube", "play", "--network", "none", "-"));
	size_t n = strlen(yaml);
	cr_assert_eq(write(p->in_fd, yaml, n), (ssize_t)n, "cannot write the manifest");
	hs_close_stdin(p);
	cr_assert(hs_wait(p, T_RUN) && hs_read_eof(p, HS_BOTH, T_CMD),
		  "podman kube play did not exit");
	cr_assert_eq(hs_code(p), 0, "podman kube play: %s\nmanifest:\n%s\nstderr:\n%s",
		     hs_status_str(p), yaml, S(p->err));
	hs_cleanup(p);
}

/* Follow the container's log (stdout and stderr apart) until it exits. */
static void follow_log(struct hs_proc *p)
{
	struct hs_opts o = {.prefix = EXEC_ARGS};
	hs_spawn(p, &o, HS_ARGV(PODMAN, "logs", "--follow", container));
}

/*
 * Stop the pod as the kubelet does when it is deleted: its containers get
 * SIGTERM and terminationGracePeriodSeconds (GRACE) before SIGKILL, then the
 * pod's infra (pause) container goes. podman kube play sets the container's
 * stop timeout from the manifest only from podman 4.7 on (older podman keeps
 * 10 s), so GRACE is handed to podman here.
 *
 * The plain pod: `podman pod stop -t GRACE`. The shared pod: podman (4.3)
 * stops the infra container with the others, and once the pause process,
 * PID 1 of the shared PID namespace, exits, the kernel SIGKILLs everything in
 * it at once. So there the container is stopped first, as the kubelet does,
 * then the pod. Returns how long the container's stop took.
 */
static long long kube_stop(int grace, bool shared)
{
	char t[16];
	snprintf(t, sizeof t, "%d", grace);
	long long t0 = hs_now_ms(), ms;
	struct hs_proc *a = &aux_p;
	if (shared)
		podman_stop(a, "stop", "-t", t, container);
	else
		podman_stop(a, "pod", "stop", "-t", t, pod);
	ms = hs_now_ms() - t0;
	cr_expect_eq(hs_code(a), 0, "`%s`: %s\nstderr:\n%s", a->argv_str, hs_status_str(a),
		     S(a->err));
	hs_cleanup(a);
	if (shared)
		free(podman_ok("pod", "stop", "-t", t, pod));
	return ms;
}

static int exit_code_of_container(void)
{
	char *s = podman_ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}",
			    container);
	int code = -1;
	cr_expect(sscanf(s, "exited %d", &code) == 1, "the container did not exit: %s", s);
	free(s);
	return code;
}

/* The log of the pod's container once it exited; stderr as expect_stderr wants. */
static void log_ends(struct hs_proc *log, bool shared)
{
	cr_assert(hs_wait(log, T_RUN) && hs_read_eof(log, HS_BOTH, T_CMD),
		  "podman logs --follow did not end with the container");
	expect_stderr(log, shared ? VIA_FALLBACK : VIA_ENTRY);
}

/*
 * The pod's command leaves ten orphans (ORPHANS_SCRIPT), and they must be
 * nsinit's and be reaped; then, while the command idles, podman exec ps in
 * the container must show no zombie either. In the shared pod PID 1 is the
 * pause process, nsinit is not PID 1, and its warning is in the log.
 */
static void kube_reaps_orphans(const char *file, bool shared)
{
	char *text = read_manifest(file);
	cr_expect(strstr(text, "\n      command: [\"/nsinit\", \"--\"]\n"),
		  "%s does not run nsinit as the container's command", file);
	cr_expect_eq(strstr(text, "\n  shareProcessNamespace: true\n") != NULL, shared,
		     "%s: shareProcessNamespace", file);
	char *yaml = manifest_for_test(text, WHO_SCRIPT ORPHANS_SCRIPT
					     "; trap 'exit 0' TERM; " IDLE);
	kube_play(yaml);

	struct hs_proc *log = &run_p;
	follow_log(log);
	cr_assert(hs_read_until(log, HS_OUT, "ready\n", T_READY),
		  "the command never printed ready\nstdout:\n%s\nstderr:\n%s", S(log->out),
		  S(log->err));
	char want[64];
	snprintf(want, sizeof want, "pid1=%s parent=nsinit\n", shared ? "catatonit" : "nsinit");
	cr_expect(strstr(S(log->out), want), "want %s in the log:\n%s", want, S(log->out));
	cr_expect(strstr(S(log->out), "orphans=10 parent_nsinit=10\n"),
		  "the orphans were not all children of nsinit:\n%s", S(log->out));
	cr_expect(strstr(S(log->out), "zombies=0 left=0\n"), "orphans were not reaped:\n%s",
		  S(log->out));

	char *ps = podman_ok("exec", container, "/bin/ps", "-o", "pid,ppid,stat,comm");
	cr_expect_eq(hs_count_regex(ps, "^ *[0-9]+ +[0-9]+ +Z"), 0, "zombies in the container:\n%s",
		     ps);
	cr_expect_eq(hs_count_regex(ps, "^ *[0-9]+ +[0-9]+ +[^ ]+ +nsinit$"), 1,
		     "ps in the container:\n%s", ps);
	free(ps);

	kube_stop(grace_of(text), shared);
	log_ends(log, shared);
	cr_expect_eq(exit_code_of_container(), 0, "log:\n%s", S(log->out));
	hs_cleanup(log);
	free(yaml);
	free(text);
}

/*
 * The manifest as shipped (but for name and image): its command's TERM
 * handler takes 8 s. The stop (kube_stop) with the manifest's grace period
 * (at least 30 s, so that podman does not kill first) ends after about 8 s,
 * and the container's exit code is 0: nsinit forwarded SIGTERM and waited.
 */
static void kube_stop_waits(const char *file, bool shared)
{
	char *text = read_manifest(file);
	int grace = grace_of(text);
	cr_expect_geq(grace, 30, "%s: terminationGracePeriodSeconds %d < 30", file, grace);
	cr_expect(strstr(text, SLOW_TERM), "%s's command has no 8 s TERM handler", file);
	char *yaml = manifest_for_test(text, NULL);
	kube_play(yaml);

	struct hs_proc *log = &run_p;
	follow_log(log);
	cr_assert(hs_read_until(log, HS_OUT, "started\n", T_READY),
		  "the command never printed started\nstdout:\n%s\nstderr:\n%s", S(log->out),
		  S(log->err));
	long long ms = kube_stop(grace, shared);
	log_ends(log, shared);
	cr_expect_str_eq(S(log->out), "started\nstopping\nstopped\n", "the container's log: %s",
			 S(log->out));
	cr_expect_eq(exit_code_of_container(), 0, "after the stop (%lld ms)", ms);
	cr_expect(ms >= SLOW_MIN_MS && ms < SLOW_MAX_MS,
		  "the stop took %lld ms; the command's TERM handler takes 8 s", ms);
	hs_cleanup(log);
	free(yaml);
	free(text);
}

Test(podman, kube_reaps_orphans)
{
	need_kube("kube-orphans");
	kube_reaps_orphans(KUBE_POD, false);
}

Test(podman, kube_stop_waits_for_8s_term_handler)
{
	need_kube("kube-stop");
	kube_stop_waits(KUBE_POD, false);
}

Test(podman, kube_shared_reaps_orphans_as_subreaper)
{
	need_kube("kube-shared-orphans");
	kube_reaps_orphans(KUBE_SHARED, true);
}

Test(podman, kube_shared_stop_waits_for_8s_term_handler)
{
	need_kube("kube-shared-stop");
	kube_stop_waits(KUBE_SHARED, true);
}

/* ---- the image of packaging/container/Containerfile ---- */

static void need_scratch(void)
{
	struct hs_proc *p = &aux_p;
	podman_cmd(p, "image", "exists", IMAGE_SCRATCH);
	cr_assert_eq(hs_code(p), 0,
		     "image %s is missing: tests/podman/setup.sh builds it from "
		     "packaging/container/Containerfile",
		     IMAGE_SCRATCH);
	hs_cleanup(p);
}

Test(podman, scratch_image_holds_only_nsinit)
{
	need_podman("scratch-files");
	need_scratch();
	char *s = podman_ok("image", "inspect", "--format",
			    "layers={{len .RootFS.Layers}} entrypoint={{json .Config.Entrypoint}} "
			    "cmd={{json .Config.Cmd}}",
			    IMAGE_SCRATCH);
	cr_expect_str_eq(s, "layers=1 entrypoint=[\"/nsinit\",\"--\"] cmd=null\n",
			 "podman image inspect %s:\n%s", IMAGE_SCRATCH, s);
	free(s);

	/* The files of the image (created, never started, so nothing is added). */
	free(podman_ok("create", "--pull=never", "--name", container, IMAGE_SCRATCH));
	struct hs_proc *p = &aux_p;
	struct hs_opts o = {.prefix = HS_ARGV("sh", "-c",
					      "\"$@\" | tar -tvf - && "
					      "\"$@\" | tar -xOf - nsinit | cmp - \"$0\"")};
	hs_run(p, &o, HS_ARGV(PODMAN, "export", container), T_CMD);
	cr_expect_eq(hs_code(p), 0,
		     "podman export | tar -t, and | cmp - $NSINIT: %s\nstdout:\n%s\nstderr:\n%s",
		     hs_status_str(p), S(p->out), S(p->err));
	cr_expect_eq(hs_count_lines(S(p->out)), 1, "the image holds more than one file:\n%s",
		     S(p->out));
	cr_expect(hs_count_regex(S(p->out), "^-rwxr-xr-x .* nsinit$") == 1,
		  "the image does not hold an executable /nsinit:\n%s", S(p->out));
	hs_cleanup(p);
	free(podman_ok("rm", container));
}

Test(podman, scratch_image_runs_nsinit_version)
{
	need_podman("scratch-version");
	need_scratch();
	struct hs_proc *host = &host_p;
	hs_run(host, &(struct hs_opts){0}, HS_ARGV("--version"), T_CMD);
	cr_assert_eq(hs_code(host), 0, "nsinit --version: %s", hs_status_str(host));

	struct hs_proc *p = &aux_p;
	podman_cmd(p, RUN_OPTS, "--name", container, IMAGE_SCRATCH, "/nsinit", "--version");
	cr_expect_eq(hs_code(p), 0, "podman run %s /nsinit --version: %s\nstderr:\n%s",
		     IMAGE_SCRATCH, hs_status_str(p), S(p->err));
	cr_expect(!strncmp(S(p->out), "nsinit ", 7), "stdout:\n%s", S(p->out));
	cr_expect_str_eq(S(p->out), S(host->out), "the image's nsinit is not $NSINIT: %s vs %s",
			 S(p->out), S(host->out));
	cr_expect_eq(stderr_lines(p), 0, "stderr:\n%s", S(p->err));
	hs_cleanup(p);
	hs_cleanup(host);
}

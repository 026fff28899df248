/* -s (no namespace of our own): the shutdown signals every process the
 * command left, and nothing else - not under a /proc of another PID
 * namespace, not the children nsinit inherited, not past 4 KiB of children,
 * not with a chain deeper than PID 1's stack. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

TestSuite(subreaper, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

static char tmpdir[64];

/* A fifo in a fresh directory; its path in buf. */
static void make_fifo(char *buf, size_t n)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nsinit-subreaper-XXXXXX");
	cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
	snprintf(buf, n, "%s/fifo", tmpdir);
	cr_assert(mkfifo(buf, 0600) == 0, "mkfifo: %s", strerror(errno));
}

static void remove_fifo(const char *fifo)
{
	unlink(fifo);
	rmdir(tmpdir);
}

/* In a PID namespace whose /proc is still the host's, nsinit (pid 2) and a
 * sibling (pid 3) of the same shell: the sibling must survive nsinit's
 * shutdown. The host's /proc/2 is kthreadd, whose children's numbers name
 * the sibling in the namespace. The rows: CAP_SYS_ADMIN (a private procfs
 * can be mounted) and without it (no procfs at all: one warning). */
static const struct {
	const char *name;
	const char *const *prefix;
	int warnings; /* lines saying no procfs can be had; -1: not asserted */
} foreign_rows[] = {
	{ "with CAP_SYS_ADMIN", HS_ARGV("unshare", "--pid", "--fork", "sh", "-c"), -1 },
	{ "without CAP_SYS_ADMIN",
	  HS_ARGV("unshare", "--pid", "--fork", "setpriv", "--bounding-set=-sys_admin",
		  "--inh-caps=-sys_admin", "sh", "-c"),
	  1 },
};

Test(subreaper, foreign_proc_never_costs_a_sibling)
{
	/* The fifo makes nsinit wait until the sibling exists, so that pid 2
	 * is nsinit and pid 3 the sibling; nsinit's command reads it. */
	const char *script = "\"$0\" \"$@\" < \"$FIFO\" & N=$!; sleep 1000 & S=$!; "
			     "echo go > \"$FIFO\"; wait $N; echo nsinit=$?; "
			     "kill -TERM $S; wait $S; echo sibling=$?";
	char fifo[128], env[160];

	for (size_t i = 0; i < sizeof(foreign_rows) / sizeof(foreign_rows[0]); i++) {
		const char *prefix[16];
		size_t n = 0;
		struct hs_proc p;

		make_fifo(fifo, sizeof(fifo));
		snprintf(env, sizeof(env), "FIFO=%s", fifo);
		while (foreign_rows[i].prefix[n])
			prefix[n] = foreign_rows[i].prefix[n], n++;
		prefix[n++] = script;
		prefix[n] = NULL;
		struct hs_opts o = { .prefix = prefix, .env = HS_ARGV(env) };
		hs_run(&p, &o, HS_ARGV("-s", "--", "sh", "-c", "read x"), hs_ms(20000));
		cr_expect(strstr(S(p.out), "nsinit=0\n"), "%s: nsinit did not exit 0:\n%s\n%s",
			  foreign_rows[i].name, S(p.out), S(p.err));
		/* 143: our SIGTERM ended it; 137: nsinit's SIGKILL had. */
		cr_expect(strstr(S(p.out), "sibling=143\n"),
			  "%s: nsinit signalled a process that is not its own:\n%s\n%s",
			  foreign_rows[i].name, S(p.out), S(p.err));
		if (foreign_rows[i].warnings >= 0)
			cr_expect_eq(hs_count_matching(S(p.err), "no procfs of our own can be mounted"),
				     foreign_rows[i].warnings, "%s: stderr:\n%s", foreign_rows[i].name,
				     S(p.err));
		hs_cleanup(&p);
		remove_fifo(fifo);
	}
}

/* sh -c 'job & exec nsinit -s -- true': the job is the shell's, and keeps
 * running through nsinit's shutdown. It says when our SIGTERM reaches it;
 * nsinit's SIGKILL would end it without a word. */
Test(subreaper, inherited_children_are_not_signalled)
{
	const char *script = "sh -c 'trap \"kill \\$!; echo job-got-TERM; exit 0\" TERM; "
			     "sleep 1000 & echo job=$$; wait' & exec \"$0\" \"$@\"";
	struct hs_opts o = { .prefix = HS_ARGV("sh", "-c", script) };
	struct hs_proc p;
	int job = 0;

	hs_spawn(&p, &o, HS_ARGV("-s", "--events=1", "--", "true"));
	cr_assert(hs_read_until(&p, HS_OUT, "\"event\":\"shutdown\"", hs_ms(10000)),
		  "no shutdown event:\n%s\n%s", S(p.out), S(p.err));
	cr_assert(hs_read_until(&p, HS_OUT, "job=", hs_ms(5000)), "%s", S(p.out));
	cr_assert(hs_read_until(&p, HS_OUT, "\n", hs_ms(5000)));
	cr_assert(sscanf(strstr(S(p.out), "job="), "job=%d", &job) == 1 && job > 1, "%s",
		  S(p.out));
	/* The shutdown signal was sent before the event was written. */
	cr_assert(kill(job, SIGTERM) == 0, "the job is gone: %s\n%s\n%s", strerror(errno),
		  S(p.out), S(p.err));
	cr_expect(hs_read_until(&p, HS_OUT, "job-got-TERM\n", hs_ms(5000)),
		  "the inherited job was killed by nsinit:\n%s\n%s", S(p.out), S(p.err));
	cr_expect(hs_wait(&p, hs_ms(10000)), "nsinit did not exit:\n%s", S(p.err));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	hs_cleanup(&p);
}

/* 1,000 orphans: their pids fill far more than the 4 KiB of a children
 * file that nsinit used to read. Every one gets the kill-child signal, and
 * none is left for the SIGKILL after the grace period. */
Test(subreaper, every_one_of_many_children_gets_the_signal)
{
	/* The events on fd 3, a copy of stdout: the probe keeps stdout. */
	struct hs_opts o = { .prefix = HS_ARGV("sh", "-c", "exec \"$0\" \"$@\" 3>&1") };
	struct hs_proc p;

	hs_spawn(&p, &o,
		 HS_ARGV("-s", "--events=3", "--kill-child=TERM", "--grace=30s", "--", hs_probe(),
			 "spawn-bg", "1000"));
	cr_assert(hs_wait(&p, hs_ms(60000)), "nsinit did not exit (grace 30 s):\n%s", S(p.err));
	hs_read_eof(&p, HS_BOTH, hs_ms(5000));
	cr_assert_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect_eq(hs_count_regex(S(p.out), "\"event\":\"reaped\".*\"signal\":\"SIGTERM\""), 1000,
		     "not every orphan got SIGTERM; stderr:\n%s", S(p.err));
	cr_expect_eq(hs_count_matching(S(p.out), "SIGKILL"), 0, "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

/* A chain of 250 processes, each the parent of the next, left behind by the
 * command, with PID 1's stack limited to 512 KiB: PID 1 survives its walk
 * and every level is killed, down to the bottom one (each holds stderr
 * open, so EOF there proves that none is left). */
Test(subreaper, deep_chain_with_a_small_stack)
{
	const char *chain = "CHAIN=if [ \"$N\" -gt 0 ]; then N=$((N-1)) sh -c \"$CHAIN\" & wait; "
			    "else echo bottom >&4; exec sleep 1000; fi";
	char fifo[128], env[160];
	struct hs_proc p;

	make_fifo(fifo, sizeof(fifo));
	snprintf(env, sizeof(env), "FIFO=%s", fifo);
	struct hs_opts o = { .prefix = HS_ARGV("sh", "-c", "ulimit -s 512 && exec \"$0\" \"$@\""),
			     .env = HS_ARGV(env, chain) };
	hs_spawn(&p, &o,
		 HS_ARGV("-s", "--events=1", "--", "sh", "-c",
			 "N=250 sh -c \"$CHAIN\" 4>\"$FIFO\" & read x < \"$FIFO\""));
	cr_assert(hs_wait(&p, hs_ms(30000)), "nsinit did not exit:\n%s", S(p.err));
	cr_expect_eq(hs_code(&p), 0, "PID 1 %s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(5000)), "part of the chain survived:\n%s",
		  S(p.err));
	/* How many are left for PID 1 to reap depends on how fast the shells
	 * reap their own killed children meanwhile: under valgrind, PID 1 is
	 * slow enough for most of them to. What matters is above: no crash and
	 * no survivor. */
	if (!hs_wrapped())
		cr_expect_geq(hs_count_matching(S(p.out), "\"event\":\"reaped\""), 100, "%s",
			      S(p.out));
	hs_cleanup(&p);
	remove_fifo(fifo);
}

/* A pidfd of pid, taken while it is known to live; the test ends it. */
static int pin(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	cr_assert(fd >= 0, "pidfd_open %d: %s", (int)pid, strerror(errno));
	return fd;
}

static bool pinned_alive(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

/* The issue's `( sleep 200 & ...; sleep 0.5 ) & exec nsinit -s -- ...`: a
 * job the shell started before its exec forks a child, and exits while
 * nsinit runs, so the kernel gives that child to nsinit (the subreaper).
 * It is the caller's, not the command's: nsinit's shutdown leaves it
 * running, and nsinit exits without waiting for it. The job exits only
 * after the command said go; the command exits only once nsinit is the
 * grandchild's parent (polled, with a bound), so the shutdown must tell. */
Test(subreaper, an_inherited_jobs_orphan_is_the_callers)
{
	const char *script =
		"( sleep 1000 >/dev/null 2>&1 & echo $! > \"$FIFO.grand\"; echo grand=$!; "
		"read x < \"$FIFO\" ) & exec \"$0\" \"$@\"";
	const char *command =
		"echo go > \"$FIFO\"; read g < \"$FIFO.grand\"; i=0; "
		"while [ $i -lt 100000 ]; do read -r l < /proc/$g/stat; set -- $l; "
		"[ \"$4\" = \"$PPID\" ] && exit 0; i=$((i+1)); done; exit 9";
	char fifo[128], env[160], grand[160];
	struct hs_proc p;
	pid_t g = 0;
	int fd;

	make_fifo(fifo, sizeof(fifo));
	snprintf(grand, sizeof(grand), "%s.grand", fifo);
	snprintf(env, sizeof(env), "FIFO=%s", fifo);
	struct hs_opts o = { .prefix = HS_ARGV("sh", "-c", script), .env = HS_ARGV(env) };
	hs_spawn(&p, &o, HS_ARGV("-v", "-s", "--", "sh", "-c", command));
	cr_assert(hs_read_until(&p, HS_OUT, "grand=", hs_ms(10000)), "%s\n%s", S(p.out), S(p.err));
	cr_assert(hs_read_until(&p, HS_OUT, "\n", hs_ms(5000)));
	cr_assert(sscanf(strstr(S(p.out), "grand="), "grand=%d", &g) == 1 && g > 1, "%s", S(p.out));
	fd = pin(g);
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit waited for the caller's process:\n%s", S(p.err));
	/* 0: the command saw the grandchild become nsinit's (9: it never did). */
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(pinned_alive(fd), "nsinit killed its caller's process %d:\n%s", (int)g, S(p.err));
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	close(fd);
	hs_cleanup(&p);
	unlink(grand);
	remove_fifo(fifo);
}

/* The 200 parents, each `trap 'cleanup; exit' TERM; child & wait`,
 * left by the command: with --kill-child=TERM every parent must get its
 * TERM while its child still runs, so that its trap (which writes a
 * marker) runs before its wait can return. Signalled children first, a
 * parent sees its child die and exits with no cleanup. The command exits
 * once every parent has its trap set and its child started. */
#define PARENTS 200

Test(subreaper, parents_get_the_signal_no_later_than_their_children)
{
	const char *command =
		"i=0; while [ $i -lt $N ]; do "
		"sh -c 'trap \"echo > $D/m.$0; exit 0\" TERM; sleep 1000 >/dev/null & echo r; wait' $i & "
		"i=$((i+1)); done | head -n $N >/dev/null";
	char dir[64] = "/tmp/nsinit-order-XXXXXX", env_d[96], env_n[32], path[128];
	struct hs_proc p;
	int missing = 0;

	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(env_d, sizeof(env_d), "D=%s", dir);
	snprintf(env_n, sizeof(env_n), "N=%d", PARENTS);
	struct hs_opts o = { .env = HS_ARGV(env_d, env_n) };
	hs_run(&p, &o,
	       HS_ARGV("-s", "--kill-child=TERM", "--grace=60s", "--", "sh", "-c", command),
	       hs_ms(90000));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	for (int i = 0; i < PARENTS; i++) {
		snprintf(path, sizeof(path), "%s/m.%d", dir, i);
		if (unlink(path) < 0)
			missing++;
	}
	cr_expect_eq(missing, 0, "%d of %d parents exited without running their TERM trap:\n%s",
		     missing, PARENTS, S(p.err));
	rmdir(dir);
	hs_cleanup(&p);
}

/* Without a procfs (none mounted, and no CAP_SYS_ADMIN to mount one of our
 * own), the command's own process group is all nsinit can reach: its
 * background job gets the kill-child signal (it holds stdout and stderr,
 * so EOF on both proves it gone), and the one warning says what is true:
 * no procfs is mounted, and how to fix that. */
Test(subreaper, without_a_procfs_the_commands_group_is_signalled)
{
	const char *script = "umount -l /proc && exec setpriv --bounding-set=-sys_admin "
			     "--inh-caps=-sys_admin \"$0\" \"$@\"";
	struct hs_opts o = { .prefix = HS_ARGV("unshare", "--mount", "sh", "-c", script) };
	struct hs_proc p;
	char line[512] = "";

	if ((getenv("NSINIT_SANITIZED") && *getenv("NSINIT_SANITIZED")) || hs_wrapped())
		cr_skip_test("ASan and valgrind need a /proc to start");

	hs_spawn(&p, &o, HS_ARGV("-v", "-s", "--", "sh", "-c", "sleep 1000 & echo bg=$!"));
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit:\n%s", S(p.err));
	cr_expect_eq(hs_code(&p), 0, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_read_eof(&p, HS_BOTH, hs_ms(10000)),
		  "the command's background job survived:\n%s\n%s", S(p.out), S(p.err));
	cr_expect(hs_find_line(S(p.err), "procfs", line, sizeof(line)), "stderr:\n%s", S(p.err));
	cr_expect_str_eq(line,
			 "nsinit: no procfs is mounted on /proc and no procfs of our own can be "
			 "mounted (needs CAP_SYS_ADMIN): at exit only the command's process group "
			 "can be signalled; mount one (mount -t proc proc /proc) or give nsinit "
			 "CAP_SYS_ADMIN");
	cr_expect_eq(hs_count_matching(S(p.err), "procfs"), 1, "stderr:\n%s", S(p.err));
	cr_expect_eq(hs_count_matching(S(p.err), "shutdown: SIGKILL sent, 1 process left"), 1,
		     "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
}

/* --wait-all waits for what the command left, never for the caller's own
 * children (nsinit's before it ran the command): they are reaped as they
 * exit. Once waited for them (and a --timeout there made it 124). */
Test(subreaper, wait_all_never_waits_for_the_callers_children)
{
	struct hs_proc p;
	long long t0 = hs_now_ms();

	hs_run(&p, &(struct hs_opts){ .prefix = HS_ARGV("bash", "-c", "sleep 4 >/dev/null 2>&1 & exec \"$0\" \"$@\"") },
	       HS_ARGV("-s", "--wait-all", "--timeout=5", "--", "sh", "-c", "exit 2"), hs_ms(20000));
	cr_expect_eq(hs_code(&p), 2, "%s\n%s", hs_status_str(&p), S(p.err));
	cr_expect(p.t_exit_ms - t0 < hs_ms(3000), "it waited %lld ms for the caller's child",
		  p.t_exit_ms - t0);
	hs_cleanup(&p);
}

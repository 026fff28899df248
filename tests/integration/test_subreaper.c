/* -s (no namespace of our own): the shutdown signals every process the
 * command left, and nothing else - not under a /proc of another PID
 * namespace, not the children nsinit inherited, not past 4 KiB of children,
 * not with a chain deeper than PID 1's stack. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

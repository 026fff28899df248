/* The one signal policy, as a table: who decides, what came, what happens. */
#include "lib/sigpolicy.h"

#include <criterion/criterion.h>
#include <signal.h>

/* PID1_IN_JOB: with a relay that leads a shell's job, in its process group. */
enum who { RELAY, PID1_WITH_RELAY, PID1_IN_JOB, PID1_ALONE };

struct row {
	enum who who;
	int signo, code;
	pid_t sender;      /* 42 is "us" */
	int rewrite_from, rewrite_to; /* one -r FROM:TO, or 0 */
	enum sig_verdict verdict;
	int sig;
	bool stop;
};

static const struct row rows[] = {
	/* SIGCHLD is news for the loop, never forwarded. */
	{ RELAY, SIGCHLD, CLD_EXITED, 7, 0, 0, SIG_CHILD, 0, false },
	{ PID1_ALONE, SIGCHLD, CLD_EXITED, 7, 0, 0, SIG_CHILD, 0, false },
	/* Our own SIGPIPE. */
	{ RELAY, SIGPIPE, SI_USER, 42, 0, 0, SIG_OURS, 0, false },
	{ PID1_ALONE, SIGPIPE, SI_USER, 42, 0, 0, SIG_OURS, 0, false },
	/* A user's kill. */
	{ RELAY, SIGHUP, SI_USER, 9, 0, 0, SIG_FORWARD, SIGHUP, false },
	{ PID1_WITH_RELAY, SIGHUP, SI_USER, 0, 0, 0, SIG_FORWARD, SIGHUP, false },
	/* Stops, the same in both. */
	{ RELAY, SIGTERM, SI_USER, 9, 0, 0, SIG_FORWARD, SIGTERM, true },
	{ PID1_ALONE, SIGINT, SI_USER, 9, 0, 0, SIG_FORWARD, SIGINT, true },
	{ PID1_WITH_RELAY, SIGQUIT, SI_USER, 0, 0, 0, SIG_FORWARD, SIGQUIT, true },
	/* -r TERM:QUIT is still a stop; -r TERM:0 is not, and sends nothing,
	 * in the relay and PID 1 alike. */
	{ RELAY, SIGTERM, SI_USER, 9, SIGTERM, SIGQUIT, SIG_FORWARD, SIGQUIT, true },
	{ RELAY, SIGTERM, SI_USER, 9, SIGTERM, 0, SIG_DROPPED, 0, false },
	{ PID1_ALONE, SIGTERM, SI_USER, 9, SIGTERM, 0, SIG_DROPPED, 0, false },
	{ PID1_WITH_RELAY, SIGTERM, SI_USER, 0, SIGTERM, 0, SIG_DROPPED, 0, false },
	/* A terminal's Ctrl-C reaches nsinit only when the command is in
	 * another group (its own, or a new session): forward it, once. */
	{ RELAY, SIGINT, SI_KERNEL, 0, 0, 0, SIG_FORWARD, SIGINT, true },
	{ PID1_ALONE, SIGINT, SI_KERNEL, 0, 0, 0, SIG_FORWARD, SIGINT, true },
	{ PID1_WITH_RELAY, SIGINT, SI_KERNEL, 0, 0, 0, SIG_ECHO, 0, false },
	{ RELAY, SIGHUP, SI_KERNEL, 0, 0, 0, SIG_FORWARD, SIGHUP, false },
	{ PID1_WITH_RELAY, SIGHUP, SI_KERNEL, 0, 0, 0, SIG_ECHO, 0, false },
	/* SIGCONT: the relay's, which hands the terminal over first. */
	{ RELAY, SIGCONT, SI_USER, 9, 0, 0, SIG_FORWARD, SIGCONT, false },
	{ PID1_WITH_RELAY, SIGCONT, SI_USER, 0, 0, 0, SIG_ECHO, 0, false },
	{ PID1_ALONE, SIGCONT, SI_USER, 9, 0, 0, SIG_FORWARD, SIGCONT, false },
	/* Real-time signals, queued with a value. */
	{ RELAY, 40, SI_QUEUE, 9, 0, 0, SIG_FORWARD, 40, false },
	/* As a shell's job, PID 1 shares the relay's group: a signal sent to
	 * the job (kill %1) reaches both, and the relay's copy is the one
	 * forwarded (the breaker saw TERM twice, and --stop-delay skipped as
	 * for a second stop). One from inside the namespace is PID 1's. */
	{ PID1_IN_JOB, SIGTERM, SI_USER, 0, 0, 0, SIG_ECHO, 0, false },
	{ PID1_IN_JOB, 40, SI_QUEUE, 0, 0, 0, SIG_ECHO, 0, false },
	{ PID1_IN_JOB, SIGTERM, SI_TKILL, 0, 0, 0, SIG_ECHO, 0, false },
	{ PID1_IN_JOB, SIGTERM, SI_USER, 9, 0, 0, SIG_FORWARD, SIGTERM, true },
	{ PID1_IN_JOB, SIGINT, SI_KERNEL, 0, 0, 0, SIG_ECHO, 0, false },
	/* Elsewhere PID 1 leads a group of its own: from outside is to it alone. */
	{ PID1_WITH_RELAY, SIGTERM, SI_TKILL, 0, 0, 0, SIG_FORWARD, SIGTERM, true },
	{ PID1_WITH_RELAY, 40, SI_QUEUE, 0, 0, 0, SIG_FORWARD, 40, false },
};

Test(sigpolicy, table)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct sig_rules rules;
		struct sig_view view = { .relay = r->who == RELAY,
					 .has_relay = r->who == PID1_WITH_RELAY || r->who == PID1_IN_JOB,
					 .shares_group = r->who == PID1_IN_JOB, .self = 42 };

		for (int s = 0; s < NSIG; s++)
			rules.rewrite[s] = s;
		if (r->rewrite_from)
			rules.rewrite[r->rewrite_from] = r->rewrite_to;
		struct sig_decision d = sigpolicy_decide(&rules, &view, r->signo, r->code, r->sender);
		cr_expect_eq(d.verdict, r->verdict, "row %zu: verdict %d, want %d", i, d.verdict,
			     r->verdict);
		if (r->verdict == SIG_FORWARD) {
			cr_expect_eq(d.sig, r->sig, "row %zu: sends %d, want %d", i, d.sig, r->sig);
			cr_expect_eq(d.stop, r->stop, "row %zu: stop %d, want %d", i, d.stop, r->stop);
		}
	}
}

/* Signals the command receives: each named, or counted between barriers. */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

int cmd_signals(int argc, char **argv)
{
	long want = argc > 2 ? num_arg(argv[2]) : 0;
	sigset_t all;
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		die("sigprocmask");
	out("ready\n");
	for (long got = 0; want == 0 || got < want; got++) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0) {
			if (errno == EINTR) {
				got--;
				continue;
			}
			die("sigwaitinfo");
		}
		char name[32];
		sig_name(sig, name, sizeof name);
		out("%s\n", name);
	}
	return 0;
}

/* A signal number: "RTMAX", "RTMIN+k" or a decimal number. */
static int sig_arg(const char *s)
{
	if (!strcmp(s, "RTMAX"))
		return SIGRTMAX;
	if (!strncmp(s, "RTMIN+", 6))
		return SIGRTMIN + (int)num_arg(s + 6);
	return (int)num_arg(s);
}

/*
 * probe sigcount BARRIER ROUNDS CODE: block every signal, print "ready",
 * count each signal received. At each BARRIER print "round R", then
 * "count <SIGNAME> <n>" for every other signal received so far (cumulative,
 * by number), then "end R". Exit CODE after ROUNDS barriers. Pending
 * signals are taken lowest number first, so a barrier of the highest
 * number sent last comes after every signal sent before it.
 */
int cmd_sigcount(int argc, char **argv)
{
	if (argc < 5)
		usage();
	int barrier = sig_arg(argv[2]);
	long rounds = num_arg(argv[3]);
	int code = (int)num_arg(argv[4]);
	static long counts[NSIG];
	sigset_t all;
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		die("sigprocmask");
	out("ready\n");
	for (long round = 1; round <= rounds;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			die("sigwaitinfo");
		}
		if (sig != barrier) {
			counts[sig]++;
			continue;
		}
		out("round %ld\n", round);
		for (int s = 1; s < NSIG; s++)
			if (counts[s]) {
				char name[32];
				sig_name(s, name, sizeof name);
				out("count %s %ld\n", name, counts[s]);
			}
		out("end %ld\n", round);
		round++;
	}
	return code;
}

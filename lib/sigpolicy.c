/* The one decision of what a received signal means (see sigpolicy.h). */
#include "lib/sigpolicy.h"

bool sigpolicy_is_stop(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT;
}

struct sig_decision sigpolicy_decide(const struct sig_rules *rules, const struct sig_view *view,
				     int signo, int code, pid_t sender)
{
	struct sig_decision d = { SIG_FORWARD, 0, false };

	if (signo == SIGCHLD) {
		d.verdict = SIG_CHILD;
		return d;
	}
	/* SIGPIPE or SIGXFSZ from a write of ours come as SI_USER from us. */
	if (code == SI_USER && sender == view->self) {
		d.verdict = SIG_OURS;
		return d;
	}
	if (!view->relay && view->has_relay &&
	    (code == SI_KERNEL || signo == SIGCONT ||
	     (view->shares_group && sender == 0 && code <= 0))) {
		d.verdict = SIG_ECHO;
		return d;
	}
	if (signo <= 0 || signo >= NSIG || rules->rewrite[signo] == 0) {
		d.verdict = SIG_DROPPED;
		return d;
	}
	d.sig = rules->rewrite[signo];
	d.stop = sigpolicy_is_stop(signo);
	return d;
}

/* What a signal that nsinit receives means: one decision, made by one pure
 * function that the relay and PID 1 both call, so the two cannot drift. */
#ifndef NSINIT_SIGPOLICY_H
#define NSINIT_SIGPOLICY_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* What the user asked for, from the options: -r FROM:TO (rewrite[sig] is what
 * is sent instead of sig; 0 drops it). */
struct sig_rules {
	int rewrite[NSIG];
};

/* Who is deciding. */
struct sig_view {
	bool relay;     /* the relay outside; else PID 1 */
	bool has_relay; /* PID 1 only: a relay outside receives what we do */
	bool shares_group; /* PID 1 only: in the relay's process group (a shell's
			    * job, which PID 1 may have to wake); else in one of
			    * its own, which nobody outside signals as a group */
	pid_t self;     /* our own pid, to recognise our own doing */
};

enum sig_verdict {
	SIG_CHILD,   /* SIGCHLD: a child changed state; reap (nothing to send) */
	SIG_OURS,    /* our own doing (SIGPIPE from a write of ours): ignore */
	SIG_ECHO,    /* a process group's signal that the relay handles: ignore */
	SIG_DROPPED, /* -r FROM:0 */
	SIG_FORWARD, /* send `sig` to the command */
};

struct sig_decision {
	enum sig_verdict verdict;
	int sig;   /* SIG_FORWARD: what to send, after -r */
	bool stop; /* a stop request (TERM, INT, QUIT) that is not dropped */
};

/* The signals that ask a service to stop: what docker/podman stop, systemctl
 * stop and Kubernetes send (TERM), Ctrl-C (INT) and a STOPSIGNAL of QUIT. */
bool sigpolicy_is_stop(int sig);

/* Decide what to do with signal `signo`, sent with si_code `code` by `sender`
 * (0 when the sender is outside our PID namespace).
 *
 * Signals the kernel sends to a whole process group (SI_KERNEL: a
 * terminal's Ctrl-C, Ctrl-\, Ctrl-Z, SIGWINCH and hangup, the SIGHUP of an
 * orphaned group) reach nsinit only when nsinit's group has them, and the
 * command never shares that group (it leads its own), so they are
 * forwarded; PID 1 leaves them to the relay, which is in the same group and
 * got them too. SIGCONT (a shell's fg or bg, sent to the job's group) is the
 * relay's alone too: only the relay sees the caller's process groups, so only
 * it can give the command the terminal back before waking it.
 *
 * Where PID 1 shares the relay's group (shares_group), a signal sent to the
 * group by a process (kill %1, kill -- -PGID, timeout(1)) reaches both as
 * well: PID 1 takes none from outside its namespace (sender 0, a user's
 * code), as the relay forwards its own copy, and passes on to PID 1 over
 * the link, never by kill(2). Elsewhere PID 1 leads a group of its own, and
 * a signal from outside is one sent to PID 1 alone: it is forwarded. */
struct sig_decision sigpolicy_decide(const struct sig_rules *rules, const struct sig_view *view,
				     int signo, int code, pid_t sender);

#endif

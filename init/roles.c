/* nsinit's two roles: the relay and PID 1 of namespaces it makes, or PID 1
 * right here (already PID 1, -s, or where no namespace can be made). */
#include "init/roles.h"

#include "lib/exitcode.h"
#include "spawn/link.h"
#include "spawn/inside.h"
#include "lib/msg.h"
#include "spawn/namespace.h"
#include "init/pid1.h"
#include "spawn/pidfile.h"
#include "init/relay.h"
#include "spawn/terminal.h"

#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The command runs as the caller and may ptrace, or take fds from
 * (pidfd_getfd), any process of the caller's that is dumpable and holds no
 * capability it lacks: PID 1, the relay and nsinit -s are not dumpable, so
 * only a command with CAP_SYS_PTRACE over nsinit's user namespace, which
 * could do anything nsinit does anyway, reaches them. A failure is said
 * and nsinit goes on: prctl cannot fail with these arguments. */
static void out_of_reach(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		warn_errno("cannot make nsinit undumpable");
}

/* No namespace can be made here, and none was asked for by name: do what
 * tini and dumb-init do in the same place, with one line saying why. */
static int fall_back(const struct options *opts, const sigset_t *original_mask, const char *why)
{
	struct options here = *opts;
	/* The cause, without the fix that the error would suggest: "...; give
	 * the container an unmasked /proc, or pass -s" is what happens now. */
	size_t cause = strcspn(why, ";");

	warn("%.*s; running as a subreaper (-s) instead; pass --namespace to make this an error",
	     (int)cause, why);
	here.role = ROLE_NO_NAMESPACE;
	return roles_here(&here, original_mask);
}

/* In the new namespaces' PID 1: mount /proc and the rest, then be init. */
static int be_pid1(const struct options *opts, const sigset_t *original_mask,
		   unsigned long flags, int sock, bool may_fall_back)
{
	char why[768];
	bool no_proc;

	if (inside_setup(opts->hostname, opts->root, flags, why, sizeof(why), &no_proc) == 0)
		return pid1_run(opts, original_mask, sock, -1);
	if (!no_proc || !may_fall_back)
		die("%s", why);
	/* The relay runs the command itself, without a namespace. */
	(void)link_send(sock, LINK_FALLBACK, 0, why, strlen(why), -1);
	return EXIT_NSINIT_FAILED;
}

/* Make the namespaces: the parent stays outside as the relay, the child is
 * their PID 1. The child waits for the relay's go-ahead (the user
 * namespace's maps, the pid file) before it sets anything up inside. Each
 * returns the exit code of nsinit. */
int roles_in_new_namespace(const struct options *opts, const sigset_t *original_mask)
{
	unsigned long flags = namespace_flags(opts->extra_ns, opts->user_ns);
	bool may_fall_back =
		opts->role == ROLE_AUTO && !opts->extra_ns && !opts->user_ns && !opts->root;
	char why[768];
	struct relay_request rq = {
		.rules = &opts->rules,
		.to_group = opts->target == TARGET_GROUP,
		.hold_stops = opts->stop_delay_us > 0,
		.tty_foreground = opts->tty_foreground,
		.needs_go = (flags & CLONE_NEWUSER) || opts->pid_file,
		.user_ns = flags & CLONE_NEWUSER,
		.map_current_user = opts->map_current_user,
		.pid_file = opts->pid_file,
		.leads_job = opts->leads_job,
	};
	static struct relay_result res; /* static: a small stack must not cost the relay */
	int sock[2];
	pid_t pid;

	/* --new-session, as dumb-init's setsid mode: where nsinit leads the
	 * terminal's session (a container's or ssh's -t, script(1)), it gives
	 * the terminal up, so that the command's session takes it as its
	 * controlling terminal; under a shell it stays the shell's. */
	if (opts->new_session)
		terminal_release();
	link_pair(sock);
	(void)clock_gettime(CLOCK_REALTIME, &rq.made_at);
	pid = namespace_clone(flags);
	if (pid < 0) {
		bool no_namespace_here = namespace_explain(errno, flags, why, sizeof(why));

		close(sock[0]);
		close(sock[1]);
		if (!no_namespace_here || !may_fall_back)
			die("%s", why);
		return fall_back(opts, original_mask, why);
	}
	if (pid == 0) {
		/* Out of the relay's process group, which is the caller's
		 * (timeout(1), make, a CI runner): a signal sent to that group
		 * reaches the relay, which forwards it once. As a shell's job
		 * PID 1 stays in the job's group, to wake it (pid1.c), and
		 * leaves signals from outside to the relay (sigpolicy.h). */
		if (!opts->pid1_in_job && !opts->new_session && setpgid(0, 0) < 0)
			warn_errno("cannot leave the caller's process group");
		close(sock[0]);
		if (rq.needs_go)
			link_wait_go(sock[1]);
		/* Only now: until the relay has written the maps, they are
		 * files of a process it may write to. */
		out_of_reach();
		return be_pid1(opts, original_mask, flags, sock[1], may_fall_back);
	}
	close(sock[1]);
	out_of_reach();
	relay_run(&rq, pid, sock[0], &res);
	if (res.fall_back)
		return fall_back(opts, original_mask, res.why);
	return res.code;
}

/* Acting as init right here: the options that ask for namespaces of
 * nsinit's own cannot be honoured, and saying so beats ignoring them. */
static void refuse_namespace_options(const struct options *opts)
{
	const char *option = namespace_option(opts->extra_ns | (opts->user_ns ? CLONE_NEWUSER : 0));

	if (!option && opts->root)
		option = "root";
	if (!option)
		return;
	if (opts->role == ROLE_NO_NAMESPACE)
		die("--%s needs a new namespace, which --no-namespace (or -s) rules out; drop one "
		    "of them",
		    option);
	die("--%s needs a new namespace, but nsinit is PID 1 here and acts as init in place; "
	    "add --namespace, or drop --%s",
	    option, option);
}

/* Without namespaces, the pid file names nsinit itself: it is the init. */
int roles_here(const struct options *opts, const sigset_t *original_mask)
{
	struct pidfile pf = PIDFILE_NONE;
	int code;

	refuse_namespace_options(opts);
	out_of_reach();
	if (opts->pid_file && pidfile_write(&pf, opts->pid_file, getpid()) < 0)
		return EXIT_NSINIT_FAILED;
	code = pid1_run(opts, original_mask, -1, pf.dirfd);
	pidfile_remove(&pf);
	return code;
}


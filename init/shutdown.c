/* Shutdown (shutdown.h): the kill-child signal to everything left, and
 * SIGKILL when lifecycle.c says the grace is over. */
#include "init/shutdown.h"

#include "lib/clock.h"
#include "init/descendants.h"
#include "lib/events.h"
#include "lib/msg.h"
#include "lib/signame.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <signal.h>

/* Send sig to everything left. As PID 1 of a PID namespace, kill(-1) reaches
 * exactly the namespace (never PID 1 itself). Otherwise it would reach every
 * process of the user, so only our own descendants are signalled. */
void shutdown_signal_all(bool owns_namespace, int sig)
{
	char name[SIGNAME_MAX];

	if (!owns_namespace) {
		descendants_signal(sig);
		return;
	}
	if (kill(-1, sig) < 0 && errno != ESRCH)
		warn_errno("cannot send %s to the namespace", signame_format(sig, name, sizeof(name)));
}

/* How many processes besides PID 1 this namespace holds, from our /proc. */
static long count_namespace(void)
{
	DIR *d = opendir("/proc");
	struct dirent *ent;
	long n = 0;

	if (!d)
		return -1;
	while ((ent = readdir(d)) != NULL)
		if (ent->d_name[0] >= '1' && ent->d_name[0] <= '9' && strcmp(ent->d_name, "1") != 0)
			n++;
	closedir(d);
	return n;
}

static void emit_shutdown(const struct shutdown *sd, const char *why, long left)
{
	struct event e;
	char name[SIGNAME_MAX];

	event_begin(&e, "shutdown");
	event_str(&e, "reason", why);
	event_str(&e, "signal", signame_format(sd->kill_signal, name, sizeof(name)));
	event_int(&e, "left", left);
	event_end(&e);
}

static const struct {
	const char *token, *sentence;
} reasons[] = {
	[REASON_COMMAND_EXITED] = { "command_exited", "the command exited" },
	[REASON_RELAY_GONE] = { "relay_gone", "the relay is gone" },
	[REASON_STOP_TIMEOUT] = { "stop_timeout", "the command did not stop within --stop-timeout" },
	[REASON_WAIT_ALL_TIMEOUT] = { "wait_all_timeout", "what the command left did not stop within --stop-timeout" },
	[REASON_TIMEOUT] = { "timeout", "--timeout ran out" },
	[REASON_NOT_STARTED] = { "not_started", "the command did not start" },
};

void shutdown_begin(struct shutdown *sd, enum shutdown_reason reason, uint64_t now)
{
	const char *why = reasons[reason].sentence;
	int sig = sd->kill_signal;
	char name[SIGNAME_MAX];

	sd->begun = true;
	sd->start_us = now;
	note("shutdown: %s; sending %s to what is left", why, signame_format(sig, name, sizeof(name)));
	if (sd->owns_namespace) {
		if (events_fd() >= 0)
			emit_shutdown(sd, reasons[reason].token, count_namespace());
		shutdown_signal_all(true, sig);
	} else {
		unsigned n = descendants_signal(sig);

		if (events_fd() >= 0)
			emit_shutdown(sd, reasons[reason].token, n);
	}
	/* A stopped process would sit on the signal until the grace runs out. */
	if (sig != SIGKILL && sig != SIGCONT)
		shutdown_signal_all(sd->owns_namespace, SIGCONT);
}

void shutdown_kill(const struct shutdown *sd, bool grace_over)
{
	if (grace_over)
		note("shutdown: grace period over; sending SIGKILL");
	shutdown_signal_all(sd->owns_namespace, SIGKILL);
}

void shutdown_reaped(struct shutdown *sd, unsigned n)
{
	if (sd->begun)
		sd->left += n;
}

void shutdown_report(const struct shutdown *sd)
{
	char name[SIGNAME_MAX];
	uint64_t took;

	if (!sd->begun)
		return;
	took = clock_now_us() - sd->start_us;
	note("shutdown: %s sent, %u process%s left, done in %llu.%llu ms",
	     signame_format(sd->kill_signal, name, sizeof(name)), sd->left,
	     sd->left == 1 ? "" : "es",
	     (unsigned long long)(took / 1000), (unsigned long long)(took % 1000 / 100));
}

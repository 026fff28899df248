/* Shutdown: the kill-child signal to everything left, a grace period for a
 * signal other than SIGKILL, then SIGKILL. */
#include "init/pid1.h"

#include "lib/clock.h"
#include "init/descendants.h"
#include "lib/events.h"
#include "lib/msg.h"
#include "lib/signame.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <signal.h>

/* While SIGKILLed processes outside a namespace of ours are collected, look
 * again this often for descendants that a walk could have missed (forked
 * mid-walk, then reparented to us without a SIGCHLD). */
#define REWALK_MS 100

/* Send sig to everything left. As PID 1 of a PID namespace, kill(-1) reaches
 * exactly the namespace (never PID 1 itself). Otherwise it would reach every
 * process of the user, so only our own descendants are signalled. */
void shutdown_signal_all(const struct pid1 *p, int sig)
{
	char name[SIGNAME_MAX];

	if (!p->owns_namespace) {
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

static void emit_shutdown(const struct pid1 *p, const char *why, long left)
{
	struct event e;
	char name[SIGNAME_MAX];

	event_begin(&e, "shutdown");
	event_str(&e, "reason", why);
	event_str(&e, "signal", signame_format(p->opts->kill_signal, name, sizeof(name)));
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

void shutdown_begin(struct pid1 *p, enum shutdown_reason reason)
{
	const char *why = reasons[reason].sentence;
	int sig = p->opts->kill_signal;
	char name[SIGNAME_MAX];

	if (p->sd.begun)
		return;
	p->sd.begun = true;
	p->sd.start_us = clock_now_us();
	p->sd.deadline_us = p->sd.start_us + p->opts->grace_us;
	note("shutdown: %s; sending %s to what is left", why, signame_format(sig, name, sizeof(name)));
	if (p->owns_namespace) {
		if (events_fd() >= 0)
			emit_shutdown(p, reasons[reason].token, count_namespace());
		shutdown_signal_all(p, sig);
	} else {
		unsigned n = descendants_signal(sig);

		if (events_fd() >= 0)
			emit_shutdown(p, reasons[reason].token, n);
	}
	if (sig == SIGKILL) {
		p->sd.killed = true;
		return;
	}
	/* A stopped process would sit on the signal until the grace runs out. */
	if (sig != SIGCONT)
		shutdown_signal_all(p, SIGCONT);
}

void shutdown_check_deadline(struct pid1 *p)
{
	if (!p->sd.begun)
		return;
	if (p->sd.killed) {
		if (!p->owns_namespace)
			shutdown_signal_all(p, SIGKILL);
		return;
	}
	if (clock_now_us() < p->sd.deadline_us)
		return;
	note("shutdown: grace period over; sending SIGKILL");
	p->sd.killed = true;
	shutdown_signal_all(p, SIGKILL);
}

int shutdown_poll_timeout(const struct pid1 *p)
{
	if (!p->sd.begun)
		return -1; /* idle: wake only for a signal or the relay */
	if (p->sd.killed)
		return p->owns_namespace ? -1 : REWALK_MS;
	return clock_poll_ms(p->sd.deadline_us);
}

void shutdown_report(const struct pid1 *p)
{
	char name[SIGNAME_MAX];
	uint64_t took;

	if (!p->sd.begun)
		return;
	took = clock_now_us() - p->sd.start_us;
	note("shutdown: %s sent, %u process%s left, done in %llu.%llu ms",
	     signame_format(p->opts->kill_signal, name, sizeof(name)), p->sd.left,
	     p->sd.left == 1 ? "" : "es",
	     (unsigned long long)(took / 1000), (unsigned long long)(took % 1000 / 100));
}

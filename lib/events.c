/* The events channel. Best effort, like the log: a reader that went away
 * costs nothing but the events (SIGPIPE is blocked; write errors ignored). */
#include "events.h"

#include "fmt.h"
#include "sys.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Written once at start-up, before the relay and PID 1 part. */
static int channel = -1;
/* As in msg.c: a reader that let an event time out costs no more waits. */
static bool stalled;

int events_open(const char *spec)
{
	char *end;
	long fd = strtol(spec, &end, 10);

	if (*spec && !*end && fd >= 0 && fd <= 1 << 20) {
		if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
			return -1;
		return (int)fd;
	}
	return sys_open_mode(spec, O_WRONLY | O_CREAT | O_APPEND, 0644);
}

void events_set_fd(int fd)
{
	channel = fd;
}

int events_fd(void)
{
	return channel;
}

static void put(struct event *e, const char *s, size_t n)
{
	for (size_t i = 0; i < n && e->len + 2 < sizeof(e->buf); i++)
		e->buf[e->len++] = s[i];
}

static void put_str(struct event *e, const char *s)
{
	while (*s)
		put(e, s++, 1);
}

/* A JSON string that stays valid whatever bytes s holds (a process name
 * the kernel cut mid-character, say), cut to what fits before the "}\n". */
static void put_json(struct event *e, const char *s)
{
	e->len += fmt_json(e->buf + e->len, sizeof(e->buf) - 1 - e->len, s);
}

static void put_key(struct event *e, const char *key)
{
	put(e, ",", 1);
	put_json(e, key);
	put(e, ":", 1);
}

void event_begin(struct event *e, const char *name)
{
	struct timespec ts;
	char num[48];

	e->len = 0;
	put_str(e, "{\"event\":");
	put_json(e, name);
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	put(e, num, fmt(num, sizeof(num), ",\"time\":%lld.", (long long)ts.tv_sec));
	/* Microseconds, zero-padded to six digits (fmt has no field widths). */
	for (long us = ts.tv_nsec / 1000, scale = 100000; scale > 0; scale /= 10) {
		char digit = (char)('0' + us / scale % 10);

		put(e, &digit, 1);
	}
}

void event_int(struct event *e, const char *key, long long value)
{
	char num[24];

	put_key(e, key);
	put(e, num, fmt(num, sizeof(num), "%lld", value));
}

void event_str(struct event *e, const char *key, const char *value)
{
	put_key(e, key);
	put_json(e, value);
}

void event_end(struct event *e)
{
	if (channel < 0)
		return;
	e->buf[e->len++] = '}';
	e->buf[e->len++] = '\n';
	stalled = sys_write_bounded(channel, e->buf, e->len, stalled ? 0 : 1000) < 0 &&
		  errno == EAGAIN;
}

void event_forwarded(const char *signal, long long pid, const char *by)
{
	struct event e;

	if (channel < 0)
		return;
	event_begin(&e, "forwarded");
	event_str(&e, "signal", signal);
	event_int(&e, "pid", pid);
	event_str(&e, "by", by);
	event_end(&e);
}

void event_one_int(const char *name, const char *key, long long value)
{
	struct event e;

	if (channel < 0)
		return;
	event_begin(&e, name);
	event_int(&e, key, value);
	event_end(&e);
}

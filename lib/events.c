/* The events channel. Unlike the log, nothing is dropped for a slow reader:
 * lines wait in a queue, in order, and go out whenever the channel takes
 * them (the loops poll it for room), so that neither PID 1 nor the relay
 * ever blocks on it. Only a reader that went away (EPIPE, or any other
 * write error) costs the events still queued; if memory runs out, the
 * next line that fits is preceded by a `lost` event with the count. */
#include "lib/events.h"

#include "lib/errtext.h"
#include "lib/num.h"
#include "lib/fmt.h"
#include "lib/stranger.h"
#include "lib/msg.h"
#include "lib/outq.h"
#include "lib/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

/* Written once at start-up, before the relay and PID 1 part. */
static int channel = -1;
/* Lines the channel has not taken yet, and a private non-blocking
 * description of it where it is a terminal (sys_write_nowait). */
static struct outq pending = OUTQ_INIT;
static int own = -1;
/* Lines that found no memory to wait in, not yet told in a `lost` event. */
static unsigned long lost;
/* Where finished lines go instead of the channel (PID 1 with a relay). */
static int (*sink)(void *ctx, const char *line, size_t len);
static void *sink_ctx;

void events_set_sink(int (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
	sink = fn;
	sink_ctx = ctx;
}

/* Digits, or a '-' and digits: an fd number (if a bad one), never a file
 * named "-1" or "1048577" created by a typo. */
static bool is_fd_number(const char *spec)
{
	const char *c = spec + (spec[0] == '-');

	while (*c >= '0' && *c <= '9')
		c++;
	return !*c && c > spec + (spec[0] == '-');
}

/* An fd the caller opened stays the caller's and the command's: its flags
 * are not touched (a close-on-exec stdout would fail the command's writes),
 * and events go to a duplicate of nsinit's own above stderr, so that no fd
 * the command opens can land where events are written. */
static int open_fd(const char *spec)
{
	char *end;
	long n;
	int flags, fd;

	/* -1 or 99999999999 is no fd that can be open: EBADF, as for one
	 * that is not. A read-only fd fails F_GETFL's check the same way. */
	errno = 0;
	n = num_long(spec, &end);
	flags = errno || n < 0 || n > INT_MAX ? (errno = EBADF, -1) : fcntl((int)n, F_GETFL);
	if (flags >= 0 && (flags & O_ACCMODE) == O_RDONLY)
		flags = -1, errno = EBADF;
	fd = flags < 0 ? -1 : fcntl((int)n, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		die("cannot use fd %s for --events: %s; open one for writing (e.g. 3>>FILE), or "
		    "name a file (./%s)",
		    spec, errtext(errno), spec);
	return fd;
}

static noreturn void refuse(const char *path, unsigned mode)
{
	die("cannot use '%s' for %s: it is %s, not a regular file; %s", path, "--events",
	    fmt_file_kind(mode), "name one, or an fd (--events=2)");
}

/* A file is opened as a stranger would: a link planted in its place is not
 * followed, a fifo without a reader or a terminal cannot block the open
 * (O_NONBLOCK: every signal is blocked by now, so a hang here would take
 * SIGKILL), none becomes our controlling terminal, and anything but a
 * regular file is refused. A new file is private (0600): events name
 * processes and pids; a file made beforehand keeps its mode, but must be
 * ours alone: owned by us, with no second name (a hard link planted to a
 * file of root's, or a file another user prepared with forged lines, is
 * refused). The directories on the way are judged by lib/stranger.h. */
static int open_file(const char *path)
{
	const char *name;
	struct stat st;
	int dirfd = stranger_open_parent(path, &name), fd, err;

	if (dirfd < 0) {
		if (dirfd == STRANGER_REFUSED)
			die("cannot use '%s' for %s: %s", path, "--events", STRANGER_REFUSED_WHY);
		die_errno("cannot open '%s' for --events", path);
	}
	fd = openat(dirfd, name,
		    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		    0600);
	err = errno;
	if (fd < 0) {
		/* ELOOP (a link), ENXIO (a fifo without a reader), EISDIR:
		 * name what is there rather than the errno. */
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
			refuse(path, st.st_mode);
		errno = err;
		die_errno("cannot open '%s' for --events", path);
	}
	close(dirfd);
	if (fstatat(fd, "", &st, AT_EMPTY_PATH) < 0)
		st.st_mode = 0; /* cannot fail on an open fd: read as not regular */
	if (!S_ISREG(st.st_mode))
		refuse(path, st.st_mode);
	if (st.st_uid != geteuid() || st.st_nlink != 1)
		die("cannot use '%s' for --events: %s; remove it, or name another file", path,
		    st.st_nlink != 1 ? "it has another name (a hard link)" : "another user owns it");
	return fd;
}

int events_open(const char *spec)
{
	return is_fd_number(spec) ? open_fd(spec) : open_file(spec);
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

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	event_begin_at(e, name, &ts);
}

void event_begin_at(struct event *e, const char *name, const struct timespec *ts)
{
	char num[48];

	e->len = 0;
	put_str(e, "{\"event\":");
	put_json(e, name);
	put(e, num, fmt(num, sizeof(num), ",\"time\":%lld.", (long long)ts->tv_sec));
	/* Microseconds, zero-padded to six digits (fmt has no field widths). */
	for (long us = ts->tv_nsec / 1000, scale = 100000; scale > 0; scale /= 10) {
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

void events_flush(void)
{
	const void *head;
	size_t len;
	int fd;

	while ((head = outq_peek(&pending, &len, &fd))) {
		ssize_t n = sys_write_nowait(channel, &own, head, len);

		/* A terminal that only a blocking write reaches (no /proc). */
		if (n < 0 && errno == ENOTSUP)
			n = sys_write(channel, head, len);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			/* The reader went away (EPIPE), or the file cannot
			 * take more (ENOSPC): what waits is lost with it. */
			outq_clear(&pending, NULL);
			return;
		}
		(void)outq_advance(&pending, (size_t)n);
	}
}

bool events_pending(void)
{
	return !outq_empty(&pending);
}

int events_poll_fd(void)
{
	return own >= 0 ? own : channel;
}

/* One line to the sink or the queue. Returns 0, or -1 if memory ran out. */
static int hand_on(const char *line, size_t len)
{
	if (sink)
		return sink(sink_ctx, line, len);
	if (outq_push(&pending, line, len, -1) < 0)
		return -1;
	events_flush();
	return 0;
}

/* The count of lines memory could not hold, first, once it can be held. */
static void tell_lost(void)
{
	struct event e;
	unsigned long n = lost;

	event_begin(&e, "lost");
	event_int(&e, "count", (long long)n);
	e.buf[e.len++] = '}';
	e.buf[e.len++] = '\n';
	if (hand_on(e.buf, e.len) == 0)
		lost = 0;
}

void events_write_line(const char *line, size_t len)
{
	if (channel < 0)
		return;
	if (lost)
		tell_lost();
	if (lost || hand_on(line, len) < 0)
		lost++;
}

void event_end(struct event *e)
{
	if (channel < 0)
		return;
	e->buf[e->len++] = '}';
	e->buf[e->len++] = '\n';
	events_write_line(e->buf, e->len);
}

/* Any signal but SIGCHLD that came while draining: the caller wants nsinit
 * gone now, and the reader has had every chance. */
static bool told_to_go(int sigfd)
{
	struct signalfd_siginfo si[8];
	ssize_t n = sys_read(sigfd, si, sizeof(si));

	for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
		if (si[i].ssi_signo != SIGCHLD)
			return true;
	return false;
}

void events_drain(int sigfd)
{
	unsigned long left;

	events_flush();
	while (events_pending()) {
		struct pollfd fds[2] = { { .fd = events_poll_fd(), .events = POLLOUT },
					 { .fd = sigfd, .events = POLLIN } };

		if (sys_poll(fds, 2, -1) < 0)
			break;
		if (fds[1].revents && told_to_go(sigfd))
			break;
		if (fds[0].revents)
			events_flush();
	}
	left = pending.records + lost;
	if (left)
		warn("%lu events were not written: the reader of --events did not take them "
		     "before nsinit was told to go",
		     left);
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

/* Machine-readable events (--events): one JSON object per line, for programs
 * that watch what nsinit does. The schema is in README.md. An event is built
 * field by field and handed to one writer (the relay, or PID 1 without one),
 * so that lines never interleave. */
#ifndef NSINIT_EVENTS_H
#define NSINIT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

/* Open the events channel: "N" is an inherited fd, which stays as it is for
 * the command while events go to a close-on-exec duplicate of it; anything
 * else a regular file to append to (created 0600), never a link, a fifo or a
 * device. Returns nsinit's own fd (3 or above); on failure says why and
 * exits 125. */
int events_open(const char *spec);

/* Set the fd events are written to (-1: none). Set once at start-up. */
void events_set_fd(int fd);
int events_fd(void);

/* PID 1 with a relay: hand each finished line to fn instead of writing it,
 * so that the relay writes every line, in the order things happened. fn
 * returns 0, or -1 if it could not take the line (no memory): the line is
 * counted in a later `lost` event. */
void events_set_sink(int (*fn)(void *ctx, const char *line, size_t len), void *ctx);
/* The relay: write a line PID 1 handed over. */
void events_write_line(const char *line, size_t len);

/* Lines wait in a queue while the channel has no room; they never block
 * and are never dropped for a slow reader. The loops poll events_poll_fd()
 * for POLLOUT while events_pending(), and call events_flush() when it is
 * writable. */
void events_flush(void);
bool events_pending(void);
int events_poll_fd(void);
/* At exit: wait until the reader has taken every line, or a signal other
 * than SIGCHLD comes on sigfd (the caller wants nsinit gone); then say how
 * many lines were left, if any. */
void events_drain(int sigfd);

struct event {
	char buf[512];
	size_t len;
};

/* {"event":"<name>","time":<seconds since the epoch, microsecond precision> */
void event_begin(struct event *e, const char *name);
/* The same, stamped with when it happened elsewhere (CLOCK_REALTIME). */
struct timespec;
void event_begin_at(struct event *e, const char *name, const struct timespec *ts);
void event_int(struct event *e, const char *key, long long value);
void event_str(struct event *e, const char *key, const char *value);
/* } and the newline, then the write. Does nothing without a channel. */
void event_end(struct event *e);

/* The events more than one place sends. */
void event_forwarded(const char *signal, long long pid, const char *by);
/* {"event":name, key:value}, for command_started and exit. */
void event_one_int(const char *name, const char *key, long long value);

#endif

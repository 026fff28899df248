/* A queue of records waiting for a reader that may be slow: each record is
 * some bytes and, optionally, an fd that goes with them. PID 1 must never
 * block on a reader, and must never drop what it promised to record: it
 * queues, and writes what the reader takes whenever the fd polls writable.
 * Pure: no system calls (the caller writes and closes). */
#ifndef NSINIT_OUTQ_H
#define NSINIT_OUTQ_H

#include <stdbool.h>
#include <stddef.h>

struct outq {
	char *buf;
	size_t head, tail, cap; /* the records live in buf[head, tail) */
	size_t sent;            /* bytes of the first record already written */
	unsigned long records;
};

#define OUTQ_INIT { NULL, 0, 0, 0, 0, 0 }

/* Append a record of len bytes (and fd, or -1). Returns 0, or -1 if memory
 * ran out: nothing was queued then, and fd is the caller's still. */
int outq_push(struct outq *q, const void *data, size_t len, int fd);

bool outq_empty(const struct outq *q);

/* The unwritten part of the first record, and its fd (or -1; the fd goes
 * with the record's first write only). NULL when the queue is empty. */
const void *outq_peek(const struct outq *q, size_t *len, int *fd);

/* n more bytes of the first record were written; a record written whole
 * is dropped from the queue. Returns the record's fd once it is dropped
 * (for the caller to close), else -1. */
int outq_advance(struct outq *q, size_t n);

/* Drop everything (a reader that went away). Calls close_fd on every fd
 * still queued, if close_fd is not NULL. Returns how many records went. */
unsigned long outq_clear(struct outq *q, void (*close_fd)(int fd));

#endif

/* The queue is one growing buffer of [header][bytes] records: appends at
 * the tail, writes from the head, and the buffer is compacted or doubled
 * when the tail would pass its end. */
#include "lib/outq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct header {
	uint32_t len;
	int32_t fd;
};

/* Records start aligned, so that a header can be read in place. */
static size_t padded(size_t len)
{
	return (sizeof(struct header) + len + 7) & ~(size_t)7;
}

static struct header *first(const struct outq *q)
{
	return (struct header *)(void *)(q->buf + q->head);
}

int outq_push(struct outq *q, const void *data, size_t len, int fd)
{
	size_t need = padded(len);
	struct header h = { (uint32_t)len, fd };

	if (len > UINT32_MAX)
		return -1;
	if (q->tail + need > q->cap && q->head > 0) {
		memmove(q->buf, q->buf + q->head, q->tail - q->head);
		q->tail -= q->head;
		q->head = 0;
	}
	if (q->tail + need > q->cap) {
		size_t cap = q->cap ? q->cap : 4096;
		char *grown;

		while (cap < q->tail + need)
			cap *= 2;
		grown = realloc(q->buf, cap);
		if (!grown)
			return -1;
		q->buf = grown;
		q->cap = cap;
	}
	memcpy(q->buf + q->tail, &h, sizeof(h));
	if (len)
		memcpy(q->buf + q->tail + sizeof(h), data, len);
	q->tail += need;
	q->records++;
	return 0;
}

bool outq_empty(const struct outq *q)
{
	return q->records == 0;
}

const void *outq_peek(const struct outq *q, size_t *len, int *fd)
{
	const struct header *h;

	if (outq_empty(q))
		return NULL;
	h = first(q);
	*len = h->len - q->sent;
	*fd = q->sent ? -1 : h->fd;
	return q->buf + q->head + sizeof(*h) + q->sent;
}

int outq_advance(struct outq *q, size_t n)
{
	struct header *h;
	int fd;

	if (outq_empty(q))
		return -1;
	h = first(q);
	q->sent += n;
	if (q->sent < h->len)
		return -1;
	fd = h->fd;
	q->head += padded(h->len);
	q->sent = 0;
	if (--q->records == 0)
		q->head = q->tail = 0;
	return fd;
}

unsigned long outq_clear(struct outq *q, void (*close_fd)(int fd))
{
	unsigned long n = q->records;

	while (!outq_empty(q)) {
		int fd = outq_advance(q, first(q)->len - q->sent);

		if (fd >= 0 && close_fd)
			close_fd(fd);
	}
	return n;
}

/* The queue that keeps what PID 1 promised to record while a reader is
 * slow: a table of operations and what the reader sees after each. */
#include "lib/outq.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

enum op { PUSH, WRITE, CLEAR };

struct step {
	enum op op;
	const char *text; /* PUSH: the record; WRITE: what the reader takes */
	int fd;           /* PUSH: its fd; WRITE: the fd the write must carry */
	int dropped_fd;   /* WRITE: the fd handed back once its record is done */
	bool empty_after;
};

static const struct step steps[] = {
	{ PUSH, "one\n", -1, -1, false },
	{ PUSH, "two\n", 7, -1, false },
	/* A reader that takes a line in pieces. */
	{ WRITE, "on", -1, -1, false },
	{ WRITE, "e\n", -1, -1, false },
	/* The fd goes with its record's first write, and back when it is done. */
	{ WRITE, "tw", 7, -1, false },
	{ WRITE, "o\n", -1, 7, true },
	/* Emptied and refilled: still in order. */
	{ PUSH, "three\n", -1, -1, false },
	{ WRITE, "three\n", -1, -1, true },
	{ PUSH, "", 9, -1, false },
	{ WRITE, "", 9, 9, true },
	{ PUSH, "x", 3, -1, false },
	{ CLEAR, NULL, 3, -1, true },
};

static int closed_fd = -1;

static void record_close(int fd)
{
	closed_fd = fd;
}

Test(outq, table)
{
	struct outq q = OUTQ_INIT;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step *s = &steps[i];
		const char *head;
		size_t len;
		int fd;

		switch (s->op) {
		case PUSH:
			cr_assert_eq(outq_push(&q, s->text, strlen(s->text), s->fd), 0, "step %zu", i);
			break;
		case WRITE:
			head = outq_peek(&q, &len, &fd);
			cr_assert(head, "step %zu: empty", i);
			cr_assert(len >= strlen(s->text), "step %zu: %zu bytes left", i, len);
			cr_assert(!memcmp(head, s->text, strlen(s->text)), "step %zu: '%.*s'", i,
				  (int)len, head);
			cr_assert_eq(fd, s->fd, "step %zu: fd %d", i, fd);
			cr_assert_eq(outq_advance(&q, strlen(s->text)), s->dropped_fd, "step %zu", i);
			break;
		case CLEAR:
			cr_assert_eq(outq_clear(&q, record_close), 1, "step %zu", i);
			cr_assert_eq(closed_fd, s->fd, "step %zu", i);
			break;
		}
		cr_assert_eq(outq_empty(&q), s->empty_after, "step %zu", i);
	}
	free(q.buf);
}

/* Many records, far beyond the first buffer, come out whole and in order
 * while the reader lags behind the writer. */
Test(outq, a_slow_reader_loses_nothing)
{
	struct outq q = OUTQ_INIT;
	unsigned next_in = 0, next_out = 0;

	while (next_out < 20000) {
		for (int k = 0; k < 3 && next_in < 20000; k++) {
			char line[32];
			int n = snprintf(line, sizeof(line), "line %u\n", next_in++);

			cr_assert_eq(outq_push(&q, line, (size_t)n, -1), 0);
		}
		for (int k = 0; k < 2 || next_in == 20000; k++) {
			char want[32];
			const char *head;
			size_t len;
			int fd;

			if (outq_empty(&q))
				break;
			head = outq_peek(&q, &len, &fd);
			snprintf(want, sizeof(want), "line %u\n", next_out++);
			cr_assert_eq(len, strlen(want));
			cr_assert(!memcmp(head, want, len), "got '%.*s', want '%s'", (int)len, head, want);
			outq_advance(&q, len);
		}
	}
	cr_assert(outq_empty(&q));
	free(q.buf);
}

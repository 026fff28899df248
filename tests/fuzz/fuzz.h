/* What the libFuzzer targets share: the entry point, a check that aborts (so
 * that libFuzzer saves the input as a crash), and turning the raw input into
 * C strings the way nsinit gets them from the kernel. */
#ifndef NSINIT_FUZZ_H
#define NSINIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test. A violation aborts, which libFuzzer
 * reports like any crash, with the stack and the input saved. */
#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__,     \
				__LINE__, #cond);                                         \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* The input split on NUL bytes, as the kernel lays out argv: `strings` points
 * into `text`, a NUL-terminated copy of the input, and is NULL-terminated
 * itself. Free both with split_free(). */
struct split {
	char *text;
	char **strings;
	int count;
};

static inline void split_input(const uint8_t *data, size_t size, struct split *s)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\0';
	s->text = malloc(size + 1);
	s->strings = malloc(((size_t)n + 1) * sizeof(*s->strings));
	if (!s->text || !s->strings)
		abort();
	memcpy(s->text, data, size);
	s->text[size] = '\0';
	s->count = 0;
	s->strings[s->count++] = s->text;
	for (size_t i = 0; i < size; i++)
		if (s->text[i] == '\0')
			s->strings[s->count++] = &s->text[i + 1];
	s->strings[s->count] = NULL;
}

static inline void split_free(struct split *s)
{
	free(s->text);
	free(s->strings);
}

/* The whole input as one C string (up to its first NUL). Free it. */
static inline char *input_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An error message as options_parse must leave it: NUL-terminated inside
 * the buffer, not empty, and one line. */
static inline void check_error_line(const char *err, size_t err_len)
{
	CHECK(memchr(err, '\0', err_len) != NULL);
	CHECK(err[0] != '\0');
	CHECK(strchr(err, '\n') == NULL);
}

#endif

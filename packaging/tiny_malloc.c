/* malloc for the static build only. musl's mallocng is a seventh of the static
 * binary, yet nsinit allocates a handful of small objects: libcap's cap_t,
 * opendir's DIR, setenv's environment. musl (1.2.1 and later) lets a program
 * replace malloc, calloc, realloc and free together; the dynamic and sanitizer
 * builds keep their libc's allocator.
 *
 * Blocks of up to 2 KiB come in power-of-two classes carved from 64 KiB
 * arenas, and freed blocks go back on their class's list for reuse; larger
 * ones are mmap'd and munmap'd. Every block is 16-byte aligned, as malloc's
 * must be on x86_64. Single-threaded, like nsinit. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER 16              /* keeps the payload 16-byte aligned */
#define MIN_SHIFT 5            /* smallest block: 32 bytes */
#define MAX_SHIFT 11           /* largest pooled block: 2 KiB */
#define ARENA (64 * 1024)

struct header {
	size_t size;  /* the whole block, header included */
	size_t unused;
};

struct free_block {
	struct free_block *next;
};

static struct free_block *pools[MAX_SHIFT + 1];
static char *arena_next, *arena_end;

void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A fresh block of 1 << shift bytes from the current arena. */
static struct header *carve(unsigned shift)
{
	size_t size = (size_t)1 << shift;
	struct header *h;

	if (!arena_next || (size_t)(arena_end - arena_next) < size) {
		/* The rest of the old arena is dropped: at most 2 KiB per 64. */
		arena_next = map(ARENA);
		if (!arena_next)
			return NULL;
		arena_end = arena_next + ARENA;
	}
	h = (struct header *)(void *)arena_next;
	arena_next += size;
	return h;
}

void *malloc(size_t n)
{
	struct header *h;
	unsigned shift = MIN_SHIFT;

	if (n > ((size_t)1 << MAX_SHIFT) - HEADER) {
		size_t len = (n + HEADER + 4095) & ~(size_t)4095;

		if (len < n) {
			errno = ENOMEM;
			return NULL;
		}
		h = map(len);
		if (!h) {
			errno = ENOMEM;
			return NULL;
		}
		h->size = len;
		return (char *)h + HEADER;
	}
	while (((size_t)1 << shift) - HEADER < n)
		shift++;
	if (pools[shift]) {
		h = (struct header *)(void *)pools[shift];
		pools[shift] = pools[shift]->next;
	} else {
		h = carve(shift);
		if (!h) {
			errno = ENOMEM;
			return NULL;
		}
	}
	h->size = (size_t)1 << shift;
	return (char *)h + HEADER;
}

void free(void *p)
{
	struct header *h;
	struct free_block *b;
	unsigned shift = MIN_SHIFT;

	if (!p)
		return;
	h = (struct header *)(void *)((char *)p - HEADER);
	if (h->size > ((size_t)1 << MAX_SHIFT)) {
		munmap(h, h->size);
		return;
	}
	while (((size_t)1 << shift) < h->size)
		shift++;
	b = (struct free_block *)(void *)h;
	b->next = pools[shift];
	pools[shift] = b;
}

void *calloc(size_t n, size_t m)
{
	void *p;

	if (m && n > SIZE_MAX / m) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(n * m);
	if (p)
		memset(p, 0, n * m); /* a reused block holds old data */
	return p;
}

void *realloc(void *p, size_t n)
{
	struct header *h;
	void *q;

	if (!p)
		return malloc(n);
	h = (struct header *)(void *)((char *)p - HEADER);
	if (n <= h->size - HEADER)
		return p;
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, h->size - HEADER);
	free(p);
	return q;
}

/* The static build's allocator: one private anonymous mapping per block.
 *
 * musl's mallocng is about 7 KiB of code, a tenth of the static binary's
 * budget, for what nsinit allocates: a few dozen blocks in a whole run (a
 * queue of events waiting for a slow reader, doubling as it grows; the -s
 * walk's tables at shutdown; a copy of the environment; /etc/passwd and
 * /etc/group for --run-as). A mapping per block costs a system call each
 * way and a page at least, which none of those notices, and it needs no
 * state, so there is nothing to corrupt or lock. The dynamic build, and
 * the sanitizers, keep their libc's malloc: this file is linked only by
 * static.mk, like static_relro.c.
 *
 * Every block starts 16 bytes into its mapping, after its size: aligned
 * for any type, as malloc's blocks must be. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER 16

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);

void *malloc(size_t n)
{
	char *m;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	m = mmap(NULL, n + HEADER, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(m, &n, sizeof(n));
	return m + HEADER;
}

static size_t size_of(const void *p)
{
	size_t n;

	memcpy(&n, (const char *)p - HEADER, sizeof(n));
	return n;
}

void free(void *p)
{
	if (p)
		(void)munmap((char *)p - HEADER, size_of(p) + HEADER);
}

/* Fresh mappings are zero-filled already. */
void *calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / 2 / size) {
		errno = ENOMEM;
		return NULL;
	}
	return malloc(count * size);
}

void *realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (!p)
		return malloc(n);
	old = size_of(p);
	if (n <= old)
		return p;
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old);
	free(p);
	return q;
}

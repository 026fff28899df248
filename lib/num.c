/* Base 10 only, the one base nsinit reads. */
#include "lib/num.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/* The magnitude, saturated at max; *neg for a '-'. */
static unsigned long scan(const char *s, char **end, bool *neg, bool *over, unsigned long max)
{
	const char *p = s, *digits;
	unsigned long v = 0;

	*over = false;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	*neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	for (digits = p; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (max - d) / 10)
			*over = true;
		else
			v = v * 10 + d;
	}
	if (end)
		*end = (char *)(uintptr_t)(p == digits ? s : p); /* as strtol's */
	if (p == digits)
		return 0;
	if (*over) {
		errno = ERANGE;
		return max;
	}
	return v;
}

long num_long(const char *s, char **end)
{
	bool neg, over;
	/* The magnitude of LONG_MIN is one more than LONG_MAX's. */
	unsigned long limit = (unsigned long)LONG_MAX + 1, v = scan(s, end, &neg, &over, limit);

	if (!neg && v == limit) {
		errno = ERANGE;
		return LONG_MAX;
	}
	if (neg)
		return v == limit ? LONG_MIN : -(long)v;
	return (long)v;
}

unsigned long num_ulong(const char *s, char **end)
{
	bool neg, over;
	unsigned long v = scan(s, end, &neg, &over, ULONG_MAX);

	/* Out of range is ULONG_MAX, with a '-' too, as for strtoul. */
	return neg && !over ? -v : v;
}

/* Parsing of durations: a decimal number (with an optional fraction) and a unit. */
#include "lib/duration.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

static const struct {
	const char *suffix;
	uint64_t us;
} units[] = {
	{ "us", 1 },       { "ms", 1000 },           { "s", 1000000 },
	{ "", 1000000 },   { "m", 60ULL * 1000000 }, { "h", 3600ULL * 1000000 },
};

int duration_parse(const char *text, uint64_t *out_us)
{
	const char *s = text;
	uint64_t whole = 0, frac = 0, frac_scale = 1;
	int digits = 0;

	if (s == NULL)
		return -1;
	for (; isdigit((unsigned char)*s); s++, digits++) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > DURATION_MAX_US)
			return -1;
	}
	if (*s == '.') {
		s++;
		for (; isdigit((unsigned char)*s); s++, digits++) {
			/* Nine digits: more would overflow frac * unit. For
			 * hours that truncates below 3.6 us, which is fine. */
			if (frac_scale < 1000000000ULL) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				frac_scale *= 10;
			}
		}
	}
	if (digits == 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s, units[i].suffix) != 0)
			continue;
		if (whole > DURATION_MAX_US / units[i].us)
			return -1;
		uint64_t us = whole * units[i].us + frac * units[i].us / frac_scale;
		if (us > DURATION_MAX_US)
			return -1;
		*out_us = us;
		return 0;
	}
	return -1;
}

/* duration_parse on any text (the input up to its first NUL). Checked: the
 * result is 0 or -1; a failure leaves *out_us alone; a success never exceeds
 * DURATION_MAX_US; and the value agrees with a reference computed in long
 * double: exactly what is well-formed and within range is accepted, to within
 * the truncation duration.c documents (a microsecond, plus the digits past
 * the ninth of the fraction). */
#include "fuzz.h"

#include "lib/duration.h"

#include <ctype.h>
#include <math.h>

static const struct {
	const char *suffix;
	uint64_t us;
} units[] = {
	{ "us", 1 }, { "ms", 1000 }, { "s", 1000000 }, { "", 1000000 },
	{ "m", 60ULL * 1000000 }, { "h", 3600ULL * 1000000 },
};

/* DIGITS[.DIGITS]UNIT with a digit somewhere: the unit's size in
 * microseconds and the length of the number, or 0 if `s` is not of this form. */
static uint64_t well_formed(const char *s, size_t *number_len)
{
	const char *p = s;
	int digits = 0;

	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (digits == 0)
		return 0;
	*number_len = (size_t)(p - s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].suffix) == 0)
			return units[i].us;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = input_string(data, size);
	const uint64_t untouched = 0xdeadbeefcafef00dULL;
	uint64_t us = untouched;
	int r = duration_parse(text, &us);
	size_t number_len = 0;
	uint64_t unit = well_formed(text, &number_len);

	CHECK(r == 0 || r == -1);
	if (r < 0) {
		CHECK(us == untouched);
	} else {
		CHECK(us <= DURATION_MAX_US);
		CHECK(unit != 0); /* only well-formed text is accepted */
	}
	if (unit != 0) {
		char *number = strndup(text, number_len);
		long double ref, slack;

		if (!number)
			abort();
		/* strtold reads "5.", ".5" and "007" as the C library does. */
		ref = strtold(number, NULL) * (long double)unit;
		/* Truncation to microseconds, and to nine digits of fraction. */
		slack = 1.0L + (long double)unit / 1e9L;
		if (r == 0)
			CHECK(fabsl((long double)us - ref) <= slack);
		else
			CHECK(ref > (long double)DURATION_MAX_US);
		free(number);
	}

	free(text);
	return 0;
}

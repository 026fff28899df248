/* Durations: units, fractions, and everything that is not a duration. */
#include "lib/duration.h"

#include <criterion/criterion.h>

static uint64_t parse_ok(const char *text)
{
	uint64_t us = 12345;

	cr_assert_eq(duration_parse(text, &us), 0, "'%s' should parse", text);
	return us;
}

static void parse_bad(const char *text)
{
	uint64_t us = 12345;

	cr_assert_eq(duration_parse(text, &us), -1, "'%s' should be rejected", text);
	cr_assert_eq(us, 12345, "'%s' changed the output on failure", text);
}

Test(duration, units)
{
	cr_assert_eq(parse_ok("500ms"), 500000);
	cr_assert_eq(parse_ok("10s"), 10000000);
	cr_assert_eq(parse_ok("2m"), 120000000);
	cr_assert_eq(parse_ok("1h"), 3600000000ULL);
	cr_assert_eq(parse_ok("250us"), 250);
	cr_assert_eq(parse_ok("0"), 0);
	cr_assert_eq(parse_ok("0ms"), 0);
}

Test(duration, bare_number_is_seconds)
{
	cr_assert_eq(parse_ok("3"), 3000000);
}

Test(duration, fractions)
{
	cr_assert_eq(parse_ok("1.5s"), 1500000);
	cr_assert_eq(parse_ok("0.25"), 250000);
	cr_assert_eq(parse_ok(".5s"), 500000);
	cr_assert_eq(parse_ok("2.s"), 2000000);
	cr_assert_eq(parse_ok("0.0000001s"), 0);
	cr_assert_eq(parse_ok("1.123456789123456789h"), 4044444440ULL);
}

Test(duration, limits)
{
	cr_assert_eq(parse_ok("24h"), DURATION_MAX_US);
	parse_bad("25h");
	parse_bad("86401s");
	parse_bad("99999999999999999999999");
	parse_bad("18446744073709551616us");
}

Test(duration, rubbish)
{
	parse_bad("");
	parse_bad(NULL);
	parse_bad("-1");
	parse_bad("-1s");
	parse_bad("10x");
	parse_bad("s");
	parse_bad(".");
	parse_bad("1 s");
	parse_bad(" 1s");
	parse_bad("1ss");
	parse_bad("1.2.3s");
	parse_bad("1e3");
}

/* The printf subset that replaces snprintf: same output as libc's for every
 * conversion nsinit uses, and safe truncation. */
#include "lib/fmt.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#define SAME(...)                                                                      \
	do {                                                                           \
		char want[128], got[128];                                              \
		int n = snprintf(want, sizeof(want), __VA_ARGS__);                      \
		size_t m = fmt(got, sizeof(got), __VA_ARGS__);                          \
		cr_assert_str_eq(got, want);                                           \
		cr_assert_eq(m, (size_t)n);                                            \
	} while (0)

Test(fmt, conversions_match_libc)
{
	SAME("plain");
	SAME("%s and %s", "this", "that");
	SAME("%d %d %d", 0, -1, INT_MIN);
	SAME("%i %u %u", INT_MAX, 0u, UINT_MAX);
	SAME("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME("%zu", SIZE_MAX);
	SAME("%x %lx", 0xdeadbeefu, 0x1fffffffffUL);
	SAME("%c%c", 'o', 'k');
	SAME("100%%");
	SAME("'%.*s'", 3, "abcdef");
	SAME("'%.*s'", 10, "abc");
	SAME("%s", "");
	SAME("%llu.%llu ms", 12ULL, 3ULL);
}

Test(fmt, truncates_and_terminates)
{
	char buf[8];

	cr_assert_eq(fmt(buf, sizeof(buf), "%s", "0123456789"), 7);
	cr_assert_str_eq(buf, "0123456");
	cr_assert_eq(fmt(buf, sizeof(buf), "%d", -1234567890), 7);
	cr_assert_str_eq(buf, "-123456");
	cr_assert_eq(fmt(buf, 1, "abc"), 0);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(fmt(buf, 0, "abc"), 0, "a zero-length buffer is not touched");
}

/* Through fmt_v, which the compiler cannot check, as a caller's bug would. */
static size_t via_v(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = fmt_v(buf, len, f, ap);
	va_end(ap);
	return n;
}

Test(fmt, null_string_and_unknown_conversion_do_not_crash)
{
	char buf[16];

	via_v(buf, sizeof(buf), "%s", (const char *)NULL);
	cr_assert_str_eq(buf, "(null)");
	via_v(buf, sizeof(buf), "a%qb%");
	cr_assert_str_eq(buf, "a?b");
}

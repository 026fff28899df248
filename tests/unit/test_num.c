/* lib/num.c against what strtol and strtoul (base 10) say: a table. */
#include "lib/num.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

static const char *const inputs[] = {
	"0", "42", "-7", "+9", "  12x", "\t-3", "", "x", "-", "+", "007",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"99999999999999999999999", "1 2", "65534 1000 1", "-1", "-922337203685477575809", "-18446744073709551616",
};

Test(num, as_strtol_and_strtoul)
{
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		const char *s = inputs[i];
		char *want_end, *got_end;
		int want_errno, got_errno;
		long want = (errno = 0, strtol(s, &want_end, 10));
		long got;
		unsigned long uwant, ugot;

		want_errno = errno;
		errno = 0;
		got = num_long(s, &got_end);
		got_errno = errno;
		cr_expect_eq(got, want, "num_long(\"%s\") = %ld, strtol %ld", s, got, want);
		cr_expect_eq(got_end, want_end, "num_long(\"%s\"): end at %td, strtol %td", s,
			     got_end - s, want_end - s);
		cr_expect_eq(got_errno, want_errno, "num_long(\"%s\"): errno %d, strtol %d", s,
			     got_errno, want_errno);
		uwant = (errno = 0, strtoul(s, &want_end, 10));
		want_errno = errno;
		errno = 0;
		ugot = num_ulong(s, &got_end);
		got_errno = errno;
		cr_expect_eq(ugot, uwant, "num_ulong(\"%s\") = %lu, strtoul %lu", s, ugot, uwant);
		cr_expect_eq(got_end, want_end, "num_ulong(\"%s\"): end", s);
		cr_expect_eq(got_errno, want_errno, "num_ulong(\"%s\"): errno %d, strtoul %d", s,
			     got_errno, want_errno);
	}
}

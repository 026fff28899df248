/* fmt_v with fixed formats and fuzzed arguments. The input is read as: one
 * byte choosing the format, two bytes for the buffer size (0 to 511), eight
 * for the integer argument, four for the precision of %.*s, and the rest (up
 * to a NUL) for the string argument.
 *
 * Checked: fmt_v never writes past the buffer (it is allocated to the exact
 * size), returns less than the size and NUL-terminates there, and writes
 * what glibc's vsnprintf writes, cut to the buffer, for every conversion of
 * the subset; the few things outside it (unknown conversions, a lone '%',
 * a NULL string) come out as fmt.h documents. */
#include "fuzz.h"

#include "lib/fmt.h"

#include <stdarg.h>
#include <sys/types.h>

struct input {
	const uint8_t *data;
	size_t size;
};

/* The next n bytes of the input, zero-filled past its end. */
static void take(struct input *in, void *out, size_t n)
{
	size_t k = n < in->size ? n : in->size;

	memset(out, 0, n);
	memcpy(out, in->data, k);
	in->data += k;
	in->size -= k;
}

/* fmt_v into exactly `len` bytes, against the whole of `expected`. */
static void check_output(const char *buf, size_t len, size_t n, const char *expected,
			 size_t expected_len)
{
	if (len == 0) {
		CHECK(n == 0);
		return;
	}
	CHECK(n < len);
	CHECK(buf[n] == '\0');
	CHECK(n == (expected_len < len ? expected_len : len - 1));
	CHECK(memcmp(buf, expected, n) == 0);
}

static void check_v(size_t len, const char *f, va_list ap, const char *expected,
		    size_t expected_len)
{
	char *buf = malloc(len); /* exact size: ASan sees a write past it */
	size_t n;

	if (!buf && len)
		abort();
	n = fmt_v(buf, len, f, ap);
	check_output(buf, len, n, expected, expected_len);
	free(buf);
}

/* A conversion of the subset: glibc's output is the reference. */
static void check(size_t len, const char *f, ...) PRINTF_LIKE(2, 3);

static void check(size_t len, const char *f, ...)
{
	va_list ap, ap_ref;
	int ref_len;
	char *ref;

	va_start(ap, f);
	va_copy(ap_ref, ap);
	ref_len = vsnprintf(NULL, 0, f, ap_ref);
	va_end(ap_ref);
	CHECK(ref_len >= 0);
	ref = malloc((size_t)ref_len + 1);
	if (!ref)
		abort();
	va_copy(ap_ref, ap);
	vsnprintf(ref, (size_t)ref_len + 1, f, ap_ref);
	va_end(ap_ref);
	check_v(len, f, ap, ref, (size_t)ref_len);
	va_end(ap);
	free(ref);
}

/* Outside printf's rules (no format checking): the expected output is given. */
static void check_raw(size_t len, const char *expected, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	check_v(len, f, ap, expected, strlen(expected));
	va_end(ap);
}

/* "?" or "" followed by s, for the conversions fmt.h leaves out. */
static char *concat(const char *a, const char *b, size_t b_max)
{
	size_t na = strlen(a), nb = strnlen(b, b_max);
	char *s = malloc(na + nb + 1);

	if (!s)
		abort();
	memcpy(s, a, na);
	memcpy(s + na, b, nb);
	s[na + nb] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint8_t choice, size_bytes[2];
	long long v;
	int precision;
	char *str, *expected;
	size_t len;

	take(&in, &choice, 1);
	take(&in, size_bytes, 2);
	take(&in, &v, sizeof(v));
	take(&in, &precision, sizeof(precision));
	str = input_string(in.data, in.size);
	len = (size_t)size_bytes[0] | (size_t)(size_bytes[1] & 1) << 8;

	switch (choice % 26) {
	case 0: check(len, "%s", str); break;
	case 1: check(len, "%.*s", precision, str); break;
	case 2: check(len, "%c", (int)v); break;
	case 3: check(len, "%d", (int)v); break;
	case 4: check(len, "%i", (int)v); break;
	case 5: check(len, "%u", (unsigned)v); break;
	case 6: check(len, "%x", (unsigned)v); break;
	case 7: check(len, "%ld", (long)v); break;
	case 8: check(len, "%lu", (unsigned long)v); break;
	case 9: check(len, "%lx", (unsigned long)v); break;
	case 10: check(len, "%lld", v); break;
	case 11: check(len, "%llu", (unsigned long long)v); break;
	case 12: check(len, "%llx", (unsigned long long)v); break;
	case 13: check(len, "%zu", (size_t)v); break;
	case 14: check(len, "%zx", (size_t)v); break;
	case 15: check(len, "%zd", (ssize_t)v); break;
	case 16: check(len, "100%% %s%%", str); break;
	/* The shapes of nsinit's own messages. */
	case 17: check(len, "nsinit: %s: %d (%x)", str, (int)v, (unsigned)precision); break;
	case 18: check(len, "unknown option '%.*s'", precision, str); break;
	case 19: check(len, "%s%c%s%lld%.*s", str, (int)v, str, v, precision, str); break;
	case 20: check(len, "SIGRTMIN+%d", (int)v); break;
	/* What fmt.h documents beyond printf. */
	case 21:
		expected = concat("?", str, SIZE_MAX);
		check_raw(len, expected, "%q%s", str);
		free(expected);
		break;
	case 22:
		check_raw(len, str, "%s%", str);
		break;
	case 23:
		check_raw(len, "(null)", "%s", (const char *)NULL);
		break;
	case 24:
		expected = concat("", "(null)", precision < 0 ? SIZE_MAX : (size_t)precision);
		check_raw(len, expected, "%.*s", precision, (const char *)NULL);
		free(expected);
		break;
	case 25:
		/* A width is outside the subset: '?' for the '%', then the rest as text. */
		expected = concat("?d", str, SIZE_MAX);
		check_raw(len, expected, "%5d%s", str);
		free(expected);
		break;
	}

	free(str);
	return 0;
}

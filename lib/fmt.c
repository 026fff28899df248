/* The printf subset of fmt.h. */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct out {
	char *buf;
	size_t len; /* capacity, including the NUL */
	size_t pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos++] = c;
}

static void put_str(struct out *o, const char *s, size_t max)
{
	if (!s)
		s = "(null)";
	for (size_t i = 0; i < max && s[i]; i++)
		put(o, s[i]);
}

static void put_unsigned(struct out *o, uintmax_t v, unsigned base)
{
	char digits[3 * sizeof(v)];
	size_t n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(o, digits[--n]);
}

static void put_signed(struct out *o, intmax_t v)
{
	if (v < 0) {
		put(o, '-');
		/* Negate in unsigned arithmetic: -INTMAX_MIN overflows. */
		put_unsigned(o, -(uintmax_t)v, 10);
	} else {
		put_unsigned(o, (uintmax_t)v, 10);
	}
}

/* Read the integer argument of a conversion with `longs` l's (-1: z). */
static uintmax_t arg_unsigned(va_list *ap, int longs)
{
	if (longs < 0)
		return va_arg(*ap, size_t);
	if (longs == 0)
		return va_arg(*ap, unsigned);
	if (longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned long long);
}

static intmax_t arg_signed(va_list *ap, int longs)
{
	if (longs < 0)
		return (intmax_t)va_arg(*ap, size_t);
	if (longs == 0)
		return va_arg(*ap, int);
	if (longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, long long);
}

size_t fmt_v(char *buf, size_t len, const char *f, va_list ap_in)
{
	struct out o = { buf, len, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (; *f; f++) {
		size_t precision = SIZE_MAX;
		int longs = 0;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		if (f[0] == '.' && f[1] == '*') {
			int p = va_arg(ap, int);

			precision = p < 0 ? SIZE_MAX : (size_t)p;
			f += 2;
		}
		if (*f == 'z') {
			longs = -1;
			f++;
		}
		while (*f == 'l' && longs >= 0 && longs < 2) {
			longs++;
			f++;
		}
		switch (*f) {
		case 's':
			put_str(&o, va_arg(ap, const char *), precision);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd':
		case 'i':
			put_signed(&o, arg_signed(&ap, longs));
			break;
		case 'u':
			put_unsigned(&o, arg_unsigned(&ap, longs), 10);
			break;
		case 'x':
			put_unsigned(&o, arg_unsigned(&ap, longs), 16);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--; /* a lone '%' at the end: stop at the NUL */
			break;
		default:
			put(&o, '?');
			break;
		}
	}
	va_end(ap);
	if (len > 0)
		buf[o.pos] = '\0';
	return o.pos;
}

size_t fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = fmt_v(buf, len, f, ap);
	va_end(ap);
	return n;
}

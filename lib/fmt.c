/* The printf subset of fmt.h. */
#include "lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

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

size_t fmt_utf8_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp, min;
	size_t n;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0; /* a continuation byte, 0xc0, 0xc1 or 0xf5 and up */
	}
	/* A NUL is no continuation byte: nothing is read past the string. */
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void fmt_sanitize(char *s)
{
	while (*s) {
		unsigned char c = (unsigned char)s[0];
		size_t n = fmt_utf8_len(s);
		/* U+0080 to U+009F, the C1 controls: CSI (U+009B) starts an
		 * escape sequence in some terminals just as ESC [ does. */
		bool c1 = c == 0xc2 && (unsigned char)s[1] < 0xa0;

		if (n == 0 || c < 0x20 || c == 0x7f || c1) {
			n = n ? n : 1;
			memset(s, '?', n);
		}
		s += n;
	}
}

size_t fmt_json(char *buf, size_t len, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t pos = 0;

	if (len < 3) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	buf[pos++] = '"';
	while (*s) {
		unsigned char c = (unsigned char)s[0];
		size_t n = fmt_utf8_len(s);
		/* A stray byte becomes the code point of the same value (\u00XX):
		 * the line stays valid, and the byte can still be seen. */
		bool escape = n == 0 || c < 0x20, quote = c == '"' || c == '\\';
		size_t k = escape ? 6 : quote ? 2 : n;

		if (pos + k + 2 > len) /* the closing quote and the NUL */
			break;
		if (escape) {
			memcpy(buf + pos, "\\u00", 4);
			buf[pos + 4] = hex[c >> 4];
			buf[pos + 5] = hex[c & 15];
			n = 1;
		} else if (quote) {
			buf[pos] = '\\';
			buf[pos + 1] = (char)c;
		} else {
			memcpy(buf + pos, s, n);
		}
		pos += k;
		s += n;
	}
	buf[pos++] = '"';
	buf[pos] = '\0';
	return pos;
}

const char *fmt_file_kind(unsigned mode)
{
	/* Indexed by the file type bits (S_IFMT >> 12): offsets into names. */
	static const char names[] = "a special file\0a fifo\0a device\0a directory\0"
				    "a regular file\0a symbolic link\0a socket";
	static const unsigned char at[16] = { 0, 15, 22, 0, 31, 0, 22, 0, 43, 0, 58, 0, 74 };

	return names + at[(mode >> 12) & 15];
}

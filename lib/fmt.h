/* A small formatter for the printf subset nsinit uses: %s, %.*s, %c, %d, %i,
 * %u, %x with the l, ll and z length modifiers, and %%. It replaces snprintf
 * because musl's printf core (with its floating point) is a fifth of the
 * static binary. Callers keep printf's format checking through PRINTF_LIKE. */
#ifndef NSINIT_FMT_H
#define NSINIT_FMT_H

#include <stdarg.h>
#include <stddef.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Like vsnprintf, but returns the length written (never more than len - 1);
 * the output is always NUL-terminated when len > 0. A conversion outside the
 * subset prints as '?'. */
size_t fmt_v(char *buf, size_t len, const char *fmt, va_list ap);
size_t fmt(char *buf, size_t len, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif

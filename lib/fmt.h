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

/* Text from outside (command names, paths, process names, option values) is
 * bytes, not necessarily UTF-8, and may hold a newline or a terminal's escape
 * sequence. These are the one place that decides how such text is shown. */

/* The length (1 to 4) of the well-formed UTF-8 character s starts with; 0 if
 * s starts with a byte that begins none (a stray continuation byte, an
 * overlong form, a surrogate, a code point above U+10FFFF, a character cut
 * short) or with the NUL. Any ASCII byte, a control character too, is 1. */
size_t fmt_utf8_len(const char *s);

/* For a message line: replace in place every byte that a terminal could act
 * on or that could split the line (C0 and C1 controls, DEL) and every byte
 * that is not part of well-formed UTF-8 with '?'. The length does not
 * change, and a sanitized string is left as it is. */
void fmt_sanitize(char *s);

/* Write s as a JSON string, quotes included, into buf (len bytes with the
 * NUL): quote and backslash escaped, control characters and every byte that is not
 * part of well-formed UTF-8 as \u00XX, so the result is valid JSON and valid
 * UTF-8 whatever s holds. What does not fit is left out a whole character at
 * a time, and the closing quote is always written. Returns the length (0,
 * writing nothing but the NUL, when len < 3). */
size_t fmt_json(char *buf, size_t len, const char *s);

/* What a file of this st_mode is, as words: "a symbolic link", "a fifo"... */
const char *fmt_file_kind(unsigned mode);

#endif

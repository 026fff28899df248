/* Decimal numbers, as strtol(s, end, 10) and strtoul(s, end, 10) read them
 * (leading blanks, a sign, digits; ERANGE and the limit on overflow; *end
 * at s when there are no digits). Ours, not libc's: musl's strtol brings
 * its general scanner, about 2 KiB of the static binary, for base 10. */
#ifndef NSINIT_NUM_H
#define NSINIT_NUM_H

long num_long(const char *s, char **end);
unsigned long num_ulong(const char *s, char **end);

#endif

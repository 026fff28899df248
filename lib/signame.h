/* Signal names: parsing what users type and naming signals in messages. */
#ifndef NSINIT_SIGNAME_H
#define NSINIT_SIGNAME_H

#include <stddef.h>

/* Parse "TERM", "SIGTERM", "sigterm", "15", "RTMIN+2", "SIGRTMAX-1".
 * Returns the signal number (1..NSIG-1), or -1 if `text` names no signal. */
int signame_parse(const char *text);

/* Write "SIGTERM", "SIGRTMIN+2" or "signal 99" into buf; returns buf. */
const char *signame_format(int sig, char *buf, size_t len);

/* Size of a buffer that holds any name signame_format() writes. */
#define SIGNAME_MAX 24

#endif

/* Capability names, as users type them: pure, so that the option parser and
 * its fuzzer link no libcap. */
#ifndef NSINIT_CAPNAME_H
#define NSINIT_CAPNAME_H

#include <stddef.h>
#include <stdint.h>

/* Parse a comma-separated list of capability names as libcap and
 * capabilities(7) spell them, in any case and with or without "cap_"
 * ("cap_net_raw,SYS_ADMIN"); "all" (alone or among names) means every one.
 * Adds them to *mask (bit N is capability N). Returns 0, or -1 with the
 * unknown name copied into bad. */
int capname_parse(const char *list, uint64_t *mask, char *bad, size_t bad_len);

#endif

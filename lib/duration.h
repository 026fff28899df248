/* Durations as users type them: "500ms", "10s", "1.5s", "2m", "1h", "250us";
 * a bare number means seconds, as for timeout(1) and sleep(1). */
#ifndef NSINIT_DURATION_H
#define NSINIT_DURATION_H

#include <stdint.h>

/* The longest duration accepted: one day, far beyond any sensible grace. */
#define DURATION_MAX_US (24ULL * 3600 * 1000 * 1000)

/* Parse `text` into microseconds. Returns 0, or -1 if it is not a duration. */
int duration_parse(const char *text, uint64_t *out_us);

#endif

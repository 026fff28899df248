/* Monotonic time in microseconds, for deadlines and durations in the log. */
#ifndef NSINIT_CLOCK_H
#define NSINIT_CLOCK_H

#include <stdint.h>

uint64_t clock_now_us(void);

/* A poll(2) timeout in ms until deadline_us: 0 once it has passed, rounded
 * up (never waking just before it, to spin), at most an hour. */
int clock_poll_ms(uint64_t deadline_us);

#endif

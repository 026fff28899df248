/* Monotonic time in microseconds, for deadlines and durations in the log. */
#ifndef NSINIT_CLOCK_H
#define NSINIT_CLOCK_H

#include <stdint.h>

uint64_t clock_now_us(void);

#endif

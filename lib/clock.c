/* CLOCK_MONOTONIC: deadlines must not move when someone sets the date. */
#include "lib/clock.h"

#include <time.h>

int clock_poll_ms(uint64_t deadline_us)
{
	uint64_t now = clock_now_us(), left;

	if (now >= deadline_us)
		return 0;
	left = (deadline_us - now + 999) / 1000;
	return left > 3600000 ? 3600000 : (int)left;
}

uint64_t clock_now_us(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock id and pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

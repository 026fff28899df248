/* The job's resource use, collected once and reported in one place. */
#include "lib/jobstats.h"

#include "lib/clock.h"
#include "lib/events.h"
#include "lib/fmt.h"
#include "lib/msg.h"

#include <sys/resource.h>

static uint64_t tv_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

void job_stats_collect(struct job_stats *s, uint64_t start_us, unsigned reaped)
{
	struct rusage ru = { 0 };

	s->wall_us = clock_now_us() - start_us;
	s->reaped = reaped;
	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		warn_errno("cannot read the job's resource use");
	s->user_us = tv_us(ru.ru_utime);
	s->system_us = tv_us(ru.ru_stime);
	s->max_rss_kib = ru.ru_maxrss;
}

/* "1.204" for 1204000 us (fmt has no field widths). */
static const char *seconds(uint64_t us, char *buf, size_t len)
{
	unsigned ms = (unsigned)(us / 1000 % 1000);

	fmt(buf, len, "%llu.%c%c%c", (unsigned long long)(us / 1000000), '0' + ms / 100,
	    '0' + ms / 10 % 10, '0' + ms % 10);
	return buf;
}

void job_stats_report(int code, const struct job_stats *s)
{
	char wall[24], user[24], sys[24];

	note("exit %d: ran %s s, CPU %s s user + %s s system, peak RSS %ld KiB, %u process%s "
	     "reaped",
	     code, seconds(s->wall_us, wall, sizeof(wall)), seconds(s->user_us, user, sizeof(user)),
	     seconds(s->system_us, sys, sizeof(sys)), s->max_rss_kib, s->reaped,
	     s->reaped == 1 ? "" : "es");
	if (events_fd() >= 0) {
		struct event e;

		event_begin(&e, "exit");
		event_int(&e, "code", code);
		event_int(&e, "wall_us", (long long)s->wall_us);
		event_int(&e, "user_us", (long long)s->user_us);
		event_int(&e, "system_us", (long long)s->system_us);
		event_int(&e, "max_rss_kib", s->max_rss_kib);
		event_int(&e, "reaped", s->reaped);
		event_end(&e);
	}
}

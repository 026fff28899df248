/* /proc/PID/stat: "PID (NAME) STATE PPID PGRP SESSION TTY TPGID FLAGS ...
 * STARTTIME(22) ...". The name may hold spaces and ')', so the fields are
 * counted from the last ')'. (strtol, not sscanf: scanf costs 12 KiB in the
 * static build.) */
#include "lib/procstat.h"

#include "lib/fmt.h"
#include "lib/num.h"
#include "lib/readfile.h"

#include <stdlib.h>
#include <string.h>

bool procstat_read(int proc, long pid, struct procstat *st)
{
	char path[32], buf[512], *open, *p;

	fmt(path, sizeof(path), "%ld/stat", pid);
	if (read_small_at(proc, path, buf, sizeof(buf)) <= 0)
		return false;
	open = strchr(buf, '(');
	p = strrchr(buf, ')');
	if (!open || !p || p < open || p[1] != ' ')
		return false;
	fmt(st->name, sizeof(st->name), "%.*s", (int)(p - open - 1), open + 1);
	/* p is at the ')' ending field 2; each field starts after a space. */
	for (int field = 3; field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return false;
		switch (field) {
		case 4:
			st->ppid = num_long(p + 1, NULL);
			break;
		case 5:
			st->pgrp = num_long(p + 1, NULL);
			break;
		case 6:
			st->session = num_long(p + 1, NULL);
			break;
		case 9:
			st->flags = num_ulong(p + 1, NULL);
			break;
		case 22:
			st->start = num_long(p + 1, NULL);
			break;
		}
	}
	return true;
}

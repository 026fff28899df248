/* The environment nsinit reads. Everything else passes to the command as is. */
#include "environment.h"

#include <stdlib.h>
#include <unistd.h>

/* Socket activation (sd_listen_fds(3)): the service manager sets LISTEN_PID to
 * the pid it started, which is nsinit, and the command only accepts the fds
 * if LISTEN_PID is its own pid. Rewrite it for the command, as catatonit
 * does, but only when it names nsinit: any other value was not meant for us. */
static int listen_pid_is_ours(void)
{
	const char *v = getenv("LISTEN_PID");
	char *end;
	long pid;

	if (!v || !*v)
		return 0;
	pid = strtol(v, &end, 10);
	return *end == '\0' && pid == (long)getpid();
}

void environment_read(struct options *opts)
{
	opts->rewrite_listen_pid = listen_pid_is_ours();
}

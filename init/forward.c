/* Forwarding (forward.h). */
#include "init/forward.h"

#include "lib/events.h"
#include "lib/msg.h"
#include "lib/signame.h"
#include "spawn/terminal.h"

#include <errno.h>
#include <signal.h>

void forward_to_command(pid_t command, int sig, bool to_group, bool give_terminal)
{
	char name[SIGNAME_MAX];
	int r = -1;

	signame_format(sig, name, sizeof(name));
	/* fg: the shell made our group the terminal's foreground again before
	 * it sent SIGCONT; the command must have it back before it runs on, or
	 * its next read of the terminal stops it with SIGTTIN. (With a relay,
	 * the relay does this: only it sees the caller's process groups.) */
	if (sig == SIGCONT && give_terminal)
		terminal_give_to(command, true);
	/* SIGCONT goes to the whole group in every mode: a terminal's Ctrl-Z
	 * stopped all of it (a script and its sleep), and fg must wake all
	 * of it, or the script waits for ever on a child still stopped. */
	if (to_group || sig == SIGCONT)
		r = kill(-command, sig);
	bool group = r == 0;
	/* ESRCH in group mode: the command left the group it led (setpgid or
	 * setsid of its own); it still gets the signal. */
	if (r < 0)
		r = kill(command, sig);
	if (r < 0 && errno != ESRCH) {
		warn_errno("cannot forward %s to %d", name, (int)command);
		return;
	}
	note("forwarded %s to %s%d", name, group ? "group " : "", (int)command);
	event_forwarded(name, command, "pid1");
}

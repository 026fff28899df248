/* Handing the terminal's foreground between nsinit's group and the command's.
 * SIGTTOU is blocked in nsinit, so tcsetpgrp works from the background. */
#include "spawn/terminal.h"

#include "lib/msg.h"

#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

void terminal_give_to(pid_t pgid, bool tty_foreground)
{
	if (!tty_foreground || pgid <= 0 || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return;
	if (tcsetpgrp(STDIN_FILENO, pgid) < 0 && errno != ESRCH)
		warn_errno("cannot give the terminal to the command");
}

void terminal_take_back(pid_t pgid, bool tty_foreground)
{
	if (!tty_foreground || pgid <= 0 || tcgetpgrp(STDIN_FILENO) != pgid)
		return;
	(void)tcsetpgrp(STDIN_FILENO, getpgrp()); /* best effort: we are leaving */
}

pid_t terminal_session(int fd)
{
	/* tcgetsid's ioctl, with its answer zeroed first: valgrind does not
	 * know TIOCGSID, and would take the session for uninitialised. */
	pid_t sid = 0;

	return ioctl(fd, TIOCGSID, &sid) == 0 ? sid : -1;
}

void terminal_release(void)
{
	static const struct timespec now = { 0, 0 };
	sigset_t hup;

	if (!isatty(STDIN_FILENO) || getsid(0) != getpid() || terminal_session(STDIN_FILENO) != getpid())
		return;
	if (ioctl(STDIN_FILENO, TIOCNOTTY) < 0) {
		warn_errno("cannot give up the terminal for the command's session");
		return;
	}
	/* The kernel sent them during the ioctl; both are blocked, so they wait
	 * here, and sigtimedwait with a zero timeout takes them without waiting. */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigaddset(&hup, SIGCONT);
	while (sigtimedwait(&hup, NULL, &now) > 0)
		;
}

/* The terminal's foreground: the command holds it while it runs (tini's
 * way), and nsinit hands it over and back at the right moments. Every call
 * is a no-op unless nsinit started in the foreground of the terminal on
 * stdin, and none takes the terminal from a process group that is not ours. */
#ifndef NSINIT_TERMINAL_H
#define NSINIT_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

/* If our process group holds the foreground (a shell's fg gave it back to the
 * job), pass it to `pgid`, the command's group. */
void terminal_give_to(pid_t pgid, bool tty_foreground);

/* If `pgid` (the command's group, now gone or going) holds the foreground,
 * take it back for our group, so the caller's shell finds its job there. */
void terminal_take_back(pid_t pgid, bool tty_foreground);

/* The session whose controlling terminal fd is, or -1 (tcgetsid). */
pid_t terminal_session(int fd);

/* dumb-init's setsid mode as a session leader with stdin as its controlling
 * terminal (a container's PID 1): give the terminal up, so that the
 * command's new session can take it, and swallow the SIGHUP and SIGCONT
 * that giving it up sends to our own group. */
void terminal_release(void);

#endif

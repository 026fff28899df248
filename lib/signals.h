/* The signal set-up shared by the relay and PID 1: every signal but the
 * synchronous fault signals is blocked and read from one signalfd. */
#ifndef NSINIT_SIGNALS_H
#define NSINIT_SIGNALS_H

#include <signal.h>

/* The kernel's signal set: 64 signals, 8 bytes, on every architecture nsinit
 * builds for but mips, which has 128 (16 bytes). _NSIG is one more than the
 * highest signal (musl's mips says 129: rounded up, that is still 16). */
#define KERNEL_SIGSET_BYTES ((_NSIG - 1 + 7) / 8)

/* Block every signal except the fault signals the kernel raises on a bad
 * instruction or access, storing the mask nsinit was started with in
 * *original. Also resets SIGCHLD to its default disposition: ignored, the
 * kernel would reap children behind nsinit's back. Dies on failure. */
void signals_take_over(sigset_t *original);

/* A non-blocking, close-on-exec signalfd for the blocked signals. */
int signals_open_fd(void);
/* The same, blocking: for the relay, which sleeps in read(2) on it once
 * nothing but signals can come (two system calls a signal), and reads it
 * once per POLLIN otherwise. */
int signals_open_blocking_fd(void);

struct signalfd_siginfo;

/* One read(2) of up to 16 signals, each handed to handle(ctx, si): on a
 * blocking signalfd, it sleeps until one comes. */
struct signalfd_siginfo;
void signals_read_once(int sigfd, void (*handle)(void *ctx, const struct signalfd_siginfo *si),
		       void *ctx);

/* Read every pending signal from the signalfd and hand each to handle(ctx, si). */
void signals_drain(int sigfd, void (*handle)(void *ctx, const struct signalfd_siginfo *si),
		   void *ctx);

#endif

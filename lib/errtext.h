/* The text of an errno, the same in every build of nsinit. */
#ifndef NSINIT_ERRTEXT_H
#define NSINIT_ERRTEXT_H

/* glibc's wording for the errnos nsinit's messages can show, whichever libc
 * nsinit was linked with (musl says "No file descriptors available" where
 * glibc says "Too many open files"); "errno N" for any other, so that
 * neither build links libc's table of every errno's words. */
const char *errtext(int err);

#endif

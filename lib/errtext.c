/* One wording of errno for both builds. README, the tests and users' scripts
 * match nsinit's lines word for word, and the static build links musl, whose
 * strerror words several errnos differently from glibc's (EMFILE, ELOOP,
 * ENAMETOOLONG, EAGAIN...). The dynamic build's words, glibc's, are the ones
 * README shows, so they are the ones kept. */
#include "lib/errtext.h"

#include "lib/fmt.h"

#include <errno.h>
#include <string.h>

/* One list of pairs, kept together, expanded twice: into the errnos (a
 * byte each) and into one string of the texts, each ended by a NUL. No
 * pointers, so the static-pie needs no relocation for them, and no padding:
 * the whole table is about 850 bytes, which the static build's budget
 * needs. Sorted by errno only for the reader. */
#define TEXTS \
	X(EPERM, "Operation not permitted") \
	X(ENOENT, "No such file or directory") \
	X(ESRCH, "No such process") \
	X(EIO, "Input/output error") \
	X(ENXIO, "No such device or address") \
	X(E2BIG, "Argument list too long") \
	X(ENOEXEC, "Exec format error") \
	X(EBADF, "Bad file descriptor") \
	X(ECHILD, "No child processes") \
	X(EAGAIN, "Resource temporarily unavailable") \
	X(ENOMEM, "Cannot allocate memory") \
	X(EACCES, "Permission denied") \
	X(EBUSY, "Device or resource busy") \
	X(EEXIST, "File exists") \
	X(EXDEV, "Invalid cross-device link") \
	X(ENODEV, "No such device") \
	X(ENOTDIR, "Not a directory") \
	X(EISDIR, "Is a directory") \
	X(EINVAL, "Invalid argument") \
	X(ENFILE, "Too many open files in system") \
	X(EMFILE, "Too many open files") \
	X(ENOTTY, "Inappropriate ioctl for device") \
	X(ETXTBSY, "Text file busy") \
	X(EFBIG, "File too large") \
	X(ENOSPC, "No space left on device") \
	X(EROFS, "Read-only file system") \
	X(EMLINK, "Too many links") \
	X(EPIPE, "Broken pipe") \
	X(ENAMETOOLONG, "File name too long") \
	X(ENOSYS, "Function not implemented") \
	X(ELOOP, "Too many levels of symbolic links") \
	X(EOVERFLOW, "Value too large for defined data type") \
	X(EUSERS, "Too many users") \
	X(EOPNOTSUPP, "Operation not supported") \
	X(ESTALE, "Stale file handle") \
	X(EDQUOT, "Disk quota exceeded")

#define X(err, text) err,
/* unsigned short: mips numbers EDQUOT 1133. */
static const unsigned short errs[] = { TEXTS };
#undef X
#define X(err, text) text "\0"
static const char texts[] = TEXTS;
#undef X

const char *errtext(int err)
{
	const char *text = texts;

	static char other[24];

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); text += strlen(text) + 1, i++)
		if (errs[i] == err)
			return text;
	/* Not one nsinit's lines are known to show: its number, rather than
	 * libc's table of every errno's words (2 KiB of the static binary). */
	fmt(other, sizeof(other), "errno %d", err);
	return other;
}

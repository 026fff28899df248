/* errtext: glibc's words for the errnos nsinit's messages show, in every
 * build. Run against glibc, every errno must read as glibc's strerror does,
 * so a typo in the table cannot pass. */
#include "lib/errtext.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The errnos nsinit's lines can show, with the words README and the tests
 * expect; the first rows are the ones musl words differently. */
static const struct {
	int err;
	const char *text;
} rows[] = {
	{ EMFILE, "Too many open files" },
	{ ENFILE, "Too many open files in system" },
	{ EAGAIN, "Resource temporarily unavailable" },
	{ ELOOP, "Too many levels of symbolic links" },
	{ ENAMETOOLONG, "File name too long" },
	{ ENOSPC, "No space left on device" },
	{ EPERM, "Operation not permitted" },
	{ EACCES, "Permission denied" },
	{ ENOENT, "No such file or directory" },
	{ ENOEXEC, "Exec format error" },
	{ ENOTDIR, "Not a directory" },
	{ EEXIST, "File exists" },
	{ EINVAL, "Invalid argument" },
	{ ENOMEM, "Cannot allocate memory" },
	{ ESRCH, "No such process" },
	{ EBADF, "Bad file descriptor" },
	{ EROFS, "Read-only file system" },
	{ ETXTBSY, "Text file busy" },
	{ E2BIG, "Argument list too long" },
	{ EISDIR, "Is a directory" },
	{ ENOSYS, "Function not implemented" },
	{ EBUSY, "Device or resource busy" },
	{ EUSERS, "Too many users" },
	{ EOVERFLOW, "Value too large for defined data type" },
};

Test(errtext, the_errnos_of_nsinit_lines_read_as_glibc_words_them)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_expect_str_eq(errtext(rows[i].err), rows[i].text, "errno %d", rows[i].err);
}

#ifdef __GLIBC__
Test(errtext, every_errno_reads_as_glibc_strerror)
{
	for (int err = 1; err < 134; err++) {
		char want[128], number[24];

		/* Outside the table: the number, never other words. */
		snprintf(number, sizeof(number), "errno %d", err);
		if (!strcmp(errtext(err), number))
			continue;

		strncpy(want, strerror(err), sizeof(want) - 1);
		want[sizeof(want) - 1] = '\0';
		cr_expect_str_eq(errtext(err), want, "errno %d", err);
	}
}
#endif

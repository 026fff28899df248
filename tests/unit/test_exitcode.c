/* The exit-code policy: pass-through, 128+N, 126 and 127. */
#include "lib/exitcode.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>

/* wait(2) statuses as the kernel encodes them. */
#define EXITED(code) (((code) & 0xff) << 8)
#define KILLED(sig) ((sig) & 0x7f)

Test(exitcode, codes_pass_through)
{
	cr_assert_eq(exitcode_from_status(EXITED(0)), 0);
	cr_assert_eq(exitcode_from_status(EXITED(1)), 1);
	cr_assert_eq(exitcode_from_status(EXITED(3)), 3);
	cr_assert_eq(exitcode_from_status(EXITED(255)), 255);
}

Test(exitcode, signal_n_is_128_plus_n)
{
	cr_assert_eq(exitcode_from_status(KILLED(SIGTERM)), 143);
	cr_assert_eq(exitcode_from_status(KILLED(SIGKILL)), 137);
	cr_assert_eq(exitcode_from_status(KILLED(SIGINT)), 130);
	cr_assert_eq(exitcode_from_status(KILLED(SIGSEGV) | 0x80), 139, "core dump flag ignored");
}

Test(exitcode, exec_failures)
{
	cr_assert_eq(exitcode_from_exec_errno(ENOENT), EXIT_NOT_FOUND);
	cr_assert_eq(exitcode_from_exec_errno(ENOTDIR), EXIT_NOT_FOUND);
	cr_assert_eq(exitcode_from_exec_errno(EACCES), EXIT_CANNOT_EXECUTE);
	cr_assert_eq(exitcode_from_exec_errno(ENOEXEC), EXIT_CANNOT_EXECUTE);
	cr_assert_eq(exitcode_from_exec_errno(E2BIG), EXIT_CANNOT_EXECUTE);
	cr_assert_eq(EXIT_NSINIT_FAILED, 125);
	cr_assert_eq(EXIT_CANNOT_EXECUTE, 126);
	cr_assert_eq(EXIT_NOT_FOUND, 127);
}

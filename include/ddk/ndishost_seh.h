/* MSVC structured exception handling in driver sources built by ndishost_add_miniport, which
 * force-includes this header into drivers only (never into the host). GCC and Clang have no
 * __try/__except; a WDK tree uses them around probes of user memory.
 *
 * Policy: structured exceptions never occur in the host. The conditions Windows raises them for
 * (ProbeForRead/ProbeForWrite/MmProbeAndLockPages on a bad buffer) are reported as findings by
 * those routines, which then return normally. So a guarded block always runs to its end, an
 * __except filter is never evaluated and its handler never runs, and a __finally block always
 * runs after its guarded block:
 *
 *     __try { A } __except (filter) { H }    ->  if (1) do { A } while (0); else if (0) { H }
 *     __try { A } __finally { F }            ->  if (1) do { A } while (0); if (1) { F }
 *
 * __leave leaves the guarded block (a `break` out of the do/while). Limitation: inside a loop or
 * switch nested in the guarded block it leaves that loop or switch instead.
 * excpt.h's lower-case C spellings (try, except, finally, leave) are mapped the same way. */
#ifndef NDISHOST_DDK_SEH_H
#define NDISHOST_DDK_SEH_H

#ifndef __cplusplus

#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

/* Only meaningful inside a filter or handler, which never run; STATUS_SUCCESS keeps them typed. */
#define GetExceptionCode() ((long)0)
#define GetExceptionInformation() ((void *)0)
#define _exception_code GetExceptionCode
#define _exception_info GetExceptionInformation
#define AbnormalTermination() 0
#define _abnormal_termination AbnormalTermination

/* Not formatted: a space in "__except(...)" would make it an object-like macro. */
/* clang-format off */
#define __try if (1) do
#define __except(...) while (0); else if (0)
#define __finally while (0); if (1)
#define __leave break
/* clang-format on */

#define try __try
#define except __except
#define finally __finally
#define leave __leave

#endif

#endif

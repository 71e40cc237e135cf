/* Debug output and the driver's own assertions and breakpoints.
 *
 * DbgPrint output goes to stderr, prefixed, unless NDISHOST_QUIET_DBGPRINT is set; formats
 * follow the Microsoft conventions (format.c). ASSERT, breakpoints and bug checks become findings (AS-01,
 * AS-02) when the rule table knows those ids, and the driver carries on. */
#include "kernel_internal.h"

#include <stdio.h>
#include <stdlib.h>

static bool quiet(void)
{
    static int q = -1;
    if (q < 0)
        q = getenv("NDISHOST_QUIET_DBGPRINT") != NULL;
    return q != 0;
}

static ULONG vprint(const char *prefix, PCSTR Format, va_list ap)
{
    if (quiet() || !Format)
        return 0;
    char buf[1024];
    ndishost_vformat_a(buf, sizeof buf, Format, ap);
    fprintf(stderr, "%s%s", prefix ? prefix : "", buf);
    return 0; /* STATUS_SUCCESS */
}

ULONG DbgPrint(PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = vprint("[driver] ", Format, ap);
    va_end(ap);
    return r;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    (void)ComponentId;
    (void)Level;
    va_list ap;
    va_start(ap, Format);
    ULONG r = vprint("[driver] ", Format, ap);
    va_end(ap);
    return r;
}

ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist)
{
    (void)ComponentId;
    (void)Level;
    return vprint("[driver] ", Format, arglist);
}

ULONG vDbgPrintExWithPrefix(PCSTR Prefix, ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist)
{
    (void)ComponentId;
    (void)Level;
    return vprint(Prefix, Format, arglist);
}

static void report_or_print(const char *rule, void *site, const char *msg)
{
    if (vf_rule_find(rule))
        vf_report(rule, NULL, VF_CB_NONE, site, "%s", msg);
    else
        fprintf(stderr, "ndishost: %s\n", msg);
}

VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber, PSTR MutableMessage)
{
    void *site = VF_SITE();
    const char *expr = VoidFailedAssertion ? (const char *)VoidFailedAssertion : "?";
    const char *file = VoidFileName ? (const char *)VoidFileName : "?";
    char msg[768];
    if (MutableMessage)
        snprintf(msg, sizeof msg, "driver assertion failed: %s (%s) at %s:%lu", MutableMessage, expr, file,
                 (unsigned long)LineNumber);
    else
        snprintf(msg, sizeof msg, "driver assertion failed: %s at %s:%lu", expr, file, (unsigned long)LineNumber);
    report_or_print("AS-01", site, msg);
}

VOID DbgBreakPoint(void)
{
    report_or_print("AS-02", VF_SITE(), "driver breakpoint (DbgBreakPoint or __debugbreak)");
}

VOID DbgBreakPointWithStatus(ULONG Status)
{
    char msg[96];
    snprintf(msg, sizeof msg, "driver breakpoint (DbgBreakPointWithStatus 0x%x)", (unsigned)Status);
    report_or_print("AS-02", VF_SITE(), msg);
}

/* Policy: a driver bug check is reported and then the calling thread is parked for good (the
 * function must not return); the run's watchdog or the process end finishes it. */
VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
                  ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4)
{
    void *site = VF_SITE();
    char msg[256];
    snprintf(msg, sizeof msg, "driver called KeBugCheckEx(0x%x, 0x%lx, 0x%lx, 0x%lx, 0x%lx)", (unsigned)BugCheckCode,
             (unsigned long)BugCheckParameter1, (unsigned long)BugCheckParameter2, (unsigned long)BugCheckParameter3,
             (unsigned long)BugCheckParameter4);
    if (vf_rule_find("AS-02"))
        vf_report("AS-02", NULL, VF_CB_NONE, site, "%s", msg);
    else
        vf_report(VF_RULE_HOST_ERROR, NULL, VF_CB_NONE, site, "%s", msg);
    fprintf(stderr, "ndishost: %s; the calling thread stops here\n", msg);
    uint32_t never = 0;
    for (;;)
        exec_wait_u32(&never, 0, -1);
}

VOID KeBugCheck(ULONG BugCheckCode)
{
    KeBugCheckEx(BugCheckCode, 0, 0, 0, 0);
}

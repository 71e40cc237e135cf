/* WPP software tracing for drivers built against ndishost.
 *
 * On Windows the WPP preprocessor (tracewpp) scans a driver's sources and writes one "<source>.tmh"
 * per file; the driver includes it after its trace control definitions. ndishost's build helper
 * (ndishost_add_miniport(... WPP ...) or the NdishostWpp.cmake script) writes a stub .tmh instead
 * that includes this header and defines the driver's trace macros (DoTraceMessage, or the
 * functions the driver's project declares, e.g. DEBUGP(LEVEL,MSG,...)) in terms of
 * ndishost_wpp_trace: every argument is evaluated, the message goes to the host's driver log
 * (the DbgPrint stream), and the WPP format extensions (%!FUNC!, %!STATUS!, ...) and the Microsoft
 * length prefixes (%I64x, %Id, ...) are understood.
 *
 * Not a WDK header: written for ndishost. The WPP names it defines (WPP_INIT_TRACING, WPP_CLEANUP,
 * WPP_DEFINE_CONTROL_GUID, WPP_DEFINE_BIT, the TRACE_LEVEL_* values of evntrace.h) are the
 * documented ones. */
#ifndef NDISHOST_DDK_NDISHOST_WPP_H
#define NDISHOST_DDK_NDISHOST_WPP_H

#include "wdm.h"

NDISHOST_EXTERN_C_BEGIN

/* Writes one trace message to the driver log: "[driver] <tags>: <message>" plus a newline when the
 * message has none (WPP messages usually have none; DbgPrint-style ones do). File, Line and
 * Function feed %!FILE!, %!LINE! and %!FUNC!; Tags is the text of the trace macro's level/flag
 * arguments (e.g. "MP_TRACE"), which also feeds %!LEVEL! and %!FLAGS!. Returns 0. */
ULONG ndishost_wpp_trace(PCSTR File, ULONG Line, PCSTR Function, PCSTR Tags, PCSTR Format, ...);

NDISHOST_EXTERN_C_END

/* evntrace.h trace levels, used by the TraceEvents(LEVEL, FLAGS, MSG, ...) convention. */
#ifndef TRACE_LEVEL_NONE
#define TRACE_LEVEL_NONE 0
#define TRACE_LEVEL_CRITICAL 1
#define TRACE_LEVEL_FATAL 1
#define TRACE_LEVEL_ERROR 2
#define TRACE_LEVEL_WARNING 3
#define TRACE_LEVEL_INFORMATION 4
#define TRACE_LEVEL_VERBOSE 5
#define TRACE_LEVEL_RESERVED6 6
#define TRACE_LEVEL_RESERVED7 7
#define TRACE_LEVEL_RESERVED8 8
#define TRACE_LEVEL_RESERVED9 9
#endif

/* Tracing needs no session under ndishost: both macros only evaluate their arguments (as the WPP
 * versions use them), so variables that exist for tracing stay used. WPP_CLEANUP's argument is
 * the driver object (kernel mode) or nothing (user mode). */
static inline void ndishost_wpp_ignore(int Unused, ...)
{
    (void)Unused;
}
#define WPP_INIT_TRACING(...) ndishost_wpp_ignore(0, ##__VA_ARGS__)
#define WPP_CLEANUP(...) ndishost_wpp_ignore(0, ##__VA_ARGS__)

#endif

/* Outside the include guard on purpose: the control GUIDs are defined by the driver's own trace
 * header, which may come after the first inclusion of this file. The first .tmh of a translation
 * unit that sees WPP_CONTROL_GUIDS turns each WPP_DEFINE_BIT(Name) into an enumerator Name (its
 * bit number), so that DEBUGP(MP_ERROR, ...) or DoTraceMessage(TRACE_DRIVER, ...) compile. */
#if defined(WPP_CONTROL_GUIDS) && !defined(NDISHOST_WPP_BITS_DEFINED)
#define NDISHOST_WPP_BITS_DEFINED 1
#pragma push_macro("WPP_DEFINE_CONTROL_GUID")
#pragma push_macro("WPP_DEFINE_BIT")
#undef WPP_DEFINE_CONTROL_GUID
#undef WPP_DEFINE_BIT
#define WPP_DEFINE_CONTROL_GUID(Name, Guid, Bits)                                                                      \
    enum                                                                                                               \
    {                                                                                                                  \
        Bits NdishostWppBitCount_##Name                                                                                \
    };
#define WPP_DEFINE_BIT(Name) Name,
WPP_CONTROL_GUIDS
#pragma pop_macro("WPP_DEFINE_BIT")
#pragma pop_macro("WPP_DEFINE_CONTROL_GUID")
#endif

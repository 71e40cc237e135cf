/* Packaging fixture: a miniport tree that uses WPP tracing the WDK way (a trace.h with
 * WPP_CONTROL_GUIDS, "#include "<source>.tmh"", a project-declared trace function
 * TraceEvents(LEVEL,FLAGS,MSG,...), WPP_INIT_TRACING / WPP_CLEANUP). It builds unmodified through
 * find_package(ndishost) + ndishost_add_miniport(... WPP ...) and through ndishost-miniport.pc.
 * The miniport itself is the zoo's correct base driver. */
#include "trace.h"
#include "wpp_driver.h"

#define ZOO_HOOK_DRIVER_ENTRY FixtureDriverEntry
#define ZOO_HOOK_UNLOAD FixtureUnload
#define ZOO_HOOK_INITIALIZE FixtureInitialize
#include "zoo_base.h"

#include "wpp_driver.tmh"

static NDIS_STATUS FixtureDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    WPP_INIT_TRACING(Chars, NULL);
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_INIT, "%!FUNC!: NDIS %u.%u", Chars->MajorNdisVersion,
                Chars->MinorNdisVersion);
    return NDIS_STATUS_SUCCESS;
}

static VOID FixtureUnload(VOID)
{
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_HALT, "%!FUNC!: status %!STATUS!", NDIS_STATUS_SUCCESS);
    WPP_CLEANUP(NULL);
}

static NDIS_STATUS FixtureInitialize(PZOO_ADAPTER Adapter)
{
    ULONG evaluated = 0;
    /* Arguments are evaluated (the increment happens) and %I64x reads a 64-bit argument. */
    TraceEvents(TRACE_LEVEL_VERBOSE, TRACE_INIT, "fixture trace %I64x count %u", 0x1122334455667788ULL, ++evaluated);
    return FixtureCheckAdapter(Adapter, evaluated);
}

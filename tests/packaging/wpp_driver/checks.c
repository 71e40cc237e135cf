/* The definition whose parameter type differs from the prototype in wpp_driver.h. */
#include "trace.h"
#include "wpp_driver.h"

#include "checks.tmh"

typedef struct _ZOO_ADAPTER *PFIXTURE_ADAPTER;

NDIS_STATUS FixtureCheckAdapter(PFIXTURE_ADAPTER Adapter, ULONG Evaluated)
{
    if (Adapter == NULL || Evaluated != 1)
    {
        TraceEvents(TRACE_LEVEL_ERROR, TRACE_INIT, "%!FUNC!: trace arguments were not evaluated (%u)", Evaluated);
        return NDIS_STATUS_FAILURE;
    }
    return NDIS_STATUS_SUCCESS;
}

/* tm01_bad_timer_header: NdisAllocateTimerObject with an NDIS_TIMER_CHARACTERISTICS whose header has the
 * wrong object type (TM-01). The driver checks the status and carries on without that timer. */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE WatchdogTimer;
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"

static NDIS_TIMER_FUNCTION ZooWatchdog;

static VOID ZooWatchdog(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
    UNREFERENCED_PARAMETER(SystemSpecific1);
    UNREFERENCED_PARAMETER(FunctionContext);
    UNREFERENCED_PARAMETER(SystemSpecific2);
    UNREFERENCED_PARAMETER(SystemSpecific3);
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_TIMER_CHARACTERISTICS chars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT, /* should be NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS */
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = ZOO_TAG,
        .TimerFunction = ZooWatchdog,
        .FunctionContext = Adapter,
    };
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status = NdisAllocateTimerObject(handle, &chars, &Adapter->WatchdogTimer); /* ZOO-EXPECT: TM-01 */
    if (status != NDIS_STATUS_SUCCESS)
        Adapter->WatchdogTimer = NULL; /* optional: the adapter works without it */
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    if (Adapter->WatchdogTimer)
        NdisFreeTimerObject(Adapter->WatchdogTimer);
}

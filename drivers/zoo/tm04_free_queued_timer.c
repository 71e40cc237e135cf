/* tm04_free_queued_timer: halt frees a timer object that is still queued, without cancelling it (TM-04). */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE WatchdogTimer;
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"

static NDIS_TIMER_FUNCTION ZooWatchdog;

static VOID ZooWatchdog(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_TIMER_CHARACTERISTICS chars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = ZOO_TAG,
        .TimerFunction = ZooWatchdog,
        .FunctionContext = Adapter,
    };
    return NdisAllocateTimerObject(Adapter->MiniportAdapterHandle, &chars, &Adapter->WatchdogTimer);
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    LARGE_INTEGER due = {.QuadPart = -3600LL * 10000000LL}; /* an hour: still queued at the free */
    NdisSetTimerObject(Adapter->WatchdogTimer, due, 0, NULL);
    NdisFreeTimerObject(Adapter->WatchdogTimer); /* ZOO-EXPECT: TM-04 */
}

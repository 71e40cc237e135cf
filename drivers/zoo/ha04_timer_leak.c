/* ha04_timer_leak: initialize allocates a second timer object that halt never frees (HA-04). */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE WatchdogTimer;
#define ZOO_HOOK_INITIALIZE ZooInit
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
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    return NdisAllocateTimerObject(handle, &chars, &Adapter->WatchdogTimer); /* ZOO-EXPECT: HA-04 */
}

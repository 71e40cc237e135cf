/* in04_timer_leak_on_failure: initialize fails after allocating a timer it does not free (IN-04). */
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
    NDIS_HANDLE timer;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status = NdisAllocateTimerObject(handle, &chars, &timer); /* ZOO-EXPECT: IN-04 */
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    return NDIS_STATUS_FAILURE;
}

/* tm03_periodic_cancel_at_dispatch: halt cancels a periodic timer while holding a spin lock, at
 * DISPATCH_LEVEL; a periodic cancel waits for the callback and must be made at PASSIVE (TM-03). */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE StatsTimer;
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"

static NDIS_TIMER_FUNCTION ZooStats;

static VOID ZooStats(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_TIMER_CHARACTERISTICS chars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = ZOO_TAG,
        .TimerFunction = ZooStats,
        .FunctionContext = Adapter,
    };
    NDIS_STATUS status = NdisAllocateTimerObject(Adapter->MiniportAdapterHandle, &chars, &Adapter->StatsTimer);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    LARGE_INTEGER due = {.QuadPart = -3600LL * 10000000LL};
    NdisSetTimerObject(Adapter->StatsTimer, due, 3600 * 1000, NULL); /* hourly: never fires in a run */
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    NdisAcquireSpinLock(&Adapter->Lock);
    NdisCancelTimerObject(Adapter->StatsTimer); /* ZOO-EXPECT: TM-03 */
    NdisReleaseSpinLock(&Adapter->Lock);
    NdisFreeTimerObject(Adapter->StatsTimer);
}

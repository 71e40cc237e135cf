/* tm02_period_above_maxlong: restart sets a statistics timer with a period computed in unsigned
 * arithmetic that wraps above MAXLONG milliseconds (TM-02: a nonzero MillisecondsPeriod of at most
 * MAXLONG makes the timer periodic). The host sets it as a one-shot; halt cancels and frees it. */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE StatsTimer;
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_RESTART ZooRestart
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
    return NdisAllocateTimerObject(Adapter->MiniportAdapterHandle, &chars, &Adapter->StatsTimer);
}

static NDIS_STATUS ZooRestart(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    LARGE_INTEGER due = {.QuadPart = -10LL * 1000 * 1000 * 60};         /* one minute from now */
    ULONG periodMs = 3000000000u;                                       /* "every 34.7 days": above MAXLONG */
    NdisSetTimerObject(Adapter->StatsTimer, due, (LONG)periodMs, NULL); /* ZOO-EXPECT: TM-02 */
    return Status;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    NdisCancelTimerObject(Adapter->StatsTimer);
    NdisFreeTimerObject(Adapter->StatsTimer);
}

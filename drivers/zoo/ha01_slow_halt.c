/* ha01_slow_halt: MiniportHaltEx waits 3 s on an event nobody sets before it halts the adapter, longer
 * than the halt watchdog allows (HA-01). The wait is bounded, so the halt does finish, cleanly. Run with
 * --watchdog 300. */
#define ZOO_ADAPTER_EXTRA NDIS_EVENT NeverSet;
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static MINIPORT_HALT ZooHalt;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->HaltHandlerEx = ZooHalt;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NdisInitializeEvent(&Adapter->NeverSet);
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooHalt(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction) /* ZOO-EXPECT: HA-01 */
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    NdisWaitEvent(&adapter->NeverSet, 3000);
    ZooBaseHalt(MiniportAdapterContext, HaltAction);
}

/* iq03_double_release: restart releases a spin lock twice (IQ-03). */
#define ZOO_ADAPTER_EXTRA NDIS_SPIN_LOCK StatsLock;
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_RESTART ZooRestartHook
#define ZOO_HOOK_HALT_END ZooHaltEnd
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NdisAllocateSpinLock(&Adapter->StatsLock);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooRestartHook(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    NdisAcquireSpinLock(&Adapter->StatsLock);
    Adapter->FramesSent = 0;
    NdisReleaseSpinLock(&Adapter->StatsLock);
    NdisReleaseSpinLock(&Adapter->StatsLock); /* ZOO-EXPECT: IQ-03 */
    return Status;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NdisFreeSpinLock(&Adapter->StatsLock);
}

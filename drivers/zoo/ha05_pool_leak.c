/* ha05_pool_leak: initialize allocates a statistics block that halt never frees (HA-05). */
#define ZOO_ADAPTER_EXTRA PVOID Stats;
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    Adapter->Stats = NdisAllocateMemoryWithTagPriority(handle, 256, ZOO_TAG, LowPoolPriority); /* ZOO-EXPECT: HA-05 */
    return Adapter->Stats ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

/* me01_zero_tag: initialize allocates pool memory with tag 0 (ME-01); the block is freed correctly. */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    PVOID scratch = NdisAllocateMemoryWithTagPriority(handle, 64, 0, NormalPoolPriority); /* ZOO-EXPECT: ME-01 */
    if (!scratch)
        return NDIS_STATUS_RESOURCES;
    NdisFreeMemory(scratch, 0, 0);
    return NDIS_STATUS_SUCCESS;
}

/* me02_double_free: initialize frees the same pool block twice (ME-02). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    PVOID scratch = NdisAllocateMemoryWithTagPriority(Adapter->MiniportAdapterHandle, 64, ZOO_TAG, NormalPoolPriority);
    if (!scratch)
        return NDIS_STATUS_RESOURCES;
    NdisFreeMemory(scratch, 0, 0);
    NdisFreeMemory(scratch, 0, 0); /* ZOO-EXPECT: ME-02 */
    return NDIS_STATUS_SUCCESS;
}

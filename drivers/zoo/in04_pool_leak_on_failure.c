/* in04_pool_leak_on_failure: initialize fails after allocating a block it does not free (IN-04). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    PVOID scratch = NdisAllocateMemoryWithTagPriority(handle, 128, ZOO_TAG, NormalPoolPriority); /* ZOO-EXPECT: IN-04 */
    UNREFERENCED_PARAMETER(scratch);
    return NDIS_STATUS_RESOURCES;
}

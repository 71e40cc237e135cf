/* sweep_leak_on_failure: when its second allocation fails, MiniportInitializeEx returns a failure
 * status without freeing the first one (IN-04 at that step only). Fault-free it is clean. */
#define ZOO_HOOK_INITIALIZE SweepInit
#include "zoo_base.h"

static NDIS_STATUS SweepInit(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    PVOID first = NdisAllocateMemoryWithTagPriority(handle, 32, ZOO_TAG, NormalPoolPriority); /* SWEEP-LEAK-LINE */
    if (!first)
        return NDIS_STATUS_RESOURCES;
    PVOID second = NdisAllocateMemoryWithTagPriority(handle, 32, ZOO_TAG, NormalPoolPriority); /* SWEEP-FAIL-LINE */
    if (!second)
        return NDIS_STATUS_RESOURCES; /* forgets `first` */
    NdisFreeMemoryWithTagPriority(handle, second, ZOO_TAG);
    NdisFreeMemoryWithTagPriority(handle, first, ZOO_TAG);
    return NDIS_STATUS_SUCCESS;
}

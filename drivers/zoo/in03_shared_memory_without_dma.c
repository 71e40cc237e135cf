/* in03_shared_memory_without_dma: a bus-master driver allocates shared memory in initialize without
 * registering scatter/gather DMA first (IN-03). NDIS gives it no memory; the driver runs without it. */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    PVOID va = NULL;
    NDIS_PHYSICAL_ADDRESS pa;
    NdisMAllocateSharedMemory(handle, PAGE_SIZE, FALSE, &va, &pa); /* ZOO-EXPECT: IN-03 */
    if (va)
        NdisMFreeSharedMemory(handle, PAGE_SIZE, FALSE, va, pa);
    return NDIS_STATUS_SUCCESS;
}

/* ha06_shared_memory_leak: shared memory allocated in initialize is never freed; the halt handler
 * deregisters the DMA and returns (HA-06). */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA                                                                                              \
    NDIS_HANDLE DmaHandle;                                                                                             \
    PVOID RingVa;                                                                                                      \
    NDIS_PHYSICAL_ADDRESS RingPa;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status = ZooDmaRegister(Adapter, NULL, &Adapter->DmaHandle);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    NdisMAllocateSharedMemory(handle, PAGE_SIZE, FALSE, &Adapter->RingVa, &Adapter->RingPa); /* ZOO-EXPECT: HA-06 */
    if (!Adapter->RingVa)
        return ZooDmaNoSharedMemory(Adapter, Adapter->DmaHandle);
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
}

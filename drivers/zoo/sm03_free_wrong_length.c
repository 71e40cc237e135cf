/* sm03_free_wrong_length: the halt handler frees its shared memory with a Length other than the one
 * it allocated (SM-03: every parameter must match the allocation exactly). */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA                                                                                              \
    NDIS_HANDLE DmaHandle;                                                                                             \
    PVOID RingVa;                                                                                                      \
    NDIS_PHYSICAL_ADDRESS RingPa;
#include "zoo_dma.h"

#define ZOO_RING_BYTES (4 * PAGE_SIZE)

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    return ZooDmaRegisterWithRing(Adapter, ZOO_RING_BYTES, &Adapter->DmaHandle, &Adapter->RingVa, &Adapter->RingPa);
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NdisMFreeSharedMemory(handle, PAGE_SIZE, FALSE, Adapter->RingVa, Adapter->RingPa); /* ZOO-EXPECT: SM-03 */
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
}

/* sm03_double_free: the halt handler frees its shared memory twice (SM-03; Windows bug-checks
 * 0x7C/0x03 FREE_INVALID_SHARED_MEM). */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA                                                                                              \
    NDIS_HANDLE DmaHandle;                                                                                             \
    PVOID RingVa;                                                                                                      \
    NDIS_PHYSICAL_ADDRESS RingPa;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    return ZooDmaRegisterWithRing(Adapter, PAGE_SIZE, &Adapter->DmaHandle, &Adapter->RingVa, &Adapter->RingPa);
}

static VOID ZooFreeRing(PZOO_ADAPTER Adapter)
{
    NdisMFreeSharedMemory(Adapter->MiniportAdapterHandle, PAGE_SIZE, FALSE, Adapter->RingVa, Adapter->RingPa);
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    ZooFreeRing(Adapter);
    /* The pointer was not cleared, so the ring looks allocated still. */
    NdisMFreeSharedMemory(handle, PAGE_SIZE, FALSE, Adapter->RingVa, Adapter->RingPa); /* ZOO-EXPECT: SM-03 */
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
}

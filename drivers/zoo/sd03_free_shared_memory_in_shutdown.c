/* sd03_free_shared_memory_in_shutdown: at power-off the shutdown handler frees its descriptor ring
 * with NdisMFreeSharedMemory (SD-03, SDV NdisMFreeSharedMemory: never from MiniportShutdownEx; the
 * handler only puts the hardware in a known state). */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_SHUTDOWN ZooShutdown
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

static VOID ZooShutdown(PZOO_ADAPTER Adapter, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    NdisMFreeSharedMemory(Adapter->MiniportAdapterHandle, PAGE_SIZE, FALSE, Adapter->RingVa, /* ZOO-EXPECT: SD-03 */
                          Adapter->RingPa);
    Adapter->RingVa = NULL;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    if (Adapter->RingVa)
        NdisMFreeSharedMemory(Adapter->MiniportAdapterHandle, PAGE_SIZE, FALSE, Adapter->RingVa, Adapter->RingPa);
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
}

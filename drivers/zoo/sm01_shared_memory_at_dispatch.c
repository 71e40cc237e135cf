/* sm01_shared_memory_at_dispatch: NdisMAllocateSharedMemory from initialize, but at DISPATCH_LEVEL
 * (under a raised IRQL, as if inside a spin lock): PASSIVE_LEVEL only (SM-01; Windows bug-checks
 * 0x7C/0x01). The host fails the call; the driver runs without the memory. */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE DmaHandle;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status = ZooDmaRegister(Adapter, NULL, &Adapter->DmaHandle);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    PVOID va = NULL;
    NDIS_PHYSICAL_ADDRESS pa;
    KIRQL oldIrql;
    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    NdisMAllocateSharedMemory(handle, PAGE_SIZE, FALSE, &va, &pa); /* ZOO-EXPECT: SM-01 */
    KeLowerIrql(oldIrql);
    if (va)
        NdisMFreeSharedMemory(handle, PAGE_SIZE, FALSE, va, pa);
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
}

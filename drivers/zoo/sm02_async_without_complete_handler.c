/* sm02_async_without_complete_handler: NdisMAllocateSharedMemoryAsyncEx from MiniportRestart, but
 * the driver registered no SharedMemAllocateCompleteHandler with its scatter/gather DMA (SM-02): no
 * MiniportSharedMemoryAllocateComplete could ever complete the request. The call fails. */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_RESTART ZooRestart
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE DmaHandle;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    return ZooDmaRegister(Adapter, NULL, &Adapter->DmaHandle);
}

static NDIS_STATUS ZooRestart(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    /* More receive buffers for the traffic to come. */
    NdisMAllocateSharedMemoryAsyncEx(Adapter->DmaHandle, PAGE_SIZE, FALSE, Adapter); /* ZOO-EXPECT: SM-02 */
    return Status;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
}

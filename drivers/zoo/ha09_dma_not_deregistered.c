/* ha09_dma_not_deregistered: scatter/gather DMA registered in initialize is never deregistered with
 * NdisMDeregisterScatterGatherDma (HA-09; SDV Init_RegisterSG). */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE DmaHandle;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_SG_DMA_DESCRIPTION dma = {
        .Header = {.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION,
                   .Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1,
                   .Size = NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1},
        .MaximumPhysicalMapping = ZOO_DMA_MAX_MAPPING,
        .ProcessSGListHandler = ZooDmaProcessSGList,
    };
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    return NdisMRegisterScatterGatherDma(handle, &dma, &Adapter->DmaHandle); /* ZOO-EXPECT: HA-09 */
}

/* Scatter/gather DMA: NdisMRegisterScatterGatherDma, NdisMAllocateNetBufferSGList. (skeleton) */
#include "hardware.h"

void ndis_dma_adapter_destroy(ndis_adapter *a)
{
    (void)a;
}

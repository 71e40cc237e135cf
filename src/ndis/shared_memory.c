/* Shared memory: NdisMAllocateSharedMemory(AsyncEx), NdisMFreeSharedMemory. (skeleton) */
#include "hardware.h"

void *ndis_shared_memory_dma_map(ndis_adapter *a, uint64_t bus_addr, size_t len, bool writing)
{
    (void)a;
    (void)bus_addr;
    (void)len;
    (void)writing;
    return NULL;
}

void ndis_shared_memory_before_halt(ndis_adapter *a)
{
    (void)a;
}

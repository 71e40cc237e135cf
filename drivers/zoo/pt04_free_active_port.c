/* pt04_free_active_port: the halt handler frees a port that is still activated (PT-04: deactivate
 * it first); NDIS answers NDIS_STATUS_INVALID_PORT_STATE, and the driver then deactivates and frees
 * it properly, so nothing is left behind. */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA NDIS_PORT_NUMBER Port;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    return ZooDmaPortAllocateActive(Adapter, &Adapter->Port);
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status = NdisMFreePort(handle, Adapter->Port); /* ZOO-EXPECT: PT-04 */
    if (status == NDIS_STATUS_INVALID_PORT_STATE)
    {
        ZooDmaPortDeactivate(Adapter, Adapter->Port);
        NdisMFreePort(handle, Adapter->Port);
    }
}

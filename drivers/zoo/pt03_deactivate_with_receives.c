/* pt03_deactivate_with_receives: the driver indicates every receive on a port of its own and
 * deactivates the port from MiniportPause while receives indicated on it are still outstanding
 * (PT-03). Run with --return-policy at-pause, so that the protocol still holds receives when the
 * pause starts; the pause itself is correct (PENDING until they are back). */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_INDICATE ZooIndicate
#define ZOO_HOOK_PAUSE ZooPause
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA                                                                                              \
    NDIS_PORT_NUMBER Port;                                                                                             \
    BOOLEAN PortActive;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_STATUS status = ZooDmaPortAllocateActive(Adapter, &Adapter->Port);
    if (status == NDIS_STATUS_SUCCESS)
        Adapter->PortActive = TRUE;
    return status;
}

static VOID ZooIndicate(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists, ULONG Count, ULONG Flags)
{
    NdisMIndicateReceiveNetBufferLists(Adapter->MiniportAdapterHandle, NetBufferLists, Adapter->Port, Count, Flags);
}

static NDIS_STATUS ZooPause(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    /* The port goes away with the traffic, but the receives on it are not all back yet. */
    if (!Adapter->PortActive)
        return Status;
    NDIS_PORT_NUMBER number = Adapter->Port;
    NET_PNP_EVENT_NOTIFICATION event;
    ZooDmaPortEvent(&event, NetEventPortDeactivation, &number, sizeof(number));
    NDIS_STATUS status = NdisMNetPnPEvent(Adapter->MiniportAdapterHandle, &event); /* ZOO-EXPECT: PT-03 */
    if (status == NDIS_STATUS_SUCCESS)
        Adapter->PortActive = FALSE;
    return Status;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    if (Adapter->PortActive)
        ZooDmaPortDeactivate(Adapter, Adapter->Port);
    NdisMFreePort(Adapter->MiniportAdapterHandle, Adapter->Port);
}

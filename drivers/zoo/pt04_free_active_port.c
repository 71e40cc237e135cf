/* pt04_free_active_port: the halt handler frees a port that is still activated (PT-04: deactivate
 * it first); NDIS answers NDIS_STATUS_INVALID_PORT_STATE, and the driver then deactivates and frees
 * it properly, so nothing is left behind. */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA NDIS_PORT_NUMBER Port;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_PORT port;
    NdisZeroMemory(&port, sizeof(port));
    ZooDmaPortCharacteristics(&port.PortCharacteristics);
    NDIS_STATUS status = NdisMAllocatePort(handle, &port.PortCharacteristics);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    Adapter->Port = port.PortCharacteristics.PortNumber;
    NET_PNP_EVENT_NOTIFICATION event;
    ZooDmaPortEvent(&event, NetEventPortActivation, &port, sizeof(port));
    status = NdisMNetPnPEvent(handle, &event);
    if (status != NDIS_STATUS_SUCCESS)
        NdisMFreePort(handle, Adapter->Port);
    return status;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status = NdisMFreePort(handle, Adapter->Port); /* ZOO-EXPECT: PT-04 */
    if (status == NDIS_STATUS_INVALID_PORT_STATE)
    {
        NDIS_PORT_NUMBER number = Adapter->Port;
        NET_PNP_EVENT_NOTIFICATION event;
        ZooDmaPortEvent(&event, NetEventPortDeactivation, &number, sizeof(number));
        NdisMNetPnPEvent(handle, &event);
        NdisMFreePort(handle, Adapter->Port);
    }
}

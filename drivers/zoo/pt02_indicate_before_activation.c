/* pt02_indicate_before_activation: the driver allocates a port in initialize and indicates a
 * receive on it without ever activating it (PT-02: a port appears in indications only after its
 * NetEventPortActivation returned). The indication uses NDIS_RECEIVE_FLAGS_RESOURCES, so the NBL
 * is the driver's again when the call returns. */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_OID ZooOidHook
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA NDIS_PORT_NUMBER Port;
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_PORT_CHARACTERISTICS chars;
    ZooDmaPortCharacteristics(&chars);
    NDIS_STATUS status = NdisMAllocatePort(Adapter->MiniportAdapterHandle, &chars);
    if (status == NDIS_STATUS_SUCCESS)
        Adapter->Port = chars.PortNumber;
    return status;
}

static NDIS_STATUS ZooOidHook(PZOO_ADAPTER Adapter, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    if (Request->RequestType != NdisRequestSetInformation ||
        Request->DATA.SET_INFORMATION.Oid != OID_GEN_CURRENT_PACKET_FILTER || Status != NDIS_STATUS_SUCCESS)
        return Status;
    PNET_BUFFER_LIST nbl = ZooBaseBorrowRxNbl(Adapter);
    if (!nbl)
        return Status;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    ULONG flags = NDIS_RECEIVE_FLAGS_RESOURCES;
    NdisMIndicateReceiveNetBufferLists(handle, nbl, Adapter->Port, 1, flags); /* ZOO-EXPECT: PT-02 */
    ZooBaseReturnRxNbl(Adapter, nbl);
    return Status;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    NdisMFreePort(Adapter->MiniportAdapterHandle, Adapter->Port);
}

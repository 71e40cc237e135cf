/* rx03_dispatch_flag_at_passive: indicates with NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL from an OID request,
 * which runs at PASSIVE_LEVEL (RX-03). Indicated with RESOURCES: ownership is back at return. */
#define ZOO_HOOK_OID ZooOidHook
#include "zoo_base.h"

static NDIS_STATUS ZooOidHook(PZOO_ADAPTER Adapter, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    if (Request->RequestType != NdisRequestSetInformation ||
        Request->DATA.SET_INFORMATION.Oid != OID_GEN_CURRENT_PACKET_FILTER || Status != NDIS_STATUS_SUCCESS)
        return Status;
    PNET_BUFFER_LIST nbl = ZooBaseBorrowRxNbl(Adapter);
    if (!nbl)
        return Status;
    ULONG flags = NDIS_RECEIVE_FLAGS_RESOURCES | NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL;
    NdisMIndicateReceiveNetBufferLists(Adapter->MiniportAdapterHandle, nbl, 0, 1, flags); /* ZOO-EXPECT: RX-03 */
    ZooBaseReturnRxNbl(Adapter, nbl);
    return Status;
}

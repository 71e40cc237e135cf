/* rx01_count_mismatch: indicates one NET_BUFFER_LIST with NumberOfNetBufferLists 2 (RX-01).
 * It is indicated with NDIS_RECEIVE_FLAGS_RESOURCES, so ownership is back when the call returns. */
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
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NdisMIndicateReceiveNetBufferLists(handle, nbl, 0, 2, NDIS_RECEIVE_FLAGS_RESOURCES); /* ZOO-EXPECT: RX-01 */
    ZooBaseReturnRxNbl(Adapter, nbl);
    return Status;
}

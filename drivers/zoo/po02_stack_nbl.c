/* po02_stack_nbl: indicates a NET_BUFFER_LIST built on the stack, not taken from an NDIS pool (PO-02).
 * It is indicated with NDIS_RECEIVE_FLAGS_RESOURCES, so ownership is back when the call returns. */
#define ZOO_HOOK_OID ZooOidHook
#include "zoo_base.h"

static NDIS_STATUS ZooOidHook(PZOO_ADAPTER Adapter, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    if (Request->RequestType != NdisRequestSetInformation ||
        Request->DATA.SET_INFORMATION.Oid != OID_GEN_CURRENT_PACKET_FILTER || Status != NDIS_STATUS_SUCCESS)
        return Status;
    PNET_BUFFER_LIST pooled = ZooBaseBorrowRxNbl(Adapter);
    if (!pooled)
        return Status;
    PZOO_RCB rcb = NET_BUFFER_LIST_MINIPORT_RESERVED(pooled)[0];
    NET_BUFFER nb;
    NET_BUFFER_LIST nbl;
    NdisZeroMemory(&nb, sizeof(nb));
    NdisZeroMemory(&nbl, sizeof(nbl));
    NET_BUFFER_FIRST_MDL(&nb) = rcb->Mdl;
    NET_BUFFER_CURRENT_MDL(&nb) = rcb->Mdl;
    NET_BUFFER_DATA_LENGTH(&nb) = rcb->Length;
    NET_BUFFER_LIST_FIRST_NB(&nbl) = &nb;
    nbl.SourceHandle = Adapter->MiniportAdapterHandle;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NdisMIndicateReceiveNetBufferLists(handle, &nbl, 0, 1, NDIS_RECEIVE_FLAGS_RESOURCES); /* ZOO-EXPECT: PO-02 */
    ZooBaseReturnRxNbl(Adapter, pooled);
    return Status;
}

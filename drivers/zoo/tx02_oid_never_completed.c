/* tx02_oid_never_completed: pends the first OID_GEN_XMIT_OK query and never completes it (TX-02). NDIS
 * times the request out; the driver forgets it and halts cleanly. Run with --watchdog 300. */
#define ZOO_ADAPTER_EXTRA BOOLEAN OidPended;
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"

static MINIPORT_OID_REQUEST ZooOidRequest;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->OidRequestHandler = ZooOidRequest;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooOidRequest(NDIS_HANDLE MiniportAdapterContext,
                                 PNDIS_OID_REQUEST OidRequest) /* ZOO-EXPECT: TX-02 */
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    NDIS_STATUS status = ZooBaseOidRequest(MiniportAdapterContext, OidRequest);
    if (status == NDIS_STATUS_SUCCESS && !adapter->OidPended &&
        OidRequest->RequestType == NdisRequestQueryInformation &&
        OidRequest->DATA.QUERY_INFORMATION.Oid == OID_GEN_XMIT_OK)
    {
        /* The answer is ready, but the completion that should follow is never made. */
        adapter->OidPended = TRUE;
        return NDIS_STATUS_PENDING;
    }
    return status;
}

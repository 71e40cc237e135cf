/* oi01_complete_sync_oid: completes with NdisMOidRequestComplete an OID it also returns synchronously (OI-01). */
#define ZOO_HOOK_OID ZooOidHook
#include "zoo_base.h"

static NDIS_STATUS ZooOidHook(PZOO_ADAPTER Adapter, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    if (Status == NDIS_STATUS_SUCCESS)
        NdisMOidRequestComplete(Adapter->MiniportAdapterHandle, Request, Status); /* ZOO-EXPECT: OI-01 */
    return Status;
}

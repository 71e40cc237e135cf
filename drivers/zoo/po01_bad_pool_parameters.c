/* po01_bad_pool_parameters: NdisAllocateNetBufferListPool with a DataSize but fAllocateNetBuffer FALSE
 * (PO-01). The driver checks for NULL and carries on without that pool. */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE TxPool;
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NET_BUFFER_LIST_POOL_PARAMETERS params = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   .Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .ProtocolId = NDIS_PROTOCOL_ID_DEFAULT,
        .fAllocateNetBuffer = FALSE, /* a DataSize needs TRUE */
        .DataSize = ZOO_MAX_FRAME,
        .PoolTag = ZOO_TAG,
    };
    Adapter->TxPool = NdisAllocateNetBufferListPool(Adapter->MiniportAdapterHandle, &params); /* ZOO-EXPECT: PO-01 */
    /* Optional: the adapter works without it. */
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    if (Adapter->TxPool)
        NdisFreeNetBufferListPool(Adapter->TxPool);
}

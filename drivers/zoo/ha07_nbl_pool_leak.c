/* ha07_nbl_pool_leak: initialize allocates a send NBL pool that halt never frees (HA-07). */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE SendPool;
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NET_BUFFER_LIST_POOL_PARAMETERS params = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   .Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .ProtocolId = NDIS_PROTOCOL_ID_DEFAULT,
        .fAllocateNetBuffer = TRUE,
        .PoolTag = ZOO_TAG,
    };
    Adapter->SendPool = NdisAllocateNetBufferListPool(Adapter->MiniportAdapterHandle, &params); /* ZOO-EXPECT: HA-07 */
    return Adapter->SendPool ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

/* po03_free_prealloc_nb: NdisFreeNetBuffer on the NET_BUFFER preallocated with a NET_BUFFER_LIST; it may only
 * be freed together with its NBL (PO-03). The NBL itself is then freed correctly. */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(Adapter->NblPool, 0, 0, NULL, 0, 0);
    if (!nbl)
        return NDIS_STATUS_RESOURCES;
    NdisFreeNetBuffer(NET_BUFFER_LIST_FIRST_NB(nbl)); /* ZOO-EXPECT: PO-03 */
    NdisFreeNetBufferList(nbl);
    return NDIS_STATUS_SUCCESS;
}

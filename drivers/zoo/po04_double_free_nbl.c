/* po04_double_free_nbl: NdisFreeNetBufferList twice on one of its own NBLs, never indicated (PO-04). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(Adapter->NblPool, 0, 0, NULL, 0, 0);
    if (!nbl)
        return NDIS_STATUS_RESOURCES;
    NdisFreeNetBufferList(nbl);
    NdisFreeNetBufferList(nbl); /* ZOO-EXPECT: PO-04 */
    return NDIS_STATUS_SUCCESS;
}

/* lc09_indicate_paused: halt (the adapter is Paused) indicates a receive (LC-09).
 * Indicated with NDIS_RECEIVE_FLAGS_RESOURCES: ownership is back when the call returns. */
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    PNET_BUFFER_LIST nbl = ZooBaseBorrowRxNbl(Adapter);
    if (!nbl)
        return;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NdisMIndicateReceiveNetBufferLists(handle, nbl, 0, 1, NDIS_RECEIVE_FLAGS_RESOURCES); /* ZOO-EXPECT: LC-09 */
    ZooBaseReturnRxNbl(Adapter, nbl);
}

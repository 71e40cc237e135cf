/* ha11_lc10_repost_on_return: when the protocol returns its receives at pause, the driver re-indicates
 * the first one, forgets it, and completes the pause at once: the pause completes with a receive
 * outstanding (LC-10), and halt, which waits only for the receives it counts, returns with it still
 * outstanding (HA-11). Halt returning with a receive outstanding is only reachable through a pause
 * that completed too early, so both rules fire. Run with --return-policy at-pause. */
#define ZOO_ADAPTER_EXTRA BOOLEAN Reposted;
#define ZOO_HOOK_PAUSE ZooPauseHook
#define ZOO_HOOK_RETURN ZooReturnHook
#include "zoo_base.h"

static NDIS_STATUS ZooPauseHook(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    /* This driver completes the pause itself, from its return handler. */
    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->PauseCompletePending = FALSE;
    NdisReleaseSpinLock(&Adapter->Lock);
    return Status;
}

static PNET_BUFFER_LIST ZooReturnHook(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists)
{
    if (Adapter->State != ZooPausing || Adapter->Reposted)
        return NetBufferLists;
    Adapter->Reposted = TRUE;
    PNET_BUFFER_LIST nbl = NetBufferLists;
    PNET_BUFFER_LIST rest = NET_BUFFER_LIST_NEXT_NBL(nbl);
    NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
    PZOO_RCB rcb = NET_BUFFER_LIST_MINIPORT_RESERVED(nbl)[0];
    rcb->Nbl = NULL;
    InterlockedDecrement(&Adapter->RxOutstanding);
    ULONG flags = NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL;
    NdisMIndicateReceiveNetBufferLists(Adapter->MiniportAdapterHandle, nbl, 0, 1, flags); /* ZOO-EXPECT: HA-11 */
    NdisMPauseComplete(Adapter->MiniportAdapterHandle);                                   /* ZOO-EXPECT: LC-10 */
    return rest;
}

/* rx02_reindicate_held: after its first receive indication, indicates the first NBL of it again while the
 * protocol still holds it (RX-02). The driver does not count the second indication, so the NBL's one
 * return balances the books. Run with --return-policy never --watchdog 300: the protocol keeps its
 * receives until the pause watchdog takes them back. */
#define ZOO_ADAPTER_EXTRA                                                                                              \
    PNET_BUFFER_LIST Watched; /* the NBL to indicate again, until it comes back */                                     \
    BOOLEAN Reindicated;
#define ZOO_HOOK_INDICATE ZooIndicate
#define ZOO_HOOK_RETURN ZooReturn
#include "zoo_base.h"

static VOID ZooIndicate(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists, ULONG Count, ULONG Flags)
{
    NdisDprAcquireSpinLock(&Adapter->Lock);
    BOOLEAN first = !Adapter->Reindicated && Adapter->State == ZooRunning;
    if (first)
    {
        Adapter->Reindicated = TRUE;
        Adapter->Watched = NetBufferLists;
    }
    NdisDprReleaseSpinLock(&Adapter->Lock);

    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NdisMIndicateReceiveNetBufferLists(handle, NetBufferLists, NDIS_DEFAULT_PORT_NUMBER, Count, Flags);
    if (!first)
        return;

    NdisDprAcquireSpinLock(&Adapter->Lock);
    PNET_BUFFER_LIST nbl = Adapter->Watched;
    Adapter->Watched = NULL;
    NdisDprReleaseSpinLock(&Adapter->Lock);
    if (nbl)
        NdisMIndicateReceiveNetBufferLists(handle, nbl, NDIS_DEFAULT_PORT_NUMBER, 1, Flags); /* ZOO-EXPECT: RX-02 */
}

static PNET_BUFFER_LIST ZooReturn(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists)
{
    NdisDprAcquireSpinLock(&Adapter->Lock);
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        if (nbl == Adapter->Watched)
            Adapter->Watched = NULL;
    NdisDprReleaseSpinLock(&Adapter->Lock);
    return NetBufferLists;
}

/* tx01_double_complete: the send path completes the first NBL of each send twice (TX-01). */
#define ZOO_HOOK_SEND_COMPLETE ZooSendComplete
#include "zoo_base.h"

static VOID ZooSendComplete(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists, ULONG Flags)
{
    PNET_BUFFER_LIST first = NetBufferLists;
    PNET_BUFFER_LIST rest = NET_BUFFER_LIST_NEXT_NBL(first);
    NET_BUFFER_LIST_NEXT_NBL(first) = NULL;
    NdisMSendNetBufferListsComplete(Adapter->MiniportAdapterHandle, first, Flags);
    if (rest)
        NdisMSendNetBufferListsComplete(Adapter->MiniportAdapterHandle, rest, Flags);
    NdisMSendNetBufferListsComplete(Adapter->MiniportAdapterHandle, first, Flags); /* ZOO-EXPECT: TX-01 */
}

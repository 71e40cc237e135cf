/* lc06_pause_complete_unpended: calls NdisMPauseComplete for a pause it completed synchronously (LC-06). */
#define ZOO_HOOK_PAUSE ZooPauseHook
#include "zoo_base.h"

static NDIS_STATUS ZooPauseHook(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    if (Status == NDIS_STATUS_SUCCESS)
        NdisMPauseComplete(Adapter->MiniportAdapterHandle); /* ZOO-EXPECT: LC-06 */
    return Status;
}

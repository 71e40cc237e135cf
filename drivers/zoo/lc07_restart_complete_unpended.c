/* lc07_restart_complete_unpended: calls NdisMRestartComplete for a restart it completed synchronously (LC-07). */
#define ZOO_HOOK_RESTART ZooRestartHook
#include "zoo_base.h"

static NDIS_STATUS ZooRestartHook(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    NdisMRestartComplete(Adapter->MiniportAdapterHandle, Status); /* ZOO-EXPECT: LC-07 */
    return Status;
}

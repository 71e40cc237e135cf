/* lc14_reset_complete_unpended: calls NdisMResetComplete from its restart handler, with no reset pending (LC-14). */
#define ZOO_HOOK_RESTART ZooRestartHook
#include "zoo_base.h"

static NDIS_STATUS ZooRestartHook(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    NdisMResetComplete(Adapter->MiniportAdapterHandle, NDIS_STATUS_SUCCESS, FALSE); /* ZOO-EXPECT: LC-14 */
    return Status;
}

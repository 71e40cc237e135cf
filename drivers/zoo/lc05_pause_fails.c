/* lc05_pause_fails: MiniportPause returns NDIS_STATUS_FAILURE; a pause cannot fail (LC-05). */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"

static MINIPORT_PAUSE ZooPause;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->PauseHandler = ZooPause;
    return NDIS_STATUS_SUCCESS;
}

/* The adapter is paused correctly; only the status reported for it is wrong. */
static NDIS_STATUS ZooPause(NDIS_HANDLE MiniportAdapterContext,
                            PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters) /* ZOO-EXPECT: LC-05 */
{
    NDIS_STATUS status = ZooBasePause(MiniportAdapterContext, PauseParameters);
    return status == NDIS_STATUS_SUCCESS ? NDIS_STATUS_FAILURE : status;
}

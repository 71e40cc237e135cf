/* lc10_pause_early: MiniportPause returns SUCCESS while received NBLs are still outstanding, instead
 * of PENDING and NdisMPauseComplete once they are back (LC-10). Run with --return-policy at-pause,
 * so that the protocol still holds receives when the pause starts. */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"

static MINIPORT_PAUSE ZooPause;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->PauseHandler = ZooPause;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooPause(NDIS_HANDLE MiniportAdapterContext,
                            PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters) /* ZOO-EXPECT: LC-10 */
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    ZooBasePause(MiniportAdapterContext, PauseParameters);
    /* The returns still come back and are counted, so halt finds nothing outstanding. */
    NdisAcquireSpinLock(&adapter->Lock);
    adapter->PauseCompletePending = FALSE;
    adapter->State = ZooPaused;
    NdisReleaseSpinLock(&adapter->Lock);
    return NDIS_STATUS_SUCCESS;
}

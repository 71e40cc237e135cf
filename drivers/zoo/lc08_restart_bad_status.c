/* lc08_restart_bad_status: MiniportRestart fails with NDIS_STATUS_NOT_SUPPORTED, which is not one of the
 * statuses a restart may return (LC-08). The driver stays paused; only the status is wrong. */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"

static MINIPORT_RESTART ZooRestart;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->RestartHandler = ZooRestart;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooRestart(NDIS_HANDLE MiniportAdapterContext,
                              PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters) /* ZOO-EXPECT: LC-08 */
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(RestartParameters);
    /* A failed restart leaves the adapter paused: nothing is started. */
    NdisAcquireSpinLock(&adapter->Lock);
    adapter->State = ZooPaused;
    NdisReleaseSpinLock(&adapter->Lock);
    return NDIS_STATUS_NOT_SUPPORTED;
}

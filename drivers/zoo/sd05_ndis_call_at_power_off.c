/* sd05_ndis_call_at_power_off: the shutdown handler indicates a media disconnect at power-off
 * (SD-05, a warning). A shutdown handler should only put the hardware in a known state; the
 * conceptual docs ask for no Ndis* calls there at all. */
#define ZOO_HOOK_SHUTDOWN ZooShutdown
#include "zoo_base.h"

static VOID ZooShutdown(PZOO_ADAPTER Adapter, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    NDIS_LINK_STATE link = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NDIS_LINK_STATE_REVISION_1,
                   .Size = NDIS_SIZEOF_LINK_STATE_REVISION_1},
        .MediaConnectState = MediaConnectStateDisconnected,
        .MediaDuplexState = MediaDuplexStateUnknown,
    };
    NDIS_STATUS_INDICATION ind = {
        .Header = {.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION,
                   .Revision = NDIS_STATUS_INDICATION_REVISION_1,
                   .Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1},
        .SourceHandle = Adapter->MiniportAdapterHandle,
        .StatusCode = NDIS_STATUS_LINK_STATE,
        .StatusBuffer = &link,
        .StatusBufferSize = sizeof link,
    };
    NdisMIndicateStatusEx(Adapter->MiniportAdapterHandle, &ind); /* ZOO-EXPECT: SD-05 */
}

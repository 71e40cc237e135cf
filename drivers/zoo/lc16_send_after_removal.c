/* lc16_send_after_removal: the driver ignores the surprise-removal notification and keeps completing
 * sends with NDIS_STATUS_SUCCESS (LC-16, a warning): between the notification and the pause, sends
 * should be refused with NDIS_STATUS_NOT_ACCEPTED, since the hardware is gone. */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#define ZOO_HOOK_SEND_COMPLETE ZooSendComplete
#include "zoo_base.h"

static MINIPORT_DEVICE_PNP_EVENT_NOTIFY ZooPnPEvent;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->DevicePnPEventNotifyHandler = ZooPnPEvent;
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooPnPEvent(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NetDevicePnPEvent); /* the defect: the removal changes nothing */
}

static VOID ZooSendComplete(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    NdisMSendNetBufferListsComplete(Adapter->MiniportAdapterHandle, Nbls, Flags); /* ZOO-EXPECT: LC-16 */
}

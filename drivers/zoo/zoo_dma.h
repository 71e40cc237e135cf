/*
 * zoo_dma.h: the zoo base (zoo_base.h) as the driver of a bus-master NIC, for the zoo drivers of
 * DMA, shared memory and ports. Include it instead of zoo_base.h, after the hook definitions.
 *
 * The base sets its registration attributes itself; a bus-master driver must also set
 * NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER there before NdisMRegisterScatterGatherDma is allowed (IN-03).
 * The base's call goes through ZooDmaSetMiniportAttributes, which adds the flag, and nothing else
 * changes. Correct helpers for the parts a zoo driver does not break live here; the defective call
 * itself stays in the zoo driver's source, where its ZOO-EXPECT marker is.
 */
#ifndef ZOO_DMA_H
#define ZOO_DMA_H

#include <ndis.h>

static NDIS_STATUS ZooDmaSetMiniportAttributes(NDIS_HANDLE MiniportAdapterHandle,
                                               PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes)
{
    /* Through the member types: the caller passes the member structure, not the whole union. */
    if (((PNDIS_OBJECT_HEADER)MiniportAttributes)->Type == NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES)
        ((PNDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES)MiniportAttributes)->AttributeFlags |=
            NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER;
    return NdisMSetMiniportAttributes(MiniportAdapterHandle, MiniportAttributes);
}

#define NdisMSetMiniportAttributes ZooDmaSetMiniportAttributes
#include "zoo_base.h"
#undef NdisMSetMiniportAttributes

#define ZOO_DMA_MAX_MAPPING 2048

static VOID ZooDmaProcessSGList(PDEVICE_OBJECT DeviceObject, PVOID Reserved, PSCATTER_GATHER_LIST ScatterGather,
                                PVOID Context)
{
    /* The zoo drivers map no NET_BUFFER: nothing reaches this. */
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Reserved);
    UNREFERENCED_PARAMETER(ScatterGather);
    UNREFERENCED_PARAMETER(Context);
}

/* Registers scatter/gather DMA, with `Complete` as MiniportSharedMemoryAllocateComplete (may be
 * NULL: a driver that never allocates asynchronously). */
static inline NDIS_STATUS ZooDmaRegister(PZOO_ADAPTER Adapter, MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER Complete,
                                         PNDIS_HANDLE DmaHandle)
{
    NDIS_SG_DMA_DESCRIPTION dma = {
        .Header = {.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION,
                   .Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1,
                   .Size = NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1},
        .Flags = NDIS_SG_DMA_64_BIT_ADDRESS,
        .MaximumPhysicalMapping = ZOO_DMA_MAX_MAPPING,
        .ProcessSGListHandler = ZooDmaProcessSGList,
        .SharedMemAllocateCompleteHandler = Complete,
    };
    return NdisMRegisterScatterGatherDma(Adapter->MiniportAdapterHandle, &dma, DmaHandle);
}

/* A port's characteristics for NdisMAllocatePort. */
static inline VOID ZooDmaPortCharacteristics(PNDIS_PORT_CHARACTERISTICS Chars)
{
    NdisZeroMemory(Chars, sizeof(*Chars));
    Chars->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Chars->Header.Revision = NDIS_PORT_CHARACTERISTICS_REVISION_1;
    Chars->Header.Size = NDIS_SIZEOF_PORT_CHARACTERISTICS_REVISION_1;
    Chars->Type = NdisPortTypeUndefined;
    Chars->MediaConnectState = MediaConnectStateConnected;
    Chars->XmitLinkSpeed = ZOO_LINK_SPEED;
    Chars->RcvLinkSpeed = ZOO_LINK_SPEED;
    Chars->Direction = NET_IF_DIRECTION_SENDRECEIVE;
    Chars->SendControlState = NdisPortControlStateUncontrolled;
    Chars->RcvControlState = NdisPortControlStateUncontrolled;
    Chars->SendAuthorizationState = NdisPortAuthorizationUnknown;
    Chars->RcvAuthorizationState = NdisPortAuthorizationUnknown;
}

/* NetEventPortActivation for one port (Port->PortCharacteristics.PortNumber) or
 * NetEventPortDeactivation for one port number: the event notification to pass to NdisMNetPnPEvent. */
static inline VOID ZooDmaPortEvent(PNET_PNP_EVENT_NOTIFICATION Event, NET_PNP_EVENT_CODE Code, PVOID Buffer,
                                   ULONG BufferLength)
{
    NdisZeroMemory(Event, sizeof(*Event));
    Event->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Event->Header.Revision = NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    Event->Header.Size = NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    Event->PortNumber = NDIS_DEFAULT_PORT_NUMBER;
    Event->NetPnPEvent.NetEvent = Code;
    Event->NetPnPEvent.Buffer = Buffer;
    Event->NetPnPEvent.BufferLength = BufferLength;
}

#endif /* ZOO_DMA_H */

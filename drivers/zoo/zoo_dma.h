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

/* What initialize does when its shared memory is not there: logs it, deregisters DMA, fails. */
static inline NDIS_STATUS ZooDmaNoSharedMemory(PZOO_ADAPTER Adapter, NDIS_HANDLE DmaHandle)
{
    NdisWriteErrorLogEntry(Adapter->MiniportAdapterHandle, NDIS_ERROR_CODE_OUT_OF_RESOURCES, 0);
    NdisMDeregisterScatterGatherDma(DmaHandle);
    return NDIS_STATUS_RESOURCES;
}

/* Registers DMA (without asynchronous allocations) and allocates one block of `Length` bytes of
 * shared memory, a ring; nothing is left behind when either fails. */
static inline NDIS_STATUS ZooDmaRegisterWithRing(PZOO_ADAPTER Adapter, ULONG Length, PNDIS_HANDLE DmaHandle,
                                                 PVOID *RingVa, PNDIS_PHYSICAL_ADDRESS RingPa)
{
    NDIS_STATUS status = ZooDmaRegister(Adapter, NULL, DmaHandle);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    NdisMAllocateSharedMemory(Adapter->MiniportAdapterHandle, Length, FALSE, RingVa, RingPa);
    if (!*RingVa)
        return ZooDmaNoSharedMemory(Adapter, *DmaHandle);
    return NDIS_STATUS_SUCCESS;
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

/* Allocates a port and activates it; a port that cannot be activated is freed again. */
static inline NDIS_STATUS ZooDmaPortAllocateActive(PZOO_ADAPTER Adapter, PNDIS_PORT_NUMBER PortNumber)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_PORT port;
    NdisZeroMemory(&port, sizeof(port));
    ZooDmaPortCharacteristics(&port.PortCharacteristics);
    NDIS_STATUS status = NdisMAllocatePort(handle, &port.PortCharacteristics);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    *PortNumber = port.PortCharacteristics.PortNumber;
    NET_PNP_EVENT_NOTIFICATION event;
    ZooDmaPortEvent(&event, NetEventPortActivation, &port, sizeof(port));
    status = NdisMNetPnPEvent(handle, &event);
    if (status != NDIS_STATUS_SUCCESS)
        NdisMFreePort(handle, *PortNumber);
    return status;
}

/* Deactivates one port (NetEventPortDeactivation); NdisMNetPnPEvent's status. */
static inline NDIS_STATUS ZooDmaPortDeactivate(PZOO_ADAPTER Adapter, NDIS_PORT_NUMBER PortNumber)
{
    NET_PNP_EVENT_NOTIFICATION event;
    ZooDmaPortEvent(&event, NetEventPortDeactivation, &PortNumber, sizeof(PortNumber));
    return NdisMNetPnPEvent(Adapter->MiniportAdapterHandle, &event);
}

#endif /* ZOO_DMA_H */

/*
 * vnic: ndishost's reference NDIS 6.30 miniport.
 *
 * A virtual Ethernet adapter. Every vnic adapter of the driver sits on one virtual hub: a frame
 * sent on one adapter is copied into the receive buffers of every other adapter whose packet
 * filter accepts it (and of the sender itself when it is addressed to the sender's own MAC), and
 * indicated from an NDIS timer callback, at DISPATCH_LEVEL, as a NIC's receive DPC would.
 *
 * Its halt handler is the model answer to the halt contract: it undoes everything
 * MiniportInitializeEx did, in reverse order, waits for a timer callback that already fired,
 * and does not return while a receive indication is still outstanding. Initialize unwinds its
 * own partial work through the same ladder on failure.
 */

#include <ndis.h>

#define VNIC_TAG 'cinV'
#define VNIC_RX_BUFFERS 64
#define VNIC_MAX_FRAME 1514
#define VNIC_MIN_FRAME 14
#define VNIC_LINK_SPEED 10000000000ULL /* 10 Gbit/s */
#define VNIC_MAX_MULTICAST 32
#define VNIC_SUPPORTED_FILTERS                                                                                         \
    (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST |                         \
     NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS)

typedef enum _VNIC_STATE
{
    VnicPaused,
    VnicRunning,
    VnicPausing,
} VNIC_STATE;

typedef struct _VNIC_RCB
{
    LIST_ENTRY Link;
    struct _VNIC_ADAPTER *Adapter;
    PNET_BUFFER_LIST Nbl;
    PMDL Mdl;
    ULONG Length;
    UCHAR Data[VNIC_MAX_FRAME];
} VNIC_RCB, *PVNIC_RCB;

typedef struct _VNIC_ADAPTER
{
    NDIS_HANDLE MiniportAdapterHandle;
    LIST_ENTRY HubLink; /* on the driver's hub while attached; protected by the hub lock */
    BOOLEAN OnHub;
    UCHAR PermanentAddress[ETH_LENGTH_OF_ADDRESS];
    UCHAR CurrentAddress[ETH_LENGTH_OF_ADDRESS];

    NDIS_SPIN_LOCK Lock; /* State, PauseCompletePending, the receive lists, PacketFilter */
    VNIC_STATE State;
    BOOLEAN PauseCompletePending;
    BOOLEAN SurpriseRemoved;
    ULONG PacketFilter;
    ULONG Lookahead;
    ULONG MulticastCount;
    UCHAR Multicast[VNIC_MAX_MULTICAST][ETH_LENGTH_OF_ADDRESS];

    NDIS_HANDLE NblPool;
    PVNIC_RCB Rcbs;
    LIST_ENTRY FreeRcbs;    /* receive buffers owned by the adapter */
    LIST_ENTRY PendingRcbs; /* filled by the hub, waiting for the receive timer */

    /* Receive indications NDIS has not returned yet, plus one bias held while not halting: the
     * halt handler drops the bias and waits for the count to reach zero. */
    volatile LONG RxOutstanding;
    NDIS_EVENT RxIdle;

    /* Indicates the pending receives, at DISPATCH_LEVEL, as a NIC's receive DPC would. */
    NDIS_HANDLE RecvTimer;

    volatile LONG64 FramesSent;
    volatile LONG64 FramesReceived;
    volatile LONG64 FramesDropped;
} VNIC_ADAPTER, *PVNIC_ADAPTER;

typedef struct _VNIC_GLOBALS
{
    NDIS_HANDLE DriverHandle;
    PNDIS_RW_LOCK_EX HubLock;
    LIST_ENTRY Hub;
    volatile LONG NextMac;
} VNIC_GLOBALS;

static VNIC_GLOBALS Globals;

DRIVER_INITIALIZE DriverEntry;
static MINIPORT_UNLOAD VnicUnload;
static MINIPORT_INITIALIZE VnicInitializeEx;
static MINIPORT_HALT VnicHaltEx;
static MINIPORT_PAUSE VnicPause;
static MINIPORT_RESTART VnicRestart;
static MINIPORT_OID_REQUEST VnicOidRequest;
static MINIPORT_CANCEL_OID_REQUEST VnicCancelOidRequest;
static MINIPORT_SEND_NET_BUFFER_LISTS VnicSendNetBufferLists;
static MINIPORT_RETURN_NET_BUFFER_LISTS VnicReturnNetBufferLists;
static MINIPORT_CANCEL_SEND VnicCancelSend;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY VnicDevicePnPEventNotify;
static MINIPORT_SHUTDOWN VnicShutdownEx;
static NDIS_TIMER_FUNCTION VnicRecvTimerCallback;

static const NDIS_OID VnicSupportedOids[] = {
    OID_GEN_SUPPORTED_LIST,
    OID_GEN_HARDWARE_STATUS,
    OID_GEN_MEDIA_SUPPORTED,
    OID_GEN_MEDIA_IN_USE,
    OID_GEN_MAXIMUM_LOOKAHEAD,
    OID_GEN_MAXIMUM_FRAME_SIZE,
    OID_GEN_LINK_SPEED,
    OID_GEN_TRANSMIT_BUFFER_SPACE,
    OID_GEN_RECEIVE_BUFFER_SPACE,
    OID_GEN_TRANSMIT_BLOCK_SIZE,
    OID_GEN_RECEIVE_BLOCK_SIZE,
    OID_GEN_VENDOR_ID,
    OID_GEN_VENDOR_DESCRIPTION,
    OID_GEN_VENDOR_DRIVER_VERSION,
    OID_GEN_CURRENT_PACKET_FILTER,
    OID_GEN_CURRENT_LOOKAHEAD,
    OID_GEN_DRIVER_VERSION,
    OID_GEN_MAXIMUM_TOTAL_SIZE,
    OID_GEN_MEDIA_CONNECT_STATUS,
    OID_GEN_XMIT_OK,
    OID_GEN_RCV_OK,
    OID_GEN_XMIT_ERROR,
    OID_GEN_RCV_ERROR,
    OID_GEN_RCV_NO_BUFFER,
    OID_802_3_PERMANENT_ADDRESS,
    OID_802_3_CURRENT_ADDRESS,
    OID_802_3_MULTICAST_LIST,
    OID_802_3_MAXIMUM_LIST_SIZE,
};

/* ---- driver ------------------------------------------------------------------------------------ */

NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
                   .Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2},
        .MajorNdisVersion = 6,
        .MinorNdisVersion = 30,
        .MajorDriverVersion = 1,
        .MinorDriverVersion = 0,
        .InitializeHandlerEx = VnicInitializeEx,
        .HaltHandlerEx = VnicHaltEx,
        .UnloadHandler = VnicUnload,
        .PauseHandler = VnicPause,
        .RestartHandler = VnicRestart,
        .OidRequestHandler = VnicOidRequest,
        .SendNetBufferListsHandler = VnicSendNetBufferLists,
        .ReturnNetBufferListsHandler = VnicReturnNetBufferLists,
        .CancelSendHandler = VnicCancelSend,
        .DevicePnPEventNotifyHandler = VnicDevicePnPEventNotify,
        .ShutdownHandlerEx = VnicShutdownEx,
        .CancelOidRequestHandler = VnicCancelOidRequest,
    };

    NdisZeroMemory(&Globals, sizeof(Globals));
    InitializeListHead(&Globals.Hub);
    NDIS_STATUS status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &chars, &Globals.DriverHandle);
    if (status != NDIS_STATUS_SUCCESS)
        return status;

    Globals.HubLock = NdisAllocateRWLock(Globals.DriverHandle);
    if (!Globals.HubLock)
    {
        NdisMDeregisterMiniportDriver(Globals.DriverHandle);
        return NDIS_STATUS_RESOURCES;
    }
    return NDIS_STATUS_SUCCESS;
}

static VOID VnicUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisFreeRWLock(Globals.HubLock);
    NdisMDeregisterMiniportDriver(Globals.DriverHandle);
}

/* ---- hub --------------------------------------------------------------------------------------- */

static VOID VnicHubAttach(PVNIC_ADAPTER Adapter)
{
    LOCK_STATE_EX lockState;
    NdisAcquireRWLockWrite(Globals.HubLock, &lockState, 0);
    InsertTailList(&Globals.Hub, &Adapter->HubLink);
    Adapter->OnHub = TRUE;
    NdisReleaseRWLock(Globals.HubLock, &lockState);
}

/* Once this returns no sender can reach the adapter: senders walk the hub under the read lock. */
static VOID VnicHubDetach(PVNIC_ADAPTER Adapter)
{
    LOCK_STATE_EX lockState;
    NdisAcquireRWLockWrite(Globals.HubLock, &lockState, 0);
    if (Adapter->OnHub)
    {
        RemoveEntryList(&Adapter->HubLink);
        Adapter->OnHub = FALSE;
    }
    NdisReleaseRWLock(Globals.HubLock, &lockState);
}

static BOOLEAN VnicFilterAccepts(PVNIC_ADAPTER Adapter, const UCHAR *Destination)
{
    ULONG filter = Adapter->PacketFilter;
    if (filter & NDIS_PACKET_TYPE_PROMISCUOUS)
        return TRUE;
    if (ETH_IS_BROADCAST(Destination))
        return (filter & NDIS_PACKET_TYPE_BROADCAST) != 0;
    if (ETH_IS_MULTICAST(Destination))
    {
        if (filter & NDIS_PACKET_TYPE_ALL_MULTICAST)
            return TRUE;
        if (!(filter & NDIS_PACKET_TYPE_MULTICAST))
            return FALSE;
        for (ULONG i = 0; i < Adapter->MulticastCount; i++)
            if (NdisEqualMemory(Adapter->Multicast[i], Destination, ETH_LENGTH_OF_ADDRESS))
                return TRUE;
        return FALSE;
    }
    return (filter & NDIS_PACKET_TYPE_DIRECTED) &&
           NdisEqualMemory(Adapter->CurrentAddress, Destination, ETH_LENGTH_OF_ADDRESS);
}

/* Queues the timer that indicates an adapter's pending receives. Setting a timer that is
 * already queued re-arms it: one callback drains everything pending. */
static VOID VnicScheduleReceive(PVNIC_ADAPTER Adapter)
{
    LARGE_INTEGER due = {.QuadPart = -1}; /* as soon as possible */
    NdisSetTimerObject(Adapter->RecvTimer, due, 0, NULL);
}

/* Copies one frame into a receive buffer of `Target`. Called at DISPATCH_LEVEL with the hub read
 * lock held, so the target is attached and its buffers exist. */
static VOID VnicHubDeliver(PVNIC_ADAPTER Target, PNET_BUFFER Nb, ULONG Length)
{
    NdisDprAcquireSpinLock(&Target->Lock);
    BOOLEAN accept = Target->State == VnicRunning && !IsListEmpty(&Target->FreeRcbs);
    PVNIC_RCB rcb = NULL;
    if (accept)
        rcb = CONTAINING_RECORD(RemoveHeadList(&Target->FreeRcbs), VNIC_RCB, Link);
    NdisDprReleaseSpinLock(&Target->Lock);
    if (!rcb)
    {
        InterlockedIncrement64(&Target->FramesDropped);
        return;
    }

    PUCHAR data = NdisGetDataBuffer(Nb, Length, rcb->Data, 1, 0);
    if (data && data != rcb->Data)
        NdisMoveMemory(rcb->Data, data, Length);
    rcb->Length = data ? Length : 0;

    NdisDprAcquireSpinLock(&Target->Lock);
    InsertTailList(&Target->PendingRcbs, &rcb->Link);
    NdisDprReleaseSpinLock(&Target->Lock);
    VnicScheduleReceive(Target);
}

/* ---- send ------------------------------------------------------------------------------------- */

static VOID VnicSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                                   NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    BOOLEAN atDispatch = NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags);
    UNREFERENCED_PARAMETER(PortNumber);

    KIRQL oldIrql = PASSIVE_LEVEL;
    if (!atDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);

    NdisDprAcquireSpinLock(&adapter->Lock);
    BOOLEAN running = adapter->State == VnicRunning;
    NdisDprReleaseSpinLock(&adapter->Lock);

    if (!running)
    {
        for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
            NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_PAUSED;
        NdisMSendNetBufferListsComplete(adapter->MiniportAdapterHandle, NetBufferLists,
                                        NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
        if (!atDispatch)
            KeLowerIrql(oldIrql);
        return;
    }

    LOCK_STATE_EX lockState;
    NdisAcquireRWLockRead(Globals.HubLock, &lockState, NDIS_RWL_AT_DISPATCH_LEVEL);
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
    {
        NDIS_STATUS status = NDIS_STATUS_SUCCESS;
        for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb; nb = NET_BUFFER_NEXT_NB(nb))
        {
            ULONG length = NET_BUFFER_DATA_LENGTH(nb);
            UCHAR header[ETH_LENGTH_OF_ADDRESS];
            PUCHAR dst = length >= VNIC_MIN_FRAME && length <= VNIC_MAX_FRAME
                             ? NdisGetDataBuffer(nb, ETH_LENGTH_OF_ADDRESS, header, 1, 0)
                             : NULL;
            if (!dst)
            {
                status = NDIS_STATUS_INVALID_LENGTH;
                continue;
            }
            for (PLIST_ENTRY e = Globals.Hub.Flink; e != &Globals.Hub; e = e->Flink)
            {
                PVNIC_ADAPTER target = CONTAINING_RECORD(e, VNIC_ADAPTER, HubLink);
                BOOLEAN self = target == adapter;
                if (self && !NdisEqualMemory(dst, adapter->CurrentAddress, ETH_LENGTH_OF_ADDRESS))
                    continue;
                if (VnicFilterAccepts(target, dst))
                    VnicHubDeliver(target, nb, length);
            }
            InterlockedIncrement64(&adapter->FramesSent);
        }
        NET_BUFFER_LIST_STATUS(nbl) = status;
    }
    NdisReleaseRWLock(Globals.HubLock, &lockState);

    NdisMSendNetBufferListsComplete(adapter->MiniportAdapterHandle, NetBufferLists,
                                    NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    if (!atDispatch)
        KeLowerIrql(oldIrql);
}

static VOID VnicCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId)
{
    /* Sends complete before VnicSendNetBufferLists returns: nothing is ever queued to cancel. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(CancelId);
}

/* ---- receive ---------------------------------------------------------------------------------- */

/* Completes a pending pause once nothing is outstanding. Called with the adapter lock held. */
static BOOLEAN VnicPauseCanCompleteLocked(PVNIC_ADAPTER Adapter)
{
    if (Adapter->State != VnicPausing || !Adapter->PauseCompletePending || Adapter->RxOutstanding != 1)
        return FALSE;
    Adapter->PauseCompletePending = FALSE;
    Adapter->State = VnicPaused;
    return TRUE;
}

/* Drops `Count` receive references; completes a pending pause, or wakes halt, at the last one. */
static VOID VnicReleaseRx(PVNIC_ADAPTER Adapter, LONG Count)
{
    NdisDprAcquireSpinLock(&Adapter->Lock);
    LONG now = InterlockedExchangeAdd(&Adapter->RxOutstanding, -Count) - Count;
    BOOLEAN completePause = VnicPauseCanCompleteLocked(Adapter);
    NdisDprReleaseSpinLock(&Adapter->Lock);
    if (now == 0)
        NdisSetEvent(&Adapter->RxIdle);
    if (completePause)
        NdisMPauseComplete(Adapter->MiniportAdapterHandle);
}

static VOID VnicRecvTimerCallback(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2,
                                  PVOID SystemSpecific3)
{
    PVNIC_ADAPTER adapter = FunctionContext;
    UNREFERENCED_PARAMETER(SystemSpecific1);
    UNREFERENCED_PARAMETER(SystemSpecific2);
    UNREFERENCED_PARAMETER(SystemSpecific3);

    PNET_BUFFER_LIST head = NULL, *tail = &head;
    ULONG count = 0;

    NdisDprAcquireSpinLock(&adapter->Lock);
    while (!IsListEmpty(&adapter->PendingRcbs))
    {
        PVNIC_RCB rcb = CONTAINING_RECORD(RemoveHeadList(&adapter->PendingRcbs), VNIC_RCB, Link);
        if (adapter->State != VnicRunning || rcb->Length == 0)
        {
            /* Paused or pausing: receives are dropped, never indicated (LC-09). */
            InsertTailList(&adapter->FreeRcbs, &rcb->Link);
            InterlockedIncrement64(&adapter->FramesDropped);
            continue;
        }
        PNET_BUFFER_LIST nbl = rcb->Nbl;
        NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(nbl)) = rcb->Length;
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
        *tail = nbl;
        tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        count++;
    }
    /* Counted before the indication, plus one for the indication call itself: NDIS may return
     * the NBLs before the call returns, and a pause must not complete while it is in progress. */
    if (count)
        InterlockedExchangeAdd(&adapter->RxOutstanding, (LONG)count + 1);
    NdisDprReleaseSpinLock(&adapter->Lock);

    if (count)
    {
        InterlockedExchangeAdd64(&adapter->FramesReceived, count);
        NdisMIndicateReceiveNetBufferLists(adapter->MiniportAdapterHandle, head, NDIS_DEFAULT_PORT_NUMBER, count,
                                           NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
        VnicReleaseRx(adapter, 1);
    }
}

static VOID VnicReturnNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                                     ULONG ReturnFlags)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    LONG count = 0;
    KIRQL oldIrql = PASSIVE_LEVEL;
    BOOLEAN atDispatch = NDIS_TEST_RETURN_AT_DISPATCH_LEVEL(ReturnFlags);
    if (!atDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);

    NdisDprAcquireSpinLock(&adapter->Lock);
    for (PNET_BUFFER_LIST nbl = NetBufferLists, next; nbl; nbl = next)
    {
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        PVNIC_RCB rcb = NET_BUFFER_LIST_MINIPORT_RESERVED(nbl)[0];
        InsertTailList(&adapter->FreeRcbs, &rcb->Link);
        count++;
    }
    NdisDprReleaseSpinLock(&adapter->Lock);
    VnicReleaseRx(adapter, count);

    if (!atDispatch)
        KeLowerIrql(oldIrql);
}

/* ---- initialize and halt ------------------------------------------------------------------------ */

static VOID VnicFreeRcbs(PVNIC_ADAPTER Adapter)
{
    if (!Adapter->Rcbs)
        return;
    for (ULONG i = 0; i < VNIC_RX_BUFFERS; i++)
    {
        PVNIC_RCB rcb = &Adapter->Rcbs[i];
        if (rcb->Nbl)
            NdisFreeNetBufferList(rcb->Nbl);
        if (rcb->Mdl)
            NdisFreeMdl(rcb->Mdl);
    }
    NdisFreeMemory(Adapter->Rcbs, 0, 0);
    Adapter->Rcbs = NULL;
}

static NDIS_STATUS VnicAllocateRcbs(PVNIC_ADAPTER Adapter)
{
    Adapter->Rcbs = NdisAllocateMemoryWithTagPriority(Adapter->MiniportAdapterHandle,
                                                      sizeof(VNIC_RCB) * VNIC_RX_BUFFERS, VNIC_TAG, NormalPoolPriority);
    if (!Adapter->Rcbs)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter->Rcbs, sizeof(VNIC_RCB) * VNIC_RX_BUFFERS);
    for (ULONG i = 0; i < VNIC_RX_BUFFERS; i++)
    {
        PVNIC_RCB rcb = &Adapter->Rcbs[i];
        rcb->Adapter = Adapter;
        rcb->Mdl = NdisAllocateMdl(Adapter->MiniportAdapterHandle, rcb->Data, VNIC_MAX_FRAME);
        if (!rcb->Mdl)
            return NDIS_STATUS_RESOURCES;
        rcb->Nbl = NdisAllocateNetBufferAndNetBufferList(Adapter->NblPool, 0, 0, rcb->Mdl, 0, VNIC_MAX_FRAME);
        if (!rcb->Nbl)
            return NDIS_STATUS_RESOURCES;
        rcb->Nbl->SourceHandle = Adapter->MiniportAdapterHandle;
        NET_BUFFER_LIST_MINIPORT_RESERVED(rcb->Nbl)[0] = rcb;
        InsertTailList(&Adapter->FreeRcbs, &rcb->Link);
    }
    return NDIS_STATUS_SUCCESS;
}

/* The MAC: a NetworkAddress from the registry if it is a valid unicast address, else a locally
 * administered one, distinct per adapter. */
static VOID VnicReadConfiguration(PVNIC_ADAPTER Adapter)
{
    LONG n = InterlockedIncrement(&Globals.NextMac);
    UCHAR generated[ETH_LENGTH_OF_ADDRESS] = {0x02, 0x00, 0x4e, (UCHAR)(n >> 16), (UCHAR)(n >> 8), (UCHAR)n};
    NdisMoveMemory(Adapter->PermanentAddress, generated, ETH_LENGTH_OF_ADDRESS);
    NdisMoveMemory(Adapter->CurrentAddress, generated, ETH_LENGTH_OF_ADDRESS);

    NDIS_CONFIGURATION_OBJECT configObject = {
        .Header = {.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
                   .Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1,
                   .Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1},
        .NdisHandle = Adapter->MiniportAdapterHandle,
        .Flags = 0,
    };
    NDIS_HANDLE config;
    if (NdisOpenConfigurationEx(&configObject, &config) != NDIS_STATUS_SUCCESS)
        return; /* defaults only */

    NDIS_STATUS status;
    PVOID address;
    UINT length;
    NdisReadNetworkAddress(&status, &address, &length, config);
    if (status == NDIS_STATUS_SUCCESS && length == ETH_LENGTH_OF_ADDRESS && !ETH_IS_MULTICAST((PUCHAR)address))
        NdisMoveMemory(Adapter->CurrentAddress, address, ETH_LENGTH_OF_ADDRESS);
    NdisCloseConfiguration(config);
}

static NDIS_STATUS VnicSetAttributes(PVNIC_ADAPTER Adapter)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2},
        .MiniportAdapterContext = Adapter,
        .AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND | NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK,
        .CheckForHangTimeInSeconds = 0,
        .InterfaceType = NdisInterfaceInternal,
    };
    NDIS_STATUS status =
        NdisMSetMiniportAttributes(Adapter->MiniportAdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
    if (status != NDIS_STATUS_SUCCESS)
        return status;

    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2},
        .MediaType = NdisMedium802_3,
        .PhysicalMediumType = NdisPhysicalMediumUnspecified,
        .MtuSize = VNIC_MAX_FRAME - 14,
        .MaxXmitLinkSpeed = VNIC_LINK_SPEED,
        .XmitLinkSpeed = VNIC_LINK_SPEED,
        .MaxRcvLinkSpeed = VNIC_LINK_SPEED,
        .RcvLinkSpeed = VNIC_LINK_SPEED,
        .MediaConnectState = MediaConnectStateConnected,
        .MediaDuplexState = MediaDuplexStateFull,
        .LookaheadSize = VNIC_MAX_FRAME - 14,
        .MacOptions =
            NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND | NDIS_MAC_OPTION_NO_LOOPBACK,
        .SupportedPacketFilters = VNIC_SUPPORTED_FILTERS,
        .MaxMulticastListSize = VNIC_MAX_MULTICAST,
        .MacAddressLength = ETH_LENGTH_OF_ADDRESS,
        .AccessType = NET_IF_ACCESS_BROADCAST,
        .DirectionType = NET_IF_DIRECTION_SENDRECEIVE,
        .ConnectionType = NET_IF_CONNECTION_DEDICATED,
        .IfType = IF_TYPE_ETHERNET_CSMACD,
        .IfConnectorPresent = FALSE,
        .SupportedStatistics = NDIS_STATISTICS_XMIT_OK_SUPPORTED | NDIS_STATISTICS_RCV_OK_SUPPORTED,
        .SupportedPauseFunctions = NdisPauseFunctionsUnsupported,
        .SupportedOidList = (PNDIS_OID)VnicSupportedOids,
        .SupportedOidListLength = sizeof(VnicSupportedOids),
        .AutoNegotiationFlags = NDIS_LINK_STATE_DUPLEX_AUTO_NEGOTIATED,
    };
    NdisMoveMemory(gen.PermanentMacAddress, Adapter->PermanentAddress, ETH_LENGTH_OF_ADDRESS);
    NdisMoveMemory(gen.CurrentMacAddress, Adapter->CurrentAddress, ETH_LENGTH_OF_ADDRESS);
    return NdisMSetMiniportAttributes(Adapter->MiniportAdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
}

static NDIS_STATUS VnicInitializeEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                                    PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    UNREFERENCED_PARAMETER(MiniportDriverContext);
    UNREFERENCED_PARAMETER(MiniportInitParameters);
    NDIS_STATUS status;

    PVNIC_ADAPTER adapter =
        NdisAllocateMemoryWithTagPriority(MiniportAdapterHandle, sizeof(*adapter), VNIC_TAG, NormalPoolPriority);
    if (!adapter)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(adapter, sizeof(*adapter));
    adapter->MiniportAdapterHandle = MiniportAdapterHandle;
    adapter->State = VnicPaused;
    adapter->Lookahead = VNIC_MAX_FRAME - 14;
    adapter->RxOutstanding = 1; /* bias, dropped by halt */
    InitializeListHead(&adapter->FreeRcbs);
    InitializeListHead(&adapter->PendingRcbs);
    NdisInitializeEvent(&adapter->RxIdle);
    NdisAllocateSpinLock(&adapter->Lock);

    VnicReadConfiguration(adapter);
    status = VnicSetAttributes(adapter);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupFreeAdapter;

    NET_BUFFER_LIST_POOL_PARAMETERS poolParams = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   .Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .ProtocolId = NDIS_PROTOCOL_ID_DEFAULT,
        .fAllocateNetBuffer = TRUE,
        .ContextSize = 0,
        .PoolTag = VNIC_TAG,
        .DataSize = 0,
    };
    adapter->NblPool = NdisAllocateNetBufferListPool(MiniportAdapterHandle, &poolParams);
    if (!adapter->NblPool)
    {
        status = NDIS_STATUS_RESOURCES;
        goto cleanupFreeAdapter;
    }

    status = VnicAllocateRcbs(adapter);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupFreeRcbs;

    NDIS_TIMER_CHARACTERISTICS timerChars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = VNIC_TAG,
        .TimerFunction = VnicRecvTimerCallback,
        .FunctionContext = adapter,
    };
    status = NdisAllocateTimerObject(MiniportAdapterHandle, &timerChars, &adapter->RecvTimer);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupFreeRcbs;

    VnicHubAttach(adapter);
    return NDIS_STATUS_SUCCESS;

cleanupFreeRcbs:
    VnicFreeRcbs(adapter);
    NdisFreeNetBufferListPool(adapter->NblPool);
cleanupFreeAdapter:
    NdisFreeSpinLock(&adapter->Lock);
    NdisFreeMemory(adapter, 0, 0);
    return status;
}

static VOID VnicHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(HaltAction);

    /* Stop the NIC: off the hub, no frame can arrive any more. (No ports, interrupts or hardware
     * to release: vnic is virtual.) */
    VnicHubDetach(adapter);

    /* Cancel the receive timer, then wait for its callback. A FALSE return means the timer had
     * already fired: its callback is queued or running. But TRUE does not mean no callback runs
     * either: the hub re-arms the timer while an earlier expiry's callback may still be running.
     * So wait for every queued and running DPC, timer callbacks included, either way. Nothing
     * re-arms the timer any more: the adapter is off the hub. */
    NdisCancelTimerObject(adapter->RecvTimer);
    KeFlushQueuedDpcs();
    NdisFreeTimerObject(adapter->RecvTimer);

    /* Do not return while NDIS holds a receive indication of ours. */
    if (InterlockedDecrement(&adapter->RxOutstanding) != 0)
        NdisWaitEvent(&adapter->RxIdle, 0);

    VnicFreeRcbs(adapter);
    NdisFreeNetBufferListPool(adapter->NblPool);
    NdisFreeSpinLock(&adapter->Lock);
    NdisFreeMemory(adapter, 0, 0);
}

/* ---- pause and restart -------------------------------------------------------------------------- */

static NDIS_STATUS VnicPause(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(PauseParameters);

    NdisAcquireSpinLock(&adapter->Lock);
    adapter->State = VnicPausing;
    BOOLEAN idle = adapter->RxOutstanding == 1;
    if (idle)
        adapter->State = VnicPaused;
    else
        adapter->PauseCompletePending = TRUE;
    NdisReleaseSpinLock(&adapter->Lock);
    return idle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
}

static NDIS_STATUS VnicRestart(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(RestartParameters);
    NdisAcquireSpinLock(&adapter->Lock);
    adapter->State = VnicRunning;
    NdisReleaseSpinLock(&adapter->Lock);
    return NDIS_STATUS_SUCCESS;
}

static VOID VnicShutdownEx(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    /* Put the "hardware" in a known state and free nothing. At bug-check time (HIGH_LEVEL) even
     * the hub lock is off limits: only stop accepting frames. */
    adapter->State = VnicPaused;
    if (ShutdownAction == NdisShutdownPowerOff)
        VnicHubDetach(adapter);
}

static VOID VnicDevicePnPEventNotify(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    if (NetDevicePnPEvent->DevicePnPEvent == NdisDevicePnPEventSurpriseRemoved)
        adapter->SurpriseRemoved = TRUE;
}

/* ---- OIDs ------------------------------------------------------------------------------------------ */

static NDIS_STATUS VnicQuery(PVNIC_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    NDIS_OID oid = Request->DATA.QUERY_INFORMATION.Oid;
    PVOID buffer = Request->DATA.QUERY_INFORMATION.InformationBuffer;
    ULONG bufferLength = Request->DATA.QUERY_INFORMATION.InformationBufferLength;
    ULONG ulong = 0;
    ULONG64 ulong64 = 0;
    const VOID *source = &ulong;
    ULONG length = sizeof(ulong);
    static const char description[] = "ndishost vnic reference adapter";

    switch (oid)
    {
    case OID_GEN_SUPPORTED_LIST:
        source = VnicSupportedOids;
        length = sizeof(VnicSupportedOids);
        break;
    case OID_GEN_HARDWARE_STATUS:
        ulong = NdisHardwareStatusReady;
        break;
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
        ulong = NdisMedium802_3;
        break;
    case OID_GEN_MAXIMUM_LOOKAHEAD:
    case OID_GEN_MAXIMUM_FRAME_SIZE:
        ulong = VNIC_MAX_FRAME - 14;
        break;
    case OID_GEN_CURRENT_LOOKAHEAD:
        ulong = Adapter->Lookahead;
        break;
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
    case OID_GEN_TRANSMIT_BLOCK_SIZE:
    case OID_GEN_RECEIVE_BLOCK_SIZE:
        ulong = VNIC_MAX_FRAME;
        break;
    case OID_GEN_LINK_SPEED:
        ulong = (ULONG)(VNIC_LINK_SPEED / 100); /* in units of 100 bit/s */
        break;
    case OID_GEN_TRANSMIT_BUFFER_SPACE:
    case OID_GEN_RECEIVE_BUFFER_SPACE:
        ulong = VNIC_MAX_FRAME * VNIC_RX_BUFFERS;
        break;
    case OID_GEN_VENDOR_ID:
        ulong = 0x00004e02;
        break;
    case OID_GEN_VENDOR_DESCRIPTION:
        source = description;
        length = sizeof(description);
        break;
    case OID_GEN_VENDOR_DRIVER_VERSION:
        ulong = 0x00010000;
        break;
    case OID_GEN_DRIVER_VERSION:
        ulong = (6 << 8) | 30;
        length = sizeof(USHORT);
        break;
    case OID_GEN_CURRENT_PACKET_FILTER:
        ulong = Adapter->PacketFilter;
        break;
    case OID_GEN_MEDIA_CONNECT_STATUS:
        ulong = NdisMediaStateConnected;
        break;
    case OID_GEN_XMIT_OK:
    case OID_GEN_RCV_OK:
        ulong64 = oid == OID_GEN_XMIT_OK ? (ULONG64)Adapter->FramesSent : (ULONG64)Adapter->FramesReceived;
        source = &ulong64;
        /* Statistics OIDs answer in 32 bits when that is all the caller offers. */
        length = bufferLength < sizeof(ULONG64) ? sizeof(ULONG) : sizeof(ULONG64);
        break;
    case OID_GEN_XMIT_ERROR:
    case OID_GEN_RCV_ERROR:
        ulong = 0;
        break;
    case OID_GEN_RCV_NO_BUFFER:
        ulong = (ULONG)Adapter->FramesDropped;
        break;
    case OID_802_3_PERMANENT_ADDRESS:
        source = Adapter->PermanentAddress;
        length = ETH_LENGTH_OF_ADDRESS;
        break;
    case OID_802_3_CURRENT_ADDRESS:
        source = Adapter->CurrentAddress;
        length = ETH_LENGTH_OF_ADDRESS;
        break;
    case OID_802_3_MULTICAST_LIST:
        source = Adapter->Multicast;
        length = Adapter->MulticastCount * ETH_LENGTH_OF_ADDRESS;
        break;
    case OID_802_3_MAXIMUM_LIST_SIZE:
        ulong = VNIC_MAX_MULTICAST;
        break;
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }

    if (bufferLength < length)
    {
        Request->DATA.QUERY_INFORMATION.BytesNeeded = length;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    NdisMoveMemory(buffer, source, length);
    Request->DATA.QUERY_INFORMATION.BytesWritten = length;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS VnicSet(PVNIC_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    NDIS_OID oid = Request->DATA.SET_INFORMATION.Oid;
    PVOID buffer = Request->DATA.SET_INFORMATION.InformationBuffer;
    ULONG length = Request->DATA.SET_INFORMATION.InformationBufferLength;

    switch (oid)
    {
    case OID_GEN_CURRENT_PACKET_FILTER:
    {
        if (length < sizeof(ULONG))
        {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        ULONG filter = *(PULONG)buffer;
        if (filter & ~VNIC_SUPPORTED_FILTERS)
            return NDIS_STATUS_NOT_SUPPORTED;
        NdisAcquireSpinLock(&Adapter->Lock);
        Adapter->PacketFilter = filter;
        NdisReleaseSpinLock(&Adapter->Lock);
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    }
    case OID_GEN_CURRENT_LOOKAHEAD:
        if (length < sizeof(ULONG))
        {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        if (*(PULONG)buffer > VNIC_MAX_FRAME - 14)
            return NDIS_STATUS_INVALID_DATA;
        Adapter->Lookahead = *(PULONG)buffer;
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    case OID_802_3_MULTICAST_LIST:
        if (length % ETH_LENGTH_OF_ADDRESS)
            return NDIS_STATUS_INVALID_LENGTH;
        if (length / ETH_LENGTH_OF_ADDRESS > VNIC_MAX_MULTICAST)
            return NDIS_STATUS_MULTICAST_FULL;
        NdisAcquireSpinLock(&Adapter->Lock);
        NdisMoveMemory(Adapter->Multicast, buffer, length);
        Adapter->MulticastCount = length / ETH_LENGTH_OF_ADDRESS;
        NdisReleaseSpinLock(&Adapter->Lock);
        Request->DATA.SET_INFORMATION.BytesRead = length;
        return NDIS_STATUS_SUCCESS;
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

static NDIS_STATUS VnicOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    switch (OidRequest->RequestType)
    {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
        return VnicQuery(adapter, OidRequest);
    case NdisRequestSetInformation:
        return VnicSet(adapter, OidRequest);
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

static VOID VnicCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId)
{
    /* Every OID completes synchronously: there is never one to cancel. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}

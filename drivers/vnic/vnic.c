/*
 * vnic: ndishost's reference NDIS 6.30 miniport.
 *
 * Two modes, chosen by what MiniportInitializeEx receives:
 *
 * - Hardware: AllocatedResources describe an SN-1 network controller (an I/O port range, a memory
 *   BAR and a line interrupt; docs/simnic-datasheet.md). vnic claims them, drives the NIC's
 *   descriptor rings in shared memory, takes its interrupts (ISR at DIRQL, DPC at DISPATCH_LEVEL)
 *   and allocates one NDIS port.
 * - Virtual (no resources): every such adapter sits on one virtual hub: a frame sent on one
 *   adapter is copied into the receive buffers of every other adapter whose packet filter accepts
 *   it (and of the sender itself when it is addressed to the sender's own MAC), and indicated from
 *   an NDIS timer callback, at DISPATCH_LEVEL, as a NIC's receive DPC would.
 *
 * Its halt handlers are the model answer to the halt contract: they undo everything
 * MiniportInitializeEx did (ports, the NIC and its interrupt, timers, receives still held by the
 * protocol, shared memory, pools, memory, DMA, mapped registers, I/O ports), wait for a timer
 * callback that already fired, and do not return while a receive indication is still outstanding.
 * Initialize unwinds its own partial work through the same ladder on failure.
 */

#include <ndis.h>

#include "vnic_hw.h"

#define VNIC_TAG 'cinV'
#define VNIC_RX_BUFFERS 64
#define VNIC_MAX_FRAME 1514
#define VNIC_MIN_FRAME 14
#define VNIC_LINK_SPEED 10000000000ULL /* 10 Gbit/s */
#define VNIC_MAX_MULTICAST 32
#define VNIC_TX_DESCS 64
#define VNIC_HW_BUFFER 2048                 /* per descriptor, in shared memory */
#define VNIC_TX_WATCHDOG_100NS (-5000000LL) /* 500 ms without transmit progress: the NIC is hung */
#define VNIC_SUPPORTED_FILTERS                                                                                         \
    (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST |                         \
     NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS)

typedef enum _VNIC_STATE
{
    VnicPaused,
    VnicRunning,
    VnicPausing,
} VNIC_STATE;

/* A receive descriptor's buffer in hardware mode. */
typedef enum _VNIC_RCB_STATE
{
    VnicRcbFree,      /* the driver's, ready to be handed to the NIC */
    VnicRcbPosted,    /* the NIC's */
    VnicRcbIndicated, /* held by NDIS until MiniportReturnNetBufferLists */
} VNIC_RCB_STATE;

typedef struct _VNIC_RCB
{
    LIST_ENTRY Link;
    struct _VNIC_ADAPTER *Adapter;
    PNET_BUFFER_LIST Nbl;
    PMDL Mdl;
    ULONG Length;
    ULONG Index;
    VNIC_RCB_STATE State;
    PUCHAR Buffer; /* Data (virtual mode) or the descriptor's shared-memory buffer */
    NDIS_PHYSICAL_ADDRESS BufferPa;
    UCHAR Data[VNIC_MAX_FRAME];
} VNIC_RCB, *PVNIC_RCB;

typedef struct _VNIC_SHARED
{
    PVOID Va;
    NDIS_PHYSICAL_ADDRESS Pa;
    ULONG Length;
} VNIC_SHARED, *PVNIC_SHARED;

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
    volatile LONG64 SendErrors;

    /* ---- hardware mode only ---- */
    BOOLEAN Hardware;
    BOOLEAN AddressFromRegistry;
    volatile LONG HardwareGone; /* surprise removal: never wait for the NIC again (VnicHardwareGone) */
    BOOLEAN Halting;            /* under Lock: the DPC and returns leave the NIC alone */
    BOOLEAN LinkUp;
    ULONG IoStart, IoLength;
    PVOID IoBase;
    NDIS_PHYSICAL_ADDRESS MemStart;
    ULONG MemLength;
    PUCHAR Registers;
    NDIS_HANDLE DmaHandle;
    NDIS_HANDLE InterruptHandle;
    ULONG InterruptMask; /* what the DPC re-enables; written only inside the interrupt's synchronization */
    NDIS_PORT_NUMBER PortNumber;
    VNIC_SHARED TxRing, RxRing, TxBuffers, RxBuffers;

    /* Transmit: descriptors [TxClean, TxTail) belong to the NIC; NBLs waiting for a free descriptor
     * queue on SendHead/SendTail. Protected by TxLock. */
    NDIS_SPIN_LOCK TxLock;
    ULONG TxTail, TxClean;
    ULONG TxCompleted, TxCleanSeen; /* descriptors reclaimed ever; its value when the watchdog was armed */
    PNET_BUFFER_LIST TxSlot[VNIC_TX_DESCS];
    PNET_BUFFER_LIST SendHead, SendTail;
    BOOLEAN WatchdogArmed;
    NDIS_HANDLE TxWatchdog;
    /* Send NBLs accepted and not yet completed (counted under Lock with the state, for pause). */
    volatile LONG TxOutstanding;

    /* Receive: the driver looks at RxNext next; RxTail is what it last wrote to RX_TAIL. Lock. */
    ULONG RxNext, RxTail;
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
static NDIS_TIMER_FUNCTION VnicTxWatchdogCallback;
static MINIPORT_ISR VnicIsr;
static MINIPORT_INTERRUPT_DPC VnicInterruptDpc;
static MINIPORT_DISABLE_INTERRUPT VnicDisableInterrupt;
static MINIPORT_ENABLE_INTERRUPT VnicEnableInterrupt;
static MINIPORT_SYNCHRONIZE_INTERRUPT VnicSyncEnableInterrupt;
static MINIPORT_SYNCHRONIZE_INTERRUPT VnicSyncDisableInterrupt;
static MINIPORT_PROCESS_SG_LIST VnicProcessSgList;

static VOID VnicHwSend(PVNIC_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists, ULONG SendFlags);
static VOID VnicHwReturn(PVNIC_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists);
static VOID VnicHwAbortSends(PVNIC_ADAPTER Adapter, NDIS_STATUS Status);

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

    if (adapter->Hardware)
    {
        VnicHwSend(adapter, NetBufferLists, SendFlags);
        return;
    }

    KIRQL oldIrql = PASSIVE_LEVEL;
    if (!atDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);

    NdisDprAcquireSpinLock(&adapter->Lock);
    BOOLEAN running = adapter->State == VnicRunning && !adapter->SurpriseRemoved;
    NdisDprReleaseSpinLock(&adapter->Lock);

    if (!running)
    {
        /* A removed device takes nothing any more (NOT_ACCEPTED); a paused one takes nothing yet. */
        NDIS_STATUS reject = adapter->SurpriseRemoved ? NDIS_STATUS_NOT_ACCEPTED : NDIS_STATUS_PAUSED;
        for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
            NET_BUFFER_LIST_STATUS(nbl) = reject;
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
    if (Adapter->State != VnicPausing || !Adapter->PauseCompletePending || Adapter->RxOutstanding != 1 ||
        Adapter->TxOutstanding != 0)
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

    if (adapter->Hardware)
    {
        VnicHwReturn(adapter, NetBufferLists);
        if (!atDispatch)
            KeLowerIrql(oldIrql);
        return;
    }

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

/* ---- hardware mode: the SN-1 NIC (docs/simnic-datasheet.md) ------------------------------------ */

static BOOLEAN VnicHardwareGone(PVNIC_ADAPTER Adapter)
{
    return InterlockedCompareExchange(&Adapter->HardwareGone, 0, 0) != 0;
}

static ULONG VnicReadRegister(PVNIC_ADAPTER Adapter, ULONG Offset)
{
    ULONG value;
    NdisReadRegisterUlong((volatile ULONG *)(Adapter->Registers + Offset), &value);
    return value;
}

static VOID VnicWriteRegister(PVNIC_ADAPTER Adapter, ULONG Offset, ULONG Value)
{
    NdisWriteRegisterUlong((volatile ULONG *)(Adapter->Registers + Offset), Value);
}

static volatile SN1_DESC *VnicTxDesc(PVNIC_ADAPTER Adapter, ULONG Index)
{
    return (volatile SN1_DESC *)Adapter->TxRing.Va + Index;
}

static volatile SN1_DESC *VnicRxDesc(PVNIC_ADAPTER Adapter, ULONG Index)
{
    return (volatile SN1_DESC *)Adapter->RxRing.Va + Index;
}

/* The NIC's interrupts and DMA off. Register writes only: legal at any IRQL, and harmless when the
 * hardware is gone (the writes are dropped). */
static VOID VnicHwStopNic(PVNIC_ADAPTER Adapter)
{
    VnicWriteRegister(Adapter, SN1_IMR, 0);
    VnicWriteRegister(Adapter, SN1_CTRL, SN1_CTRL_RESET);
}

static ULONG VnicHwFilterBits(ULONG PacketFilter)
{
    ULONG bits = 0;
    if (PacketFilter & NDIS_PACKET_TYPE_DIRECTED)
        bits |= SN1_RXF_UNICAST;
    /* The NIC takes every multicast frame; the receive path checks the list. */
    if (PacketFilter & (NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST))
        bits |= SN1_RXF_MULTICAST;
    if (PacketFilter & NDIS_PACKET_TYPE_BROADCAST)
        bits |= SN1_RXF_BROADCAST;
    if (PacketFilter & NDIS_PACKET_TYPE_PROMISCUOUS)
        bits |= SN1_RXF_PROMISC;
    return bits;
}

/* ---- interrupt ---- */

static BOOLEAN VnicIsr(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    PVNIC_ADAPTER adapter = MiniportInterruptContext;
    UNREFERENCED_PARAMETER(TargetProcessors);
    *QueueDefaultInterruptDpc = FALSE;

    /* The line is shared: claim the interrupt only when one of our enabled causes is pending. All
     * ones is a device that is gone, not every cause at once. */
    ULONG icr = VnicReadRegister(adapter, SN1_ICR);
    if (icr == SN1_GONE)
        return FALSE;
    if (!(icr & VnicReadRegister(adapter, SN1_IMR)))
        return FALSE;
    VnicWriteRegister(adapter, SN1_IMR, 0); /* masked until the DPC is done */
    *QueueDefaultInterruptDpc = TRUE;
    return TRUE;
}

static BOOLEAN VnicSyncEnableInterrupt(NDIS_HANDLE SynchronizeContext)
{
    PVNIC_ADAPTER adapter = SynchronizeContext;
    VnicWriteRegister(adapter, SN1_IMR, adapter->InterruptMask);
    return TRUE;
}

static BOOLEAN VnicSyncStartInterrupt(NDIS_HANDLE SynchronizeContext)
{
    PVNIC_ADAPTER adapter = SynchronizeContext;
    adapter->InterruptMask = SN1_INT_ALL;
    VnicWriteRegister(adapter, SN1_IMR, adapter->InterruptMask);
    return TRUE;
}

/* After this no DPC re-enables the interrupt: it writes the (now zero) mask. */
static BOOLEAN VnicSyncDisableInterrupt(NDIS_HANDLE SynchronizeContext)
{
    PVNIC_ADAPTER adapter = SynchronizeContext;
    adapter->InterruptMask = 0;
    VnicWriteRegister(adapter, SN1_IMR, 0);
    return TRUE;
}

static VOID VnicDisableInterrupt(NDIS_HANDLE MiniportInterruptContext)
{
    VnicWriteRegister((PVNIC_ADAPTER)MiniportInterruptContext, SN1_IMR, 0);
}

static VOID VnicEnableInterrupt(NDIS_HANDLE MiniportInterruptContext)
{
    PVNIC_ADAPTER adapter = MiniportInterruptContext;
    VnicWriteRegister(adapter, SN1_IMR, adapter->InterruptMask);
}

static VOID VnicProcessSgList(PDEVICE_OBJECT pDO, PVOID Reserved, PSCATTER_GATHER_LIST pSGL, PVOID Context)
{
    /* vnic copies each frame into a shared transmit buffer and never asks for a list. */
    UNREFERENCED_PARAMETER(pDO);
    UNREFERENCED_PARAMETER(Reserved);
    UNREFERENCED_PARAMETER(pSGL);
    UNREFERENCED_PARAMETER(Context);
}

/* ---- transmit ---- */

#define VNIC_TX_CURSOR(_Nbl) (NET_BUFFER_LIST_MINIPORT_RESERVED(_Nbl)[0])
#define VNIC_TX_PENDING(_Nbl) (*(ULONG_PTR *)&NET_BUFFER_LIST_MINIPORT_RESERVED(_Nbl)[1])

static VOID VnicPushCompleted(PNET_BUFFER_LIST *Chain, PULONG Count, PNET_BUFFER_LIST Nbl)
{
    NET_BUFFER_LIST_NEXT_NBL(Nbl) = *Chain;
    *Chain = Nbl;
    (*Count)++;
}

/* At DISPATCH_LEVEL, without locks: give NDIS back what is finished, then let a pause waiting for
 * it complete. */
static VOID VnicHwCompleteSends(PVNIC_ADAPTER Adapter, PNET_BUFFER_LIST Chain, ULONG Count)
{
    if (!Chain)
        return;
    NdisMSendNetBufferListsComplete(Adapter->MiniportAdapterHandle, Chain, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    NdisDprAcquireSpinLock(&Adapter->Lock);
    InterlockedExchangeAdd(&Adapter->TxOutstanding, -(LONG)Count);
    BOOLEAN completePause = VnicPauseCanCompleteLocked(Adapter);
    NdisDprReleaseSpinLock(&Adapter->Lock);
    if (completePause)
        NdisMPauseComplete(Adapter->MiniportAdapterHandle);
}

/* Moves queued NET_BUFFERs into free descriptors (copying each frame into the descriptor's shared
 * buffer) and rings the doorbell once. TxLock held. */
static VOID VnicHwTxPumpLocked(PVNIC_ADAPTER Adapter, PNET_BUFFER_LIST *Done, PULONG DoneCount)
{
    BOOLEAN posted = FALSE;
    PNET_BUFFER_LIST nbl;
    while ((nbl = Adapter->SendHead) != NULL)
    {
        PNET_BUFFER nb = VNIC_TX_CURSOR(nbl);
        if (nb)
        {
            ULONG length = NET_BUFFER_DATA_LENGTH(nb);
            BOOLEAN valid = length >= VNIC_MIN_FRAME && length <= VNIC_MAX_FRAME;
            if (valid && (Adapter->TxTail + 1) % VNIC_TX_DESCS == Adapter->TxClean)
                break; /* ring full: the DPC pumps again as descriptors complete */
            PUCHAR buffer = (PUCHAR)Adapter->TxBuffers.Va + Adapter->TxTail * VNIC_HW_BUFFER;
            PUCHAR data = valid ? NdisGetDataBuffer(nb, length, buffer, 1, 0) : NULL;
            if (data)
            {
                if (data != buffer)
                    NdisMoveMemory(buffer, data, length);
                volatile SN1_DESC *desc = VnicTxDesc(Adapter, Adapter->TxTail);
                desc->Address = (ULONG64)Adapter->TxBuffers.Pa.QuadPart + Adapter->TxTail * VNIC_HW_BUFFER;
                desc->Length = (USHORT)length;
                desc->Status = 0;
                desc->Flags = SN1_DESC_OWN;
                Adapter->TxSlot[Adapter->TxTail] = nbl;
                Adapter->TxTail = (Adapter->TxTail + 1) % VNIC_TX_DESCS;
                posted = TRUE;
            }
            else
            {
                NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_INVALID_LENGTH;
                VNIC_TX_PENDING(nbl)--;
            }
            nb = NET_BUFFER_NEXT_NB(nb);
            VNIC_TX_CURSOR(nbl) = nb;
        }
        if (!nb)
        {
            /* Every NET_BUFFER is on the ring (or failed): the list leaves the queue. */
            Adapter->SendHead = NET_BUFFER_LIST_NEXT_NBL(nbl);
            if (!Adapter->SendHead)
                Adapter->SendTail = NULL;
            NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
            if (VNIC_TX_PENDING(nbl) == 0)
                VnicPushCompleted(Done, DoneCount, nbl);
        }
    }
    if (posted && !VnicHardwareGone(Adapter))
        VnicWriteRegister(Adapter, SN1_TX_TAIL, Adapter->TxTail);
}

/* Takes back every descriptor and queued list, as the NIC will not finish them. TxLock held. */
static VOID VnicHwTxAbortLocked(PVNIC_ADAPTER Adapter, NDIS_STATUS Status, PNET_BUFFER_LIST *Done, PULONG DoneCount)
{
    for (ULONG i = Adapter->TxClean; i != Adapter->TxTail; i = (i + 1) % VNIC_TX_DESCS)
    {
        PNET_BUFFER_LIST nbl = Adapter->TxSlot[i];
        Adapter->TxSlot[i] = NULL;
        VnicTxDesc(Adapter, i)->Flags = 0;
        NET_BUFFER_LIST_STATUS(nbl) = Status;
        if (--VNIC_TX_PENDING(nbl) == 0)
            VnicPushCompleted(Done, DoneCount, nbl);
    }
    Adapter->TxClean = Adapter->TxTail;
    for (PNET_BUFFER_LIST nbl = Adapter->SendHead, next; nbl; nbl = next)
    {
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        for (PNET_BUFFER nb = VNIC_TX_CURSOR(nbl); nb; nb = NET_BUFFER_NEXT_NB(nb))
            VNIC_TX_PENDING(nbl)--;
        NET_BUFFER_LIST_STATUS(nbl) = Status;
        VnicPushCompleted(Done, DoneCount, nbl);
    }
    Adapter->SendHead = Adapter->SendTail = NULL;
}

static VOID VnicHwAbortSends(PVNIC_ADAPTER Adapter, NDIS_STATUS Status)
{
    KIRQL oldIrql;
    KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
    PNET_BUFFER_LIST done = NULL;
    ULONG doneCount = 0;
    NdisDprAcquireSpinLock(&Adapter->TxLock);
    VnicHwTxAbortLocked(Adapter, Status, &done, &doneCount);
    NdisDprReleaseSpinLock(&Adapter->TxLock);
    VnicHwCompleteSends(Adapter, done, doneCount);
    KeLowerIrql(oldIrql);
}

/* Reclaims the descriptors the NIC finished (up to TX_HEAD: reading it orders the NIC's descriptor
 * writes before ours). At DISPATCH_LEVEL. */
static VOID VnicHwTransmitComplete(PVNIC_ADAPTER Adapter)
{
    ULONG head = VnicReadRegister(Adapter, SN1_TX_HEAD);
    if (head >= VNIC_TX_DESCS)
        return; /* gone */
    PNET_BUFFER_LIST done = NULL;
    ULONG doneCount = 0;
    NdisDprAcquireSpinLock(&Adapter->TxLock);
    while (Adapter->TxClean != head)
    {
        volatile SN1_DESC *desc = VnicTxDesc(Adapter, Adapter->TxClean);
        if (!(desc->Flags & SN1_DESC_DONE))
            break;
        PNET_BUFFER_LIST nbl = Adapter->TxSlot[Adapter->TxClean];
        Adapter->TxSlot[Adapter->TxClean] = NULL;
        if (desc->Flags & SN1_DESC_ERR)
        {
            NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_FAILURE;
            InterlockedIncrement64(&Adapter->SendErrors);
        }
        else
            InterlockedIncrement64(&Adapter->FramesSent);
        desc->Flags = 0;
        Adapter->TxCompleted++;
        Adapter->TxClean = (Adapter->TxClean + 1) % VNIC_TX_DESCS;
        if (--VNIC_TX_PENDING(nbl) == 0)
            VnicPushCompleted(&done, &doneCount, nbl);
    }
    VnicHwTxPumpLocked(Adapter, &done, &doneCount);
    NdisDprReleaseSpinLock(&Adapter->TxLock);
    VnicHwCompleteSends(Adapter, done, doneCount);
}

/* Arms the transmit watchdog if sends are in flight and it is not armed. TxLock held. */
static VOID VnicHwArmWatchdogLocked(PVNIC_ADAPTER Adapter, ULONG Progress)
{
    BOOLEAN busy = Adapter->TxClean != Adapter->TxTail || Adapter->SendHead != NULL;
    if (!busy || Adapter->WatchdogArmed)
        return;
    LARGE_INTEGER due = {.QuadPart = VNIC_TX_WATCHDOG_100NS};
    Adapter->WatchdogArmed = TRUE;
    Adapter->TxCleanSeen = Progress;
    NdisSetTimerObject(Adapter->TxWatchdog, due, 0, NULL);
}

/* No descriptor completed for a whole period while sends were in flight: the NIC is hung (stuck
 * DMA, a stopped engine). Fail what is in flight and restart the transmit ring, as a real driver
 * resets a hung transmitter, so that sends (and a pause waiting for them) cannot hang forever. */
static VOID VnicTxWatchdogCallback(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2,
                                   PVOID SystemSpecific3)
{
    PVNIC_ADAPTER adapter = FunctionContext;
    UNREFERENCED_PARAMETER(SystemSpecific1);
    UNREFERENCED_PARAMETER(SystemSpecific2);
    UNREFERENCED_PARAMETER(SystemSpecific3);

    PNET_BUFFER_LIST done = NULL;
    ULONG doneCount = 0;
    NdisDprAcquireSpinLock(&adapter->TxLock);
    adapter->WatchdogArmed = FALSE;
    BOOLEAN busy = adapter->TxClean != adapter->TxTail || adapter->SendHead != NULL;
    if (busy && adapter->TxCleanSeen == adapter->TxCompleted)
    {
        BOOLEAN gone = VnicHardwareGone(adapter);
        if (!gone)
            VnicWriteRegister(adapter, SN1_CTRL, SN1_CTRL_RX_EN); /* transmitter off: it lets go of the ring */
        VnicHwTxAbortLocked(adapter, NDIS_STATUS_SEND_ABORTED, &done, &doneCount);
        adapter->TxClean = adapter->TxTail = 0;
        if (!gone)
        {
            VnicWriteRegister(adapter, SN1_TX_LEN, VNIC_TX_DESCS); /* re-programming restarts the ring at 0 */
            VnicWriteRegister(adapter, SN1_CTRL, SN1_CTRL_RX_EN | SN1_CTRL_TX_EN);
        }
    }
    VnicHwArmWatchdogLocked(adapter, adapter->TxCompleted);
    NdisDprReleaseSpinLock(&adapter->TxLock);
    VnicHwCompleteSends(adapter, done, doneCount);
}

static VOID VnicHwSend(PVNIC_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists, ULONG SendFlags)
{
    BOOLEAN atDispatch = NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags);
    KIRQL oldIrql = PASSIVE_LEVEL;
    if (!atDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);

    ULONG count = 0;
    PNET_BUFFER_LIST last = NULL;
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
    {
        ULONG_PTR buffers = 0;
        for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb; nb = NET_BUFFER_NEXT_NB(nb))
            buffers++;
        VNIC_TX_CURSOR(nbl) = NET_BUFFER_LIST_FIRST_NB(nbl);
        VNIC_TX_PENDING(nbl) = buffers;
        NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
        last = nbl;
        count++;
    }

    /* Counted with the state under one lock, so that a pause sees every send it must wait for. */
    NdisDprAcquireSpinLock(&Adapter->Lock);
    NDIS_STATUS reject = VnicHardwareGone(Adapter)       ? NDIS_STATUS_NOT_ACCEPTED
                         : Adapter->State != VnicRunning ? NDIS_STATUS_PAUSED
                                                         : NDIS_STATUS_SUCCESS;
    if (reject == NDIS_STATUS_SUCCESS)
        InterlockedExchangeAdd(&Adapter->TxOutstanding, (LONG)count);
    NdisDprReleaseSpinLock(&Adapter->Lock);

    if (reject != NDIS_STATUS_SUCCESS)
    {
        for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
            NET_BUFFER_LIST_STATUS(nbl) = reject;
        NdisMSendNetBufferListsComplete(Adapter->MiniportAdapterHandle, NetBufferLists,
                                        NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    }
    else
    {
        PNET_BUFFER_LIST done = NULL;
        ULONG doneCount = 0;
        NdisDprAcquireSpinLock(&Adapter->TxLock);
        if (Adapter->SendTail)
            NET_BUFFER_LIST_NEXT_NBL(Adapter->SendTail) = NetBufferLists;
        else
            Adapter->SendHead = NetBufferLists;
        Adapter->SendTail = last;
        VnicHwTxPumpLocked(Adapter, &done, &doneCount);
        VnicHwArmWatchdogLocked(Adapter, Adapter->TxCompleted);
        NdisDprReleaseSpinLock(&Adapter->TxLock);
        VnicHwCompleteSends(Adapter, done, doneCount);
    }

    if (!atDispatch)
        KeLowerIrql(oldIrql);
}

/* ---- receive ---- */

/* Hands free descriptors back to the NIC in ring order, keeping one slot empty so that a full ring
 * (TAIL one behind the next descriptor the driver will look at) never reads as an empty one. Lock
 * held. */
static VOID VnicHwRxRepostLocked(PVNIC_ADAPTER Adapter)
{
    BOOLEAN posted = FALSE;
    while (Adapter->Rcbs[Adapter->RxTail].State == VnicRcbFree &&
           (Adapter->RxTail + 1) % VNIC_RX_BUFFERS != Adapter->RxNext)
    {
        PVNIC_RCB rcb = &Adapter->Rcbs[Adapter->RxTail];
        volatile SN1_DESC *desc = VnicRxDesc(Adapter, Adapter->RxTail);
        desc->Address = (ULONG64)rcb->BufferPa.QuadPart;
        desc->Length = VNIC_HW_BUFFER;
        desc->Status = 0;
        desc->Flags = SN1_DESC_OWN;
        rcb->State = VnicRcbPosted;
        Adapter->RxTail = (Adapter->RxTail + 1) % VNIC_RX_BUFFERS;
        posted = TRUE;
    }
    if (posted && !Adapter->Halting && !VnicHardwareGone(Adapter))
        VnicWriteRegister(Adapter, SN1_RX_TAIL, Adapter->RxTail);
}

/* Indicates the frames the NIC completed, up to RX_HEAD. At DISPATCH_LEVEL. */
static VOID VnicHwReceive(PVNIC_ADAPTER Adapter)
{
    ULONG head = VnicReadRegister(Adapter, SN1_RX_HEAD);
    if (head >= VNIC_RX_BUFFERS)
        return; /* gone */
    PNET_BUFFER_LIST chain = NULL, *tail = &chain;
    ULONG count = 0;

    NdisDprAcquireSpinLock(&Adapter->Lock);
    while (Adapter->RxNext != head)
    {
        PVNIC_RCB rcb = &Adapter->Rcbs[Adapter->RxNext];
        volatile SN1_DESC *desc = VnicRxDesc(Adapter, Adapter->RxNext);
        if (rcb->State != VnicRcbPosted || !(desc->Flags & SN1_DESC_DONE))
            break;
        Adapter->RxNext = (Adapter->RxNext + 1) % VNIC_RX_BUFFERS;
        ULONG length = desc->Length;
        if (Adapter->State != VnicRunning || (desc->Flags & SN1_DESC_ERR) || length < VNIC_MIN_FRAME ||
            length > VNIC_MAX_FRAME || !VnicFilterAccepts(Adapter, rcb->Buffer))
        {
            /* Paused or pausing: dropped, never indicated (LC-09); the buffer goes straight back. */
            rcb->State = VnicRcbFree;
            InterlockedIncrement64(&Adapter->FramesDropped);
            continue;
        }
        PNET_BUFFER_LIST nbl = rcb->Nbl;
        NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(nbl)) = length;
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
        rcb->State = VnicRcbIndicated;
        *tail = nbl;
        tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        count++;
    }
    VnicHwRxRepostLocked(Adapter);
    /* As in the virtual path: counted before the indication, plus one for the call itself. */
    if (count)
        InterlockedExchangeAdd(&Adapter->RxOutstanding, (LONG)count + 1);
    NdisDprReleaseSpinLock(&Adapter->Lock);

    if (count)
    {
        InterlockedExchangeAdd64(&Adapter->FramesReceived, count);
        NdisMIndicateReceiveNetBufferLists(Adapter->MiniportAdapterHandle, chain, NDIS_DEFAULT_PORT_NUMBER, count,
                                           NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
        VnicReleaseRx(Adapter, 1);
    }
}

/* At DISPATCH_LEVEL. The protocol may return lists in any order; descriptors go back in ring order. */
static VOID VnicHwReturn(PVNIC_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists)
{
    LONG count = 0;
    NdisDprAcquireSpinLock(&Adapter->Lock);
    for (PNET_BUFFER_LIST nbl = NetBufferLists, next; nbl; nbl = next)
    {
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        PVNIC_RCB rcb = NET_BUFFER_LIST_MINIPORT_RESERVED(nbl)[0];
        rcb->State = VnicRcbFree;
        count++;
    }
    VnicHwRxRepostLocked(Adapter);
    NdisDprReleaseSpinLock(&Adapter->Lock);
    VnicReleaseRx(Adapter, count);
}

static VOID VnicInterruptDpc(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                             PVOID ReceiveThrottleParameters, PVOID NdisReserved2)
{
    PVNIC_ADAPTER adapter = MiniportInterruptContext;
    UNREFERENCED_PARAMETER(MiniportDpcContext);
    UNREFERENCED_PARAMETER(ReceiveThrottleParameters);
    UNREFERENCED_PARAMETER(NdisReserved2);

    ULONG icr = VnicReadRegister(adapter, SN1_ICR);
    if (icr == SN1_GONE)
        return;                               /* surprise removal: nothing to acknowledge or re-enable */
    VnicWriteRegister(adapter, SN1_ICR, icr); /* acknowledge exactly what we are about to handle */

    NdisDprAcquireSpinLock(&adapter->Lock);
    BOOLEAN halting = adapter->Halting;
    /* The DPC may run inside NdisMRegisterInterruptEx (IN-06), before the handle is ours to use. */
    BOOLEAN registered = adapter->InterruptHandle != NULL;
    NdisDprReleaseSpinLock(&adapter->Lock);
    if (!halting)
    {
        if (icr & SN1_INT_LINK)
        {
            BOOLEAN up = (VnicReadRegister(adapter, SN1_STATUS) & SN1_STATUS_LINK_UP) != 0;
            NdisDprAcquireSpinLock(&adapter->Lock);
            adapter->LinkUp = up;
            NdisDprReleaseSpinLock(&adapter->Lock);
        }
        VnicHwTransmitComplete(adapter);
        VnicHwReceive(adapter);
    }
    if (registered)
        NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, VnicSyncEnableInterrupt, adapter);
}

/* ---- initialize and halt ---- */

static NDIS_STATUS VnicHwAllocateShared(PVNIC_ADAPTER Adapter, PVNIC_SHARED Block, ULONG Length)
{
    NdisMAllocateSharedMemory(Adapter->MiniportAdapterHandle, Length, FALSE, &Block->Va, &Block->Pa);
    if (!Block->Va)
    {
        NdisWriteErrorLogEntry(Adapter->MiniportAdapterHandle, NDIS_ERROR_CODE_OUT_OF_RESOURCES, 0);
        return NDIS_STATUS_RESOURCES;
    }
    Block->Length = Length;
    NdisZeroMemory(Block->Va, Length);
    return NDIS_STATUS_SUCCESS;
}

static VOID VnicHwFreeShared(PVNIC_ADAPTER Adapter, PVNIC_SHARED Block)
{
    if (!Block->Va)
        return;
    NdisMFreeSharedMemory(Adapter->MiniportAdapterHandle, Block->Length, FALSE, Block->Va, Block->Pa);
    Block->Va = NULL;
}

/* Initialization may only fail with the documented statuses; the cause goes to the error log. */
static NDIS_STATUS VnicHwInitFailed(PVNIC_ADAPTER Adapter, NDIS_ERROR_CODE Code, NDIS_STATUS Status)
{
    NdisWriteErrorLogEntry(Adapter->MiniportAdapterHandle, Code, 1, (ULONG)Status);
    return Status == NDIS_STATUS_RESOURCES ? NDIS_STATUS_RESOURCES : NDIS_STATUS_FAILURE;
}

static BOOLEAN VnicHwParseResources(PVNIC_ADAPTER Adapter, PNDIS_RESOURCE_LIST Resources)
{
    BOOLEAN port = FALSE, memory = FALSE, interrupt = FALSE;
    for (ULONG i = 0; i < Resources->Count; i++)
    {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &Resources->PartialDescriptors[i];
        switch (d->Type)
        {
        case CmResourceTypePort:
            Adapter->IoStart = d->u.Port.Start.LowPart;
            Adapter->IoLength = d->u.Port.Length;
            port = Adapter->IoLength >= SN1_CTRL + sizeof(ULONG); /* vnic resets through it */
            break;
        case CmResourceTypeMemory:
            Adapter->MemStart = d->u.Memory.Start;
            Adapter->MemLength = d->u.Memory.Length;
            memory = Adapter->MemLength >= SN1_RX_TAIL + sizeof(ULONG);
            break;
        case CmResourceTypeInterrupt:
            interrupt = TRUE;
            break;
        default:
            break;
        }
    }
    return port && memory && interrupt;
}

static NDIS_STATUS VnicSetRegistrationAttributes(PVNIC_ADAPTER Adapter);
static NDIS_STATUS VnicSetGeneralAttributes(PVNIC_ADAPTER Adapter);
static NDIS_STATUS VnicAllocateRcbs(PVNIC_ADAPTER Adapter);
static VOID VnicFreeRcbs(PVNIC_ADAPTER Adapter);

/* Claims and programs the NIC. On failure everything it acquired is released again, in reverse
 * order, and the NIC is left stopped. */
static NDIS_STATUS VnicHwInitialize(PVNIC_ADAPTER Adapter, PNDIS_RESOURCE_LIST Resources)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status;

    if (!VnicHwParseResources(Adapter, Resources))
        return VnicHwInitFailed(Adapter, NDIS_ERROR_CODE_RESOURCE_CONFLICT, NDIS_STATUS_FAILURE);

    status = VnicSetRegistrationAttributes(Adapter);
    if (status != NDIS_STATUS_SUCCESS)
        return status;

    status = NdisMRegisterIoPortRange(&Adapter->IoBase, handle, Adapter->IoStart, Adapter->IoLength);
    if (status != NDIS_STATUS_SUCCESS)
        return VnicHwInitFailed(Adapter, NDIS_ERROR_CODE_RESOURCE_CONFLICT, status);

    status = NdisMMapIoSpace((PVOID *)&Adapter->Registers, handle, Adapter->MemStart, Adapter->MemLength);
    if (status != NDIS_STATUS_SUCCESS)
    {
        status = VnicHwInitFailed(Adapter, NDIS_ERROR_CODE_RESOURCE_CONFLICT, status);
        goto cleanupIoPorts;
    }

    USHORT ids[2] = {0, 0};
    if (NdisMGetBusData(handle, PCI_WHICHSPACE_CONFIG, 0, ids, sizeof(ids)) != sizeof(ids) ||
        ids[0] != SN1_PCI_VENDOR_ID || ids[1] != SN1_PCI_DEVICE_ID)
    {
        status = VnicHwInitFailed(Adapter, NDIS_ERROR_CODE_ADAPTER_NOT_FOUND, NDIS_STATUS_FAILURE);
        goto cleanupUnmap;
    }

    /* Start from the power-on state, through the I/O range. */
    NdisRawWritePortUlong((ULONG_PTR)Adapter->IoBase + SN1_CTRL, SN1_CTRL_RESET);

    ULONG macLo = VnicReadRegister(Adapter, SN1_MAC_LO), macHi = VnicReadRegister(Adapter, SN1_MAC_HI);
    UCHAR eeprom[ETH_LENGTH_OF_ADDRESS] = {(UCHAR)macLo,         (UCHAR)(macLo >> 8), (UCHAR)(macLo >> 16),
                                           (UCHAR)(macLo >> 24), (UCHAR)macHi,        (UCHAR)(macHi >> 8)};
    NdisMoveMemory(Adapter->PermanentAddress, eeprom, ETH_LENGTH_OF_ADDRESS);
    if (!Adapter->AddressFromRegistry)
        NdisMoveMemory(Adapter->CurrentAddress, eeprom, ETH_LENGTH_OF_ADDRESS);
    PUCHAR mac = Adapter->CurrentAddress;
    VnicWriteRegister(Adapter, SN1_MAC_LO,
                      (ULONG)mac[0] | (ULONG)mac[1] << 8 | (ULONG)mac[2] << 16 | (ULONG)mac[3] << 24);
    VnicWriteRegister(Adapter, SN1_MAC_HI, (ULONG)mac[4] | (ULONG)mac[5] << 8);
    Adapter->LinkUp = (VnicReadRegister(Adapter, SN1_STATUS) & SN1_STATUS_LINK_UP) != 0;

    status = VnicSetGeneralAttributes(Adapter);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupUnmap;

    NDIS_SG_DMA_DESCRIPTION dma = {
        .Header = {.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION,
                   .Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1,
                   .Size = NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1},
        .Flags = NDIS_SG_DMA_64_BIT_ADDRESS,
        .MaximumPhysicalMapping = VNIC_HW_BUFFER,
        .ProcessSGListHandler = VnicProcessSgList,
        .SharedMemAllocateCompleteHandler = NULL,
    };
    status = NdisMRegisterScatterGatherDma(handle, &dma, &Adapter->DmaHandle);
    if (status != NDIS_STATUS_SUCCESS)
    {
        status = VnicHwInitFailed(Adapter, NDIS_ERROR_CODE_DRIVER_FAILURE, status);
        goto cleanupUnmap;
    }

    NET_BUFFER_LIST_POOL_PARAMETERS poolParams = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   .Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .ProtocolId = NDIS_PROTOCOL_ID_DEFAULT,
        .fAllocateNetBuffer = TRUE,
        .PoolTag = VNIC_TAG,
    };
    Adapter->NblPool = NdisAllocateNetBufferListPool(handle, &poolParams);
    if (!Adapter->NblPool)
    {
        status = NDIS_STATUS_RESOURCES;
        goto cleanupDma;
    }

    status = VnicHwAllocateShared(Adapter, &Adapter->TxRing, VNIC_TX_DESCS * sizeof(SN1_DESC));
    if (status == NDIS_STATUS_SUCCESS)
        status = VnicHwAllocateShared(Adapter, &Adapter->RxRing, VNIC_RX_BUFFERS * sizeof(SN1_DESC));
    if (status == NDIS_STATUS_SUCCESS)
        status = VnicHwAllocateShared(Adapter, &Adapter->TxBuffers, VNIC_TX_DESCS * VNIC_HW_BUFFER);
    if (status == NDIS_STATUS_SUCCESS)
        status = VnicHwAllocateShared(Adapter, &Adapter->RxBuffers, VNIC_RX_BUFFERS * VNIC_HW_BUFFER);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupShared;

    status = VnicAllocateRcbs(Adapter);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupRcbs;

    NDIS_TIMER_CHARACTERISTICS timerChars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = VNIC_TAG,
        .TimerFunction = VnicTxWatchdogCallback,
        .FunctionContext = Adapter,
    };
    status = NdisAllocateTimerObject(handle, &timerChars, &Adapter->TxWatchdog);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupRcbs;

    /* The rings, then the engines; every receive descriptor but one goes to the NIC. */
    VnicWriteRegister(Adapter, SN1_TX_BASE_LO, (ULONG)Adapter->TxRing.Pa.QuadPart);
    VnicWriteRegister(Adapter, SN1_TX_BASE_HI, (ULONG)((ULONG64)Adapter->TxRing.Pa.QuadPart >> 32));
    VnicWriteRegister(Adapter, SN1_TX_LEN, VNIC_TX_DESCS);
    VnicWriteRegister(Adapter, SN1_RX_BASE_LO, (ULONG)Adapter->RxRing.Pa.QuadPart);
    VnicWriteRegister(Adapter, SN1_RX_BASE_HI, (ULONG)((ULONG64)Adapter->RxRing.Pa.QuadPart >> 32));
    VnicWriteRegister(Adapter, SN1_RX_LEN, VNIC_RX_BUFFERS);
    VnicWriteRegister(Adapter, SN1_RX_FILTER, VnicHwFilterBits(Adapter->PacketFilter));
    VnicWriteRegister(Adapter, SN1_CTRL, SN1_CTRL_RX_EN | SN1_CTRL_TX_EN);
    NdisAcquireSpinLock(&Adapter->Lock);
    VnicHwRxRepostLocked(Adapter);
    NdisReleaseSpinLock(&Adapter->Lock);

    /* Everything the ISR and DPC touch exists before this call: they may run inside it (IN-06). */
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS intChars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT,
                   .Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1,
                   .Size = NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1},
        .InterruptHandler = VnicIsr,
        .InterruptDpcHandler = VnicInterruptDpc,
        .DisableInterruptHandler = VnicDisableInterrupt,
        .EnableInterruptHandler = VnicEnableInterrupt,
        .MsiSupported = FALSE,
    };
    NDIS_HANDLE interruptHandle = NULL;
    status = NdisMRegisterInterruptEx(handle, Adapter, &intChars, &interruptHandle);
    if (status != NDIS_STATUS_SUCCESS)
    {
        status = VnicHwInitFailed(Adapter, NDIS_ERROR_CODE_INTERRUPT_CONNECT, status);
        goto cleanupTimer;
    }
    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->InterruptHandle = interruptHandle;
    NdisReleaseSpinLock(&Adapter->Lock);

    NDIS_PORT_CHARACTERISTICS portChars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NDIS_PORT_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_PORT_CHARACTERISTICS_REVISION_1},
        .Flags = 0,
        .Type = NdisPortTypeUndefined,
        .MediaConnectState = MediaConnectStateUnknown,
        .XmitLinkSpeed = NDIS_LINK_SPEED_UNKNOWN,
        .RcvLinkSpeed = NDIS_LINK_SPEED_UNKNOWN,
        .Direction = NET_IF_DIRECTION_SENDRECEIVE,
        .SendControlState = NdisPortControlStateUnknown,
        .RcvControlState = NdisPortControlStateUnknown,
        .SendAuthorizationState = NdisPortAuthorizationUnknown,
        .RcvAuthorizationState = NdisPortAuthorizationUnknown,
    };
    status = NdisMAllocatePort(handle, &portChars);
    if (status != NDIS_STATUS_SUCCESS)
    {
        status = NDIS_STATUS_RESOURCES;
        goto cleanupInterrupt;
    }
    Adapter->PortNumber = portChars.PortNumber;

    NdisMSynchronizeWithInterruptEx(Adapter->InterruptHandle, 0, VnicSyncStartInterrupt, Adapter);
    return NDIS_STATUS_SUCCESS;

cleanupInterrupt:
    NdisMSynchronizeWithInterruptEx(Adapter->InterruptHandle, 0, VnicSyncDisableInterrupt, Adapter);
    VnicHwStopNic(Adapter);
    NdisMDeregisterInterruptEx(Adapter->InterruptHandle);
    Adapter->InterruptHandle = NULL;
cleanupTimer:
    VnicHwStopNic(Adapter);
    NdisFreeTimerObject(Adapter->TxWatchdog);
cleanupRcbs:
    VnicFreeRcbs(Adapter);
cleanupShared:
    VnicHwFreeShared(Adapter, &Adapter->RxBuffers);
    VnicHwFreeShared(Adapter, &Adapter->TxBuffers);
    VnicHwFreeShared(Adapter, &Adapter->RxRing);
    VnicHwFreeShared(Adapter, &Adapter->TxRing);
    NdisFreeNetBufferListPool(Adapter->NblPool);
cleanupDma:
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
cleanupUnmap:
    NdisMUnmapIoSpace(handle, Adapter->Registers, Adapter->MemLength);
cleanupIoPorts:
    NdisMDeregisterIoPortRange(handle, Adapter->IoStart, Adapter->IoLength, Adapter->IoBase);
    return status;
}

/* The halt contract's list, in its order. Nothing here reads the NIC or waits for it, so it holds
 * for NdisHaltDeviceSurpriseRemoved too (writes to absent hardware are dropped). */
static VOID VnicHwHalt(PVNIC_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;

    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->Halting = TRUE;
    NdisReleaseSpinLock(&Adapter->Lock);

    /* 1. Ports. */
    NdisMFreePort(handle, Adapter->PortNumber);

    /* 2. Stop the NIC (no interrupt enabled, no DMA), then deregister the interrupt; that waits for
     *    a DPC already queued, which re-enables nothing: the mask is zero. */
    NdisMSynchronizeWithInterruptEx(Adapter->InterruptHandle, 0, VnicSyncDisableInterrupt, Adapter);
    VnicHwStopNic(Adapter);
    NdisMDeregisterInterruptEx(Adapter->InterruptHandle);

    /* 3. Timers: cancel, and wait for a callback that already fired. */
    NdisCancelTimerObject(Adapter->TxWatchdog);
    KeFlushQueuedDpcs();
    NdisFreeTimerObject(Adapter->TxWatchdog);

    /* 4. Receive indications NDIS still holds. */
    if (InterlockedDecrement(&Adapter->RxOutstanding) != 0)
        NdisWaitEvent(&Adapter->RxIdle, 0);

    /* 5. The lists and MDLs over the shared buffers, then the shared memory, the pool. */
    VnicFreeRcbs(Adapter);
    VnicHwFreeShared(Adapter, &Adapter->RxBuffers);
    VnicHwFreeShared(Adapter, &Adapter->TxBuffers);
    VnicHwFreeShared(Adapter, &Adapter->RxRing);
    VnicHwFreeShared(Adapter, &Adapter->TxRing);
    NdisFreeNetBufferListPool(Adapter->NblPool);

    /* 6. DMA, registers, I/O ports; the adapter itself last (VnicHaltEx). */
    NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
    NdisMUnmapIoSpace(handle, Adapter->Registers, Adapter->MemLength);
    NdisMDeregisterIoPortRange(handle, Adapter->IoStart, Adapter->IoLength, Adapter->IoBase);
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
        rcb->Index = i;
        rcb->State = VnicRcbFree;
        rcb->Buffer = rcb->Data;
        if (Adapter->Hardware)
        {
            /* The frame stays where the NIC wrote it: the list is built over the shared buffer. */
            rcb->Buffer = (PUCHAR)Adapter->RxBuffers.Va + i * VNIC_HW_BUFFER;
            rcb->BufferPa.QuadPart = Adapter->RxBuffers.Pa.QuadPart + (LONGLONG)i * VNIC_HW_BUFFER;
        }
        rcb->Mdl = NdisAllocateMdl(Adapter->MiniportAdapterHandle, rcb->Buffer, VNIC_MAX_FRAME);
        if (!rcb->Mdl)
            return NDIS_STATUS_RESOURCES;
        rcb->Nbl = NdisAllocateNetBufferAndNetBufferList(Adapter->NblPool, 0, 0, rcb->Mdl, 0, VNIC_MAX_FRAME);
        if (!rcb->Nbl)
            return NDIS_STATUS_RESOURCES;
        rcb->Nbl->SourceHandle = Adapter->MiniportAdapterHandle;
        NET_BUFFER_LIST_MINIPORT_RESERVED(rcb->Nbl)[0] = rcb;
        if (!Adapter->Hardware)
            InsertTailList(&Adapter->FreeRcbs, &rcb->Link);
    }
    return NDIS_STATUS_SUCCESS;
}

/* The MAC: a NetworkAddress from the registry if it is a valid unicast address, else a locally
 * administered one, distinct per adapter (in hardware mode: the NIC's EEPROM address). */
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
    {
        NdisMoveMemory(Adapter->CurrentAddress, address, ETH_LENGTH_OF_ADDRESS);
        Adapter->AddressFromRegistry = TRUE;
    }
    NdisCloseConfiguration(config);
}

/* First of all NDIS calls that depend on it (IN-02); a bus master says so before claiming DMA. */
static NDIS_STATUS VnicSetRegistrationAttributes(PVNIC_ADAPTER Adapter)
{
    ULONG flags = NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND | NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK;
    if (Adapter->Hardware)
        flags |= NDIS_MINIPORT_ATTRIBUTES_HARDWARE_DEVICE | NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER;
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2},
        .MiniportAdapterContext = Adapter,
        .AttributeFlags = flags,
        .CheckForHangTimeInSeconds = 0,
        .InterfaceType = Adapter->Hardware ? NdisInterfacePci : NdisInterfaceInternal,
    };
    return NdisMSetMiniportAttributes(Adapter->MiniportAdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
}

static NDIS_STATUS VnicSetGeneralAttributes(PVNIC_ADAPTER Adapter)
{
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
        .MediaConnectState =
            !Adapter->Hardware || Adapter->LinkUp ? MediaConnectStateConnected : MediaConnectStateDisconnected,
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

    NdisAllocateSpinLock(&adapter->TxLock);

    VnicReadConfiguration(adapter);
    if (MiniportInitParameters->AllocatedResources)
    {
        adapter->Hardware = TRUE;
        status = VnicHwInitialize(adapter, MiniportInitParameters->AllocatedResources);
        if (status != NDIS_STATUS_SUCCESS)
            goto cleanupFreeAdapter;
        return NDIS_STATUS_SUCCESS;
    }

    status = VnicSetRegistrationAttributes(adapter);
    if (status == NDIS_STATUS_SUCCESS)
        status = VnicSetGeneralAttributes(adapter);
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
    NdisFreeSpinLock(&adapter->TxLock);
    NdisFreeSpinLock(&adapter->Lock);
    NdisFreeMemory(adapter, 0, 0);
    return status;
}

static VOID VnicHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(HaltAction);

    if (adapter->Hardware)
    {
        VnicHwHalt(adapter);
        NdisFreeSpinLock(&adapter->TxLock);
        NdisFreeSpinLock(&adapter->Lock);
        NdisFreeMemory(adapter, 0, 0);
        return;
    }

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
    NdisFreeSpinLock(&adapter->TxLock);
    NdisFreeSpinLock(&adapter->Lock);
    NdisFreeMemory(adapter, 0, 0);
}

/* ---- pause and restart -------------------------------------------------------------------------- */

static NDIS_STATUS VnicPause(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(PauseParameters);

    /* A NIC that vanished without a surprise-removal notification will never finish the sends it
     * holds: take them back rather than wait for it. */
    if (adapter->Hardware && !VnicHardwareGone(adapter) && VnicReadRegister(adapter, SN1_STATUS) == SN1_GONE)
    {
        InterlockedExchange(&adapter->HardwareGone, 1);
        VnicHwAbortSends(adapter, NDIS_STATUS_NOT_ACCEPTED);
    }

    NdisAcquireSpinLock(&adapter->Lock);
    adapter->State = VnicPausing;
    BOOLEAN idle = adapter->RxOutstanding == 1 && adapter->TxOutstanding == 0;
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
    /* The NIC back in its initial state with register writes only, freeing nothing: legal at
     * HIGH_LEVEL, and harmless if the hardware is gone. */
    if (adapter->Hardware)
    {
        VnicHwStopNic(adapter);
        return;
    }
    /* Put the "hardware" in a known state and free nothing, without Ndis* calls (SD-05): the hub
     * lock is off limits, so only stop accepting frames (the hub drops them for a paused adapter). */
    UNREFERENCED_PARAMETER(ShutdownAction);
    adapter->State = VnicPaused;
}

static VOID VnicDevicePnPEventNotify(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    PVNIC_ADAPTER adapter = MiniportAdapterContext;
    if (NetDevicePnPEvent->DevicePnPEvent == NdisDevicePnPEventSurpriseRemoved)
    {
        NdisAcquireSpinLock(&adapter->Lock);
        adapter->SurpriseRemoved = TRUE;
        NdisReleaseSpinLock(&adapter->Lock);
        /* The NIC is gone: it completes nothing any more, so the sends it held complete here. */
        if (adapter->Hardware)
        {
            InterlockedExchange(&adapter->HardwareGone, 1);
            VnicHwAbortSends(adapter, NDIS_STATUS_NOT_ACCEPTED);
        }
    }
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
        NdisAcquireSpinLock(&Adapter->Lock);
        ulong = !Adapter->Hardware || Adapter->LinkUp ? NdisMediaStateConnected : NdisMediaStateDisconnected;
        NdisReleaseSpinLock(&Adapter->Lock);
        break;
    case OID_GEN_XMIT_OK:
    case OID_GEN_RCV_OK:
        ulong64 = oid == OID_GEN_XMIT_OK ? (ULONG64)Adapter->FramesSent : (ULONG64)Adapter->FramesReceived;
        source = &ulong64;
        /* Statistics OIDs answer in 32 bits when that is all the caller offers. */
        length = bufferLength < sizeof(ULONG64) ? sizeof(ULONG) : sizeof(ULONG64);
        break;
    case OID_GEN_XMIT_ERROR:
        ulong = (ULONG)Adapter->SendErrors;
        break;
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
        if (Adapter->Hardware && !VnicHardwareGone(Adapter))
            VnicWriteRegister(Adapter, SN1_RX_FILTER, VnicHwFilterBits(filter));
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

/*
 * zoo_base.h: the correct NDIS 6.30 virtual miniport every zoo driver starts from.
 *
 * A zoo driver breaks exactly one rule of the NDIS contract. It defines hooks before including
 * this header and writes their bodies after it, so that the defective call lives in the zoo
 * driver's own source and the verifier's finding points there:
 *
 *   #define ZOO_HOOK_INITIALIZE ZooInit
 *   #include "zoo_base.h"
 *   static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter) { ... }
 *
 * Where the verifier reports a handler itself (a bad return status), the zoo driver registers
 * its own handler from ZOO_HOOK_DRIVER_ENTRY and delegates to the ZooBase* handler.
 *
 * Hooks (all optional):
 *   ZOO_HOOK_DRIVER_ENTRY(Chars)          NDIS_STATUS; before registration, may edit Chars or fail
 *   ZOO_HOOK_DRIVER_REGISTERED()          NDIS_STATUS; after registration; on failure the base deregisters
 *   ZOO_HOOK_UNLOAD()                     VOID; start of MiniportDriverUnload
 *   ZOO_HOOK_INITIALIZE(Adapter)          NDIS_STATUS; end of initialize; on failure the base unwinds its own work
 *   ZOO_HOOK_GENERAL_ATTRIBUTES(Adapter, Gen)  NDIS_STATUS; instead of setting the general attributes
 *   ZOO_HOOK_HALT(Adapter, Action)        VOID; start of halt
 *   ZOO_HOOK_HALT_TIMER(Adapter)          VOID; instead of cancel + wait + free of the receive timer
 *   ZOO_HOOK_HALT_RX_WAIT(Adapter)        VOID; instead of waiting for outstanding receives
 *   ZOO_HOOK_HALT_END(Adapter)            VOID; before the adapter block is freed
 *   ZOO_HOOK_PAUSE(Adapter, Status)       NDIS_STATUS; end of pause, gets and returns the status
 *   ZOO_HOOK_RESTART(Adapter, Status)     NDIS_STATUS; end of restart, gets and returns the status
 *   ZOO_HOOK_SEND_COMPLETE(Adapter, Nbls, Flags)  VOID; instead of NdisMSendNetBufferListsComplete
 *   ZOO_HOOK_RETURN(Adapter, Nbls)        PNET_BUFFER_LIST; start of MiniportReturnNetBufferLists, returns
 *                                         the NBLs the base takes back
 *   ZOO_HOOK_TIMER(Adapter)               VOID; start of the receive timer callback (DISPATCH_LEVEL)
 *   ZOO_HOOK_INDICATE(Adapter, Nbls, Count, Flags)  VOID; instead of NdisMIndicateReceiveNetBufferLists
 *   ZOO_HOOK_OID(Adapter, Request, Status)  NDIS_STATUS; after the base handled an OID
 *   ZOO_HOOK_SHUTDOWN(Adapter, Action)    VOID; MiniportShutdownEx (the base does nothing else there)
 *   ZOO_ATTRIBUTE_FLAGS                   registration attribute flags (default below; the base registers
 *                                         for bug-check shutdown, as an NDIS 6.30 driver must to get one)
 *   ZOO_ADAPTER_EXTRA                     extra members of ZOO_ADAPTER for the zoo driver
 */
#ifndef ZOO_BASE_H
#define ZOO_BASE_H

#include <ndis.h>

/* A tail call would make the NDIS function see the hook's caller as its call site, and the
 * finding would point into this header instead of at the zoo driver's defective line. */
#pragma GCC optimize("no-optimize-sibling-calls")

#define ZOO_TAG 'ooZn'
#define ZOO_RX_BUFFERS 16
#define ZOO_MAX_FRAME 1514
#define ZOO_MIN_FRAME 14
#define ZOO_LINK_SPEED 1000000000ULL
#define ZOO_FILTERS (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST)

#ifndef ZOO_ATTRIBUTE_FLAGS
#define ZOO_ATTRIBUTE_FLAGS                                                                                            \
    (NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND | NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK |                        \
     NDIS_MINIPORT_ATTRIBUTES_REGISTER_BUGCHECK_CALLBACK)
#endif

#ifndef ZOO_ADAPTER_EXTRA
#define ZOO_ADAPTER_EXTRA
#endif

typedef enum _ZOO_STATE
{
    ZooPaused,
    ZooRunning,
    ZooPausing,
} ZOO_STATE;

typedef struct _ZOO_RCB
{
    LIST_ENTRY Link;
    PNET_BUFFER_LIST Nbl;
    PMDL Mdl;
    ULONG Length;
    UCHAR Data[ZOO_MAX_FRAME];
} ZOO_RCB, *PZOO_RCB;

typedef struct _ZOO_ADAPTER
{
    NDIS_HANDLE MiniportAdapterHandle;
    UCHAR CurrentAddress[ETH_LENGTH_OF_ADDRESS];

    NDIS_SPIN_LOCK Lock; /* State, PauseCompletePending, PacketFilter, the receive lists */
    ZOO_STATE State;
    BOOLEAN PauseCompletePending;
    BOOLEAN Removed; /* surprise removal: sends are NOT_ACCEPTED from then on (LC-16) */
    ULONG PacketFilter;

    NDIS_HANDLE NblPool;
    ZOO_RCB Rcbs[ZOO_RX_BUFFERS];
    LIST_ENTRY FreeRcbs;
    LIST_ENTRY PendingRcbs;

    /* Indications NDIS still holds, plus a bias dropped by halt before it waits for zero. */
    volatile LONG RxOutstanding;
    NDIS_EVENT RxIdle;

    /* Armed by the send path only, so nothing re-arms it once the adapter is paused. */
    NDIS_HANDLE RecvTimer;

    volatile LONG64 FramesSent;
    volatile LONG64 FramesReceived;

    ZOO_ADAPTER_EXTRA
} ZOO_ADAPTER, *PZOO_ADAPTER;

typedef struct _ZOO_GLOBALS
{
    NDIS_HANDLE DriverHandle;
    volatile LONG NextMac;
} ZOO_GLOBALS;

static ZOO_GLOBALS ZooGlobals;

DRIVER_INITIALIZE DriverEntry;
static MINIPORT_UNLOAD ZooBaseUnload;
static MINIPORT_INITIALIZE ZooBaseInitialize;
static MINIPORT_HALT ZooBaseHalt;
static MINIPORT_PAUSE ZooBasePause;
static MINIPORT_RESTART ZooBaseRestart;
static MINIPORT_OID_REQUEST ZooBaseOidRequest;
static MINIPORT_CANCEL_OID_REQUEST ZooBaseCancelOidRequest;
static MINIPORT_SEND_NET_BUFFER_LISTS ZooBaseSend;
static MINIPORT_RETURN_NET_BUFFER_LISTS ZooBaseReturn;
static MINIPORT_CANCEL_SEND ZooBaseCancelSend;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY ZooBasePnPEvent;
static MINIPORT_SHUTDOWN ZooBaseShutdown;
static NDIS_TIMER_FUNCTION ZooBaseRecvTimer;

#ifdef ZOO_HOOK_DRIVER_ENTRY
static NDIS_STATUS ZOO_HOOK_DRIVER_ENTRY(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars);
#endif
#ifdef ZOO_HOOK_DRIVER_REGISTERED
static NDIS_STATUS ZOO_HOOK_DRIVER_REGISTERED(VOID);
#endif
#ifdef ZOO_HOOK_UNLOAD
static VOID ZOO_HOOK_UNLOAD(VOID);
#endif
#ifdef ZOO_HOOK_INITIALIZE
static NDIS_STATUS ZOO_HOOK_INITIALIZE(PZOO_ADAPTER Adapter);
#endif
#ifdef ZOO_HOOK_GENERAL_ATTRIBUTES
static NDIS_STATUS ZOO_HOOK_GENERAL_ATTRIBUTES(PZOO_ADAPTER Adapter, PNDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES Gen);
#endif
#ifdef ZOO_HOOK_HALT
static VOID ZOO_HOOK_HALT(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction);
#endif
#ifdef ZOO_HOOK_HALT_TIMER
static VOID ZOO_HOOK_HALT_TIMER(PZOO_ADAPTER Adapter);
#endif
#ifdef ZOO_HOOK_HALT_RX_WAIT
static VOID ZOO_HOOK_HALT_RX_WAIT(PZOO_ADAPTER Adapter);
#endif
#ifdef ZOO_HOOK_HALT_END
static VOID ZOO_HOOK_HALT_END(PZOO_ADAPTER Adapter);
#endif
#ifdef ZOO_HOOK_SHUTDOWN
static VOID ZOO_HOOK_SHUTDOWN(PZOO_ADAPTER Adapter, NDIS_SHUTDOWN_ACTION Action);
#endif
#ifdef ZOO_HOOK_PAUSE
static NDIS_STATUS ZOO_HOOK_PAUSE(PZOO_ADAPTER Adapter, NDIS_STATUS Status);
#endif
#ifdef ZOO_HOOK_RESTART
static NDIS_STATUS ZOO_HOOK_RESTART(PZOO_ADAPTER Adapter, NDIS_STATUS Status);
#endif
#ifdef ZOO_HOOK_SEND_COMPLETE
static VOID ZOO_HOOK_SEND_COMPLETE(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists, ULONG Flags);
#endif
#ifdef ZOO_HOOK_RETURN
static PNET_BUFFER_LIST ZOO_HOOK_RETURN(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists);
#endif
#ifdef ZOO_HOOK_TIMER
static VOID ZOO_HOOK_TIMER(PZOO_ADAPTER Adapter);
#endif
#ifdef ZOO_HOOK_INDICATE
static VOID ZOO_HOOK_INDICATE(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST NetBufferLists, ULONG Count, ULONG Flags);
#endif
#ifdef ZOO_HOOK_OID
static NDIS_STATUS ZOO_HOOK_OID(PZOO_ADAPTER Adapter, PNDIS_OID_REQUEST Request, NDIS_STATUS Status);
#endif

static const NDIS_OID ZooSupportedOids[] = {
    OID_GEN_SUPPORTED_LIST,
    OID_GEN_HARDWARE_STATUS,
    OID_GEN_MEDIA_SUPPORTED,
    OID_GEN_MEDIA_IN_USE,
    OID_GEN_MAXIMUM_FRAME_SIZE,
    OID_GEN_MAXIMUM_TOTAL_SIZE,
    OID_GEN_CURRENT_PACKET_FILTER,
    OID_GEN_CURRENT_LOOKAHEAD,
    OID_GEN_MEDIA_CONNECT_STATUS,
    OID_GEN_XMIT_OK,
    OID_GEN_RCV_OK,
    OID_802_3_PERMANENT_ADDRESS,
    OID_802_3_CURRENT_ADDRESS,
};

/* ---- driver ------------------------------------------------------------------------------------ */

static NTSTATUS ZooBaseDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
                   .Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2},
        .MajorNdisVersion = 6,
        .MinorNdisVersion = 30,
        .MajorDriverVersion = 1,
        .InitializeHandlerEx = ZooBaseInitialize,
        .HaltHandlerEx = ZooBaseHalt,
        .UnloadHandler = ZooBaseUnload,
        .PauseHandler = ZooBasePause,
        .RestartHandler = ZooBaseRestart,
        .OidRequestHandler = ZooBaseOidRequest,
        .SendNetBufferListsHandler = ZooBaseSend,
        .ReturnNetBufferListsHandler = ZooBaseReturn,
        .CancelSendHandler = ZooBaseCancelSend,
        .DevicePnPEventNotifyHandler = ZooBasePnPEvent,
        .ShutdownHandlerEx = ZooBaseShutdown,
        .CancelOidRequestHandler = ZooBaseCancelOidRequest,
    };
    NDIS_STATUS status;

    NdisZeroMemory(&ZooGlobals, sizeof(ZooGlobals));
#ifdef ZOO_HOOK_DRIVER_ENTRY
    status = ZOO_HOOK_DRIVER_ENTRY(&chars);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
#endif
    status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &chars, &ZooGlobals.DriverHandle);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
#ifdef ZOO_HOOK_DRIVER_REGISTERED
    status = ZOO_HOOK_DRIVER_REGISTERED();
    if (status != NDIS_STATUS_SUCCESS)
    {
        NdisMDeregisterMiniportDriver(ZooGlobals.DriverHandle);
        return status;
    }
#endif
    return NDIS_STATUS_SUCCESS;
}

#ifndef ZOO_CUSTOM_DRIVER_ENTRY
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return ZooBaseDriverEntry(DriverObject, RegistryPath);
}
#endif

static VOID ZooBaseUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
#ifdef ZOO_HOOK_UNLOAD
    ZOO_HOOK_UNLOAD();
#endif
    NdisMDeregisterMiniportDriver(ZooGlobals.DriverHandle);
}

/* ---- helpers for zoo drivers --------------------------------------------------------------------- */

/* Takes a free receive buffer holding a 60-byte broadcast frame, for a zoo driver's own
 * indication; give it back with ZooBaseReturnRxNbl. NULL when none is free. */
static inline PNET_BUFFER_LIST ZooBaseBorrowRxNbl(PZOO_ADAPTER Adapter)
{
    PZOO_RCB rcb = NULL;
    NdisAcquireSpinLock(&Adapter->Lock);
    if (!IsListEmpty(&Adapter->FreeRcbs))
        rcb = CONTAINING_RECORD(RemoveHeadList(&Adapter->FreeRcbs), ZOO_RCB, Link);
    NdisReleaseSpinLock(&Adapter->Lock);
    if (!rcb)
        return NULL;
    NdisFillMemory(rcb->Data, ETH_LENGTH_OF_ADDRESS, 0xff);
    NdisMoveMemory(rcb->Data + ETH_LENGTH_OF_ADDRESS, Adapter->CurrentAddress, ETH_LENGTH_OF_ADDRESS);
    NdisZeroMemory(rcb->Data + 2 * ETH_LENGTH_OF_ADDRESS, 60 - 2 * ETH_LENGTH_OF_ADDRESS);
    rcb->Length = 60;
    NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(rcb->Nbl)) = rcb->Length;
    NET_BUFFER_LIST_NEXT_NBL(rcb->Nbl) = NULL;
    NET_BUFFER_LIST_STATUS(rcb->Nbl) = NDIS_STATUS_SUCCESS;
    return rcb->Nbl;
}

static inline VOID ZooBaseReturnRxNbl(PZOO_ADAPTER Adapter, PNET_BUFFER_LIST Nbl)
{
    PZOO_RCB rcb = NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[0];
    NdisAcquireSpinLock(&Adapter->Lock);
    InsertTailList(&Adapter->FreeRcbs, &rcb->Link);
    NdisReleaseSpinLock(&Adapter->Lock);
}

/* Fills a link-state status indication from `Handle` (the call itself belongs to the caller). */
static inline VOID ZooBaseLinkStateIndication(NDIS_HANDLE Handle, PNDIS_STATUS_INDICATION Indication,
                                              PNDIS_LINK_STATE LinkState)
{
    NdisZeroMemory(LinkState, sizeof(*LinkState));
    LinkState->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    LinkState->Header.Revision = NDIS_LINK_STATE_REVISION_1;
    LinkState->Header.Size = NDIS_SIZEOF_LINK_STATE_REVISION_1;
    LinkState->MediaConnectState = MediaConnectStateConnected;
    LinkState->MediaDuplexState = MediaDuplexStateFull;
    LinkState->XmitLinkSpeed = ZOO_LINK_SPEED;
    LinkState->RcvLinkSpeed = ZOO_LINK_SPEED;
    NdisZeroMemory(Indication, sizeof(*Indication));
    Indication->Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
    Indication->Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
    Indication->Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
    Indication->SourceHandle = Handle;
    Indication->StatusCode = NDIS_STATUS_LINK_STATE;
    Indication->StatusBuffer = LinkState;
    Indication->StatusBufferSize = sizeof(*LinkState);
}

/* ---- send ---------------------------------------------------------------------------------------- */

static VOID ZooBaseScheduleReceive(PZOO_ADAPTER Adapter)
{
    LARGE_INTEGER due = {.QuadPart = -1};
    NdisSetTimerObject(Adapter->RecvTimer, due, 0, NULL);
}

/* Loopback: a frame for our own address, or a broadcast, comes back as a receive. Called at
 * DISPATCH_LEVEL. */
static VOID ZooBaseLoopback(PZOO_ADAPTER Adapter, PNET_BUFFER Nb, ULONG Length, const UCHAR *Destination)
{
    BOOLEAN self = NdisEqualMemory(Destination, Adapter->CurrentAddress, ETH_LENGTH_OF_ADDRESS);
    PZOO_RCB rcb = NULL;
    NdisDprAcquireSpinLock(&Adapter->Lock);
    BOOLEAN accept = Adapter->State == ZooRunning &&
                     ((self && (Adapter->PacketFilter & NDIS_PACKET_TYPE_DIRECTED)) ||
                      (ETH_IS_BROADCAST(Destination) && (Adapter->PacketFilter & NDIS_PACKET_TYPE_BROADCAST)));
    if (accept && !IsListEmpty(&Adapter->FreeRcbs))
        rcb = CONTAINING_RECORD(RemoveHeadList(&Adapter->FreeRcbs), ZOO_RCB, Link);
    NdisDprReleaseSpinLock(&Adapter->Lock);
    if (!rcb)
        return;

    PUCHAR data = NdisGetDataBuffer(Nb, Length, rcb->Data, 1, 0);
    if (data && data != rcb->Data)
        NdisMoveMemory(rcb->Data, data, Length);
    rcb->Length = data ? Length : 0;

    NdisDprAcquireSpinLock(&Adapter->Lock);
    InsertTailList(&Adapter->PendingRcbs, &rcb->Link);
    NdisDprReleaseSpinLock(&Adapter->Lock);
    ZooBaseScheduleReceive(Adapter);
}

static VOID ZooBaseSend(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                        NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    BOOLEAN atDispatch = NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags);
    UNREFERENCED_PARAMETER(PortNumber);

    KIRQL oldIrql = PASSIVE_LEVEL;
    if (!atDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);

    NdisDprAcquireSpinLock(&adapter->Lock);
    BOOLEAN running = adapter->State == ZooRunning && !adapter->Removed;
    NDIS_STATUS rejected = adapter->Removed ? NDIS_STATUS_NOT_ACCEPTED : NDIS_STATUS_PAUSED;
    NdisDprReleaseSpinLock(&adapter->Lock);

    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
    {
        NDIS_STATUS status = running ? NDIS_STATUS_SUCCESS : rejected;
        for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); running && nb; nb = NET_BUFFER_NEXT_NB(nb))
        {
            ULONG length = NET_BUFFER_DATA_LENGTH(nb);
            UCHAR header[ETH_LENGTH_OF_ADDRESS];
            PUCHAR dst = length >= ZOO_MIN_FRAME && length <= ZOO_MAX_FRAME
                             ? NdisGetDataBuffer(nb, ETH_LENGTH_OF_ADDRESS, header, 1, 0)
                             : NULL;
            if (!dst)
            {
                status = NDIS_STATUS_INVALID_LENGTH;
                continue;
            }
            ZooBaseLoopback(adapter, nb, length, dst);
            InterlockedIncrement64(&adapter->FramesSent);
        }
        NET_BUFFER_LIST_STATUS(nbl) = status;
    }

#ifdef ZOO_HOOK_SEND_COMPLETE
    ZOO_HOOK_SEND_COMPLETE(adapter, NetBufferLists, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
#else
    NdisMSendNetBufferListsComplete(adapter->MiniportAdapterHandle, NetBufferLists,
                                    NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
#endif
    if (!atDispatch)
        KeLowerIrql(oldIrql);
}

static VOID ZooBaseCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId)
{
    /* Sends complete before ZooBaseSend returns: nothing is ever queued to cancel. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(CancelId);
}

/* ---- receive --------------------------------------------------------------------------------------- */

/* Drops `Count` receive references: completes a pending pause, or wakes halt, at the last one. */
static VOID ZooBaseReleaseRx(PZOO_ADAPTER Adapter, LONG Count)
{
    NdisDprAcquireSpinLock(&Adapter->Lock);
    LONG now = InterlockedExchangeAdd(&Adapter->RxOutstanding, -Count) - Count;
    BOOLEAN completePause = Adapter->State == ZooPausing && Adapter->PauseCompletePending && now == 1;
    if (completePause)
    {
        Adapter->PauseCompletePending = FALSE;
        Adapter->State = ZooPaused;
    }
    NdisDprReleaseSpinLock(&Adapter->Lock);
    if (now == 0)
        NdisSetEvent(&Adapter->RxIdle);
    if (completePause)
        NdisMPauseComplete(Adapter->MiniportAdapterHandle);
}

static VOID ZooBaseRecvTimer(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
    PZOO_ADAPTER adapter = FunctionContext;
    UNREFERENCED_PARAMETER(SystemSpecific1);
    UNREFERENCED_PARAMETER(SystemSpecific2);
    UNREFERENCED_PARAMETER(SystemSpecific3);

#ifdef ZOO_HOOK_TIMER
    ZOO_HOOK_TIMER(adapter);
#endif
    PNET_BUFFER_LIST head = NULL, *tail = &head;
    ULONG count = 0;

    NdisDprAcquireSpinLock(&adapter->Lock);
    while (!IsListEmpty(&adapter->PendingRcbs))
    {
        PZOO_RCB rcb = CONTAINING_RECORD(RemoveHeadList(&adapter->PendingRcbs), ZOO_RCB, Link);
        if (adapter->State != ZooRunning || rcb->Length == 0)
        {
            InsertTailList(&adapter->FreeRcbs, &rcb->Link);
            continue;
        }
        NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(rcb->Nbl)) = rcb->Length;
        NET_BUFFER_LIST_NEXT_NBL(rcb->Nbl) = NULL;
        NET_BUFFER_LIST_STATUS(rcb->Nbl) = NDIS_STATUS_SUCCESS;
        *tail = rcb->Nbl;
        tail = &NET_BUFFER_LIST_NEXT_NBL(rcb->Nbl);
        count++;
    }
    /* One more reference for the indication call itself: NDIS may return the NBLs before the
     * call returns, and a pause must not complete while it is in progress. */
    if (count)
        InterlockedExchangeAdd(&adapter->RxOutstanding, (LONG)count + 1);
    NdisDprReleaseSpinLock(&adapter->Lock);

    if (count)
    {
        InterlockedExchangeAdd64(&adapter->FramesReceived, count);
#ifdef ZOO_HOOK_INDICATE
        ZOO_HOOK_INDICATE(adapter, head, count, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
#else
        NdisMIndicateReceiveNetBufferLists(adapter->MiniportAdapterHandle, head, NDIS_DEFAULT_PORT_NUMBER, count,
                                           NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
#endif
        ZooBaseReleaseRx(adapter, 1);
    }
}

static VOID ZooBaseReturn(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    LONG count = 0;
    KIRQL oldIrql = PASSIVE_LEVEL;
    BOOLEAN atDispatch = NDIS_TEST_RETURN_AT_DISPATCH_LEVEL(ReturnFlags);
    if (!atDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);

#ifdef ZOO_HOOK_RETURN
    NetBufferLists = ZOO_HOOK_RETURN(adapter, NetBufferLists);
#endif
    NdisDprAcquireSpinLock(&adapter->Lock);
    for (PNET_BUFFER_LIST nbl = NetBufferLists, next; nbl; nbl = next)
    {
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        PZOO_RCB rcb = NET_BUFFER_LIST_MINIPORT_RESERVED(nbl)[0];
        InsertTailList(&adapter->FreeRcbs, &rcb->Link);
        count++;
    }
    NdisDprReleaseSpinLock(&adapter->Lock);
    ZooBaseReleaseRx(adapter, count);

    if (!atDispatch)
        KeLowerIrql(oldIrql);
}

/* ---- initialize and halt ----------------------------------------------------------------------------- */

static VOID ZooBaseFreeRcbs(PZOO_ADAPTER Adapter)
{
    for (ULONG i = 0; i < ZOO_RX_BUFFERS; i++)
    {
        PZOO_RCB rcb = &Adapter->Rcbs[i];
        if (rcb->Nbl)
            NdisFreeNetBufferList(rcb->Nbl);
        if (rcb->Mdl)
            NdisFreeMdl(rcb->Mdl);
        rcb->Nbl = NULL;
        rcb->Mdl = NULL;
    }
}

static NDIS_STATUS ZooBaseAllocateRcbs(PZOO_ADAPTER Adapter)
{
    for (ULONG i = 0; i < ZOO_RX_BUFFERS; i++)
    {
        PZOO_RCB rcb = &Adapter->Rcbs[i];
        rcb->Mdl = NdisAllocateMdl(Adapter->MiniportAdapterHandle, rcb->Data, ZOO_MAX_FRAME);
        if (!rcb->Mdl)
            return NDIS_STATUS_RESOURCES;
        rcb->Nbl = NdisAllocateNetBufferAndNetBufferList(Adapter->NblPool, 0, 0, rcb->Mdl, 0, ZOO_MAX_FRAME);
        if (!rcb->Nbl)
            return NDIS_STATUS_RESOURCES;
        rcb->Nbl->SourceHandle = Adapter->MiniportAdapterHandle;
        NET_BUFFER_LIST_MINIPORT_RESERVED(rcb->Nbl)[0] = rcb;
        InsertTailList(&Adapter->FreeRcbs, &rcb->Link);
    }
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooBaseSetAttributes(PZOO_ADAPTER Adapter)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2},
        .MiniportAdapterContext = Adapter,
        .AttributeFlags = ZOO_ATTRIBUTE_FLAGS,
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
        .MtuSize = ZOO_MAX_FRAME - 14,
        .MaxXmitLinkSpeed = ZOO_LINK_SPEED,
        .XmitLinkSpeed = ZOO_LINK_SPEED,
        .MaxRcvLinkSpeed = ZOO_LINK_SPEED,
        .RcvLinkSpeed = ZOO_LINK_SPEED,
        .MediaConnectState = MediaConnectStateConnected,
        .MediaDuplexState = MediaDuplexStateFull,
        .LookaheadSize = ZOO_MAX_FRAME - 14,
        .MacOptions =
            NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND | NDIS_MAC_OPTION_NO_LOOPBACK,
        .SupportedPacketFilters = ZOO_FILTERS,
        .MacAddressLength = ETH_LENGTH_OF_ADDRESS,
        .AccessType = NET_IF_ACCESS_BROADCAST,
        .DirectionType = NET_IF_DIRECTION_SENDRECEIVE,
        .ConnectionType = NET_IF_CONNECTION_DEDICATED,
        .IfType = IF_TYPE_ETHERNET_CSMACD,
        .SupportedStatistics = NDIS_STATISTICS_XMIT_OK_SUPPORTED | NDIS_STATISTICS_RCV_OK_SUPPORTED,
        .SupportedPauseFunctions = NdisPauseFunctionsUnsupported,
        .SupportedOidList = (PNDIS_OID)ZooSupportedOids,
        .SupportedOidListLength = sizeof(ZooSupportedOids),
        .AutoNegotiationFlags = NDIS_LINK_STATE_DUPLEX_AUTO_NEGOTIATED,
    };
    NdisMoveMemory(gen.PermanentMacAddress, Adapter->CurrentAddress, ETH_LENGTH_OF_ADDRESS);
    NdisMoveMemory(gen.CurrentMacAddress, Adapter->CurrentAddress, ETH_LENGTH_OF_ADDRESS);
#ifdef ZOO_HOOK_GENERAL_ATTRIBUTES
    return ZOO_HOOK_GENERAL_ATTRIBUTES(Adapter, &gen);
#else
    return NdisMSetMiniportAttributes(Adapter->MiniportAdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
#endif
}

static NDIS_STATUS ZooBaseInitialize(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                                     PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    UNREFERENCED_PARAMETER(MiniportDriverContext);
    UNREFERENCED_PARAMETER(MiniportInitParameters);
    NDIS_STATUS status;

    PZOO_ADAPTER adapter =
        NdisAllocateMemoryWithTagPriority(MiniportAdapterHandle, sizeof(*adapter), ZOO_TAG, NormalPoolPriority);
    if (!adapter)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(adapter, sizeof(*adapter));
    adapter->MiniportAdapterHandle = MiniportAdapterHandle;
    adapter->State = ZooPaused;
    adapter->RxOutstanding = 1;
    InitializeListHead(&adapter->FreeRcbs);
    InitializeListHead(&adapter->PendingRcbs);
    NdisInitializeEvent(&adapter->RxIdle);
    NdisAllocateSpinLock(&adapter->Lock);
    LONG n = InterlockedIncrement(&ZooGlobals.NextMac);
    UCHAR mac[ETH_LENGTH_OF_ADDRESS] = {0x02, 0x00, 0x5a, (UCHAR)(n >> 16), (UCHAR)(n >> 8), (UCHAR)n};
    NdisMoveMemory(adapter->CurrentAddress, mac, ETH_LENGTH_OF_ADDRESS);

    status = ZooBaseSetAttributes(adapter);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupFreeAdapter;

    NET_BUFFER_LIST_POOL_PARAMETERS poolParams = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   .Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .ProtocolId = NDIS_PROTOCOL_ID_DEFAULT,
        .fAllocateNetBuffer = TRUE,
        .PoolTag = ZOO_TAG,
    };
    adapter->NblPool = NdisAllocateNetBufferListPool(MiniportAdapterHandle, &poolParams);
    if (!adapter->NblPool)
    {
        status = NDIS_STATUS_RESOURCES;
        goto cleanupFreeAdapter;
    }

    status = ZooBaseAllocateRcbs(adapter);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupFreeRcbs;

    NDIS_TIMER_CHARACTERISTICS timerChars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = ZOO_TAG,
        .TimerFunction = ZooBaseRecvTimer,
        .FunctionContext = adapter,
    };
    status = NdisAllocateTimerObject(MiniportAdapterHandle, &timerChars, &adapter->RecvTimer);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupFreeRcbs;

#ifdef ZOO_HOOK_INITIALIZE
    status = ZOO_HOOK_INITIALIZE(adapter);
    if (status != NDIS_STATUS_SUCCESS)
        goto cleanupFreeTimer;
#endif
    return NDIS_STATUS_SUCCESS;

#ifdef ZOO_HOOK_INITIALIZE
cleanupFreeTimer:
    NdisFreeTimerObject(adapter->RecvTimer);
#endif
cleanupFreeRcbs:
    ZooBaseFreeRcbs(adapter);
    NdisFreeNetBufferListPool(adapter->NblPool);
cleanupFreeAdapter:
    NdisFreeSpinLock(&adapter->Lock);
    NdisFreeMemory(adapter, 0, 0);
    return status;
}

static VOID ZooBaseHalt(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(HaltAction);
#ifdef ZOO_HOOK_HALT
    ZOO_HOOK_HALT(adapter, HaltAction);
#endif

    /* Cancel the receive timer. FALSE: it already fired and its callback may be queued or running
     * (a re-arm before the callback ran may even have merged two expirations into one callback, so
     * counting them cannot work): wait for every queued DPC, timer callbacks included. */
#ifdef ZOO_HOOK_HALT_TIMER
    ZOO_HOOK_HALT_TIMER(adapter);
#else
    /* TRUE does not rule out an earlier expiry's callback still running: wait either way. */
    NdisCancelTimerObject(adapter->RecvTimer);
    KeFlushQueuedDpcs();
    NdisFreeTimerObject(adapter->RecvTimer);
#endif

    /* Do not return while NDIS holds a receive indication of ours. */
#ifdef ZOO_HOOK_HALT_RX_WAIT
    ZOO_HOOK_HALT_RX_WAIT(adapter);
#else
    if (InterlockedDecrement(&adapter->RxOutstanding) != 0)
        NdisWaitEvent(&adapter->RxIdle, 0);
#endif

    ZooBaseFreeRcbs(adapter);
    NdisFreeNetBufferListPool(adapter->NblPool);
    NdisFreeSpinLock(&adapter->Lock);
#ifdef ZOO_HOOK_HALT_END
    ZOO_HOOK_HALT_END(adapter);
#endif
    NdisFreeMemory(adapter, 0, 0);
}

/* ---- pause and restart ------------------------------------------------------------------------------- */

static NDIS_STATUS ZooBasePause(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(PauseParameters);

    NdisAcquireSpinLock(&adapter->Lock);
    BOOLEAN idle = adapter->RxOutstanding == 1;
    adapter->State = idle ? ZooPaused : ZooPausing;
    adapter->PauseCompletePending = !idle;
    NdisReleaseSpinLock(&adapter->Lock);
    NDIS_STATUS status = idle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
#ifdef ZOO_HOOK_PAUSE
    status = ZOO_HOOK_PAUSE(adapter, status);
#endif
    return status;
}

static NDIS_STATUS ZooBaseRestart(NDIS_HANDLE MiniportAdapterContext,
                                  PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(RestartParameters);
    NdisAcquireSpinLock(&adapter->Lock);
    adapter->State = ZooRunning;
    NdisReleaseSpinLock(&adapter->Lock);
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
#ifdef ZOO_HOOK_RESTART
    status = ZOO_HOOK_RESTART(adapter, status);
#endif
    return status;
}

static VOID ZooBaseShutdown(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(ShutdownAction);
#ifdef ZOO_HOOK_SHUTDOWN
    ZOO_HOOK_SHUTDOWN(adapter, ShutdownAction);
#endif
    adapter->State = ZooPaused;
}

static VOID ZooBasePnPEvent(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    if (NetDevicePnPEvent->DevicePnPEvent == NdisDevicePnPEventSurpriseRemoved)
    {
        NdisAcquireSpinLock(&adapter->Lock);
        adapter->Removed = TRUE;
        NdisReleaseSpinLock(&adapter->Lock);
    }
}

/* ---- OIDs -------------------------------------------------------------------------------------------- */

static NDIS_STATUS ZooBaseQuery(PZOO_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    PVOID buffer = Request->DATA.QUERY_INFORMATION.InformationBuffer;
    ULONG bufferLength = Request->DATA.QUERY_INFORMATION.InformationBufferLength;
    ULONG ulong = 0;
    ULONG64 ulong64 = 0;
    const VOID *source = &ulong;
    ULONG length = sizeof(ulong);

    switch (Request->DATA.QUERY_INFORMATION.Oid)
    {
    case OID_GEN_SUPPORTED_LIST:
        source = ZooSupportedOids;
        length = sizeof(ZooSupportedOids);
        break;
    case OID_GEN_HARDWARE_STATUS:
        ulong = NdisHardwareStatusReady;
        break;
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
        ulong = NdisMedium802_3;
        break;
    case OID_GEN_MAXIMUM_FRAME_SIZE:
    case OID_GEN_CURRENT_LOOKAHEAD:
        ulong = ZOO_MAX_FRAME - 14;
        break;
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
        ulong = ZOO_MAX_FRAME;
        break;
    case OID_GEN_CURRENT_PACKET_FILTER:
        ulong = Adapter->PacketFilter;
        break;
    case OID_GEN_MEDIA_CONNECT_STATUS:
        ulong = NdisMediaStateConnected;
        break;
    case OID_GEN_XMIT_OK:
    case OID_GEN_RCV_OK:
        ulong64 = Request->DATA.QUERY_INFORMATION.Oid == OID_GEN_XMIT_OK ? (ULONG64)Adapter->FramesSent
                                                                         : (ULONG64)Adapter->FramesReceived;
        source = &ulong64;
        length = bufferLength < sizeof(ULONG64) ? sizeof(ULONG) : sizeof(ULONG64);
        break;
    case OID_802_3_PERMANENT_ADDRESS:
    case OID_802_3_CURRENT_ADDRESS:
        source = Adapter->CurrentAddress;
        length = ETH_LENGTH_OF_ADDRESS;
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

static NDIS_STATUS ZooBaseSet(PZOO_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    PVOID buffer = Request->DATA.SET_INFORMATION.InformationBuffer;
    ULONG length = Request->DATA.SET_INFORMATION.InformationBufferLength;

    switch (Request->DATA.SET_INFORMATION.Oid)
    {
    case OID_GEN_CURRENT_PACKET_FILTER:
    case OID_GEN_CURRENT_LOOKAHEAD:
        if (length < sizeof(ULONG))
        {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        if (Request->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER)
        {
            if (*(PULONG)buffer & ~ZOO_FILTERS)
                return NDIS_STATUS_NOT_SUPPORTED;
            NdisAcquireSpinLock(&Adapter->Lock);
            Adapter->PacketFilter = *(PULONG)buffer;
            NdisReleaseSpinLock(&Adapter->Lock);
        }
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

static NDIS_STATUS ZooBaseOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest)
{
    PZOO_ADAPTER adapter = MiniportAdapterContext;
    NDIS_STATUS status;
    switch (OidRequest->RequestType)
    {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
        status = ZooBaseQuery(adapter, OidRequest);
        break;
    case NdisRequestSetInformation:
        status = ZooBaseSet(adapter, OidRequest);
        break;
    default:
        status = NDIS_STATUS_NOT_SUPPORTED;
        break;
    }
#ifdef ZOO_HOOK_OID
    status = ZOO_HOOK_OID(adapter, OidRequest, status);
#endif
    return status;
}

static VOID ZooBaseCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId)
{
    /* Every OID completes synchronously: there is never one to cancel. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}

#endif /* ZOO_BASE_H */

/* benchmp: the minimal miniport the data-path and halt benchmarks drive, compiled into the
 * benchmark itself. It is registered with the host by hand (what ndis_driver_load does after
 * dlopen: a driver block with its characteristics, marked registered), so that the real adapter
 * state machine, data path and verifier run around it while nothing but the host costs time.
 *
 *   - MiniportInitializeEx: attributes, one NBL pool (one NET_BUFFER of 64 bytes of data per NBL),
 *     `bmp_config.nbls` preallocated NBLs holding a 60-byte broadcast frame;
 *   - receive: bmp_indicate() is the driver's receive DPC: it takes NBLs from its free list and
 *     indicates them in one chain; MiniportReturnNetBufferLists puts them back (no lock: one
 *     receive context, as a single-queue NIC has);
 *   - send: MiniportSendNetBufferLists completes every NBL at once with NDIS_STATUS_SUCCESS;
 *   - pause pends while receives are outstanding and completes from the return handler;
 *     bmp_config.lax_pause completes it at once instead (the halt benchmark's "held at halt"
 *     case: LC-10 is reported, by design of that case);
 *   - halt waits for its outstanding receives with an NDIS event (a bias of 1 dropped by halt),
 *     and records when it returns.
 *
 * Header-only (static) so that each bench_*.c stays one translation unit. */
#ifndef NDISHOST_BENCH_BENCHMP_H
#define NDISHOST_BENCH_BENCHMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ndis/handles.h"
#include "ndis/ndis_host.h"
#include "ndis/ndis_internal.h"

#define BMP_TAG 'pmBn'
#define BMP_FRAME 60
#define BMP_LINK_SPEED 10000000000ULL

typedef struct bmp_config
{
    ULONG nbls; /* receive NBLs preallocated per adapter */
    BOOLEAN lax_pause;
    void (*halt_waiting)(void); /* called by halt just before it waits for its receives */
} bmp_config;

static bmp_config bmp_cfg = {.nbls = 256};

typedef struct bmp_adapter
{
    NDIS_HANDLE handle;
    NDIS_HANDLE pool;
    PNET_BUFFER_LIST *all;
    PNET_BUFFER_LIST free_head;
    ULONG n_free;
    volatile LONG outstanding; /* receives NDIS holds, plus the bias halt drops */
    volatile LONG pause_pending;
    NDIS_EVENT idle;
    UCHAR mac[6];
    volatile LONG64 sent;
    volatile LONG64 returned; /* NBLs MiniportReturnNetBufferLists got back */
} bmp_adapter;

static uint64_t bmp_halt_returned_ns; /* CLOCK_MONOTONIC when MiniportHaltEx returned */
static uint64_t bmp_halt_woke_ns;     /* when its wait for outstanding receives ended */

static uint64_t bmp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const NDIS_OID bmp_oids[] = {OID_GEN_SUPPORTED_LIST, OID_GEN_CURRENT_PACKET_FILTER};

static NDIS_STATUS bmp_set_attributes(bmp_adapter *ad)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2},
        .MiniportAdapterContext = ad,
        .AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND,
        .InterfaceType = NdisInterfaceInternal,
    };
    NDIS_STATUS st = NdisMSetMiniportAttributes(ad->handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
    if (st != NDIS_STATUS_SUCCESS)
        return st;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2},
        .MediaType = NdisMedium802_3,
        .PhysicalMediumType = NdisPhysicalMediumUnspecified,
        .MtuSize = 1500,
        .MaxXmitLinkSpeed = BMP_LINK_SPEED,
        .XmitLinkSpeed = BMP_LINK_SPEED,
        .MaxRcvLinkSpeed = BMP_LINK_SPEED,
        .RcvLinkSpeed = BMP_LINK_SPEED,
        .MediaConnectState = MediaConnectStateConnected,
        .MediaDuplexState = MediaDuplexStateFull,
        .LookaheadSize = 1500,
        .MacOptions = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND,
        .SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST,
        .MacAddressLength = 6,
        .AccessType = NET_IF_ACCESS_BROADCAST,
        .DirectionType = NET_IF_DIRECTION_SENDRECEIVE,
        .ConnectionType = NET_IF_CONNECTION_DEDICATED,
        .IfType = IF_TYPE_ETHERNET_CSMACD,
        .SupportedPauseFunctions = NdisPauseFunctionsUnsupported,
        .SupportedOidList = (PNDIS_OID)bmp_oids,
        .SupportedOidListLength = sizeof(bmp_oids),
        .AutoNegotiationFlags = NDIS_LINK_STATE_DUPLEX_AUTO_NEGOTIATED,
    };
    memcpy(gen.PermanentMacAddress, ad->mac, 6);
    memcpy(gen.CurrentMacAddress, ad->mac, 6);
    return NdisMSetMiniportAttributes(ad->handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
}

static void bmp_free_nbls(bmp_adapter *ad)
{
    for (ULONG i = 0; ad->all && i < bmp_cfg.nbls; i++)
        if (ad->all[i])
            NdisFreeNetBufferList(ad->all[i]);
    if (ad->pool)
        NdisFreeNetBufferListPool(ad->pool);
    if (ad->all)
        NdisFreeMemory(ad->all, 0, 0);
}

static NDIS_STATUS bmp_initialize(NDIS_HANDLE handle, NDIS_HANDLE driver_ctx, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)driver_ctx;
    (void)params;
    static volatile LONG next_mac;
    bmp_adapter *ad = NdisAllocateMemoryWithTagPriority(handle, sizeof *ad, BMP_TAG, NormalPoolPriority);
    if (!ad)
        return NDIS_STATUS_RESOURCES;
    memset(ad, 0, sizeof *ad);
    ad->handle = handle;
    ad->outstanding = 1;
    NdisInitializeEvent(&ad->idle);
    LONG n = InterlockedIncrement(&next_mac);
    UCHAR mac[6] = {0x02, 0x00, 0x62, (UCHAR)(n >> 16), (UCHAR)(n >> 8), (UCHAR)n};
    memcpy(ad->mac, mac, 6);
    NDIS_STATUS st = bmp_set_attributes(ad);
    if (st != NDIS_STATUS_SUCCESS)
        goto fail;
    NET_BUFFER_LIST_POOL_PARAMETERS pp = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   .Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .ProtocolId = NDIS_PROTOCOL_ID_DEFAULT,
        .fAllocateNetBuffer = TRUE,
        .DataSize = 64,
        .PoolTag = BMP_TAG,
    };
    st = NDIS_STATUS_RESOURCES;
    ad->pool = NdisAllocateNetBufferListPool(handle, &pp);
    ad->all =
        NdisAllocateMemoryWithTagPriority(handle, bmp_cfg.nbls * sizeof(PNET_BUFFER_LIST), BMP_TAG, NormalPoolPriority);
    if (!ad->pool || !ad->all)
        goto fail;
    memset(ad->all, 0, bmp_cfg.nbls * sizeof(PNET_BUFFER_LIST));
    for (ULONG i = 0; i < bmp_cfg.nbls; i++)
    {
        PNET_BUFFER_LIST nbl = NdisAllocateNetBufferList(ad->pool, 0, 0);
        if (!nbl)
            goto fail;
        ad->all[i] = nbl;
        nbl->SourceHandle = handle;
        PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
        NET_BUFFER_DATA_LENGTH(nb) = BMP_FRAME;
        PUCHAR data = NdisGetDataBuffer(nb, BMP_FRAME, NULL, 1, 0);
        if (data)
        {
            memset(data, 0xff, 6);
            memcpy(data + 6, ad->mac, 6);
            memset(data + 12, 0, BMP_FRAME - 12);
        }
        NET_BUFFER_LIST_NEXT_NBL(nbl) = ad->free_head;
        ad->free_head = nbl;
        ad->n_free++;
    }
    return NDIS_STATUS_SUCCESS;
fail:
    bmp_free_nbls(ad);
    NdisFreeMemory(ad, 0, 0);
    return st;
}

static VOID bmp_halt(NDIS_HANDLE ctx, NDIS_HALT_ACTION action)
{
    bmp_adapter *ad = ctx;
    (void)action;
    if (bmp_cfg.halt_waiting)
        bmp_cfg.halt_waiting();
    if (InterlockedDecrement(&ad->outstanding) != 0)
        NdisWaitEvent(&ad->idle, 0);
    __atomic_store_n(&bmp_halt_woke_ns, bmp_now_ns(), __ATOMIC_RELEASE);
    bmp_free_nbls(ad);
    NdisFreeMemory(ad, 0, 0);
    __atomic_store_n(&bmp_halt_returned_ns, bmp_now_ns(), __ATOMIC_RELEASE);
}

static NDIS_STATUS bmp_pause(NDIS_HANDLE ctx, PNDIS_MINIPORT_PAUSE_PARAMETERS params)
{
    bmp_adapter *ad = ctx;
    (void)params;
    if (bmp_cfg.lax_pause)
        return NDIS_STATUS_SUCCESS;
    InterlockedExchange(&ad->pause_pending, 1);
    if (ad->outstanding == 1 && InterlockedExchange(&ad->pause_pending, 0))
        return NDIS_STATUS_SUCCESS;
    return NDIS_STATUS_PENDING;
}

static NDIS_STATUS bmp_restart(NDIS_HANDLE ctx, PNDIS_MINIPORT_RESTART_PARAMETERS params)
{
    (void)ctx;
    (void)params;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS bmp_oid(NDIS_HANDLE ctx, PNDIS_OID_REQUEST req)
{
    (void)ctx;
    if (req->RequestType == NdisRequestSetInformation &&
        req->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER &&
        req->DATA.SET_INFORMATION.InformationBufferLength >= sizeof(ULONG))
    {
        req->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    }
    return NDIS_STATUS_NOT_SUPPORTED;
}

static VOID bmp_cancel_oid(NDIS_HANDLE ctx, PVOID id)
{
    (void)ctx;
    (void)id;
}

static VOID bmp_send(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG flags)
{
    bmp_adapter *ad = ctx;
    (void)port;
    LONG64 n = 0;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
    {
        NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
        n++;
    }
    ad->sent += n;
    NdisMSendNetBufferListsComplete(
        ad->handle, nbls, NDIS_TEST_SEND_AT_DISPATCH_LEVEL(flags) ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0);
}

static VOID bmp_return(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, ULONG flags)
{
    bmp_adapter *ad = ctx;
    (void)flags;
    LONG n = 0;
    PNET_BUFFER_LIST tail = NULL;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
    {
        tail = nbl;
        n++;
    }
    if (!tail)
        return;
    NET_BUFFER_LIST_NEXT_NBL(tail) = ad->free_head;
    ad->free_head = nbls;
    ad->n_free += (ULONG)n;
    ad->returned += n;
    LONG left = InterlockedAdd(&ad->outstanding, -n);
    if (left == 0)
        NdisSetEvent(&ad->idle);
    else if (left == 1 && InterlockedExchange(&ad->pause_pending, 0))
        NdisMPauseComplete(ad->handle);
}

static VOID bmp_cancel_send(NDIS_HANDLE ctx, PVOID id)
{
    (void)ctx;
    (void)id;
}

static VOID bmp_pnp(NDIS_HANDLE ctx, PNET_DEVICE_PNP_EVENT ev)
{
    (void)ctx;
    (void)ev;
}

static VOID bmp_shutdown(NDIS_HANDLE ctx, NDIS_SHUTDOWN_ACTION action)
{
    (void)ctx;
    (void)action;
}

/* The driver's receive DPC: indicates up to `batch` free NBLs in one chain. Returns how many. */
static ULONG bmp_indicate(bmp_adapter *ad, ULONG batch, ULONG flags)
{
    PNET_BUFFER_LIST head = ad->free_head, *link = &head, nbl = head;
    ULONG n = 0;
    while (nbl && n < batch)
    {
        link = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        nbl = *link;
        n++;
    }
    if (!n)
        return 0;
    ad->free_head = nbl;
    ad->n_free -= n;
    *link = NULL;
    if (!(flags & NDIS_RECEIVE_FLAGS_RESOURCES))
        InterlockedAdd(&ad->outstanding, (LONG)n);
    NdisMIndicateReceiveNetBufferLists(ad->handle, head, NDIS_DEFAULT_PORT_NUMBER, n, flags);
    if (flags & NDIS_RECEIVE_FLAGS_RESOURCES)
    {
        /* Ours again as soon as the call returns. */
        PNET_BUFFER_LIST t = head;
        while (NET_BUFFER_LIST_NEXT_NBL(t))
            t = NET_BUFFER_LIST_NEXT_NBL(t);
        NET_BUFFER_LIST_NEXT_NBL(t) = ad->free_head;
        ad->free_head = head;
        ad->n_free += n;
    }
    return n;
}

/* The registered driver block, as ndis_driver_load leaves it after a successful DriverEntry. */
static ndis_driver *bmp_driver_open(void)
{
    ndis_driver *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->magic = NDIS_DRIVER_MAGIC;
    d->owner = vf_owner_create(VF_OWNER_DRIVER, NULL, "driver benchmp");
    vf_owner_set_user(d->owner, d);
    d->name = strdup("benchmp");
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c = &d->chars;
    c->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c->Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c->Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c->MajorNdisVersion = 6;
    c->MinorNdisVersion = 30;
    c->InitializeHandlerEx = bmp_initialize;
    c->HaltHandlerEx = bmp_halt;
    c->PauseHandler = bmp_pause;
    c->RestartHandler = bmp_restart;
    c->OidRequestHandler = bmp_oid;
    c->CancelOidRequestHandler = bmp_cancel_oid;
    c->SendNetBufferListsHandler = bmp_send;
    c->ReturnNetBufferListsHandler = bmp_return;
    c->CancelSendHandler = bmp_cancel_send;
    c->DevicePnPEventNotifyHandler = bmp_pnp;
    c->ShutdownHandlerEx = bmp_shutdown;
    d->registered = true;
    ndis_handle_register(d);
    return d;
}

static void bmp_driver_close(ndis_driver *d)
{
    ndis_handle_unregister(d);
    vf_ledger_report_leftovers(d->owner, "UL-02", "benchmark end");
    vf_owner_destroy(d->owner);
    free(d->name);
    free(d);
}

/* An adapter of benchmp brought to Running; exits on failure (a benchmark of a broken run means
 * nothing). */
static ndis_adapter *bmp_adapter_up(ndis_driver *d)
{
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    if (ndis_adapter_initialize(a) != NDIS_STATUS_SUCCESS || ndis_adapter_restart(a) != NDIS_STATUS_SUCCESS)
    {
        fprintf(stderr, "benchmp: the adapter did not come up\n");
        exit(1);
    }
    return a;
}

static bmp_adapter *bmp_of(ndis_adapter *a)
{
    return (bmp_adapter *)a->context;
}

/* Prints the findings of a run that should have had none, and says whether there were any. */
static bool bmp_findings_report(const char *what)
{
    size_t n = vf_findings_count();
    for (size_t i = 0; i < n; i++)
    {
        const vf_finding *f = vf_findings_get(i);
        fprintf(stderr, "%s: finding %s: %s\n", what, f->rule, f->message);
    }
    return n != 0;
}

#endif

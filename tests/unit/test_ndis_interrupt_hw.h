/* The fixture of the interrupt and I/O tests: a miniport compiled into the test, registered with the
 * host by hand (as ndis_driver_load leaves a driver after DriverEntry), whose adapters get a real
 * simulated NIC attached and run through the real adapter state machine. The test steers the
 * miniport through hooks: what MiniportInitializeEx does after (or before) setting its attributes,
 * what MiniportRestart and MiniportHaltEx do. Header-only so that each test stays one file. */
#ifndef NDISHOST_TESTS_UNIT_TEST_NDIS_INTERRUPT_HW_H
#define NDISHOST_TESTS_UNIT_TEST_NDIS_INTERRUPT_HW_H

#include "device/simnic.h"
#include "kernel/kernel_internal.h"
#include "ndis/hardware.h"
#include "ndis/irq_io.h"
#include "ndis/ndis_host.h"
#include "test_support.h"

typedef struct hw_hooks
{
    NDIS_STATUS (*init)(NDIS_HANDLE handle, PNDIS_MINIPORT_INIT_PARAMETERS params); /* after the attributes */
    NDIS_STATUS (*init_before_attributes)(NDIS_HANDLE handle);                      /* before them */
    NDIS_STATUS (*restart)(NDIS_HANDLE handle);
    void (*halt)(NDIS_HANDLE handle);
} hw_hooks;

static hw_hooks hw;
static NDIS_HANDLE hw_handle; /* the adapter handle of the current instance */
static PNDIS_RESOURCE_LIST hw_resources;
static unsigned hw_next_index = 1;

static const NDIS_OID hw_oids[] = {OID_GEN_SUPPORTED_LIST};

static NDIS_STATUS hw_set_attributes(NDIS_HANDLE handle)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2},
        .MiniportAdapterContext = &hw,
        .AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_HARDWARE_DEVICE,
        .InterfaceType = NdisInterfacePci,
    };
    NDIS_STATUS st = NdisMSetMiniportAttributes(handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
    if (st != NDIS_STATUS_SUCCESS)
        return st;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
                   .Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2},
        .MediaType = NdisMedium802_3,
        .PhysicalMediumType = NdisPhysicalMediumUnspecified,
        .MtuSize = 1500,
        .MaxXmitLinkSpeed = 1000000000ull,
        .XmitLinkSpeed = 1000000000ull,
        .MaxRcvLinkSpeed = 1000000000ull,
        .RcvLinkSpeed = 1000000000ull,
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
        .SupportedOidList = (PNDIS_OID)hw_oids,
        .SupportedOidListLength = sizeof(hw_oids),
        .AutoNegotiationFlags = NDIS_LINK_STATE_DUPLEX_AUTO_NEGOTIATED,
    };
    UCHAR mac[6] = {0x02, 0x00, 0x48, 0x57, 0x00, 0x01};
    memcpy(gen.PermanentMacAddress, mac, 6);
    memcpy(gen.CurrentMacAddress, mac, 6);
    return NdisMSetMiniportAttributes(handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
}

static NDIS_STATUS hw_initialize(NDIS_HANDLE handle, NDIS_HANDLE driver_ctx, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)driver_ctx;
    hw_handle = handle;
    hw_resources = params->AllocatedResources;
    NDIS_STATUS st = NDIS_STATUS_SUCCESS;
    if (hw.init_before_attributes)
        st = hw.init_before_attributes(handle);
    if (st == NDIS_STATUS_SUCCESS)
        st = hw_set_attributes(handle);
    if (st == NDIS_STATUS_SUCCESS && hw.init)
        st = hw.init(handle, params);
    return st;
}

static VOID hw_halt(NDIS_HANDLE ctx, NDIS_HALT_ACTION action)
{
    (void)ctx;
    (void)action;
    if (hw.halt)
        hw.halt(hw_handle);
}

static NDIS_STATUS hw_pause(NDIS_HANDLE ctx, PNDIS_MINIPORT_PAUSE_PARAMETERS p)
{
    (void)ctx;
    (void)p;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS hw_restart(NDIS_HANDLE ctx, PNDIS_MINIPORT_RESTART_PARAMETERS p)
{
    (void)ctx;
    (void)p;
    return hw.restart ? hw.restart(hw_handle) : NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS hw_oid(NDIS_HANDLE ctx, PNDIS_OID_REQUEST r)
{
    (void)ctx;
    (void)r;
    return NDIS_STATUS_NOT_SUPPORTED;
}

static VOID hw_cancel_oid(NDIS_HANDLE ctx, PVOID id)
{
    (void)ctx;
    (void)id;
}

static VOID hw_send(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG flags)
{
    (void)ctx;
    (void)port;
    for (PNET_BUFFER_LIST n = nbls; n; n = NET_BUFFER_LIST_NEXT_NBL(n))
        NET_BUFFER_LIST_STATUS(n) = NDIS_STATUS_SUCCESS;
    NdisMSendNetBufferListsComplete(
        hw_handle, nbls, flags & NDIS_SEND_FLAGS_DISPATCH_LEVEL ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0);
}

static VOID hw_return(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, ULONG flags)
{
    (void)ctx;
    (void)nbls;
    (void)flags;
}

static VOID hw_cancel_send(NDIS_HANDLE ctx, PVOID id)
{
    (void)ctx;
    (void)id;
}

static VOID hw_pnp(NDIS_HANDLE ctx, PNET_DEVICE_PNP_EVENT ev)
{
    (void)ctx;
    (void)ev;
}

static VOID hw_shutdown(NDIS_HANDLE ctx, NDIS_SHUTDOWN_ACTION action)
{
    (void)ctx;
    (void)action;
}

static ndis_driver *hw_driver_open(void)
{
    ndis_driver *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->magic = NDIS_DRIVER_MAGIC;
    d->owner = vf_owner_create(VF_OWNER_DRIVER, NULL, "driver hwtest");
    vf_owner_set_user(d->owner, d);
    d->name = strdup("hwtest");
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c = &d->chars;
    c->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c->Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c->Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c->MajorNdisVersion = 6;
    c->MinorNdisVersion = 30;
    c->InitializeHandlerEx = hw_initialize;
    c->HaltHandlerEx = hw_halt;
    c->PauseHandler = hw_pause;
    c->RestartHandler = hw_restart;
    c->OidRequestHandler = hw_oid;
    c->CancelOidRequestHandler = hw_cancel_oid;
    c->SendNetBufferListsHandler = hw_send;
    c->ReturnNetBufferListsHandler = hw_return;
    c->CancelSendHandler = hw_cancel_send;
    c->DevicePnPEventNotifyHandler = hw_pnp;
    c->ShutdownHandlerEx = hw_shutdown;
    d->registered = true;
    ndis_handle_register(d);
    return d;
}

static void hw_driver_close(ndis_driver *d)
{
    ndis_handle_unregister(d);
    vf_ledger_report_leftovers(d->owner, NULL, "test end");
    vf_owner_destroy(d->owner);
    free(d->name);
    free(d);
}

typedef struct hw_dev
{
    ndis_driver *d;
    ndis_adapter *a;
    simnic *nic; /* NULL: a virtual adapter */
    simnic_resources res;
} hw_dev;

/* A device of the test miniport, with a simulated NIC unless `virtual_adapter`. */
static void hw_dev_open(hw_dev *dev, bool virtual_adapter)
{
    memset(dev, 0, sizeof *dev);
    ts_reset_context();
    dev->d = hw_driver_open();
    dev->a = ndis_adapter_create(dev->d, NULL);
    if (!virtual_adapter)
    {
        simnic_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.index = hw_next_index++;
        UCHAR mac[6] = {0x02, 0x00, 0x48, 0x57, 0x00, (UCHAR)cfg.index};
        memcpy(cfg.mac, mac, 6);
        cfg.link_up = true;
        ndis_nic_host_ops(dev->a, &cfg.ops.dma_map, &cfg.ops.irq_raised);
        cfg.ops.ctx = dev->a;
        dev->nic = simnic_create(&cfg);
        assert_non_null(dev->nic);
        simnic_get_resources(dev->nic, &dev->res);
        ndis_adapter_attach_nic(dev->a, dev->nic);
    }
}

/* Halts a live adapter (as NDIS does, from Paused), then takes the device down. */
static void hw_dev_close(hw_dev *dev)
{
    ndis_adapter_state s = ndis_adapter_get_state(dev->a);
    if (s == NDIS_ADAPTER_RUNNING)
        assert_int_equal(ndis_adapter_pause(dev->a, NULL), NDIS_STATUS_SUCCESS);
    if (ndis_adapter_get_state(dev->a) == NDIS_ADAPTER_PAUSED)
        ndis_adapter_halt(dev->a, NdisHaltDeviceDisabled, NULL);
    if (dev->nic)
        simnic_destroy(dev->nic);
    ndis_adapter_destroy(dev->a);
    hw_driver_close(dev->d);
    memset(&hw, 0, sizeof hw);
    hw_handle = NULL;
    hw_resources = NULL;
}

/* A resource of the given type in the list MiniportInitializeEx got. */
static const CM_PARTIAL_RESOURCE_DESCRIPTOR *hw_resource(UCHAR type)
{
    if (!hw_resources)
        return NULL;
    for (ULONG i = 0; i < hw_resources->Count; i++)
        if (hw_resources->PartialDescriptors[i].Type == type)
            return &hw_resources->PartialDescriptors[i];
    return NULL;
}

/* Waits (event-driven, bounded) until *word reaches at least `value`. */
static inline bool hw_wait_at_least(uint32_t *word, uint32_t value)
{
    uint64_t deadline = exec_now_ns() + 10ull * 1000000000ull;
    for (;;)
    {
        uint32_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
        if (v >= value)
            return true;
        uint64_t now = exec_now_ns();
        if (now >= deadline)
            return false;
        exec_wait_u32(word, v, (int64_t)(deadline - now));
    }
}

static inline void hw_bump(uint32_t *word)
{
    __atomic_add_fetch(word, 1, __ATOMIC_ACQ_REL);
    exec_wake_u32(word, INT32_MAX);
}

#endif

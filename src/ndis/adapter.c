/* The adapter state machine, driven exactly as NDIS drives it (ndis-contract.md section 2):
 * Halted -> Initializing -> Paused -> Restarting -> Running -> Pausing -> Paused -> Halted,
 * plus Shutdown, which is terminal. The host never breaks NDIS's own obligations: it halts only
 * from Paused with nothing outstanding (LC-01, LC-02), starts no PnP operation while a pause or
 * restart is in progress (LC-13), and calls nothing after Halt or Shutdown (LC-03, LC-04).
 * Those are asserted as host self-checks; everything the driver does wrong is a finding. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_driver.h"
#include "datapath.h"
#include "halt_watchdog.h"
#include "device_object.h"
#include "handles.h"
#include "hardware.h"
#include "../device/simnic.h"
#include "ndis_host.h"
#include "ndis_kernel_hooks.h"

static ndis_timeouts g_timeouts = {
    .pause_ns = 20LL * 1000000000LL,
    .restart_ns = 20LL * 1000000000LL,
    .oid_ns = 12LL * 1000000000LL, /* Driver Verifier's NdisTimedOidComplete */
    .halt_ns = 20LL * 1000000000LL,
};

void ndis_set_timeouts(const ndis_timeouts *t)
{
    g_timeouts = *t;
}

const ndis_timeouts *ndis_get_timeouts(void)
{
    return &g_timeouts;
}

const char *ndis_adapter_state_name(ndis_adapter_state s)
{
    static const char *const names[] = {"Halted",  "Initializing", "Paused",  "Restarting",
                                        "Running", "Pausing",      "Shutdown"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

ndis_adapter_state ndis_adapter_get_state(const ndis_adapter *a)
{
    return (ndis_adapter_state)__atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
}

static void set_state(ndis_adapter *a, ndis_adapter_state s)
{
    __atomic_store_n(&a->state, s, __ATOMIC_RELEASE);
}

/* Host self-check: a violation is a bug in ndishost, not in the driver. */
static void host_require(bool ok, const ndis_adapter *a, const char *what)
{
    if (!ok)
    {
        fprintf(stderr, "ndishost: internal error: %s (%s is %s)\n", what, a->name,
                ndis_adapter_state_name(ndis_adapter_get_state(a)));
        abort();
    }
}

ndis_adapter *ndis_adapter_create(ndis_driver *d, ndis_config_store *config)
{
    ndis_adapter *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->magic = NDIS_ADAPTER_MAGIC;
    a->driver = d;
    a->index = d->next_adapter_index++;
    snprintf(a->name, sizeof a->name, "adapter %u", a->index);
    a->owner = vf_owner_create(VF_OWNER_ADAPTER, d->owner, a->name);
    vf_owner_set_user(a->owner, a);
    vf_owner_set_dead(a->owner, true); /* no instance until MiniportInitializeEx */
    a->config = config;
    set_state(a, NDIS_ADAPTER_HALTED);
    if (ndis_dp_adapter_init(a) != 0)
        abort();
    ndis_handle_register(a);
    return a;
}

void ndis_adapter_destroy(ndis_adapter *a)
{
    if (!a)
        return;
    ndis_adapter_state s = ndis_adapter_get_state(a);
    host_require(s == NDIS_ADAPTER_HALTED || s == NDIS_ADAPTER_SHUTDOWN, a, "destroying a live adapter");
    ndis_handle_unregister(a);
    ndis_ports_adapter_destroy(a);
    ndis_device_adapter_destroy(a);
    ndis_dma_adapter_destroy(a);
    ndis_io_adapter_destroy(a);
    ndis_interrupt_adapter_destroy(a);
    free(a->resources_full);
    ndis_dp_adapter_fini(a);
    if (a->oid_request) /* an OID the driver never completed (TX-02 was reported) */
        free(a->oid_request->DATA.QUERY_INFORMATION.InformationBuffer);
    free(a->oid_request);
    free(a->gen_attrs_blobs);
    vf_owner_destroy(a->owner);
    a->magic = 0;
    free(a);
}

const UCHAR *ndis_adapter_current_mac(const ndis_adapter *a)
{
    return a->gen_attrs.CurrentMacAddress;
}

#define CALL_DRIVER(a, cb, irql, expr) NDIS_CALL_DRIVER((a)->owner, cb, irql, expr)

static void reset_instance(ndis_adapter *a)
{
    a->reg_attrs_set = false;
    a->gen_attrs_set = false;
    memset(&a->reg_attrs, 0, sizeof a->reg_attrs);
    memset(&a->gen_attrs, 0, sizeof a->gen_attrs);
    free(a->gen_attrs_blobs);
    a->gen_attrs_blobs = NULL;
    a->context = NULL;
    a->nic_start_site = NULL;
    a->halt_started = false;
    /* A surprise-removed device that is initialized again was plugged in again. */
    if (a->surprise_removed && a->nic)
        simnic_reinsert(a->nic);
    a->surprise_removed = false;
    a->shutdown = false;
    a->removed = false;
}

/* The checks that follow the end of an adapter instance (halt return or failed initialize):
 * report, then reclaim, so that the next cycle starts from an empty ledger. */
static void end_instance(ndis_adapter *a, const char *rule_override, const char *when)
{
    vf_owner_set_dead(a->owner, true);
    ndis_dma_instance_end(a, when);
    ndis_ports_instance_end(a, when);
    ndis_dp_check_halt_return(a);
    ndis_kernel_check_instance_end(a->owner, rule_override, when);
    vf_ledger_report_leftovers(a->owner, rule_override, when);
}

static bool init_status_documented(NDIS_STATUS st)
{
    return st == NDIS_STATUS_SUCCESS || st == NDIS_STATUS_NOT_ACCEPTED || st == NDIS_STATUS_RESOURCES ||
           st == NDIS_STATUS_FAILURE;
}

NDIS_STATUS ndis_adapter_initialize(ndis_adapter *a)
{
    ndis_driver *d = a->driver;
    host_require(ndis_adapter_get_state(a) == NDIS_ADAPTER_HALTED, a, "MiniportInitializeEx outside Halted");
    host_require(d->registered, a, "MiniportInitializeEx on a driver not registered");
    reset_instance(a);
    vf_owner_set_dead(a->owner, false);
    set_state(a, NDIS_ADAPTER_INITIALIZING);

    NDIS_MINIPORT_INIT_PARAMETERS params;
    memset(&params, 0, sizeof params);
    params.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS;
    params.Header.Revision = NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1;
    params.Header.Size = NDIS_SIZEOF_MINIPORT_INIT_PARAMETERS_REVISION_1;
    params.Flags = 0;
    /* A virtual miniport is given no hardware resources; a NIC's reach it as Windows lists them. */
    params.AllocatedResources = a->resources;
    params.IfIndex = 100 + a->index;
    params.NetLuid.Info.IfType = 6; /* IF_TYPE_ETHERNET_CSMACD */
    params.NetLuid.Info.NetLuidIndex = a->index;

    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    __atomic_store_n(&a->in_initialize, true, __ATOMIC_RELEASE);
    CALL_DRIVER(a, VF_CB_INITIALIZE, PASSIVE_LEVEL,
                st = d->chars.InitializeHandlerEx((NDIS_HANDLE)a, d->driver_context, &params));
    __atomic_store_n(&a->in_initialize, false, __ATOMIC_RELEASE);
    ndis_dma_initialize_returned(a);

    if (st == NDIS_STATUS_SUCCESS)
    {
        d->adapters_live++;
        set_state(a, NDIS_ADAPTER_PAUSED);
        if (!a->reg_attrs_set || !a->gen_attrs_set)
        {
            /* IN-02: NDIS cannot bring up an adapter without registration and general attributes;
             * it halts it at once with NdisHaltDeviceInitializationFailed (LC-15). */
            vf_report("IN-02", a->owner, VF_CB_INITIALIZE, (void *)d->chars.InitializeHandlerEx,
                      "MiniportInitializeEx returned NDIS_STATUS_SUCCESS without setting %s attributes",
                      !a->reg_attrs_set ? "registration" : "general");
            ndis_adapter_halt(a, NdisHaltDeviceInitializationFailed, NULL);
            return NDIS_STATUS_FAILURE;
        }
        return NDIS_STATUS_SUCCESS;
    }

    if (!init_status_documented(st))
        vf_report("IN-05", a->owner, VF_CB_INITIALIZE, (void *)d->chars.InitializeHandlerEx,
                  "MiniportInitializeEx returned 0x%08X, which is not SUCCESS, NOT_ACCEPTED, RESOURCES or FAILURE%s",
                  (unsigned)st, st == NDIS_STATUS_PENDING ? " (initialize cannot pend)" : "");
    set_state(a, NDIS_ADAPTER_HALTED);
    end_instance(a, "IN-04", "MiniportInitializeEx failed");
    return st == NDIS_STATUS_SUCCESS ? NDIS_STATUS_FAILURE : st;
}

NDIS_STATUS ndis_adapter_restart(ndis_adapter *a)
{
    ndis_driver *d = a->driver;
    host_require(ndis_adapter_get_state(a) == NDIS_ADAPTER_PAUSED, a, "MiniportRestart outside Paused");

    NDIS_MINIPORT_RESTART_PARAMETERS params;
    memset(&params, 0, sizeof params);
    params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    params.Header.Revision = NDIS_MINIPORT_RESTART_PARAMETERS_REVISION_1;
    params.Header.Size = NDIS_SIZEOF_MINIPORT_RESTART_PARAMETERS_REVISION_1;

    set_state(a, NDIS_ADAPTER_RESTARTING);
    pending_op_begin(&a->restart_op);
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    CALL_DRIVER(a, VF_CB_RESTART, PASSIVE_LEVEL, st = d->chars.RestartHandler(a->context, &params));
    if (pending_op_returned(&a->restart_op, st, NDIS_STATUS_PENDING))
        vf_report("LC-07", a->owner, VF_CB_RESTART, a->restart_op.first_site,
                  "NdisMRestartComplete called although MiniportRestart returned 0x%08X, not NDIS_STATUS_PENDING",
                  (unsigned)st);
    if (st == NDIS_STATUS_PENDING)
    {
        int cst;
        if (!pending_op_wait(&a->restart_op, g_timeouts.restart_ns, &cst))
        {
            vf_report("LC-07", a->owner, VF_CB_RESTART, (void *)d->chars.RestartHandler,
                      "MiniportRestart returned NDIS_STATUS_PENDING and NdisMRestartComplete did not follow within "
                      "%.1f s",
                      (double)(g_timeouts.restart_ns) / 1e9);
            cst = NDIS_STATUS_FAILURE;
        }
        st = cst;
    }
    pending_op_end(&a->restart_op);

    if (st == NDIS_STATUS_SUCCESS)
    {
        set_state(a, NDIS_ADAPTER_RUNNING);
        return st;
    }
    if (st != NDIS_STATUS_RESOURCES && st != NDIS_STATUS_FAILURE)
        vf_report("LC-08", a->owner, VF_CB_RESTART, (void *)d->chars.RestartHandler,
                  "MiniportRestart completed with 0x%08X; only SUCCESS, PENDING, RESOURCES or FAILURE are allowed",
                  (unsigned)st);
    /* LC-08: a failed restart leaves the adapter Paused. */
    set_state(a, NDIS_ADAPTER_PAUSED);
    return st;
}

NDIS_STATUS ndis_adapter_pause(ndis_adapter *a, const ndis_pause_hooks *hooks)
{
    ndis_driver *d = a->driver;
    host_require(ndis_adapter_get_state(a) == NDIS_ADAPTER_RUNNING, a, "MiniportPause outside Running");

    NDIS_MINIPORT_PAUSE_PARAMETERS params;
    memset(&params, 0, sizeof params);
    params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    params.Header.Revision = NDIS_MINIPORT_PAUSE_PARAMETERS_REVISION_1;
    params.Header.Size = NDIS_SIZEOF_MINIPORT_PAUSE_PARAMETERS_REVISION_1;
    params.PauseReason = NDIS_PAUSE_NDIS_INTERNAL;

    set_state(a, NDIS_ADAPTER_PAUSING);
    pending_op_begin(&a->pause_op);
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    CALL_DRIVER(a, VF_CB_PAUSE, PASSIVE_LEVEL, st = d->chars.PauseHandler(a->context, &params));
    if (pending_op_returned(&a->pause_op, st, NDIS_STATUS_PENDING))
        vf_report("LC-06", a->owner, VF_CB_PAUSE, a->pause_op.first_site,
                  "NdisMPauseComplete called although MiniportPause returned 0x%08X, not NDIS_STATUS_PENDING",
                  (unsigned)st);
    if (st != NDIS_STATUS_SUCCESS && st != NDIS_STATUS_PENDING)
        vf_report("LC-05", a->owner, VF_CB_PAUSE, (void *)d->chars.PauseHandler,
                  "MiniportPause returned 0x%08X; a pause cannot fail (only SUCCESS or PENDING)", (unsigned)st);

    if (st == NDIS_STATUS_PENDING)
    {
        /* The bound protocol's own pause runs now: it hands back what it held, which is what a
         * correct miniport is waiting for. */
        if (hooks && hooks->started)
            hooks->started(hooks->arg, a);
        int cst;
        bool done = pending_op_wait(&a->pause_op, g_timeouts.pause_ns, &cst);
        size_t released = 0;
        if (!done && hooks && hooks->watchdog && (released = hooks->watchdog(hooks->arg, a)) > 0)
        {
            if (ndis_log_hook)
                ndis_log_hook(a, "pause watchdog: the protocol held %zu receive NBLs; returned them", released);
            done = pending_op_wait(&a->pause_op, g_timeouts.pause_ns, &cst);
        }
        /* A completion was checked against LC-10 when NdisMPauseComplete was called. */
        if (!done)
            vf_report("LC-10", a->owner, VF_CB_PAUSE, (void *)d->chars.PauseHandler,
                      "MiniportPause returned NDIS_STATUS_PENDING and NdisMPauseComplete did not follow within %.1f s "
                      "(%u receive NBLs outstanding, %u sends pending)",
                      (double)(g_timeouts.pause_ns) / 1e9, ndis_dp_rx_outstanding(a), ndis_dp_tx_pending(a));
    }
    else
    {
        /* Completed synchronously: LC-10 applies at the moment MiniportPause returned. */
        ndis_dp_check_pause_complete(a, (void *)d->chars.PauseHandler);
        if (hooks && hooks->started)
            hooks->started(hooks->arg, a);
    }
    pending_op_end(&a->pause_op);
    set_state(a, NDIS_ADAPTER_PAUSED);
    return NDIS_STATUS_SUCCESS;
}

/* SD-04: the halt handler's first Ndis* call brings the system down; NDIS calls the shutdown handler
 * nested, at HIGH_LEVEL, on the same thread (src/verifier/shutdown.c). */
static void nested_bugcheck(vf_owner *owner)
{
    ndis_adapter *a = owner ? vf_owner_user(owner) : NULL;
    if (!a || a->magic != NDIS_ADAPTER_MAGIC || !a->driver->chars.ShutdownHandlerEx)
        return;
    if (ndis_log_hook)
        ndis_log_hook(a, "MiniportShutdownEx(NdisShutdownBugCheck) nested in MiniportHaltEx");
    vf_shutdown_mode prev = vf_shutdown_enter(VF_SHUTDOWN_NESTED);
    CALL_DRIVER(a, VF_CB_SHUTDOWN, HIGH_LEVEL, a->driver->chars.ShutdownHandlerEx(a->context, NdisShutdownBugCheck));
    vf_shutdown_leave(prev);
    a->nested_bugcheck_done = true;
}

void ndis_adapter_halt(ndis_adapter *a, NDIS_HALT_ACTION action, const ndis_pause_hooks *hooks)
{
    ndis_driver *d = a->driver;
    host_require(ndis_adapter_get_state(a) == NDIS_ADAPTER_PAUSED, a, "MiniportHaltEx outside Paused (LC-01)");
    host_require(ndis_dp_tx_pending(a) == 0, a, "MiniportHaltEx with sends outstanding (LC-02)");
    host_require(a->oid_op.phase == PENDING_IDLE, a, "MiniportHaltEx with an OID outstanding (LC-02)");

    a->halt_started = true;
    ndis_shared_memory_before_halt(a);
    ndis_interrupt_before_halt(a);
    halt_watch w;
    halt_watch_begin(&w, a, hooks, g_timeouts.halt_ns);
    a->halt_action = action;
    a->removed_reads = 0;
    vf_shutdown_mode prev = VF_SHUTDOWN_NONE;
    if (a->nested_bugcheck_in_halt)
    {
        vf_set_nested_shutdown_hook(nested_bugcheck);
        prev = vf_shutdown_enter(VF_SHUTDOWN_ARMED_IN_HALT);
    }
    CALL_DRIVER(a, VF_CB_HALT, PASSIVE_LEVEL, d->chars.HaltHandlerEx(a->context, action));
    if (a->nested_bugcheck_in_halt)
        vf_shutdown_leave(prev);
    halt_watch_end(&w);
    set_state(a, NDIS_ADAPTER_HALTED);
    d->adapters_live--;
    /* HA-12: the halt handler stops the NIC (the hardware of a surprise-removed device is gone;
     * after a shutdown no halt follows at all). */
    char why[160];
    if (a->nic && !a->surprise_removed && action != NdisHaltDeviceSurpriseRemoved &&
        !simnic_is_quiescent(a->nic, why, sizeof why))
    {
        void *started = __atomic_load_n(&a->nic_start_site, __ATOMIC_RELAXED);
        vf_report("HA-12", a->owner, VF_CB_HALT, started ? started : (void *)d->chars.HaltHandlerEx,
                  "MiniportHaltEx returned with the NIC still running (%s)%s", why,
                  started ? "; this write started it and no later one stopped it" : "");
    }
    end_instance(a, NULL, "MiniportHaltEx returned");
}

bool ndis_adapter_shutdown(ndis_adapter *a, NDIS_SHUTDOWN_ACTION action)
{
    ndis_driver *d = a->driver;
    ndis_adapter_state s = ndis_adapter_get_state(a);
    host_require(s == NDIS_ADAPTER_PAUSED || s == NDIS_ADAPTER_RESTARTING || s == NDIS_ADAPTER_RUNNING ||
                     s == NDIS_ADAPTER_PAUSING,
                 a, "MiniportShutdownEx from a state that does not allow it (LC-04)");
    /* SD-02: since NDIS 6.30 NDIS calls the handler on a bug check only if the driver asked for it
     * with NDIS_MINIPORT_ATTRIBUTES_REGISTER_BUGCHECK_CALLBACK. */
    bool ndis630 = d->chars.MajorNdisVersion > 6 || (d->chars.MajorNdisVersion == 6 && d->chars.MinorNdisVersion >= 30);
    bool call = action != NdisShutdownBugCheck || !ndis630 ||
                (a->reg_attrs.AttributeFlags & NDIS_MINIPORT_ATTRIBUTES_REGISTER_BUGCHECK_CALLBACK);
    if (call)
    {
        /* SD-02: PowerOff at PASSIVE; BugCheck at HIGH_LEVEL, where the driver may only touch its
         * hardware. What the handler calls is checked on the way (src/verifier/shutdown.c). */
        uint8_t irql = action == NdisShutdownBugCheck ? HIGH_LEVEL : PASSIVE_LEVEL;
        vf_shutdown_mode prev =
            vf_shutdown_enter(action == NdisShutdownBugCheck ? VF_SHUTDOWN_BUG_CHECK : VF_SHUTDOWN_POWER_OFF);
        CALL_DRIVER(a, VF_CB_SHUTDOWN, irql, d->chars.ShutdownHandlerEx(a->context, action));
        vf_shutdown_leave(prev);
        /* SD-01: the handler's whole job is a known hardware state: interrupts and DMA off. */
        char why[160];
        if (a->nic && !a->surprise_removed && !simnic_is_quiescent(a->nic, why, sizeof why))
        {
            void *started = __atomic_load_n(&a->nic_start_site, __ATOMIC_RELAXED);
            vf_report("SD-01", a->owner, VF_CB_SHUTDOWN, started ? started : (void *)d->chars.ShutdownHandlerEx,
                      "MiniportShutdownEx(%s) returned with the NIC still running (%s)%s",
                      action == NdisShutdownBugCheck ? "NdisShutdownBugCheck" : "NdisShutdownPowerOff", why,
                      started ? "; this write started it and no later one stopped it" : "");
        }
    }
    __atomic_store_n(&a->shutdown, true, __ATOMIC_RELEASE);
    set_state(a, NDIS_ADAPTER_SHUTDOWN);
    d->adapters_live--;
    /* The system goes down: nothing is freed and nothing is reported as leaked, but any later
     * call the driver makes with this handle is LC-04. */
    vf_owner_set_dead(a->owner, true);
    return call;
}

void ndis_adapter_pnp_event(ndis_adapter *a, NDIS_DEVICE_PNP_EVENT event)
{
    ndis_driver *d = a->driver;
    ndis_adapter_state s = ndis_adapter_get_state(a);
    host_require(s != NDIS_ADAPTER_HALTED && s != NDIS_ADAPTER_SHUTDOWN && s != NDIS_ADAPTER_INITIALIZING, a,
                 "MiniportDevicePnPEventNotify without an initialized adapter");
    NET_DEVICE_PNP_EVENT ev;
    memset(&ev, 0, sizeof ev);
    ev.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    ev.Header.Revision = NET_DEVICE_PNP_EVENT_REVISION_1;
    ev.Header.Size = NDIS_SIZEOF_NET_DEVICE_PNP_EVENT_REVISION_1;
    ev.PortNumber = NDIS_DEFAULT_PORT_NUMBER;
    ev.DevicePnPEvent = event;
    if (event == NdisDevicePnPEventSurpriseRemoved)
    {
        /* The hardware is gone before NDIS hears of it: from now on the NIC reads all ones. */
        if (a->nic)
            simnic_surprise_remove(a->nic);
        a->surprise_removed = true;
    }
    CALL_DRIVER(a, VF_CB_DEVICE_PNP_EVENT, PASSIVE_LEVEL, d->chars.DevicePnPEventNotifyHandler(a->context, &ev));
}

/* ---- the simulated NIC ---------------------------------------------------------------------- */

static void *nic_dma_map(void *ctx, uint64_t bus_addr, size_t len, bool writing)
{
    return ndis_shared_memory_dma_map(ctx, bus_addr, len, writing);
}

static void nic_irq_raised(void *ctx)
{
    ndis_interrupt_line_raised(ctx);
}

void ndis_nic_host_ops(ndis_adapter *a, void *(**dma_map)(void *, uint64_t, size_t, bool), void (**irq_raised)(void *))
{
    (void)a;
    *dma_map = nic_dma_map;
    *irq_raised = nic_irq_raised;
}

/* The raw resource list as PnP hands it to NDIS for a PCI function: the I/O range, BAR0, and a
 * level-sensitive line interrupt, in that order. */
void ndis_adapter_attach_nic(ndis_adapter *a, struct simnic *nic)
{
    host_require(ndis_adapter_get_state(a) == NDIS_ADAPTER_HALTED, a, "attaching a NIC to a live adapter");
    simnic_resources r;
    simnic_get_resources(nic, &r);
    /* One allocation: the full list NdisMGetDeviceProperty reports, whose single full descriptor holds
     * the partial list MiniportInitializeEx gets. */
    size_t size = offsetof(CM_RESOURCE_LIST, List[0].PartialResourceList.PartialDescriptors) +
                  3 * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
    CM_RESOURCE_LIST *full = calloc(1, size);
    if (!full)
        abort();
    full->Count = 1;
    full->List[0].InterfaceType = PCIBus;
    full->List[0].BusNumber = 0;
    CM_PARTIAL_RESOURCE_LIST *list = &full->List[0].PartialResourceList;
    list->Version = 1;
    list->Revision = 1;
    list->Count = 3;
    CM_PARTIAL_RESOURCE_DESCRIPTOR *d = list->PartialDescriptors;
    d[0].Type = CmResourceTypePort;
    d[0].ShareDisposition = CmResourceShareDeviceExclusive;
    d[0].Flags = CM_RESOURCE_PORT_IO | CM_RESOURCE_PORT_16_BIT_DECODE;
    d[0].u.Port.Start.QuadPart = r.io_base;
    d[0].u.Port.Length = r.io_length;
    d[1].Type = CmResourceTypeMemory;
    d[1].ShareDisposition = CmResourceShareDeviceExclusive;
    d[1].Flags = CM_RESOURCE_MEMORY_READ_WRITE;
    d[1].u.Memory.Start.QuadPart = (LONGLONG)r.mem_base;
    d[1].u.Memory.Length = r.mem_length;
    d[2].Type = CmResourceTypeInterrupt;
    d[2].ShareDisposition = CmResourceShareShared;
    d[2].Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
    d[2].u.Interrupt.Level = r.irq_level;
    d[2].u.Interrupt.Vector = r.irq_vector;
    d[2].u.Interrupt.Affinity = (KAFFINITY)r.irq_affinity;
    free(a->resources_full);
    a->resources_full = full;
    a->resources = list;
    a->nic = nic;
}

/* HA-13 / LC-16: reads from a removed device return all ones, and a driver must not spin on them.
 * The register and port read paths call this for each read that hit a removed NIC. Policy: more than
 * NDIS_REMOVED_READ_LIMIT such reads within one halt (or one PnP notification) is a driver polling
 * hardware that is not there; reported once per halt, at the read. */
#define NDIS_REMOVED_READ_LIMIT 10000u
static ndis_adapter *current_adapter(void);
void ndis_hw_removed_read(ndis_adapter *a, void *site)
{
    if (!vf_in_callback_mask((1ull << VF_CB_HALT) | (1ull << VF_CB_DEVICE_PNP_EVENT)))
        return;
    if (!a)
        a = current_adapter();
    if (!a)
        return;
    unsigned n = __atomic_add_fetch(&a->removed_reads, 1, __ATOMIC_RELAXED);
    if (n == NDIS_REMOVED_READ_LIMIT)
        vf_report("HA-13", a->owner, VF_CB_NONE, site,
                  "%u reads of the surprise-removed NIC (every one returned all ones) in %s: the handler depends on "
                  "hardware that is gone",
                  n, vf_callback_name(vf_current_callback()));
}

static ndis_adapter *current_adapter(void)
{
    vf_owner *o = vf_current_owner();
    ndis_adapter *a = o ? vf_owner_user(o) : NULL;
    return a && a->magic == NDIS_ADAPTER_MAGIC ? a : NULL;
}

void ndis_hw_note_start(uint32_t offset, uint32_t value, void *site)
{
    ndis_adapter *a = current_adapter();
    if (!a)
        return;
    bool starts = offset == SIMNIC_REG_CTRL
                      ? (value & (SIMNIC_CTRL_RX_EN | SIMNIC_CTRL_TX_EN)) && !(value & SIMNIC_CTRL_RESET)
                      : value != 0;
    if (starts)
        __atomic_store_n(&a->nic_start_site, site, __ATOMIC_RELAXED);
}

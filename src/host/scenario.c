/* The scenario engine behind `ndishost run`: the PnP sequence NDIS performs for each adapter,
 * cycle after cycle, with a bound protocol (the protocol edge) on top of every adapter.
 *
 *   DriverEntry
 *   cycle k: MiniportInitializeEx (all adapters) -> MiniportRestart -> protocol OIDs -> traffic
 *            -> MiniportPause (the protocol gives back what it holds) -> MiniportHaltEx(action)
 *   MiniportDriverUnload
 *
 * A halt action of NdisHaltDeviceInitializationFailed halts straight after initialize (LC-15);
 * NdisHaltDeviceSurpriseRemoved is preceded by MiniportDevicePnPEventNotify(SurpriseRemoved). */
#include <ndishost/ndishost.h>

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/protocol_edge.h"
#include "host/lifecycle_text.h"
#include "host/report.h"
#include "host/adapter_registry.h"
#include "ndis/config.h"
#include "ndis/datapath.h"
#include "ndis/ndis_host.h"
#include "ndis/hardware.h"
#include "device/simnic.h"

#define NDISHOST_VERSION_STRING NDISHOST_VERSION

const char *ndishost_version(void)
{
    return NDISHOST_VERSION_STRING;
}

void ndishost_run_options_init(ndishost_run_options *o)
{
    memset(o, 0, sizeof *o);
    o->adapters = 2;
    o->cycles = 1;
    o->halt_action = NdisHaltDeviceDisabled;
    o->return_policy = "immediate";
    o->packets = 64;
    o->frame_len = 128;
}

static const struct
{
    const char *name;
    const char *ndis_name;
    int value;
} g_halt_actions[] = {
    {"disabled", "NdisHaltDeviceDisabled", NdisHaltDeviceDisabled},
    {"deinitialized", "NdisHaltDeviceInstanceDeInitialized", NdisHaltDeviceInstanceDeInitialized},
    {"powered-down", "NdisHaltDevicePoweredDown", NdisHaltDevicePoweredDown},
    {"surprise-removed", "NdisHaltDeviceSurpriseRemoved", NdisHaltDeviceSurpriseRemoved},
    {"failed", "NdisHaltDeviceFailed", NdisHaltDeviceFailed},
    {"initialization-failed", "NdisHaltDeviceInitializationFailed", NdisHaltDeviceInitializationFailed},
    {"stopped", "NdisHaltDeviceStopped", NdisHaltDeviceStopped},
};

int ndishost_parse_halt_action(const char *name)
{
    for (size_t i = 0; i < sizeof g_halt_actions / sizeof g_halt_actions[0]; i++)
        if (!strcasecmp(name, g_halt_actions[i].name) || !strcasecmp(name, g_halt_actions[i].ndis_name))
            return g_halt_actions[i].value;
    return -1;
}

const char *ndishost_halt_action_name(int action)
{
    for (size_t i = 0; i < sizeof g_halt_actions / sizeof g_halt_actions[0]; i++)
        if (g_halt_actions[i].value == action)
            return g_halt_actions[i].ndis_name;
    return "?";
}

typedef enum scenario_id
{
    SCN_BASIC = 0,
    SCN_DISABLE,
    SCN_SURPRISE_REMOVAL,
    SCN_STOP_START,
    SCN_POWER_DOWN,
    SCN_DEVICE_FAILURE,
    SCN_INIT_FAILED,
    SCN_SHUTDOWN,
    SCN_BUGCHECK,
    SCN_HALT_BUGCHECK,
    SCN_COUNT
} scenario_id;

static const struct
{
    const char *name;
    const char *what;
    bool terminal; /* ends in MiniportShutdownEx: no halt, no unload */
} g_scenarios[SCN_COUNT] = {
    [SCN_BASIC] = {"basic", "initialize, restart, traffic, pause, halt with --halt-action", false},
    [SCN_DISABLE] = {"disable", "the device is disabled: pause, halt(NdisHaltDeviceDisabled)", false},
    [SCN_SURPRISE_REMOVAL] =
        {"surprise-removal",
         "the NIC is pulled: PnP notify SurpriseRemoved, pause, halt(NdisHaltDeviceSurpriseRemoved)", false},
    [SCN_STOP_START] = {"stop-start", "resource rebalance: halt(NdisHaltDeviceStopped), then initialize again", false},
    [SCN_POWER_DOWN] = {"power-down", "system sleep: halt(NdisHaltDevicePoweredDown), then initialize again", false},
    [SCN_DEVICE_FAILURE] = {"device-failure",
                            "the NIC's DMA hangs and NDIS removes the device: pause, halt(NdisHaltDeviceFailed)",
                            false},
    [SCN_INIT_FAILED] = {"init-failed",
                         "a step after a successful initialize fails: halt(NdisHaltDeviceInitializationFailed)", false},
    [SCN_SHUTDOWN] = {"shutdown", "system power-off: MiniportShutdownEx(NdisShutdownPowerOff) from Paused and Running",
                      true},
    [SCN_BUGCHECK] = {"bugcheck",
                      "bug check: MiniportShutdownEx(NdisShutdownBugCheck) at HIGH_LEVEL from Paused and Running",
                      true},
    [SCN_HALT_BUGCHECK] = {"halt-bugcheck",
                           "the halt brings the system down: MiniportShutdownEx(NdisShutdownBugCheck) nested in "
                           "MiniportHaltEx at its first Ndis call",
                           false},
};

int ndishost_parse_scenario(const char *name)
{
    if (!name)
        return SCN_BASIC;
    for (int i = 0; i < SCN_COUNT; i++)
        if (g_scenarios[i].name && !strcmp(name, g_scenarios[i].name))
            return i;
    return -1;
}

size_t ndishost_scenario_count(void)
{
    return SCN_COUNT;
}

const char *ndishost_scenario_name(size_t i)
{
    return i < SCN_COUNT ? g_scenarios[i].name : NULL;
}

const char *ndishost_scenario_description(size_t i)
{
    return i < SCN_COUNT ? g_scenarios[i].what : NULL;
}

typedef struct run_ctx
{
    const ndishost_run_options *o;
    FILE *out;
    bool show_steps; /* lifecycle lines for this cycle */
    unsigned cycle;
    ndis_driver *driver;
    ndis_adapter **adapters;
    ndis_config_store **configs;
    protocol_edge **edges;
    bool *up;                /* initialize succeeded this cycle */
    bool *running;           /* restart succeeded this cycle */
    uint64_t *expected_rx;   /* edge frames each adapter should have received so far */
    struct edge_hook *hooks; /* pause and watchdog hooks, one per adapter */
    scenario_id scenario;
    bool *restart_mask; /* adapters the cycle restarts (shutdown leaves some Paused) */
    simnic **nics;      /* one simulated NIC per adapter, NULL with --nic none */
    simnic_wire *wire;
    bool shared_medium;     /* adapters hear each other (hub, or vnic's own virtual hub) */
    bool powered_off;       /* a shutdown scenario ran: no halt, no unload */
    unsigned init_failures; /* MiniportInitializeEx calls that failed */
} run_ctx;

static void step(run_ctx *c, const ndis_adapter *a, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void step(run_ctx *c, const ndis_adapter *a, const char *what, const char *fmt, ...)
{
    if (!c->show_steps)
        return;
    va_list ap;
    va_start(ap, fmt);
    lifecycle_step(c->out, a, what, fmt, ap);
    va_end(ap);
}

/* What a bound protocol asks of a freshly restarted adapter. Failures of optional OIDs are
 * the driver's business; only the protocol rules (OI-01, TX-02) are checked. */
static void protocol_oids(run_ctx *c, ndis_adapter *a)
{
    ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST;
    ULONG bytes = 0, needed = 0;
    NDIS_STATUS st = ndis_adapter_oid(a, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter,
                                      sizeof filter, &bytes, &needed);
    step(c, a, "OID_GEN_CURRENT_PACKET_FILTER", "%s", lifecycle_status_name(st));
    ULONG lookahead = 256;
    st = ndis_adapter_oid(a, NdisRequestSetInformation, OID_GEN_CURRENT_LOOKAHEAD, &lookahead, sizeof lookahead, &bytes,
                          &needed);
    step(c, a, "OID_GEN_CURRENT_LOOKAHEAD", "%s", lifecycle_status_name(st));
    UCHAR mac[6] = {0};
    st = ndis_adapter_oid(a, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, sizeof mac, &bytes, &needed);
    step(c, a, "OID_802_3_CURRENT_ADDRESS", "%s %02x:%02x:%02x:%02x:%02x:%02x", lifecycle_status_name(st), mac[0],
         mac[1], mac[2], mac[3], mac[4], mac[5]);
    ULONG64 link_speed = 0;
    st = ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_LINK_SPEED, &link_speed, sizeof(ULONG), &bytes,
                          &needed);
    step(c, a, "OID_GEN_LINK_SPEED", "%s", lifecycle_status_name(st));
    /* The supported list the way a protocol sizes it: a short buffer first, then BytesNeeded. */
    NDIS_OID probe = 0;
    st =
        ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, &probe, sizeof probe, &bytes, &needed);
    if ((st == NDIS_STATUS_BUFFER_TOO_SHORT || st == NDIS_STATUS_INVALID_LENGTH) && needed > sizeof probe &&
        needed <= 64 * 1024)
    {
        void *list = malloc(needed);
        if (!list)
            abort();
        ULONG size = needed;
        st = ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, list, size, &bytes, &needed);
        free(list);
    }
    step(c, a, "OID_GEN_SUPPORTED_LIST", "%s (%u bytes)", lifecycle_status_name(st), (unsigned)bytes);
    ULONG64 xmit_ok = 0;
    st = ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_XMIT_OK, &xmit_ok, sizeof xmit_ok, &bytes, &needed);
    step(c, a, "OID_GEN_XMIT_OK", "%s", lifecycle_status_name(st));
}

typedef struct edge_hook
{
    struct run_ctx *c;
    protocol_edge *edge;
} edge_hook;

static void pause_started(void *arg, ndis_adapter *a)
{
    protocol_edge_on_pause(((edge_hook *)arg)->edge, a);
}

/* The host's watchdog acts for the protocol: what it still holds goes back to the driver, and
 * the user is told, since the run then waited for the watchdog's whole time-out. */
static size_t watchdog_release(void *arg, ndis_adapter *a)
{
    edge_hook *h = arg;
    size_t n = protocol_edge_release(h->edge, a);
    if (n)
    {
        fprintf(h->c->out, "    %-10s watchdog: returned %zu receive NBL%s the protocol still held\n", a->name, n,
                n == 1 ? "" : "s");
        fflush(h->c->out);
    }
    return n;
}

/* Initialize every adapter; with `restart`, restart them too, let the protocol issue its OIDs and
 * exchange o->packets frames per adapter. */
static void restart_and_traffic(run_ctx *c);

static void bring_up(run_ctx *c, bool restart)
{
    const ndishost_run_options *o = c->o;
    unsigned n = o->adapters;
    for (unsigned i = 0; i < n; i++)
    {
        NDIS_STATUS st = ndis_adapter_initialize(c->adapters[i]);
        c->up[i] = st == NDIS_STATUS_SUCCESS;
        c->running[i] = false;
        c->init_failures += !c->up[i];
        step(c, c->adapters[i], "MiniportInitializeEx", "%s", lifecycle_status_name(st));
    }
    if (restart)
        restart_and_traffic(c);
}

/* MiniportRestart on every initialized adapter the cycle restarts, the protocol's OIDs, traffic. */
static void restart_and_traffic(run_ctx *c)
{
    const ndishost_run_options *o = c->o;
    unsigned n = o->adapters;
    for (unsigned i = 0; i < n; i++)
    {
        if (!c->up[i] || !c->restart_mask[i])
            continue;
        NDIS_STATUS st = ndis_adapter_restart(c->adapters[i]);
        c->running[i] = st == NDIS_STATUS_SUCCESS;
        step(c, c->adapters[i], "MiniportRestart", "%s", lifecycle_status_name(st));
    }
    for (unsigned i = 0; i < n; i++)
        if (c->running[i])
            protocol_oids(c, c->adapters[i]);
    if (o->packets)
        for (unsigned i = 0; i < n; i++)
        {
            if (!c->running[i])
                continue;
            /* On a hub every other adapter hears the frame; alone (or on a loopback wire), an adapter
             * is sent frames addressed to itself. */
            unsigned peer = c->shared_medium && n > 1 ? (i + 1) % n : i;
            const UCHAR *dst = ndis_adapter_current_mac(c->adapters[peer]);
            protocol_edge_send(c->edges[i], c->adapters[i], o->packets, o->frame_len, dst);
        }
    /* Let the traffic arrive before the pause (a pause drops what a NIC has not indicated yet; that
     * is legal, but it would hide the receive path). Each running adapter expects the frames of the
     * adapter before it; a slow or lossy driver just delays the pause. */
    for (unsigned i = 0; o->packets && i < n; i++)
    {
        unsigned from = c->shared_medium && n > 1 ? (i + n - 1) % n : i;
        if (!c->running[i] || !c->running[from])
            continue;
        c->expected_rx[i] += o->packets;
        protocol_edge_wait_edge_frames(c->edges[i], c->expected_rx[i], 50000000LL);
    }
}

static void pause_all(run_ctx *c);

/* --restarts N: pause and restart again N times within the cycle, with traffic each time (a driver
 * re-attaches its data path after a pause, as after the first restart). */
static void extra_restarts(run_ctx *c)
{
    for (unsigned r = 0; r < c->o->restarts; r++)
    {
        pause_all(c);
        restart_and_traffic(c);
    }
}

static void pause_all(run_ctx *c)
{
    for (unsigned i = 0; i < c->o->adapters; i++)
    {
        if (!c->running[i])
            continue;
        ndis_pause_hooks hooks = {pause_started, watchdog_release, &c->hooks[i]};
        ndis_adapter_pause(c->adapters[i], &hooks);
        c->running[i] = false;
        protocol_edge_stats s;
        protocol_edge_get_stats(c->edges[i], &s);
        step(c, c->adapters[i], "MiniportPause", "SUCCESS (sent %llu, completed %llu, received %llu, returned %llu)",
             (unsigned long long)s.sent, (unsigned long long)s.completed, (unsigned long long)s.indicated,
             (unsigned long long)s.returned);
    }
}

/* The device is pulled: the NIC reads all ones from now on, then NDIS notifies the driver. */
static void surprise_remove_all(run_ctx *c)
{
    for (unsigned i = 0; i < c->o->adapters; i++)
        if (c->up[i])
        {
            ndis_adapter_pnp_event(c->adapters[i], NdisDevicePnPEventSurpriseRemoved);
            step(c, c->adapters[i], "MiniportDevicePnPEventNotify", "NdisDevicePnPEventSurpriseRemoved");
        }
    /* LC-16: sends that arrive between the notification and the pause should be refused with
     * NDIS_STATUS_NOT_ACCEPTED (src/ndis/datapath.c checks the completions). */
    for (unsigned i = 0; i < c->o->adapters; i++)
        if (c->running[i])
            protocol_edge_send(c->edges[i], c->adapters[i], 4, c->o->frame_len,
                               ndis_adapter_current_mac(c->adapters[i]));
}

static void halt_all(run_ctx *c, NDIS_HALT_ACTION action)
{
    for (unsigned i = 0; i < c->o->adapters; i++)
    {
        if (!c->up[i])
            continue;
        /* A driver that called NdisMRemoveMiniport is halted as a failed device, whatever the
         * scenario meant to do next. */
        NDIS_HALT_ACTION a = c->adapters[i]->removed ? NdisHaltDeviceFailed : action;
        ndis_pause_hooks hooks = {NULL, watchdog_release, &c->hooks[i]};
        ndis_adapter_halt(c->adapters[i], a, &hooks);
        c->up[i] = false;
        step(c, c->adapters[i], "MiniportHaltEx", "%s", ndishost_halt_action_name(a));
    }
}

/* System shutdown reaches every adapter in whatever state it is in: with the scenario's spread,
 * even adapters were left Paused after initialize and odd ones Running. */
static void shutdown_all(run_ctx *c, NDIS_SHUTDOWN_ACTION action)
{
    for (unsigned i = 0; i < c->o->adapters; i++)
    {
        if (!c->up[i])
            continue;
        const char *state = ndis_adapter_state_name(ndis_adapter_get_state(c->adapters[i]));
        bool called = ndis_adapter_shutdown(c->adapters[i], action);
        step(c, c->adapters[i], "MiniportShutdownEx", "%s from %s%s",
             action == NdisShutdownBugCheck ? "NdisShutdownBugCheck" : "NdisShutdownPowerOff", state,
             called ? "" : " (not called: an NDIS 6.30 driver that did not register for bug checks)");
    }
    c->powered_off = true;
}

static void set_dma_stuck(run_ctx *c)
{
    for (unsigned i = 0; i < c->o->adapters; i++)
        if (c->nics && c->nics[i])
            simnic_set_dma_stuck(c->nics[i], true);
}

/* One cycle of the scenario (ndishost_scenario_names lists them; docs/scenarios.md). */
static void run_cycle(run_ctx *c)
{
    const ndishost_run_options *o = c->o;
    unsigned n = o->adapters;
    for (unsigned i = 0; i < n; i++)
        c->restart_mask[i] = true;
    switch (c->scenario)
    {
    case SCN_BASIC:
        if (o->halt_action == NdisHaltDeviceInitializationFailed)
        {
            bring_up(c, false);
            halt_all(c, NdisHaltDeviceInitializationFailed);
            return;
        }
        bring_up(c, true);
        extra_restarts(c);
        if (o->halt_action == NdisHaltDeviceSurpriseRemoved)
            surprise_remove_all(c);
        pause_all(c);
        halt_all(c, (NDIS_HALT_ACTION)o->halt_action);
        return;
    case SCN_DISABLE:
        bring_up(c, true);
        extra_restarts(c);
        pause_all(c);
        halt_all(c, NdisHaltDeviceDisabled);
        return;
    case SCN_SURPRISE_REMOVAL:
        bring_up(c, true);
        extra_restarts(c);
        surprise_remove_all(c);
        pause_all(c);
        halt_all(c, NdisHaltDeviceSurpriseRemoved);
        return;
    case SCN_STOP_START:
    case SCN_POWER_DOWN:
        bring_up(c, true);
        extra_restarts(c);
        pause_all(c);
        halt_all(c, c->scenario == SCN_STOP_START ? NdisHaltDeviceStopped : NdisHaltDevicePoweredDown);
        bring_up(c, true); /* the device starts again (new resources, or back to D0) */
        pause_all(c);
        halt_all(c, NdisHaltDeviceDisabled);
        return;
    case SCN_DEVICE_FAILURE:
        /* The NIC stops making progress; NDIS removes the device as it does after the driver's
         * NdisMRemoveMiniport: pause, then halt as a failed device. */
        bring_up(c, true);
        set_dma_stuck(c);
        pause_all(c);
        halt_all(c, NdisHaltDeviceFailed);
        return;
    case SCN_INIT_FAILED:
        bring_up(c, false);
        halt_all(c, NdisHaltDeviceInitializationFailed);
        return;
    case SCN_HALT_BUGCHECK:
        bring_up(c, true);
        pause_all(c);
        for (unsigned i = 0; i < n; i++)
            c->adapters[i]->nested_bugcheck_in_halt = true;
        halt_all(c, NdisHaltDeviceDisabled);
        for (unsigned i = 0; i < n; i++)
            c->adapters[i]->nested_bugcheck_in_halt = false;
        return;
    case SCN_SHUTDOWN:
    case SCN_BUGCHECK:
        for (unsigned i = 0; i < n; i++)
            c->restart_mask[i] = (i % 2) == 1;
        bring_up(c, true);
        shutdown_all(c, c->scenario == SCN_BUGCHECK ? NdisShutdownBugCheck : NdisShutdownPowerOff);
        return;
    default:
        return;
    }
}

int ndishost_run(const ndishost_run_options *o, ndishost_run_result *r)
{
    memset(r, 0, sizeof *r);
    FILE *out = o->out ? o->out : stdout;
    if (!o->driver_path)
    {
        snprintf(r->error, sizeof r->error, "no driver given");
        return NDISHOST_EXIT_USAGE;
    }
    if (o->adapters < 1 || o->adapters > 1024)
    {
        snprintf(r->error, sizeof r->error, "--adapters must be 1..1024 (got %u)", o->adapters);
        return NDISHOST_EXIT_USAGE;
    }
    if (o->frame_len < 60 || o->frame_len > 1514)
    {
        snprintf(r->error, sizeof r->error, "frame length must be 60..1514 bytes (got %u)", o->frame_len);
        return NDISHOST_EXIT_USAGE;
    }
    protocol_edge_config pcfg;
    char err[256];
    if (protocol_edge_parse_policy(o->return_policy, &pcfg, err, sizeof err) != 0)
    {
        snprintf(r->error, sizeof r->error, "--return-policy: %s", err);
        return NDISHOST_EXIT_USAGE;
    }

    int scn = ndishost_parse_scenario(o->scenario);
    if (scn < 0)
    {
        snprintf(r->error, sizeof r->error,
                 o->scenario && !strcmp(o->scenario, "all")
                     ? "--scenario all runs each scenario in its own child process: drop --no-isolate"
                     : "unknown scenario '%s' (see ndishost --help)",
                 o->scenario);
        return NDISHOST_EXIT_USAGE;
    }
    bool with_nic = !o->nic || !strcmp(o->nic, "sim");
    if (o->nic && strcmp(o->nic, "sim") && strcmp(o->nic, "none"))
    {
        snprintf(r->error, sizeof r->error, "--nic must be sim or none (got '%s')", o->nic);
        return NDISHOST_EXIT_USAGE;
    }
    bool loopback = o->wire && !strcmp(o->wire, "loopback");
    if (o->wire && strcmp(o->wire, "hub") && !loopback)
    {
        snprintf(r->error, sizeof r->error, "--wire must be hub or loopback (got '%s')", o->wire);
        return NDISHOST_EXIT_USAGE;
    }

    run_ctx c = {.o = o, .out = out, .scenario = (scenario_id)scn};
    /* A virtual driver (vnic's virtual mode, netvmini) runs its own hub whatever the wire; a loopback
     * wire only changes who hears a simulated NIC's frames. */
    c.shared_medium = !(with_nic && loopback);
    unsigned n = o->adapters;
    c.adapters = calloc(n, sizeof *c.adapters);
    c.configs = calloc(n, sizeof *c.configs);
    c.edges = calloc(n, sizeof *c.edges);
    c.up = calloc(n, sizeof *c.up);
    c.running = calloc(n, sizeof *c.running);
    c.expected_rx = calloc(n, sizeof *c.expected_rx);
    c.hooks = calloc(n, sizeof *c.hooks);
    c.restart_mask = calloc(n, sizeof *c.restart_mask);
    c.nics = calloc(n, sizeof *c.nics);
    if (!c.adapters || !c.configs || !c.edges || !c.up || !c.running || !c.expected_rx || !c.hooks || !c.restart_mask ||
        !c.nics)
        abort();

    int rc = NDISHOST_EXIT_USAGE;
    /* Bad input is found before the driver runs at all. */
    for (unsigned i = 0; i < n; i++)
    {
        c.configs[i] = ndis_config_store_new();
        if (host_adapter_registry_load(c.configs[i], o->inf, o->registry, o->mac_seed, i, err, sizeof err) != 0)
        {
            snprintf(r->error, sizeof r->error, "%s", err);
            goto out_configs;
        }
    }

    ndis_timeouts timeouts = {20LL * 1000000000LL, 20LL * 1000000000LL, 12LL * 1000000000LL, 20LL * 1000000000LL};
    if (o->watchdog_ms)
    {
        int64_t ns = (int64_t)o->watchdog_ms * 1000000LL;
        timeouts = (ndis_timeouts){ns, ns, ns, ns};
        pcfg.send_timeout_ns = ns; /* send completions (TX-02; 30 s by default) */
    }
    ndis_set_timeouts(&timeouts);
    vf_findings_clear();
    vf_set_finding_hook(lifecycle_print_finding, out);
    if (o->verbose >= 2)
        ndis_log_hook = lifecycle_log_line;
    uint64_t t0 = exec_now_ns();

    unsigned cycles = g_scenarios[c.scenario].terminal ? 1 : o->cycles;
    if (c.scenario == SCN_BASIC)
        fprintf(out, "ndishost %s: %s, %u adapter%s, %u cycle%s, return policy %s, halt action %s, %s\n",
                NDISHOST_VERSION_STRING, o->driver_path, n, n == 1 ? "" : "s", cycles, cycles == 1 ? "" : "s",
                o->return_policy, ndishost_halt_action_name(o->halt_action),
                with_nic ? (loopback ? "simulated NICs on a loopback wire" : "simulated NICs on a hub")
                         : "no NIC (virtual)");
    else
        fprintf(out, "ndishost %s: %s, %u adapter%s, %u cycle%s, return policy %s, scenario %s (%s), %s\n",
                NDISHOST_VERSION_STRING, o->driver_path, n, n == 1 ? "" : "s", cycles, cycles == 1 ? "" : "s",
                o->return_policy, g_scenarios[c.scenario].name, g_scenarios[c.scenario].what,
                with_nic ? (loopback ? "simulated NICs on a loopback wire" : "simulated NICs on a hub")
                         : "no NIC (virtual)");
    c.show_steps = true;
    ndis_load_result lr = ndis_driver_load(o->driver_path, &c.driver, err, sizeof err);
    if (lr != NDIS_LOAD_OK)
    {
        snprintf(r->error, sizeof r->error, "%s", err);
        vf_set_finding_hook(NULL, NULL);
        goto out_configs;
    }
    step(&c, NULL, "DriverEntry", "SUCCESS (%s)", c.driver->name);

    for (unsigned i = 0; i < n; i++)
    {
        c.adapters[i] = ndis_adapter_create(c.driver, c.configs[i]);
        if (with_nic)
        {
            if (!c.wire)
                c.wire = simnic_wire_create(loopback ? SIMNIC_WIRE_LOOPBACK : SIMNIC_WIRE_HUB);
            simnic_config nc = {.index = i,
                                .mac = {0x02, 0x4e, 0x48, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i},
                                .link_up = true,
                                .wire = c.wire};
            ndis_nic_host_ops(c.adapters[i], &nc.ops.dma_map, &nc.ops.irq_raised);
            nc.ops.ctx = c.adapters[i];
            c.nics[i] = simnic_create(&nc);
            if (!c.nics[i])
                abort();
            ndis_adapter_attach_nic(c.adapters[i], c.nics[i]);
            if (i < 4 || o->verbose)
            {
                simnic_resources res;
                simnic_get_resources(c.nics[i], &res);
                step(&c, c.adapters[i], "simulated NIC", "I/O ports 0x%X-0x%X, memory 0x%llX (%u bytes), interrupt %u",
                     res.io_base, res.io_base + res.io_length - 1, (unsigned long long)res.mem_base, res.mem_length,
                     res.irq_vector);
            }
        }
        c.edges[i] = protocol_edge_create(&pcfg);
        c.hooks[i] = (edge_hook){&c, c.edges[i]};
        protocol_edge_attach(c.edges[i], c.adapters[i]);
    }

    bool progress = o->progress && o->cycles > 1;
    uint64_t last_progress = 0;
    for (unsigned k = 0; k < cycles; k++)
    {
        c.cycle = k;
        c.show_steps = o->verbose >= 1 || k == 0;
        if (c.show_steps)
        {
            fprintf(out, "  cycle %u/%u\n", k + 1, cycles);
            fflush(out);
        }
        run_cycle(&c);
        r->cycles_done++;
        r->init_failures = c.init_failures;
        uint64_t now = exec_now_ns();
        if (progress && (now - last_progress > 200000000ULL || k + 1 == cycles))
        {
            last_progress = now;
            fprintf(stderr, "\r  cycle %u/%u  %zu finding(s)  %.1f s", k + 1, cycles, vf_findings_count(),
                    (double)(now - t0) / 1e9);
            if (k + 1 == cycles)
                fputc('\n', stderr);
            fflush(stderr);
        }
    }
    c.show_steps = true;

    for (unsigned i = 0; i < n; i++)
    {
        protocol_edge_stats s;
        protocol_edge_get_stats(c.edges[i], &s);
        r->frames_sent += s.sent;
        r->frames_completed += s.completed;
        r->frames_received += s.indicated;
        r->frames_returned += s.returned;
        if (c.powered_off)
            continue;
        /* The NIC goes first: its device thread must not reach an adapter that is gone. */
        if (c.nics[i])
            simnic_destroy(c.nics[i]);
        protocol_edge_detach(c.edges[i], c.adapters[i]);
        protocol_edge_destroy(c.edges[i]);
        ndis_adapter_destroy(c.adapters[i]);
    }
    if (c.powered_off)
    {
        /* Policy: after MiniportShutdownEx the system is off. Nothing is halted, unloaded, freed or
         * reported as leaked; the driver stays loaded until the process ends (run isolated, as the CLI
         * does, so that the process ends right away). */
        step(&c, NULL, "power off", "no MiniportHaltEx or MiniportDriverUnload follows a shutdown");
    }
    else
    {
        ndis_driver_unload(c.driver);
        step(&c, NULL, "MiniportDriverUnload", "done");
        if (c.wire)
            simnic_wire_destroy(c.wire);
    }
    r->duration_ns = exec_now_ns() - t0;
    vf_set_finding_hook(NULL, NULL);
    ndis_log_hook = NULL;

    r->findings = vf_findings_count();
    for (size_t i = 0; i < r->findings; i++)
    {
        if (vf_findings_get(i)->severity == VF_SEV_ERROR)
            r->errors++;
        else
            r->warnings++;
    }
    double ms = (double)r->duration_ns / 1e6;
    if (r->findings == 0)
        fprintf(out,
                "verdict: clean: no findings (%u adapter%s x %u cycle%s, %llu frames sent, %llu received, %.1f ms)\n",
                n, n == 1 ? "" : "s", r->cycles_done, r->cycles_done == 1 ? "" : "s",
                (unsigned long long)r->frames_sent, (unsigned long long)r->frames_received, ms);
    else
        fprintf(out, "verdict: findings: %zu error%s, %zu warning%s (%u adapter%s x %u cycle%s, %.1f ms)\n", r->errors,
                r->errors == 1 ? "" : "s", r->warnings, r->warnings == 1 ? "" : "s", n, n == 1 ? "" : "s",
                r->cycles_done, r->cycles_done == 1 ? "" : "s", ms);
    rc = r->findings ? NDISHOST_EXIT_FINDINGS : NDISHOST_EXIT_CLEAN;

    if (o->json_path)
    {
        cJSON *extra = cJSON_CreateObject();
        cJSON_AddNumberToObject(extra, "frames_sent", (double)r->frames_sent);
        cJSON_AddNumberToObject(extra, "frames_completed", (double)r->frames_completed);
        cJSON_AddNumberToObject(extra, "frames_received", (double)r->frames_received);
        cJSON_AddNumberToObject(extra, "frames_returned", (double)r->frames_returned);
        cJSON_AddNumberToObject(extra, "initialize_failures", r->init_failures);
        cJSON_AddStringToObject(extra, "return_policy", o->return_policy);
        cJSON_AddStringToObject(extra, "halt_action", ndishost_halt_action_name(o->halt_action));
        cJSON_AddStringToObject(extra, "scenario", g_scenarios[c.scenario].name);
        cJSON_AddStringToObject(extra, "nic", with_nic ? "sim" : "none");
        report_run_info info = {
            .driver = o->driver_path,
            .command = "run",
            .adapters = n,
            .cycles = r->cycles_done,
            .packets = r->frames_sent + r->frames_received,
            .duration_ms = r->duration_ns / 1000000ULL,
            .extra = extra,
        };
        if (report_json_write_all(o->json_path, &info) != 0)
        {
            snprintf(r->error, sizeof r->error, "cannot write JSON report '%s'", o->json_path);
            rc = NDISHOST_EXIT_USAGE;
        }
        cJSON_Delete(extra);
    }
    report_run_info ci = {.driver = o->driver_path,
                          .command = "run",
                          .adapters = n,
                          .cycles = r->cycles_done,
                          .packets = r->frames_sent + r->frames_received,
                          .duration_ms = r->duration_ns / 1000000ULL};
    if (o->junit_path && report_junit_write_all(o->junit_path, &ci) != 0)
    {
        snprintf(r->error, sizeof r->error, "cannot write JUnit report '%s'", o->junit_path);
        rc = NDISHOST_EXIT_USAGE;
    }
    if (o->sarif_path && report_sarif_write_all(o->sarif_path, &ci) != 0)
    {
        snprintf(r->error, sizeof r->error, "cannot write SARIF report '%s'", o->sarif_path);
        rc = NDISHOST_EXIT_USAGE;
    }

out_configs:
    for (unsigned i = 0; i < n; i++)
        if (c.configs[i])
            ndis_config_store_free(c.configs[i]);
    free(c.adapters);
    free(c.configs);
    free(c.edges);
    free(c.up);
    free(c.running);
    free(c.expected_rx);
    free(c.hooks);
    free(c.restart_mask);
    if (!c.powered_off)
        free(c.nics);
    return rc;
}

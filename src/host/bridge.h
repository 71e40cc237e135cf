/* The TAP bridge behind `ndishost bridge`: each adapter of a miniport is bound to a Linux TAP
 * interface, so that real traffic (ping, iperf3, anything Linux sends) runs through the driver's
 * send and receive paths.
 *
 *   Linux writes a frame on TAP i  -> read by port i's thread -> NBL from the bridge's own pool
 *                                  -> MiniportSendNetBufferLists(adapter i)
 *   adapter i indicates a frame    -> written to TAP i -> the NBL returned per the return policy
 *
 * The bridge is a bound protocol (built on the protocol edge): it sets the packet filter
 * (promiscuous when the driver supports it: the Linux side uses its own MAC addresses, not the
 * adapter's), sends only while its binding is running, and gives back what it holds when the
 * adapter pauses. The run ends on SIGINT/SIGTERM or after the duration; it can pause and restart
 * every adapter periodically, or on SIGUSR1, while the traffic flows. At the end it accounts for every NBL: each
 * indicated NBL returned once, each send completed once. docs/bridge.md. */
#ifndef NDISHOST_HOST_BRIDGE_H
#define NDISHOST_HOST_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BRIDGE_MAX_ADAPTERS 64

typedef struct bridge_options
{
    const char *driver_path;
    unsigned adapters;         /* 1..BRIDGE_MAX_ADAPTERS */
    const char *tap_prefix;    /* TAP i is named <prefix><i> (default "nh") */
    const char *return_policy; /* protocol edge policy (default immediate) */
    uint64_t duration_ms;      /* 0: until SIGINT/SIGTERM (or bridge_request_stop) */
    uint64_t cycle_every_ms;   /* 0: never; else pause and restart every adapter this often */
    unsigned mtu;              /* 0: the driver's maximum frame size minus 14, at most 1500 */
    const char *registry;      /* registry file or NULL */
    const char *inf;           /* the driver's INF (registry defaults, docs/inf.md) or NULL */
    const char *mac_seed;      /* seeded NetworkAddress per adapter: NULL default, a number, or "off" */
    const char *nic;           /* "sim" (NULL: the default): a simulated NIC per adapter on one hub; "none" */
    const char *json_path;     /* JSON report, NULL for none, "-" for stdout */
    unsigned watchdog_ms;      /* 0: NDIS's defaults */
    bool handle_signals;       /* SIGINT/SIGTERM end the run (the CLI sets it) */
    int verbose;               /* 1: every lifecycle step; 2: driver log too */
    FILE *out;                 /* human output (NULL: stdout) */
} bridge_options;

typedef struct bridge_totals
{
    uint64_t tap_frames_read;     /* frames Linux sent on the TAPs */
    uint64_t tap_dropped_paused;  /* of those, dropped because the binding was not running */
    uint64_t tap_dropped_busy;    /* dropped because too many sends were in flight */
    uint64_t tap_dropped_bad;     /* shorter than an Ethernet header */
    uint64_t sent;                /* NBLs passed to MiniportSendNetBufferLists */
    uint64_t completed;           /* send completions */
    uint64_t completed_ok;        /* of those, NDIS_STATUS_SUCCESS */
    uint64_t completed_failed;    /* of those, any other status */
    uint64_t completed_paused;    /* of the failed, NDIS_STATUS_PAUSED */
    uint64_t complete_duplicates; /* completions of NBLs not in flight */
    uint64_t indicated;           /* NBLs indicated by the miniport */
    uint64_t indicated_resources; /* of those, with NDIS_RECEIVE_FLAGS_RESOURCES (not returned) */
    uint64_t indicated_frames;    /* NET_BUFFERs in the indications */
    uint64_t returned;            /* NBLs returned to the miniport */
    uint64_t tap_frames_written;  /* frames written to the TAPs */
    uint64_t tap_write_errors;    /* frames the TAP refused (interface down, queue full) */
} bridge_totals;

typedef struct bridge_result
{
    bridge_totals t;
    unsigned cycles;  /* pause/restart cycles completed while traffic flowed */
    bool balanced;    /* every indicated NBL returned once, every send completed once */
    bool promiscuous; /* the driver accepted NDIS_PACKET_TYPE_PROMISCUOUS */
    size_t findings, errors, warnings;
    uint64_t duration_ns;
    char error[512]; /* the one-line reason when the exit status is NDISHOST_EXIT_USAGE */
} bridge_result;

void bridge_options_init(bridge_options *o);
/* Runs the bridge until the duration ends or it is stopped. Returns NDISHOST_EXIT_CLEAN (no
 * findings, balanced), NDISHOST_EXIT_FINDINGS (findings, or NBLs not accounted for) or
 * NDISHOST_EXIT_USAGE (bad options, no TAP device, no CAP_NET_ADMIN, driver would not load:
 * r->error says why; nothing was verified). */
int bridge_run(const bridge_options *o, bridge_result *r);
/* Ends a running bridge as SIGINT does. Async-signal-safe. */
void bridge_request_stop(void);
/* Pauses and restarts every adapter of a running bridge once, as SIGUSR1 does. Async-signal-safe. */
void bridge_request_cycle(void);

#endif

/* The protocol edge: what a protocol bound to an adapter does on top of the NDIS data path. It
 * receives the miniport's indications and gives the NBLs back according to a return policy (at
 * once, after a delay, at pause, in reverse or shuffled order mixing indications, or never), and it
 * generates traffic: Ethernet frames in NBLs from its own pool, sent through ndis_send_nbls, with a
 * sequence number and checksum so that frames coming back (loopback, hub) are checked.
 *
 * The edge is host code: its pool is not charged to any driver, its calls carry no driver site,
 * and it never frees a driver's NBL. All functions are thread-safe. */
#ifndef NDISHOST_HOST_PROTOCOL_EDGE_H
#define NDISHOST_HOST_PROTOCOL_EDGE_H

#include <stddef.h>
#include <stdint.h>

#include "ndis/ndis_internal.h"

typedef enum protocol_edge_policy
{
    PE_RETURN_IMMEDIATE = 0, /* from inside the receive callback */
    PE_RETURN_DELAY,         /* delay_ms after the indication, from the edge's thread */
    PE_RETURN_AT_PAUSE,      /* held until the adapter pauses (protocol_edge_on_pause) or a release */
    PE_RETURN_REVERSE,       /* held; every `batch` NBLs returned newest first, mixing indications */
    PE_RETURN_SHUFFLE,       /* held; every `batch` NBLs returned in a seeded random order */
    PE_RETURN_NEVER,         /* held until protocol_edge_release (watchdog tests) */
} protocol_edge_policy;

typedef struct protocol_edge_config
{
    protocol_edge_policy policy;
    uint32_t delay_ms;       /* PE_RETURN_DELAY */
    uint64_t seed;           /* PE_RETURN_SHUFFLE (0: a fixed default seed) */
    uint32_t batch;          /* PE_RETURN_REVERSE / SHUFFLE: return when this many are held (0: 16) */
    uint32_t send_chain;     /* NBLs per ndis_send_nbls call (0: 16) */
    int64_t send_timeout_ns; /* how long protocol_edge_send waits for completions (0: 30 s, TX-02) */
} protocol_edge_config;

#define PROTOCOL_EDGE_ETHERTYPE 0x88B5 /* IEEE local experimental */
#define PROTOCOL_EDGE_MAX_STATUS 8

typedef struct protocol_edge_stats
{
    uint64_t indicated;           /* NBLs indicated to the edge (with or without RESOURCES) */
    uint64_t indicated_resources; /* of those, indicated with NDIS_RECEIVE_FLAGS_RESOURCES (never returned) */
    uint64_t returned;            /* NBLs the edge gave back */
    uint64_t held_now;
    uint64_t max_held;
    uint64_t sent;      /* NBLs passed to ndis_send_nbls */
    uint64_t completed; /* send completions received */
    uint64_t completed_ok;
    uint64_t completed_failed;
    uint64_t send_complete_duplicates; /* completions of NBLs the edge did not have in flight */
    uint64_t corrupt_frames;           /* edge frames whose checksum did not match */
    uint64_t received_frames;          /* NET_BUFFERs seen in indications */
    uint64_t edge_frames;              /* of those, frames the edge generated (ethertype 0x88B5) */
    uint64_t status_indications;
    struct
    {
        NDIS_STATUS status;
        uint64_t count;
    } failed[PROTOCOL_EDGE_MAX_STATUS]; /* completed_failed by status */
    unsigned n_failed;
} protocol_edge_stats;

typedef struct protocol_edge protocol_edge;

/* Parses the CLI policy strings: immediate, delay:MS, at-pause, reverse, shuffle, shuffle:SEED,
 * never. Resets *out to the defaults (all zero) and fills policy, delay_ms and seed. 0, or -1 with
 * `err`. */
int protocol_edge_parse_policy(const char *text, protocol_edge_config *out, char *err, size_t n);
const char *protocol_edge_policy_name(protocol_edge_policy p);

protocol_edge *protocol_edge_create(const protocol_edge_config *cfg);
/* Gives back everything still held (to adapters still attached), stops the edge's thread. */
void protocol_edge_destroy(protocol_edge *e);

/* Binds the edge to an adapter: fills a->proto. An edge may serve several adapters. */
void protocol_edge_attach(protocol_edge *e, ndis_adapter *a);
/* Releases what it holds from `a` and clears a->proto. */
void protocol_edge_detach(protocol_edge *e, ndis_adapter *a);

/* Returns every NBL held from `a` (NULL: from every adapter) in one return call per adapter, in
 * the policy's order. Returns the number of NBLs given back. */
size_t protocol_edge_release(protocol_edge *e, ndis_adapter *a);

/* Pause hook in the shape ndis_adapter_pause takes (arg = the edge): the at-pause, reverse and
 * shuffle policies give back what they hold (a bound protocol returns its receives when the stack
 * pauses); immediate holds nothing, delay returns on its own clock, never keeps holding. */
void protocol_edge_on_pause(void *arg, ndis_adapter *a);

/* Sends `count` frames of `frame_len` bytes (60..9018) to dst_mac in chains, and waits for their
 * completions. 0 when all completed; -1 on bad arguments, allocation failure or time-out (TX-02 is
 * reported on time-out). */
int protocol_edge_send(protocol_edge *e, ndis_adapter *a, unsigned count, unsigned frame_len, const uint8_t dst_mac[6]);

/* Waits until the edge has received at least `at_least` of its own frames in total, or until no
 * frame has arrived for idle_timeout_ns (event-driven). Lets a scenario see its traffic arrive
 * before it pauses the adapter. True when the count was reached. */
bool protocol_edge_wait_edge_frames(protocol_edge *e, uint64_t at_least, int64_t idle_timeout_ns);
void protocol_edge_get_stats(protocol_edge *e, protocol_edge_stats *out);

/* ---- for protocols built on the edge (the TAP bridge) ------------------------------------------ */

/* Called for every NBL of every indication to the edge, from the receive callback (the driver's
 * thread and IRQL), before the return policy applies: the NBL and its data are valid only during
 * the call. `receive_flags` are the indication's flags. Set before attaching; NULL removes it. */
typedef void (*protocol_edge_rx_fn)(void *arg, ndis_adapter *a, PNET_BUFFER_LIST nbl, ULONG receive_flags);
void protocol_edge_set_rx_hook(protocol_edge *e, protocol_edge_rx_fn fn, void *arg);

/* Sends a chain of NBLs the caller allocated from a host pool (ndis_host_nbl_alloc) with their
 * data and DataLength filled in. The edge owns them from here: it counts them as sent, counts their
 * completions (and completion statuses) like its own frames, and frees each one to its pool when it
 * completes. Does not wait. */
void protocol_edge_send_nbls(protocol_edge *e, ndis_adapter *a, PNET_BUFFER_LIST chain, ULONG send_flags);
/* Sends passed to the miniport and not yet completed (protocol_edge_send and _send_nbls). */
uint32_t protocol_edge_inflight(protocol_edge *e);

#endif

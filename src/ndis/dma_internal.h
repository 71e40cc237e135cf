/* What the DMA files share: the bus address space (bus_space.c), the per-adapter DMA state that
 * scatter/gather DMA (dma.c) and shared memory (shared_memory.c) keep behind a->dma, and the
 * end-of-instance hooks that the ports file chains until adapter.c calls them itself.
 *
 * Locking: the bus space has one global mutex; the per-adapter state has its own. Neither is held
 * while a finding is reported or driver code runs. */
#ifndef NDISHOST_NDIS_DMA_INTERNAL_H
#define NDISHOST_NDIS_DMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hardware.h"

/* ---- the bus address space (an IOMMU per host) ------------------------------------------------ */

/* What a mapping was made for: it decides the rule a late device access breaks. */
typedef enum ndis_bus_kind
{
    NDIS_BUS_SHARED_MEMORY, /* NdisMAllocateSharedMemory(AsyncEx) */
    NDIS_BUS_SG_LIST,       /* one element of an NdisMAllocateNetBufferSGList list */
} ndis_bus_kind;

/* Window of fake bus addresses: below 4 GB so that a NIC without 64-bit addressing reaches every
 * mapping, and below the BARs the simulated NICs decode (0xF0000000 and up). */
#define NDIS_BUS_BASE 0x10000000ull
#define NDIS_BUS_END 0xF0000000ull
#define NDIS_BUS_PAGE 4096ull
/* Freed ranges remembered to name the free's call site when a device still reaches them. */
#define NDIS_BUS_GRAVEYARD 1024u

/* Maps [host, host + len) for adapter `a`; the bus address keeps the host address's offset within
 * its page, and every mapping is followed by an unmapped guard page. `site`/`cb` are the acquiring
 * call's. Returns the bus address, or 0 when the window is exhausted. */
uint64_t ndis_bus_map(ndis_adapter *a, void *host, size_t len, ndis_bus_kind kind, void *site, vf_callback cb);
/* Ends the live mapping that starts at `bus` (exactly): it joins the graveyard with the freeing API,
 * its call site and callback (site NULL: the host reclaimed a leak). False when none starts there. */
bool ndis_bus_unmap(uint64_t bus, const char *free_api, void *free_site, vf_callback free_cb);
/* A device access: host memory for [bus, bus + len) when it lies inside one live mapping of `a`;
 * otherwise reports (see bus_space.c for the rules) and returns NULL. */
void *ndis_bus_resolve(ndis_adapter *a, uint64_t bus, size_t len, bool writing);
/* The adapter goes away: drop its graveyard entries (they point at it). Live mappings must be gone. */
void ndis_bus_forget_adapter(ndis_adapter *a);
/* Live mappings of `a` (all adapters when NULL), for tests and leak checks. */
size_t ndis_bus_live_count(const ndis_adapter *a);

/* ---- per-adapter DMA state ---------------------------------------------------------------------- */

typedef struct ndis_sg_dma ndis_sg_dma; /* one NdisMRegisterScatterGatherDma registration */
typedef struct ndis_sm_block ndis_sm_block;
typedef struct ndis_sm_async ndis_sm_async;

/* A freed shared-memory block, remembered to recognise a double free (0x7C/0x03). */
typedef struct ndis_sm_freed
{
    void *va;
    ULONG length;
    uint64_t bus;
    void *free_site;
} ndis_sm_freed;
#define NDIS_SM_FREED_MAX 64u

struct ndis_dma_state
{
    exec_mutex lock;
    ndis_sg_dma *dmas;     /* live registrations */
    ndis_sm_block *blocks; /* live shared-memory blocks */
    ndis_sm_freed freed[NDIS_SM_FREED_MAX];
    unsigned freed_next;
    ndis_sm_async *pending;   /* NdisMAllocateSharedMemoryAsyncEx requests not yet completed */
    uint32_t pending_count;   /* waited on (futex word) */
    uint32_t bad_dma_reports; /* device-access findings this instance (rate limit) */

    /* IN-08: a shared-memory allocation failed inside MiniportInitializeEx. */
    bool in08_pending;
    void *in08_site;
    unsigned in08_log_entries; /* a->error_log_entries at the failure */
};

/* The adapter's DMA state, created on first use. Never NULL. */
ndis_dma_state *ndis_dma_state_get(ndis_adapter *a);
/* True when `a` has a live scatter/gather DMA registration (IN-03). */
bool ndis_dma_registered(ndis_adapter *a);
/* A DMA handle from NdisMRegisterScatterGatherDma that is still registered, or NULL after an AP-01
 * finding naming `api`. */
ndis_sg_dma *ndis_dma_from_handle(NDIS_HANDLE h, const char *api, void *site);
ndis_adapter *ndis_dma_adapter(const ndis_sg_dma *d);
MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER ndis_dma_complete_handler(const ndis_sg_dma *d);

/* ---- end-of-instance hooks (proposed for hardware.h; see /work/notes/requests.md) ---------------- */

/* At halt return and after a failed initialize, before the ledger's leftovers are reported:
 * outstanding scatter/gather lists (HA-09, or IN-04), pending asynchronous allocations, IN-08.
 * Idempotent within an instance. */
void ndis_dma_instance_end(ndis_adapter *a, const char *when);
/* Right after MiniportInitializeEx returned: IN-08 (a failed shared-memory allocation that was not
 * logged with NdisWriteErrorLogEntry). */
void ndis_dma_initialize_returned(ndis_adapter *a);
/* shared_memory.c's part of ndis_dma_instance_end. */
void ndis_shared_memory_instance_end(ndis_adapter *a, const char *when);
/* IN-08's check, made once per failed allocation: at initialize return, or lazily at the next
 * DMA event after it when the host has no initialize-return hook. */
void ndis_shared_memory_check_in08(ndis_adapter *a);
/* shared_memory.c's part of ndis_dma_adapter_destroy. */
void ndis_shared_memory_adapter_destroy(ndis_adapter *a);

#endif

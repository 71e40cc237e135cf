/* Shared memory: NdisMAllocateSharedMemory, NdisMAllocateSharedMemoryAsyncEx with its
 * MiniportSharedMemoryAllocateComplete, NdisMFreeSharedMemory; and the device side,
 * ndis_shared_memory_dma_map, through which the simulated NIC reaches the blocks (bus_space.c).
 *
 * A block is page aligned, zero filled and framed by guard areas that NdisMFreeSharedMemory checks
 * (0x7C/0x02's corruption check, SM-03); it has a bus address of its own and a ledger entry
 * (VF_RES_SHARED_MEMORY: HA-06 at halt, IN-04 after a failed initialize). A freed block's memory
 * sits in a small quarantine before it is released, so that a device write racing the free lands
 * in memory the host still owns; the device itself is refused any access after the free and the
 * access is reported at the free's call site.
 *
 * Policy (asynchronous allocations): NdisMAllocateSharedMemoryAsyncEx always returns
 * NDIS_STATUS_PENDING when its checks pass; MiniportSharedMemoryAllocateComplete follows on a
 * PASSIVE_LEVEL worker, with NULL (and the requested Length) when the allocation fails or a fault
 * is injected. Completions still pending when MiniportHaltEx is about to be called are delivered
 * first (ndis-contract.md HA-06), so that the halt handler can free them. A completion that would
 * follow the end of the adapter instance (requested from MiniportHaltEx, or the initialize failed)
 * is dropped: there is no adapter context left to give it to. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dma_internal.h"
#include "../kernel/kernel_internal.h"

#define SM_FRONT 4096u      /* in front of the block: keeps it page aligned; its end is the guard */
#define SM_GUARD 256u       /* guard bytes checked before and after the block */
#define SM_GUARD_BYTE 0xFDu /* the pattern */
#define SM_POISON_BYTE 0xDDu
#define SM_QUARANTINE_BLOCKS 32u
#define SM_QUARANTINE_BYTES (8u << 20)

struct ndis_sm_block
{
    vf_res res; /* VF_RES_SHARED_MEMORY, key: VirtualAddress, size: Length */
    ndis_adapter *a;
    void *base; /* the host allocation */
    size_t alloc_size;
    void *va;
    ULONG length;
    BOOLEAN cached;
    uint64_t bus;
    ndis_sm_block *next;
};

struct ndis_sm_async
{
    kernel_work work;
    ndis_adapter *a;
    MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER handler;
    ULONG length;
    BOOLEAN cached;
    PVOID context;
    bool fail; /* a fault was injected at the request */
    void *site;
    ndis_sm_async *next;
};

/* ---- host memory with guard areas and a quarantine ------------------------------------------- */

typedef struct quarantined
{
    void *base;
    size_t size;
} quarantined;

static exec_mutex g_q_lock = EXEC_MUTEX_INIT;
static quarantined g_q[SM_QUARANTINE_BLOCKS];
static unsigned g_q_head, g_q_len;
static size_t g_q_bytes;

static void quarantine(void *base, size_t size)
{
    memset(base, SM_POISON_BYTE, size);
    void *evict[SM_QUARANTINE_BLOCKS + 1];
    unsigned ne = 0;
    exec_mutex_lock(&g_q_lock);
    while (g_q_len && (g_q_len == SM_QUARANTINE_BLOCKS || g_q_bytes + size > SM_QUARANTINE_BYTES))
    {
        evict[ne++] = g_q[g_q_head].base;
        g_q_bytes -= g_q[g_q_head].size;
        g_q_head = (g_q_head + 1) % SM_QUARANTINE_BLOCKS;
        g_q_len--;
    }
    if (size <= SM_QUARANTINE_BYTES)
    {
        g_q[(g_q_head + g_q_len) % SM_QUARANTINE_BLOCKS] = (quarantined){base, size};
        g_q_len++;
        g_q_bytes += size;
    }
    else
        evict[ne++] = base;
    exec_mutex_unlock(&g_q_lock);
    for (unsigned i = 0; i < ne; i++)
        free(evict[i]);
}

static uint8_t *front_guard(const ndis_sm_block *b)
{
    return (uint8_t *)b->va - SM_GUARD;
}

static uint8_t *back_guard(const ndis_sm_block *b)
{
    return (uint8_t *)b->va + b->length;
}

/* Offset of the first damaged guard byte: < 0 before the block, >= 0 after it; false when intact. */
static bool guard_damage(const ndis_sm_block *b, long *where)
{
    const uint8_t *f = front_guard(b), *t = back_guard(b);
    for (unsigned i = 0; i < SM_GUARD; i++)
        if (f[i] != SM_GUARD_BYTE)
        {
            *where = -(long)(SM_GUARD - i);
            return true;
        }
    for (unsigned i = 0; i < SM_GUARD; i++)
        if (t[i] != SM_GUARD_BYTE)
        {
            *where = (long)i;
            return true;
        }
    return false;
}

static void block_reclaim(vf_res *r);

/* A new block of `length` bytes for a, mapped and on the ledger (site, in the current callback). */
static ndis_sm_block *block_new(ndis_adapter *a, ULONG length, BOOLEAN cached, void *site)
{
    ndis_sm_block *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->alloc_size = SM_FRONT + (size_t)length + SM_GUARD;
    if (posix_memalign(&b->base, SM_FRONT, b->alloc_size) != 0)
    {
        free(b);
        return NULL;
    }
    b->a = a;
    b->va = (uint8_t *)b->base + SM_FRONT;
    b->length = length;
    b->cached = cached;
    memset(front_guard(b), SM_GUARD_BYTE, SM_GUARD);
    memset(b->va, 0, length);
    memset(back_guard(b), SM_GUARD_BYTE, SM_GUARD);
    b->bus = ndis_bus_map(a, b->va, length, NDIS_BUS_SHARED_MEMORY, site, vf_current_callback());
    if (!b->bus)
    {
        free(b->base);
        free(b);
        return NULL;
    }
    b->res.kind = VF_RES_SHARED_MEMORY;
    b->res.key = b->va;
    b->res.size = length;
    b->res.reclaim = block_reclaim;
    ndis_dma_state *s = ndis_dma_state_get(a);
    exec_mutex_lock(&s->lock);
    b->next = s->blocks;
    s->blocks = b;
    exec_mutex_unlock(&s->lock);
    vf_ledger_insert(&b->res, a->owner, site);
    return b;
}

static void block_unlink(ndis_dma_state *s, ndis_sm_block *b)
{
    exec_mutex_lock(&s->lock);
    for (ndis_sm_block **pp = &s->blocks; *pp; pp = &(*pp)->next)
        if (*pp == b)
        {
            *pp = b->next;
            break;
        }
    exec_mutex_unlock(&s->lock);
}

/* Unmaps (the range joins the graveyard with the free's site) and releases the memory. */
static void block_destroy(ndis_sm_block *b, const char *free_api, void *free_site, vf_callback free_cb)
{
    ndis_bus_unmap(b->bus, free_api, free_site, free_cb);
    quarantine(b->base, b->alloc_size);
    free(b);
}

static void block_reclaim(vf_res *r)
{
    ndis_sm_block *b = CONTAINING_RECORD(r, ndis_sm_block, res);
    block_unlink(ndis_dma_state_get(b->a), b);
    block_destroy(b, "host reclaim", NULL, VF_CB_NONE);
}

/* ---- IN-08 ------------------------------------------------------------------------------------- */

static void in08_note_failure(ndis_adapter *a, void *site)
{
    if (!__atomic_load_n(&a->in_initialize, __ATOMIC_ACQUIRE))
        return;
    ndis_dma_state *s = ndis_dma_state_get(a);
    exec_mutex_lock(&s->lock);
    if (!s->in08_pending)
    {
        s->in08_site = site;
        s->in08_log_entries = a->error_log_entries;
        __atomic_store_n(&s->in08_pending, true, __ATOMIC_RELEASE);
    }
    exec_mutex_unlock(&s->lock);
}

void ndis_shared_memory_check_in08(ndis_adapter *a)
{
    ndis_dma_state *s = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (!s)
        return;
    exec_mutex_lock(&s->lock);
    bool pending = s->in08_pending;
    void *site = s->in08_site;
    bool logged = a->error_log_entries != s->in08_log_entries;
    __atomic_store_n(&s->in08_pending, false, __ATOMIC_RELEASE);
    exec_mutex_unlock(&s->lock);
    if (pending && !logged)
        vf_report("IN-08", a->owner, VF_CB_INITIALIZE, site,
                  "NdisMAllocateSharedMemory failed in MiniportInitializeEx and the driver did not call "
                  "NdisWriteErrorLogEntry before MiniportInitializeEx returned");
}

void ndis_dma_initialize_returned(ndis_adapter *a)
{
    ndis_shared_memory_check_in08(a);
}

/* Policy (until the host calls ndis_dma_initialize_returned): the check is made at the first
 * DMA-related event after MiniportInitializeEx returned; an NdisWriteErrorLogEntry made between the
 * return and that event is counted as made in time. */
static void in08_lazy(ndis_adapter *a)
{
    ndis_dma_state *s = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (s && __atomic_load_n(&s->in08_pending, __ATOMIC_ACQUIRE) &&
        !__atomic_load_n(&a->in_initialize, __ATOMIC_ACQUIRE))
        ndis_shared_memory_check_in08(a);
}

/* ---- NdisMAllocateSharedMemory ------------------------------------------------------------------ */

VOID NdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached, PVOID *VirtualAddress,
                               PNDIS_PHYSICAL_ADDRESS PhysicalAddress)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMAllocateSharedMemory";
    if (VirtualAddress)
        *VirtualAddress = NULL;
    if (PhysicalAddress)
        PhysicalAddress->QuadPart = 0;
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return;
    in08_lazy(a);
    if (!VirtualAddress || !PhysicalAddress)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with a NULL %s", api,
                  !VirtualAddress ? "VirtualAddress" : "PhysicalAddress");
        return;
    }
    /* SM-01 is this call's own IRQL rule (0x7C/0x01), reported instead of the generic IQ-01.
     * Policy: the call then fails (Windows bug-checks). */
    uint8_t irql = vf_irql();
    if (irql != PASSIVE_LEVEL)
    {
        vf_report("SM-01", a->owner, VF_CB_NONE, site,
                  "%s at %s; it may be called only at PASSIVE_LEVEL (Windows: bug check 0x7C/0x01 "
                  "ALLOCATE_SHARED_MEM_HIGH_IRQL); no memory was allocated",
                  api, vf_irql_name(irql));
        return;
    }
    if (!ndis_hw_claim_check(a, api, site, NDIS_CLAIM_INIT_ONLY))
        return;
    if (!ndis_dma_registered(a))
    {
        vf_report("IN-03", a->owner, VF_CB_NONE, site,
                  "%s before NdisMRegisterScatterGatherDma: shared memory needs a DMA channel the driver registered "
                  "first; no memory was allocated",
                  api);
        return;
    }
    /* Policy: a zero Length allocates nothing; the driver sees the failure it must handle. */
    if (!Length)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with Length 0", api);
        in08_note_failure(a, site);
        return;
    }
    if (vf_should_fail(api, site))
    {
        in08_note_failure(a, site);
        return;
    }
    ndis_sm_block *b = block_new(a, Length, Cached, site);
    if (!b)
    {
        in08_note_failure(a, site);
        return;
    }
    *VirtualAddress = b->va;
    PhysicalAddress->QuadPart = (LONGLONG)b->bus;
}

/* ---- NdisMAllocateSharedMemoryAsyncEx --------------------------------------------------------- */

/* Takes req off the pending list and wakes whoever waits for the list to drain. */
static void async_done(ndis_dma_state *s, ndis_sm_async *req)
{
    exec_mutex_lock(&s->lock);
    for (ndis_sm_async **pp = &s->pending; *pp; pp = &(*pp)->next)
        if (*pp == req)
        {
            *pp = req->next;
            break;
        }
    __atomic_sub_fetch(&s->pending_count, 1, __ATOMIC_SEQ_CST);
    exec_mutex_unlock(&s->lock);
    exec_wake_u32(&s->pending_count, INT32_MAX);
    free(req);
}

/* Calls MiniportSharedMemoryAllocateComplete at PASSIVE_LEVEL on the calling (host) thread. */
static void async_deliver(ndis_sm_async *req)
{
    ndis_adapter *a = req->a;
    if (vf_owner_is_dead(a->owner))
        return;
    vf_frame f;
    vf_enter(&f, VF_CB_SHARED_MEM_COMPLETE, a->owner);
    uint8_t saved = vf_irql();
    vf_set_irql(PASSIVE_LEVEL);
    ndis_sm_block *b = req->fail ? NULL : block_new(a, req->length, req->cached, req->site);
    NDIS_PHYSICAL_ADDRESS pa;
    pa.QuadPart = b ? (LONGLONG)b->bus : 0;
    req->handler(a->context, b ? b->va : NULL, &pa, req->length, req->context);
    vf_set_irql(saved);
    vf_leave(&f);
}

static void async_work(kernel_work *w)
{
    ndis_sm_async *req = CONTAINING_RECORD(w, ndis_sm_async, work);
    ndis_dma_state *s = ndis_dma_state_get(req->a);
    async_deliver(req);
    async_done(s, req);
}

NDIS_STATUS NdisMAllocateSharedMemoryAsyncEx(NDIS_HANDLE MiniportDmaHandle, ULONG Length, BOOLEAN Cached, PVOID Context)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMAllocateSharedMemoryAsyncEx";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_sg_dma *d = ndis_dma_from_handle(MiniportDmaHandle, api, site);
    if (!d)
        return NDIS_STATUS_FAILURE;
    ndis_adapter *a = ndis_dma_adapter(d);
    in08_lazy(a);
    MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER h = ndis_dma_complete_handler(d);
    if (!h)
    {
        vf_report("SM-02", a->owner, VF_CB_NONE, site,
                  "%s, but the driver registered no SharedMemAllocateCompleteHandler in the NDIS_SG_DMA_DESCRIPTION "
                  "it gave NdisMRegisterScatterGatherDma: there is no MiniportSharedMemoryAllocateComplete to complete "
                  "the request (NDIS_STATUS_FAILURE)",
                  api);
        return NDIS_STATUS_FAILURE;
    }
    if (!Length)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with Length 0", api);
        return NDIS_STATUS_FAILURE;
    }
    ndis_sm_async *req = calloc(1, sizeof *req);
    if (!req)
        return NDIS_STATUS_FAILURE; /* "could not be allocated at this time" */
    req->work.fn = async_work;
    req->a = a;
    req->handler = h;
    req->length = Length;
    req->cached = Cached;
    req->context = Context;
    req->site = site;
    req->fail = vf_should_fail(api, site);
    ndis_dma_state *s = ndis_dma_state_get(a);
    exec_mutex_lock(&s->lock);
    req->next = s->pending;
    s->pending = req;
    __atomic_add_fetch(&s->pending_count, 1, __ATOMIC_SEQ_CST);
    exec_mutex_unlock(&s->lock);
    kernel_work_queue(&req->work);
    return NDIS_STATUS_PENDING;
}

/* Every request not yet started is taken off the work queue and delivered here (deliver) or
 * dropped; then the ones a worker is running are waited for. */
static void async_drain(ndis_adapter *a, bool deliver)
{
    ndis_dma_state *s = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (!s)
        return;
    for (;;)
    {
        ndis_sm_async *mine = NULL;
        exec_mutex_lock(&s->lock);
        for (ndis_sm_async *r = s->pending; r; r = r->next)
            if (kernel_work_cancel(&r->work))
            {
                mine = r;
                break;
            }
        exec_mutex_unlock(&s->lock);
        if (!mine)
            break;
        if (deliver)
            async_deliver(mine);
        async_done(s, mine);
    }
    for (;;)
    {
        uint32_t n = __atomic_load_n(&s->pending_count, __ATOMIC_SEQ_CST);
        if (!n)
            break;
        exec_wait_u32(&s->pending_count, n, -1);
    }
}

void ndis_shared_memory_before_halt(ndis_adapter *a)
{
    in08_lazy(a);
    async_drain(a, true);
}

/* ---- NdisMFreeSharedMemory ----------------------------------------------------------------------- */

static const char *site_text(void *site, char *buf, size_t n)
{
    vf_site vs;
    vf_symbolize_return(site, &vs);
    if (vs.file)
        snprintf(buf, n, "%s:%d", vs.file, vs.line);
    else if (vs.module)
        snprintf(buf, n, "%s+0x%" PRIxPTR, vs.module, vs.offset);
    else
        snprintf(buf, n, "%p", site);
    return buf;
}

VOID NdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached, PVOID VirtualAddress,
                           NDIS_PHYSICAL_ADDRESS PhysicalAddress)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMFreeSharedMemory";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return;
    in08_lazy(a);
    /* SD-03 (SDV NdisMFreeSharedMemory). Policy: reported, then the free is carried out. */
    if (vf_in_callback_mask(1ull << VF_CB_SHUTDOWN))
        vf_report("SD-03", a->owner, VF_CB_SHUTDOWN, site,
                  "%s called from MiniportShutdownEx; shutdown only puts the hardware in a known state", api);
    ndis_dma_state *s = ndis_dma_state_get(a);
    vf_res *r = VirtualAddress ? vf_ledger_find(VF_RES_SHARED_MEMORY, VirtualAddress) : NULL;
    ndis_sm_block *b = r ? CONTAINING_RECORD(r, ndis_sm_block, res) : NULL;
    if (b && b->a != a)
    {
        vf_report("SM-03", a->owner, VF_CB_NONE, site,
                  "%s(%p): the block was allocated for %s, not for %s; it was not freed", api, VirtualAddress,
                  b->a->name, a->name);
        return;
    }
    if (!b)
    {
        ndis_sm_freed hit = {0};
        bool freed = false, inside = false;
        ULONG in_len = 0;
        void *in_va = NULL;
        exec_mutex_lock(&s->lock);
        for (ndis_sm_block *x = s->blocks; x; x = x->next)
            if ((uint8_t *)VirtualAddress > (uint8_t *)x->va &&
                (uint8_t *)VirtualAddress < (uint8_t *)x->va + x->length)
            {
                inside = true;
                in_va = x->va;
                in_len = x->length;
                break;
            }
        for (unsigned k = 1; !inside && k <= NDIS_SM_FREED_MAX; k++)
        {
            ndis_sm_freed *e = &s->freed[(s->freed_next + NDIS_SM_FREED_MAX - k) % NDIS_SM_FREED_MAX];
            if (VirtualAddress && e->va == VirtualAddress)
            {
                hit = *e;
                freed = true;
                break;
            }
        }
        exec_mutex_unlock(&s->lock);
        char where[300];
        if (inside)
            vf_report("SM-03", a->owner, VF_CB_NONE, site,
                      "%s(%p, Length %u): a sub-range of the block of %u bytes at %p; only a whole block, with the "
                      "parameters of its allocation, can be freed; nothing was freed",
                      api, VirtualAddress, (unsigned)Length, (unsigned)in_len, in_va);
        else if (freed)
            vf_report("SM-03", a->owner, VF_CB_NONE, site,
                      "%s(%p): the block was already freed, at %s (Windows: bug check 0x7C/0x03 "
                      "FREE_INVALID_SHARED_MEM)",
                      api, VirtualAddress, site_text(hit.free_site, where, sizeof where));
        else
            vf_report("SM-03", a->owner, VF_CB_NONE, site,
                      "%s(%p): not a block NdisMAllocateSharedMemory or NdisMAllocateSharedMemoryAsyncEx gave this "
                      "adapter",
                      api, VirtualAddress);
        return;
    }

    char diff[256] = "";
    size_t off = 0;
    if (Length != b->length)
        off += (size_t)snprintf(diff + off, sizeof diff - off, ", Length %u (allocated: %u)", (unsigned)Length,
                                (unsigned)b->length);
    if ((Cached != 0) != (b->cached != 0))
        off += (size_t)snprintf(diff + off, sizeof diff - off, ", Cached %s (allocated: %s)", Cached ? "TRUE" : "FALSE",
                                b->cached ? "TRUE" : "FALSE");
    if ((uint64_t)PhysicalAddress.QuadPart != b->bus && off < sizeof diff)
        snprintf(diff + off, sizeof diff - off, ", PhysicalAddress 0x%" PRIx64 " (allocated: 0x%" PRIx64 ")",
                 (uint64_t)PhysicalAddress.QuadPart, b->bus);
    /* Policy: a free naming a live block is carried out even when the other parameters differ. */
    if (diff[0])
        vf_report("SM-03", a->owner, VF_CB_NONE, site,
                  "%s(%p) with parameters that differ from the allocation%s; they must match exactly", api,
                  VirtualAddress, diff);
    long where_off;
    if (guard_damage(b, &where_off))
        vf_report("SM-03", a->owner, VF_CB_NONE, site,
                  "%s(%p): memory %s the block of %u bytes was overwritten (%ld bytes %s it; Windows: bug check "
                  "0x7C/0x02 SHARED_MEM_CORRUPTION)",
                  api, VirtualAddress, where_off < 0 ? "before" : "after", (unsigned)b->length,
                  where_off < 0 ? -where_off : where_off + 1, where_off < 0 ? "before" : "past the end of");

    block_unlink(s, b);
    exec_mutex_lock(&s->lock);
    s->freed[s->freed_next] = (ndis_sm_freed){b->va, b->length, b->bus, site};
    s->freed_next = (s->freed_next + 1) % NDIS_SM_FREED_MAX;
    exec_mutex_unlock(&s->lock);
    vf_ledger_remove(&b->res);
    block_destroy(b, api, site, vf_current_callback());
}

/* ---- the device side ------------------------------------------------------------------------------ */

void *ndis_shared_memory_dma_map(ndis_adapter *a, uint64_t bus_addr, size_t len, bool writing)
{
    return ndis_bus_resolve(a, bus_addr, len, writing);
}

/* ---- instance end, adapter destruction ----------------------------------------------------------- */

void ndis_shared_memory_instance_end(ndis_adapter *a, const char *when)
{
    (void)when;
    ndis_dma_state *s = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (!s)
        return;
    async_drain(a, false);
    /* After a failed initialize this is exact: the instance ended the moment it returned. */
    ndis_shared_memory_check_in08(a);
    exec_mutex_lock(&s->lock);
    memset(s->freed, 0, sizeof s->freed);
    s->freed_next = 0;
    exec_mutex_unlock(&s->lock);
}

void ndis_shared_memory_adapter_destroy(ndis_adapter *a)
{
    ndis_dma_state *s = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (!s)
        return;
    async_drain(a, false);
    for (;;)
    {
        exec_mutex_lock(&s->lock);
        ndis_sm_block *b = s->blocks;
        if (b)
            s->blocks = b->next;
        exec_mutex_unlock(&s->lock);
        if (!b)
            break;
        vf_ledger_remove(&b->res);
        block_destroy(b, "host reclaim", NULL, VF_CB_NONE);
    }
}

/* Scatter/gather DMA: NdisMRegisterScatterGatherDma / NdisMDeregisterScatterGatherDma,
 * NdisMAllocateNetBufferSGList / NdisMFreeNetBufferSGList, NdisMGetDmaAlignment; and the per-adapter
 * DMA state that shared_memory.c shares (dma_internal.h).
 *
 * A registration is a ledger entry (VF_RES_DMA, HA-09). A scatter/gather list maps each piece of
 * the NET_BUFFER's data to a bus address of its own (bus_space.c), so that the NIC reaches exactly
 * that data and nothing after NdisMFreeNetBufferSGList. Each list is a ledger entry too (VF_RES_DMA,
 * keyed by the list pointer, for an O(1) check at free), but outstanding lists are reported by
 * ndis_dma_instance_end with a message of their own before the ledger's generic leftovers.
 *
 * Policy (leftover scatter/gather lists): HA-09 at halt return (IN-04 after a failed initialize).
 * A list holds map registers of the DMA channel the driver registered; returning them is part of
 * releasing the DMA claim that HA-09 covers (Init_RegisterSG pairs the registration with its
 * deregistration, which cannot be complete while lists are mapped). One finding per instance names
 * how many lists were left and the oldest one's call site. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dma_internal.h"

#define SG_DMA_MAGIC 0x414d4453u  /* 'SDMA' */
#define SG_LIST_MAGIC 0x4c474753u /* 'SGGL' */

struct ndis_sg_dma
{
    vf_res res; /* VF_RES_DMA, key: this registration (the NdisMiniportDmaHandle) */
    uint32_t magic;
    ndis_adapter *a;
    NDIS_SG_DMA_DESCRIPTION desc; /* copy; ScatterGatherListSize as returned */
    struct ndis_sg_list *lists;   /* outstanding lists, newest first */
    ndis_sg_dma *next;
};

typedef struct ndis_sg_list
{
    vf_res res; /* VF_RES_DMA, key: the SCATTER_GATHER_LIST the driver was given */
    uint32_t magic;
    ndis_sg_dma *dma;
    SCATTER_GATHER_LIST *sgl;
    bool own_buffer; /* NDIS allocated the list (no or too small a caller buffer) */
    PNET_BUFFER nb;
    ULONG n;
    uint64_t *bus; /* what was mapped, whatever the driver later writes into the list */
    struct ndis_sg_list *prev, *next;
} ndis_sg_list;

/* The device object MiniportProcessSGList gets. Policy: a host placeholder; the host has no device
 * stack, and the documented use of the parameter is none. */
static DEVICE_OBJECT g_dma_device;

/* ---- per-adapter state ---------------------------------------------------------------------------- */

ndis_dma_state *ndis_dma_state_get(ndis_adapter *a)
{
    ndis_dma_state *d = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (d)
        return d;
    ndis_dma_state *n = calloc(1, sizeof *n);
    if (!n)
        abort();
    if (!__atomic_compare_exchange_n(&a->dma, &d, n, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    {
        free(n);
        return d;
    }
    return n;
}

bool ndis_dma_registered(ndis_adapter *a)
{
    ndis_dma_state *s = ndis_dma_state_get(a);
    exec_mutex_lock(&s->lock);
    bool r = s->dmas != NULL;
    exec_mutex_unlock(&s->lock);
    return r;
}

ndis_adapter *ndis_dma_adapter(const ndis_sg_dma *d)
{
    return d->a;
}

MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER ndis_dma_complete_handler(const ndis_sg_dma *d)
{
    return d->desc.SharedMemAllocateCompleteHandler;
}

ndis_sg_dma *ndis_dma_from_handle(NDIS_HANDLE h, const char *api, void *site)
{
    vf_res *r = h ? vf_ledger_find(VF_RES_DMA, h) : NULL;
    ndis_sg_dma *d = (ndis_sg_dma *)h;
    if (!r || r != &d->res || d->magic != SG_DMA_MAGIC)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "%s(%p): not an NdisMiniportDmaHandle from NdisMRegisterScatterGatherDma, or already deregistered",
                  api, h);
        return NULL;
    }
    return d;
}

/* ---- scatter/gather lists ------------------------------------------------------------------------ */

/* Unmaps and forgets a list; the caller has taken it off the ledger (or the ledger did). */
static void sg_list_release(ndis_sg_list *l, const char *free_api, void *free_site, vf_callback free_cb)
{
    for (ULONG i = 0; i < l->n; i++)
        ndis_bus_unmap(l->bus[i], free_api, free_site, free_cb);
    if (l->own_buffer)
        free(l->sgl);
    l->magic = 0;
    free(l->bus);
    free(l);
}

/* Takes l off its registration's list. Registration state lock held by the caller. */
static void sg_list_unlink(ndis_sg_list *l)
{
    if (l->prev)
        l->prev->next = l->next;
    else
        l->dma->lists = l->next;
    if (l->next)
        l->next->prev = l->prev;
    l->prev = l->next = NULL;
}

static void sg_list_reclaim(vf_res *r)
{
    ndis_sg_list *l = CONTAINING_RECORD(r, ndis_sg_list, res);
    ndis_dma_state *s = ndis_dma_state_get(l->dma->a);
    exec_mutex_lock(&s->lock);
    sg_list_unlink(l);
    exec_mutex_unlock(&s->lock);
    sg_list_release(l, "host reclaim", NULL, VF_CB_NONE);
}

/* Counts the elements of the documented list for nb: from the start of CurrentMdl's data through
 * CurrentMdlOffset + DataLength bytes, one element per host page piece. Returns false (and sets
 * *why) when the MDL chain holds fewer bytes than that. */
static bool sg_count(PNET_BUFFER nb, ULONG *count, const char **why)
{
    size_t want = (size_t)NET_BUFFER_CURRENT_MDL_OFFSET(nb) + NET_BUFFER_DATA_LENGTH(nb);
    ULONG n = 0;
    unsigned guard = 0;
    for (PMDL m = NET_BUFFER_CURRENT_MDL(nb); want && m; m = m->Next)
    {
        if (++guard > 65536)
        {
            *why = "its MDL chain does not end";
            return false;
        }
        size_t take = MmGetMdlByteCount(m) < want ? MmGetMdlByteCount(m) : want;
        uintptr_t va = (uintptr_t)MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
        if (take && !va)
        {
            *why = "an MDL of its chain has no address";
            return false;
        }
        for (uintptr_t p = va, end = va + take; p < end;)
        {
            uintptr_t page_end = (p & ~(uintptr_t)(NDIS_BUS_PAGE - 1)) + NDIS_BUS_PAGE;
            p = page_end < end ? page_end : end;
            n++;
        }
        want -= take;
    }
    if (want)
    {
        *why = "its MDL chain holds fewer bytes than CurrentMdlOffset + DataLength";
        return false;
    }
    *count = n;
    return true;
}

/* Policy (what the list covers): as the NdisMAllocateNetBufferSGList page documents, the list is
 * generated from the beginning of the MDL at CurrentMdl, and the network data starts
 * CurrentMdlOffset bytes into it; it ends with the NET_BUFFER's last data byte. Each element is a
 * piece that does not cross a host page, as physically discontiguous pages would be, with a bus
 * address of its own. */
static bool sg_fill(ndis_sg_list *l, PNET_BUFFER nb, ndis_adapter *a, void *site)
{
    size_t want = (size_t)NET_BUFFER_CURRENT_MDL_OFFSET(nb) + NET_BUFFER_DATA_LENGTH(nb);
    ULONG i = 0;
    for (PMDL m = NET_BUFFER_CURRENT_MDL(nb); want && m; m = m->Next)
    {
        size_t take = MmGetMdlByteCount(m) < want ? MmGetMdlByteCount(m) : want;
        uintptr_t va = (uintptr_t)MmGetSystemAddressForMdlSafe(m, NormalPagePriority);
        for (uintptr_t p = va, end = va + take; p < end; i++)
        {
            uintptr_t page_end = (p & ~(uintptr_t)(NDIS_BUS_PAGE - 1)) + NDIS_BUS_PAGE;
            uintptr_t q = page_end < end ? page_end : end;
            uint64_t bus = ndis_bus_map(a, (void *)p, q - p, NDIS_BUS_SG_LIST, site, vf_current_callback());
            if (!bus)
                return false;
            l->bus[i] = bus;
            l->n = i + 1;
            l->sgl->Elements[i].Address.QuadPart = (LONGLONG)bus;
            l->sgl->Elements[i].Length = (ULONG)(q - p);
            l->sgl->Elements[i].Reserved = 0;
            p = q;
        }
        want -= take;
    }
    l->sgl->NumberOfElements = l->n;
    l->sgl->Reserved = 0;
    return true;
}

NDIS_STATUS NdisMAllocateNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PNET_BUFFER NetBuffer, PVOID Context,
                                         ULONG Flags, PVOID ScatterGatherListBuffer, ULONG ScatterGatherListBufferSize)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMAllocateNetBufferSGList";
    /* Policy: the page gives DISPATCH_LEVEL; drivers call it from MiniportSendNetBufferLists, which
     * runs at or below DISPATCH_LEVEL, so anything up to DISPATCH_LEVEL is accepted. */
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_sg_dma *d = ndis_dma_from_handle(NdisMiniportDmaHandle, api, site);
    if (!d)
        return NDIS_STATUS_FAILURE;
    ndis_adapter *a = d->a;
    (void)Flags; /* the direction: the simulated IOMMU maps both ways */
    if (!NetBuffer)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with a NULL NetBuffer", api);
        return NDIS_STATUS_FAILURE;
    }
    ULONG n = 0;
    const char *why = NULL;
    if (!sg_count(NetBuffer, &n, &why))
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s: NET_BUFFER %p is malformed: %s", api, (void *)NetBuffer,
                  why);
        return NDIS_STATUS_FAILURE;
    }
    if (vf_should_fail(api, site))
        return NDIS_STATUS_RESOURCES;

    ndis_sg_list *l = calloc(1, sizeof *l);
    size_t need = sizeof(SCATTER_GATHER_LIST) + (size_t)n * sizeof(SCATTER_GATHER_ELEMENT);
    if (!l || !(l->bus = calloc(n ? n : 1, sizeof *l->bus)))
    {
        free(l);
        return NDIS_STATUS_RESOURCES;
    }
    /* The caller's buffer, unless it is too small or still holds an outstanding list (the page
     * allows NDIS to allocate whenever it likes; the driver must use the list it is given). */
    bool use_caller = ScatterGatherListBuffer && ScatterGatherListBufferSize >= need &&
                      !vf_ledger_find(VF_RES_DMA, ScatterGatherListBuffer);
    l->sgl = use_caller ? ScatterGatherListBuffer : malloc(need);
    l->own_buffer = !use_caller;
    if (!l->sgl)
    {
        free(l->bus);
        free(l);
        return NDIS_STATUS_RESOURCES;
    }
    l->magic = SG_LIST_MAGIC;
    l->dma = d;
    l->nb = NetBuffer;
    if (!sg_fill(l, NetBuffer, a, site))
    {
        sg_list_release(l, api, site, vf_current_callback());
        return NDIS_STATUS_RESOURCES;
    }
    l->res.kind = VF_RES_DMA;
    l->res.key = l->sgl;
    l->res.size = n;
    l->res.reclaim = sg_list_reclaim;
    ndis_dma_state *s = ndis_dma_state_get(a);
    exec_mutex_lock(&s->lock);
    l->next = d->lists;
    if (d->lists)
        d->lists->prev = l;
    d->lists = l;
    exec_mutex_unlock(&s->lock);
    vf_ledger_insert(&l->res, a->owner, site);

    /* Policy: HAL may call MiniportProcessSGList before or after this call returns; the host calls
     * it before, on the caller's thread, at DISPATCH_LEVEL (its documented IRQL), in the caller's
     * callback context. */
    uint8_t saved = vf_irql();
    if (saved < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    d->desc.ProcessSGListHandler(&g_dma_device, NULL, l->sgl, Context);
    vf_set_irql(saved);
    return NDIS_STATUS_SUCCESS;
}

VOID NdisMFreeNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PSCATTER_GATHER_LIST pSGL, PNET_BUFFER NetBuffer)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMFreeNetBufferSGList";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_sg_dma *d = ndis_dma_from_handle(NdisMiniportDmaHandle, api, site);
    if (!d)
        return;
    ndis_adapter *a = d->a;
    vf_res *r = pSGL ? vf_ledger_find(VF_RES_DMA, pSGL) : NULL;
    ndis_sg_list *l = r ? CONTAINING_RECORD(r, ndis_sg_list, res) : NULL;
    if (!l || l->magic != SG_LIST_MAGIC)
    {
        vf_report("AP-01", a->owner, VF_CB_NONE, site,
                  "%s(%p): not a scatter/gather list NdisMAllocateNetBufferSGList handed out, or already freed", api,
                  (void *)pSGL);
        return;
    }
    if (l->dma != d)
        vf_report("AP-01", a->owner, VF_CB_NONE, site,
                  "%s(%p): the list was allocated with another NdisMiniportDmaHandle", api, (void *)pSGL);
    if (NetBuffer != l->nb)
        vf_report("AP-02", a->owner, VF_CB_NONE, site,
                  "%s(%p): NetBuffer is %p, but the list was allocated for NET_BUFFER %p", api, (void *)pSGL,
                  (void *)NetBuffer, (void *)l->nb);
    ndis_dma_state *s = ndis_dma_state_get(l->dma->a);
    exec_mutex_lock(&s->lock);
    sg_list_unlink(l);
    exec_mutex_unlock(&s->lock);
    vf_ledger_remove(&l->res);
    sg_list_release(l, api, site, vf_current_callback());
}

/* ---- registration ------------------------------------------------------------------------------ */

#define SG_DMA_KNOWN_FLAGS (NDIS_SG_DMA_64_BIT_ADDRESS | NDIS_SG_DMA_V3_HAL_API | NDIS_SG_DMA_HYBRID_DMA)

/* Releases every outstanding list of d (deregistration or reclaim). Returns how many there were and
 * the oldest one's site. */
static ULONG release_lists(ndis_sg_dma *d, void **oldest_site, vf_callback *oldest_cb, const char *api, void *site)
{
    ndis_dma_state *s = ndis_dma_state_get(d->a);
    ULONG n = 0;
    for (;;)
    {
        exec_mutex_lock(&s->lock);
        ndis_sg_list *l = d->lists;
        if (l)
            sg_list_unlink(l);
        exec_mutex_unlock(&s->lock);
        if (!l)
            break;
        n++;
        if (oldest_site)
            *oldest_site = l->res.site; /* the list is newest first: the last one seen is the oldest */
        if (oldest_cb)
            *oldest_cb = l->res.acquired_in;
        vf_ledger_remove(&l->res);
        sg_list_release(l, api, site, vf_current_callback());
    }
    return n;
}

static void dma_unlink(ndis_sg_dma *d)
{
    ndis_dma_state *s = ndis_dma_state_get(d->a);
    exec_mutex_lock(&s->lock);
    for (ndis_sg_dma **pp = &s->dmas; *pp; pp = &(*pp)->next)
        if (*pp == d)
        {
            *pp = d->next;
            break;
        }
    exec_mutex_unlock(&s->lock);
}

static void dma_reclaim(vf_res *r)
{
    ndis_sg_dma *d = CONTAINING_RECORD(r, ndis_sg_dma, res);
    release_lists(d, NULL, NULL, "host reclaim", NULL);
    dma_unlink(d);
    d->magic = 0;
    free(d);
}

NDIS_STATUS NdisMRegisterScatterGatherDma(NDIS_HANDLE MiniportAdapterHandle, PNDIS_SG_DMA_DESCRIPTION DmaDescription,
                                          PNDIS_HANDLE NdisMiniportDmaHandle)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMRegisterScatterGatherDma";
    vf_check_irql_eq(PASSIVE_LEVEL, api, site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    /* Policy: the statuses for a NULL pointer are the host's (Windows would fault); the documented
     * ones are kept for what the page describes. */
    if (!a)
        return NDIS_STATUS_FAILURE;
    if (!NdisMiniportDmaHandle || !DmaDescription)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with a NULL %s", api,
                  !DmaDescription ? "DmaDescription" : "NdisMiniportDmaHandle");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    *NdisMiniportDmaHandle = NULL;
    if (!ndis_hw_claim_check(a, api, site, NDIS_CLAIM_INIT_ONLY | NDIS_CLAIM_NEEDS_REG_ATTRS))
        return NDIS_STATUS_NOT_SUPPORTED;
    /* IN-03: NOT_SUPPORTED unless the driver declared NDIS 6.0 or later and a bus master NIC. */
    if (a->driver->chars.MajorNdisVersion < 6 || !(a->reg_attrs.AttributeFlags & NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER))
    {
        vf_report("IN-03", a->owner, VF_CB_NONE, site,
                  "%s: the driver %s; scatter/gather DMA is for NDIS 6 bus-master NICs (NDIS_STATUS_NOT_SUPPORTED)",
                  api,
                  a->driver->chars.MajorNdisVersion < 6
                      ? "declared an NDIS version before 6.0"
                      : "did not set NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER in its registration attributes");
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    const NDIS_SG_DMA_DESCRIPTION *dd = DmaDescription;
    if (dd->Header.Type != NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION ||
        dd->Header.Revision < NDIS_SG_DMA_DESCRIPTION_REVISION_1 ||
        dd->Header.Revision > NDIS_SG_DMA_DESCRIPTION_REVISION_2 ||
        dd->Header.Size < NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site,
                  "%s: NDIS_SG_DMA_DESCRIPTION header Type 0x%02x Revision %u Size %u; expected Type 0x%02x, Revision "
                  "%u or %u, Size >= %u (NDIS_STATUS_BAD_VERSION)",
                  api, dd->Header.Type, dd->Header.Revision, dd->Header.Size, NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION,
                  NDIS_SG_DMA_DESCRIPTION_REVISION_1, NDIS_SG_DMA_DESCRIPTION_REVISION_2,
                  (unsigned)NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1);
        return NDIS_STATUS_BAD_VERSION;
    }
    if (dd->Flags & ~(ULONG)SG_DMA_KNOWN_FLAGS)
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s: unknown Flags 0x%x in NDIS_SG_DMA_DESCRIPTION", api,
                  (unsigned)(dd->Flags & ~(ULONG)SG_DMA_KNOWN_FLAGS));
    if (!dd->ProcessSGListHandler || !dd->MaximumPhysicalMapping)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s: NDIS_SG_DMA_DESCRIPTION has %s", api,
                  !dd->ProcessSGListHandler ? "no ProcessSGListHandler (MiniportProcessSGList)"
                                            : "MaximumPhysicalMapping 0");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_should_fail(api, site))
        return NDIS_STATUS_RESOURCES;

    ndis_sg_dma *d = calloc(1, sizeof *d);
    if (!d)
        return NDIS_STATUS_RESOURCES;
    d->magic = SG_DMA_MAGIC;
    d->a = a;
    memcpy(&d->desc, dd, sizeof d->desc);
    /* Enough for a transfer of MaximumPhysicalMapping bytes starting anywhere in a page; a larger
     * NET_BUFFER still gets a list, in storage NDIS allocates. */
    uint64_t elems = (uint64_t)dd->MaximumPhysicalMapping / NDIS_BUS_PAGE + 2;
    uint64_t size = sizeof(SCATTER_GATHER_LIST) + elems * sizeof(SCATTER_GATHER_ELEMENT);
    d->desc.ScatterGatherListSize = size > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)size;
    DmaDescription->ScatterGatherListSize = d->desc.ScatterGatherListSize;
    d->res.kind = VF_RES_DMA;
    d->res.key = d;
    d->res.reclaim = dma_reclaim;
    ndis_dma_state *s = ndis_dma_state_get(a);
    exec_mutex_lock(&s->lock);
    d->next = s->dmas;
    s->dmas = d;
    exec_mutex_unlock(&s->lock);
    vf_ledger_insert(&d->res, a->owner, site);
    *NdisMiniportDmaHandle = d;
    return NDIS_STATUS_SUCCESS;
}

VOID NdisMDeregisterScatterGatherDma(NDIS_HANDLE NdisMiniportDmaHandle)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMDeregisterScatterGatherDma";
    vf_check_irql_eq(PASSIVE_LEVEL, api, site);
    ndis_sg_dma *d = ndis_dma_from_handle(NdisMiniportDmaHandle, api, site);
    if (!d)
        return;
    ndis_adapter *a = d->a;
    void *oldest = NULL;
    vf_callback oldest_cb = VF_CB_NONE;
    ULONG n = release_lists(d, &oldest, &oldest_cb, api, site);
    if (n)
        vf_report("HA-09", a->owner, VF_CB_NONE, site,
                  "%s while %u scatter/gather list(s) from NdisMAllocateNetBufferSGList were not freed with "
                  "NdisMFreeNetBufferSGList (the oldest was allocated in %s); the host unmapped them",
                  api, (unsigned)n, vf_callback_name(oldest_cb));
    vf_ledger_remove(&d->res);
    dma_unlink(d);
    d->magic = 0;
    free(d);
}

ULONG NdisMGetDmaAlignment(NDIS_HANDLE MiniportAdapterHandle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisMGetDmaAlignment", site);
    (void)ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMGetDmaAlignment", site);
    return 64; /* the x64 data-cache line */
}

/* ---- instance end, adapter destruction ---------------------------------------------------------- */

void ndis_dma_instance_end(ndis_adapter *a, const char *when)
{
    ndis_dma_state *s = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (!s)
        return;
    ndis_shared_memory_instance_end(a, when);
    ULONG total = 0;
    void *oldest = NULL;
    vf_callback oldest_cb = VF_CB_NONE;
    for (;;)
    {
        exec_mutex_lock(&s->lock);
        ndis_sg_dma *d = s->dmas;
        while (d && !d->lists)
            d = d->next;
        exec_mutex_unlock(&s->lock);
        if (!d)
            break;
        total += release_lists(d, &oldest, &oldest_cb, "host reclaim", NULL);
    }
    if (total)
    {
        bool failed_init = !a->halt_started;
        vf_report(failed_init ? "IN-04" : "HA-09", a->owner, oldest_cb, oldest,
                  "%u scatter/gather list(s) from NdisMAllocateNetBufferSGList still mapped when %s (site: the "
                  "oldest one's allocation); NdisMFreeNetBufferSGList each before deregistering the DMA",
                  (unsigned)total, when ? when : "the instance ended");
    }
    __atomic_store_n(&s->bad_dma_reports, 0, __ATOMIC_RELAXED);
}

void ndis_dma_adapter_destroy(ndis_adapter *a)
{
    ndis_dma_state *s = __atomic_load_n(&a->dma, __ATOMIC_ACQUIRE);
    if (!s)
    {
        ndis_bus_forget_adapter(a);
        return;
    }
    /* After a shutdown nothing was reclaimed: take what is left off the ledger before it is freed. */
    ndis_shared_memory_adapter_destroy(a);
    for (;;)
    {
        exec_mutex_lock(&s->lock);
        ndis_sg_dma *d = s->dmas;
        exec_mutex_unlock(&s->lock);
        if (!d)
            break;
        vf_ledger_remove(&d->res);
        dma_reclaim(&d->res);
    }
    ndis_bus_forget_adapter(a);
    a->dma = NULL;
    free(s);
}

/* NET_BUFFER pools and NET_BUFFERs: allocation and free, pool-allocated data (MDL and data in
 * the NET_BUFFER's own slot), data access (NdisGetDataBuffer, copies) and moving the data start
 * (advance / retreat).
 *
 * The used data of a NET_BUFFER starts DataOffset bytes into its MDL chain; CurrentMdl and
 * CurrentMdlOffset point at that byte. Every function here recomputes them from MdlChain and
 * DataOffset rather than trusting a driver to have kept them consistent. */
#include <stdlib.h>
#include <string.h>

#include "nbl_pool.h"

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

size_t ndis_nb_slot_extra(ULONG data_size)
{
    return data_size ? align16(sizeof(MDL)) + align16(data_size) : 0;
}

void ndis_nb_init_pool_data(ndis_item_hdr *nbh, ULONG data_size)
{
    PNET_BUFFER nb = nbh->self;
    PMDL m = (PMDL)((char *)nb + align16(sizeof(NET_BUFFER)));
    void *data = (char *)m + align16(sizeof(MDL));
    ndis_mdl_init(m, data, data_size);
    nb->MdlChain = m;
    nb->CurrentMdl = m;
    nb->CurrentMdlOffset = 0;
    nb->DataOffset = 0;
    nb->DataLength = data_size;
    nbh->flags |= NDIS_ITEM_F_POOL_DATA;
}

/* Where DataOffset lands in the chain. */
static void nb_locate(PNET_BUFFER nb)
{
    PMDL m = nb->MdlChain;
    ULONG off = nb->DataOffset;
    while (m && off >= m->ByteCount && m->Next)
    {
        off -= m->ByteCount;
        m = m->Next;
    }
    nb->CurrentMdl = m;
    nb->CurrentMdlOffset = off;
}

void ndis_nb_set_data(PNET_BUFFER nb, PMDL chain, ULONG offset, ULONG length)
{
    nb->MdlChain = chain;
    nb->DataOffset = offset;
    nb->DataLength = length;
    nb_locate(nb);
}

/* Copies between nb's used data from `offset` and a flat buffer: out of the NB into `out`, or,
 * when out is NULL, from `in` into the NB. Stops at the end of the used data. */
static ULONG nb_copy(PNET_BUFFER nb, ULONG offset, void *out, const void *in, ULONG len)
{
    PMDL m = nb->MdlChain;
    ULONG skip = nb->DataOffset + offset;
    ULONG avail = nb->DataLength > offset ? nb->DataLength - offset : 0;
    if (len > avail)
        len = avail;
    ULONG done = 0;
    while (m && done < len)
    {
        ULONG mlen = m->ByteCount;
        if (skip >= mlen)
        {
            skip -= mlen;
            m = m->Next;
            continue;
        }
        ULONG n = mlen - skip;
        if (n > len - done)
            n = len - done;
        if (out)
            memcpy((char *)out + done, ndis_mdl_va(m) + skip, n);
        else
            memcpy(ndis_mdl_va(m) + skip, (const char *)in + done, n);
        done += n;
        skip = 0;
        m = m->Next;
    }
    return done;
}

ULONG ndis_nb_copy_out(PNET_BUFFER nb, ULONG offset, void *dst, ULONG len)
{
    return nb_copy(nb, offset, dst, NULL, len);
}

static ULONG nb_copy_in(PNET_BUFFER nb, ULONG offset, const void *src, ULONG len)
{
    return nb_copy(nb, offset, NULL, src, len);
}

/* ---- pools ------------------------------------------------------------------------------------ */

/* nbl_pool.c keeps the registry and pool objects; these are its NB-side entry points. */
NDIS_HANDLE NdisAllocateNetBufferPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_POOL_PARAMETERS Parameters);

struct ndis_retreat_rec
{
    ndis_retreat_rec *next;
    PMDL new_mdl;       /* allocated by Retreat, first in the chain */
    PMDL partial;       /* host MDL for the tail of the old CurrentMdl, or NULL */
    PMDL saved_chain;   /* MdlChain before the retreat */
    ULONG saved_offset; /* DataOffset before the retreat */
    bool driver_mdl;    /* new_mdl came from the driver's NetAllocateMdl */
};

void ndis_nb_release_retreats(PNET_BUFFER nb)
{
    ndis_item_hdr *h = ndis_item_of(nb);
    ndis_retreat_rec *r = h->retreats;
    while (r)
    {
        ndis_retreat_rec *next = r->next;
        if (!r->driver_mdl)
            ndis_mdl_host_free(r->new_mdl);
        free(r->partial);
        free(r);
        r = next;
    }
    h->retreats = NULL;
}

/* ---- NET_BUFFERs ------------------------------------------------------------------------------ */

static PNET_BUFFER nb_alloc(ndis_buf_pool *p, void *site)
{
    ndis_item_hdr *h = ndis_pool_item_take(p);
    if (!h)
        return NULL;
    PNET_BUFFER nb = ndis_item_start(h, p, NDIS_ITEM_NB, site);
    nb->NdisPoolHandle = p;
    ndis_item_state_set(h, NDIS_ITEM_OWNED);
    return nb;
}

static ndis_buf_pool *nb_pool_from_handle(NDIS_HANDLE hnd, const char *api, void *site)
{
    if (!hnd || !ndis_pool_is_registered(hnd) || ((ndis_buf_pool *)hnd)->is_nbl_pool ||
        __atomic_load_n(&((ndis_buf_pool *)hnd)->freed, __ATOMIC_ACQUIRE))
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "%s: %p is not a live NET_BUFFER pool handle", api, hnd);
        return NULL;
    }
    return hnd;
}

PNET_BUFFER NdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, PMDL MdlChain, ULONG DataOffset, SIZE_T DataLength)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateNetBuffer";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_buf_pool *p = nb_pool_from_handle(PoolHandle, api, site);
    if (!p || vf_should_fail(api, site))
        return NULL;
    PNET_BUFFER nb = nb_alloc(p, site);
    if (!nb)
        return NULL;
    ndis_nb_set_data(nb, MdlChain, DataOffset, (ULONG)DataLength);
    return nb;
}

PNET_BUFFER NdisAllocateNetBufferMdlAndData(NDIS_HANDLE PoolHandle)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateNetBufferMdlAndData";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_buf_pool *p = nb_pool_from_handle(PoolHandle, api, site);
    if (!p)
        return NULL;
    if (!p->data_size)
    {
        vf_report("PO-01", p->owner, VF_CB_NONE, site, "%s needs a NET_BUFFER pool created with a DataSize", api);
        return NULL;
    }
    if (vf_should_fail(api, site))
        return NULL;
    PNET_BUFFER nb = nb_alloc(p, site);
    if (nb)
        ndis_nb_init_pool_data(ndis_item_of(nb), p->data_size);
    return nb;
}

VOID NdisFreeNetBuffer(PNET_BUFFER NetBuffer)
{
    void *site = VF_SITE();
    static const char api[] = "NdisFreeNetBuffer";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_item_hdr *h = ndis_item_lookup(NetBuffer, NDIS_ITEM_NB);
    if (!h)
    {
        vf_report("PO-02", NULL, VF_CB_NONE, site, "%s(%p): not a NET_BUFFER allocated from an NDIS pool", api,
                  (void *)NetBuffer);
        return;
    }
    if (h->flags & NDIS_ITEM_F_PREALLOC_CHILD)
    {
        vf_report("PO-03", h->pool->owner, VF_CB_NONE, site,
                  "%s on a NET_BUFFER preallocated with its NET_BUFFER_LIST; it is freed only by "
                  "NdisFreeNetBufferList",
                  api);
        return;
    }
    if (!ndis_item_state_cas(h, NDIS_ITEM_OWNED, NDIS_ITEM_FREE))
    {
        vf_report_sev("PO-04", VF_SEV_ERROR, h->pool->owner, VF_CB_NONE, site,
                      "%s on a NET_BUFFER that is already free (double free)", api);
        return;
    }
    ndis_nb_release_retreats(NetBuffer);
    ndis_pool_item_release(h);
}

NDIS_HANDLE NdisGetPoolFromNetBuffer(PNET_BUFFER NetBuffer)
{
    return NetBuffer ? NetBuffer->NdisPoolHandle : NULL;
}

/* ---- data access ------------------------------------------------------------------------------ */

PVOID NdisGetDataBuffer(PNET_BUFFER NetBuffer, ULONG BytesNeeded, PVOID Storage, UINT AlignMultiple, UINT AlignOffset)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisGetDataBuffer", site);
    if (!NetBuffer || NetBuffer->DataLength < BytesNeeded)
        return NULL;
    nb_locate(NetBuffer);
    PMDL m = NetBuffer->CurrentMdl;
    ULONG off = NetBuffer->CurrentMdlOffset;
    if (m && m->ByteCount - off >= BytesNeeded)
    {
        PUCHAR p = ndis_mdl_va(m) + off;
        /* Policy: contiguous data that misses the requested alignment is treated like data that
         * is not contiguous (copied to Storage, or NULL), instead of allocating memory for it. */
        if (AlignMultiple <= 1 || ((uintptr_t)p & (AlignMultiple - 1)) == (AlignOffset & (AlignMultiple - 1)))
            return p;
    }
    if (!Storage)
        return NULL;
    if (ndis_nb_copy_out(NetBuffer, 0, Storage, BytesNeeded) != BytesNeeded)
        return NULL;
    return Storage;
}

NDIS_STATUS NdisCopyFromNetBufferToNetBuffer(PNET_BUFFER Destination, ULONG DestinationOffset, ULONG BytesToCopy,
                                             PNET_BUFFER Source, ULONG SourceOffset, PULONG BytesCopied)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisCopyFromNetBufferToNetBuffer", site);
    if (BytesCopied)
        *BytesCopied = 0;
    if (!Destination || !Source)
        return NDIS_STATUS_FAILURE;
    unsigned char chunk[512];
    ULONG done = 0;
    while (done < BytesToCopy)
    {
        ULONG n = BytesToCopy - done;
        if (n > sizeof chunk)
            n = sizeof chunk;
        ULONG got = ndis_nb_copy_out(Source, SourceOffset + done, chunk, n);
        ULONG put = nb_copy_in(Destination, DestinationOffset + done, chunk, got);
        done += put;
        if (put < n)
            break;
    }
    if (BytesCopied)
        *BytesCopied = done;
    return done == BytesToCopy ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

ULONG NdisQueryNetBufferPhysicalCount(PNET_BUFFER NetBuffer)
{
    ULONG pages = 0;
    PMDL m = NetBuffer->MdlChain;
    ULONG skip = NetBuffer->DataOffset, left = NetBuffer->DataLength;
    while (m && left)
    {
        if (skip >= m->ByteCount)
        {
            skip -= m->ByteCount;
            m = m->Next;
            continue;
        }
        ULONG n = m->ByteCount - skip;
        if (n > left)
            n = left;
        pages += (ULONG)ADDRESS_AND_SIZE_TO_SPAN_PAGES(ndis_mdl_va(m) + skip, n);
        left -= n;
        skip = 0;
        m = m->Next;
    }
    return pages;
}

NDIS_STATUS NdisAdjustNetBufferCurrentMdl(PNET_BUFFER NetBuffer)
{
    nb_locate(NetBuffer);
    return NDIS_STATUS_SUCCESS;
}

/* ---- advance / retreat ------------------------------------------------------------------------ */

VOID NdisAdvanceNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                   NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAdvanceNetBufferDataStart", site);
    if (DataOffsetDelta > NetBuffer->DataLength)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "NdisAdvanceNetBufferDataStart by %u bytes, but the NET_BUFFER has only %u bytes of used data",
                  (unsigned)DataOffsetDelta, (unsigned)NetBuffer->DataLength);
        return;
    }
    NetBuffer->DataOffset += DataOffsetDelta;
    NetBuffer->DataLength -= DataOffsetDelta;
    ndis_item_hdr *h = ndis_item_lookup(NetBuffer, NDIS_ITEM_NB);
    /* Storage a retreat allocated is released once the data start has moved past it. */
    while (FreeMdl && h && h->retreats && NetBuffer->MdlChain == h->retreats->new_mdl &&
           NetBuffer->DataOffset >= h->retreats->new_mdl->ByteCount)
    {
        ndis_retreat_rec *r = h->retreats;
        NetBuffer->DataOffset = r->saved_offset + (NetBuffer->DataOffset - r->new_mdl->ByteCount);
        NetBuffer->MdlChain = r->saved_chain;
        h->retreats = r->next;
        if (r->driver_mdl)
        {
            if (FreeMdlHandler)
                FreeMdlHandler(r->new_mdl);
        }
        else
            ndis_mdl_host_free(r->new_mdl);
        free(r->partial);
        free(r);
    }
    nb_locate(NetBuffer);
}

static NDIS_STATUS retreat_one(PNET_BUFFER nb, ULONG delta, ULONG backfill, NET_BUFFER_ALLOCATE_MDL_HANDLER alloc,
                               const char *api, void *site)
{
    if (delta <= nb->DataOffset)
    {
        nb->DataOffset -= delta;
        nb->DataLength += delta;
        nb_locate(nb);
        return NDIS_STATUS_SUCCESS;
    }
    ndis_item_hdr *h = ndis_item_lookup(nb, NDIS_ITEM_NB);
    if (!h)
    {
        vf_report("PO-02", NULL, VF_CB_NONE, site, "%s on a NET_BUFFER that no NDIS pool allocated", api);
        return NDIS_STATUS_FAILURE;
    }
    if (vf_should_fail(api, site))
        return NDIS_STATUS_RESOURCES;
    ULONG need = delta + backfill;
    if (need < delta)
        return NDIS_STATUS_FAILURE;
    ndis_retreat_rec *r = calloc(1, sizeof *r);
    if (!r)
        return NDIS_STATUS_RESOURCES;
    PMDL m;
    if (alloc)
    {
        ULONG size = need;
        m = alloc(&size);
        if (!m || m->ByteCount < delta)
        {
            free(r);
            return NDIS_STATUS_RESOURCES;
        }
        r->driver_mdl = true;
    }
    else if (!(m = ndis_mdl_host_alloc(need)))
    {
        free(r);
        return NDIS_STATUS_RESOURCES;
    }
    nb_locate(nb);
    PMDL tail = nb->CurrentMdl;
    if (tail && nb->CurrentMdlOffset)
    {
        r->partial = calloc(1, sizeof(MDL));
        if (!r->partial)
        {
            if (!r->driver_mdl)
                ndis_mdl_host_free(m);
            free(r);
            return NDIS_STATUS_RESOURCES;
        }
        ndis_mdl_init(r->partial, ndis_mdl_va(tail) + nb->CurrentMdlOffset, tail->ByteCount - nb->CurrentMdlOffset);
        r->partial->Next = tail->Next;
        tail = r->partial;
    }
    m->Next = tail;
    r->new_mdl = m;
    r->saved_chain = nb->MdlChain;
    r->saved_offset = nb->DataOffset;
    r->next = h->retreats;
    h->retreats = r;
    nb->MdlChain = m;
    nb->DataOffset = m->ByteCount - delta;
    nb->DataLength += delta;
    nb->CurrentMdl = m;
    nb->CurrentMdlOffset = nb->DataOffset;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisRetreatNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta, ULONG DataBackFill,
                                          NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisRetreatNetBufferDataStart", site);
    return retreat_one(NetBuffer, DataOffsetDelta, DataBackFill, AllocateMdlHandler, "NdisRetreatNetBufferDataStart",
                       site);
}

VOID NdisAdvanceNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                       NET_BUFFER_FREE_MDL_HANDLER FreeMdlMdlHandler)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAdvanceNetBufferListDataStart", site);
    for (PNET_BUFFER nb = NetBufferList->FirstNetBuffer; nb; nb = nb->Next)
        NdisAdvanceNetBufferDataStart(nb, DataOffsetDelta, FreeMdl, FreeMdlMdlHandler);
}

NDIS_STATUS NdisRetreatNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList, ULONG DataOffsetDelta, ULONG DataBackFill,
                                              NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler,
                                              NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler)
{
    void *site = VF_SITE();
    static const char api[] = "NdisRetreatNetBufferListDataStart";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    for (PNET_BUFFER nb = NetBufferList->FirstNetBuffer; nb; nb = nb->Next)
    {
        NDIS_STATUS st = retreat_one(nb, DataOffsetDelta, DataBackFill, AllocateMdlHandler, api, site);
        if (st != NDIS_STATUS_SUCCESS)
        {
            /* All or nothing: undo the NET_BUFFERs already retreated. */
            for (PNET_BUFFER u = NetBufferList->FirstNetBuffer; u != nb; u = u->Next)
                NdisAdvanceNetBufferDataStart(u, DataOffsetDelta, TRUE, FreeMdlHandler);
            return st;
        }
    }
    return NDIS_STATUS_SUCCESS;
}

/* NET_BUFFER_LIST pools and NET_BUFFER_LISTs: allocation, free, context space, clones.
 *
 * A pool is a host object with a signature, its owner's ledger entry and atomic live counts. Each
 * item (NBL, or NB in net_buffer.c) is one slot: [header][NET_BUFFER_LIST][context][header][NB]
 * [MDL][data], allocated once and recycled through a FIFO quarantine so that a freed NBL stays
 * poisoned for a while: a double free, or a write after free noticed when the slot is reused, is a
 * finding. Slot memory is returned to the system only when the pool itself goes away.
 *
 * Policy (pool freed with items still allocated): the free is reported (HA-07), the handle stops
 * being usable for allocations, and the pool stays alive as a zombie until its last item is freed,
 * so that the driver's later NdisFreeNetBufferList calls neither crash nor report a second time. */
#include <stdlib.h>
#include <string.h>

#include "nbl_pool.h"

#define NBL_POISON 0xDB
#define QUARANTINE_MAX 32

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

const char *ndis_item_state_name(uint32_t s)
{
    switch (s)
    {
    case NDIS_ITEM_FREE:
        return "free";
    case NDIS_ITEM_OWNED:
        return "owned by its allocator";
    case NDIS_ITEM_INDICATED:
        return "indicated to NDIS";
    case NDIS_ITEM_LENT:
        return "inside a RESOURCES indication";
    case NDIS_ITEM_SENT:
        return "sent to the miniport";
    case NDIS_ITEM_COMPLETED:
        return "send-completed";
    default:
        return "?";
    }
}

/* ---- pool registry: lock-free open addressing set of pool pointers ---------------------------- */

#define REG_CAP 4096u
#define REG_TOMB ((void *)(uintptr_t)1)
static void *g_reg[REG_CAP];

static size_t reg_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (REG_CAP - 1);
}

static void reg_insert(void *p)
{
    size_t j = reg_hash(p);
    for (size_t n = 0; n < REG_CAP; n++, j = (j + 1) & (REG_CAP - 1))
    {
        void *cur = __atomic_load_n(&g_reg[j], __ATOMIC_ACQUIRE);
        while (cur == NULL || cur == REG_TOMB)
        {
            if (__atomic_compare_exchange_n(&g_reg[j], &cur, p, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                return;
        }
    }
    abort(); /* more than REG_CAP live pools */
}

/* Bumped by every removal. A thread remembers the last pool it found registered together with the
 * epoch it saw then; while no pool has been removed since, the same pool needs no new probe. The
 * answer is exactly as fresh as a probe's: a pool may go away right after either. */
static uint64_t g_reg_epoch;
static __thread const void *tls_reg_pool __attribute__((tls_model("initial-exec")));
static __thread uint64_t tls_reg_epoch __attribute__((tls_model("initial-exec")));

static void reg_remove(void *p)
{
    __atomic_add_fetch(&g_reg_epoch, 1, __ATOMIC_ACQ_REL);
    size_t j = reg_hash(p);
    for (size_t n = 0; n < REG_CAP; n++, j = (j + 1) & (REG_CAP - 1))
    {
        void *cur = __atomic_load_n(&g_reg[j], __ATOMIC_ACQUIRE);
        if (cur == NULL)
            return;
        if (cur == p)
        {
            __atomic_store_n(&g_reg[j], REG_TOMB, __ATOMIC_RELEASE);
            return;
        }
    }
}

bool ndis_pool_is_registered(const void *p)
{
    if (!p || p == REG_TOMB)
        return false;
    uint64_t epoch = __atomic_load_n(&g_reg_epoch, __ATOMIC_ACQUIRE);
    if (p == tls_reg_pool && epoch == tls_reg_epoch)
        return true;
    size_t j = reg_hash(p);
    for (size_t n = 0; n < REG_CAP; n++, j = (j + 1) & (REG_CAP - 1))
    {
        void *cur = __atomic_load_n(&g_reg[j], __ATOMIC_ACQUIRE);
        if (cur == NULL)
            return false;
        if (cur == p)
        {
            tls_reg_pool = p;
            tls_reg_epoch = epoch;
            return true;
        }
    }
    return false;
}

/* Reads the header in front of a pointer a driver gave us. The bytes before a foreign structure
 * are the driver's memory, not ours, so the sanitizer must not check this one read. */
__attribute__((no_sanitize("address", "thread"))) static bool probe_header(const void *item, ndis_item_kind kind,
                                                                           ndis_buf_pool **pool_out)
{
    const ndis_item_hdr *h = (const ndis_item_hdr *)((const char *)item - sizeof(ndis_item_hdr));
    uint64_t magic = h->magic;
    if (magic != NDIS_ITEM_MAGIC_LIVE && magic != NDIS_ITEM_MAGIC_FREE)
        return false;
    if (h->self != item || h->kind != kind)
        return false;
    *pool_out = h->pool;
    return true;
}

ndis_item_hdr *ndis_item_lookup(const void *item, ndis_item_kind kind)
{
    if (!item || ((uintptr_t)item & 7) != 0 || ((uintptr_t)item & 4095u) < sizeof(ndis_item_hdr) ||
        (uintptr_t)item < 4096)
        return NULL;
    ndis_buf_pool *pool = NULL;
    if (!probe_header(item, kind, &pool) || !ndis_pool_is_registered(pool))
        return NULL;
    return ndis_item_of(item);
}

/* ---- pool objects ---------------------------------------------------------------------------- */

static void pool_destroy_now(ndis_buf_pool *p)
{
    reg_remove(p);
    for (size_t i = 0; i < p->n_slots; i++)
        free(p->slots[i]);
    free(p->slots);
    p->magic = 0;
    free(p);
}

static void pool_set_ledger_size(ndis_buf_pool *p, uint32_t live)
{
    if (!p->host_owned)
        __atomic_store_n(&p->res.size, (size_t)live, __ATOMIC_RELAXED);
}

/* Items are placed so that each one's header is on the same page as the item itself: a lookup
 * then only reads memory on the page of the pointer it was given, which is mapped if that pointer
 * is any good (ndis_item_lookup refuses pointers in the first bytes of a page). Of the shifts 0,
 * 64 and 128 at least one keeps both the NBL and its preallocated NB clear of a page start. */
#define SLOT_SHIFT 64u

static bool page_ok(uintptr_t item)
{
    return (item & 4095u) >= sizeof(ndis_item_hdr);
}

static ndis_item_hdr *slot_base(const ndis_buf_pool *p, void *raw)
{
    for (uintptr_t shift = 0; shift <= 2 * SLOT_SHIFT; shift += SLOT_SHIFT)
    {
        uintptr_t base = (uintptr_t)raw + shift;
        uintptr_t item = base + sizeof(ndis_item_hdr);
        if (page_ok(item) && (!p->nb_item_off || page_ok(base + p->nb_item_off)))
            return (ndis_item_hdr *)base;
    }
    abort(); /* unreachable: the two bad windows cannot cover three shifts */
}

ndis_item_hdr *ndis_pool_item_take(ndis_buf_pool *p)
{
    ndis_item_hdr *h = NULL;
    bool reused_from_quarantine = false;
    exec_mutex_lock(&p->lock);
    if (p->free_list)
    {
        h = p->free_list;
        p->free_list = h->qnext;
    }
    else if (p->q_len > QUARANTINE_MAX)
    {
        h = p->q_head;
        p->q_head = h->qnext;
        if (!p->q_head)
            p->q_tail = NULL;
        p->q_len--;
        reused_from_quarantine = true;
    }
    exec_mutex_unlock(&p->lock);

    if (reused_from_quarantine && vf_enabled())
    {
        /* The body was poisoned when freed: any other byte is a write after free. Compared a word
         * at a time; the byte is looked for only when a word differs. */
        const unsigned char *body = (const unsigned char *)(h + 1);
        size_t n = h->kind == NDIS_ITEM_NBL ? sizeof(NET_BUFFER_LIST) : sizeof(NET_BUFFER);
        const uint64_t pw = 0x0101010101010101ull * NBL_POISON;
        size_t i = 0;
        for (; i + 8 <= n; i += 8)
        {
            uint64_t w;
            memcpy(&w, body + i, 8);
            if (w != pw)
                break;
        }
        for (; i < n; i++)
        {
            if (body[i] != NBL_POISON)
            {
                vf_report_sev("PO-04", VF_SEV_ERROR, p->owner, VF_CB_NONE, h->site,
                              "a %s freed by the driver was written after NdisFree%s (byte %zu of the structure "
                              "changed while it was in the free quarantine); the site is its last allocation",
                              h->kind == NDIS_ITEM_NBL ? "NET_BUFFER_LIST" : "NET_BUFFER",
                              h->kind == NDIS_ITEM_NBL ? "NetBufferList" : "NetBuffer", i);
                break;
            }
        }
    }
    if (!h)
    {
        void *slot = aligned_alloc(16, p->slot_size + 2 * SLOT_SHIFT);
        if (!slot)
            return NULL;
        exec_mutex_lock(&p->lock);
        if (p->n_slots == p->cap_slots)
        {
            size_t ncap = p->cap_slots ? p->cap_slots * 2 : 64;
            void **ns = realloc(p->slots, ncap * sizeof *ns);
            if (!ns)
            {
                exec_mutex_unlock(&p->lock);
                free(slot);
                return NULL;
            }
            p->slots = ns;
            p->cap_slots = ncap;
        }
        p->slots[p->n_slots++] = slot;
        exec_mutex_unlock(&p->lock);
        h = slot_base(p, slot);
    }
    memset(h, 0, p->slot_size);
    uint32_t live = __atomic_add_fetch(&p->live, 1, __ATOMIC_ACQ_REL);
    pool_set_ledger_size(p, live);
    return h;
}

void ndis_pool_item_release(ndis_item_hdr *h)
{
    ndis_buf_pool *p = h->pool;
    h->magic = NDIS_ITEM_MAGIC_FREE;
    ndis_item_state_set(h, NDIS_ITEM_FREE);
    memset(h + 1, NBL_POISON, h->kind == NDIS_ITEM_NBL ? sizeof(NET_BUFFER_LIST) : sizeof(NET_BUFFER));
    exec_mutex_lock(&p->lock);
    h->qnext = NULL;
    if (p->q_tail)
        p->q_tail->qnext = h;
    else
        p->q_head = h;
    p->q_tail = h;
    p->q_len++;
    exec_mutex_unlock(&p->lock);
    uint32_t live = __atomic_sub_fetch(&p->live, 1, __ATOMIC_ACQ_REL);
    pool_set_ledger_size(p, live);
    if (live == 0 && __atomic_load_n(&p->freed, __ATOMIC_ACQUIRE))
    {
        /* Only the thread that flips `freed` to 2 destroys the zombie. */
        uint32_t one = 1;
        if (__atomic_compare_exchange_n(&p->freed, &one, 2, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            pool_destroy_now(p);
    }
}

/* Destroys a freed pool unless items are still out (the last item's release does it then). */
static void pool_maybe_destroy(ndis_buf_pool *p)
{
    if (__atomic_load_n(&p->live, __ATOMIC_ACQUIRE) == 0)
    {
        uint32_t one = 1;
        if (__atomic_compare_exchange_n(&p->freed, &one, 2, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            pool_destroy_now(p);
    }
}

/* Marks the pool freed and destroys it unless items are still out. */
static void pool_release(ndis_buf_pool *p)
{
    __atomic_store_n(&p->freed, 1, __ATOMIC_RELEASE);
    pool_maybe_destroy(p);
}

static void pool_reclaim(vf_res *r)
{
    ndis_buf_pool *p = (ndis_buf_pool *)((char *)r - offsetof(ndis_buf_pool, res));
    pool_release(p);
}

static size_t nbl_slot_size(USHORT ctx, BOOLEAN alloc_nb, ULONG data)
{
    size_t s = sizeof(ndis_item_hdr) + align16(sizeof(NET_BUFFER_LIST));
    if (ctx)
        s += sizeof(NET_BUFFER_LIST_CONTEXT) + align16(ctx);
    if (alloc_nb)
        s += sizeof(ndis_item_hdr) + align16(sizeof(NET_BUFFER)) + ndis_nb_slot_extra(data);
    return s;
}

static ndis_buf_pool *pool_new(bool is_nbl, USHORT ctx, BOOLEAN alloc_nb, ULONG data, ULONG tag, ULONG flags)
{
    ndis_buf_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->magic = NDIS_BUF_POOL_MAGIC;
    p->is_nbl_pool = is_nbl;
    p->context_size = ctx;
    p->allocate_nb = alloc_nb;
    p->data_size = data;
    p->pool_tag = tag;
    p->flags = flags;
    p->slot_size = is_nbl ? nbl_slot_size(ctx, alloc_nb, data)
                          : sizeof(ndis_item_hdr) + align16(sizeof(NET_BUFFER)) + ndis_nb_slot_extra(data);
    if (is_nbl && alloc_nb)
        p->nb_item_off = sizeof(ndis_item_hdr) + align16(sizeof(NET_BUFFER_LIST)) +
                         (ctx ? sizeof(NET_BUFFER_LIST_CONTEXT) + align16(ctx) : 0) + sizeof(ndis_item_hdr);
    reg_insert(p);
    return p;
}

ndis_buf_pool *ndis_host_nbl_pool_create(USHORT context_size, BOOLEAN allocate_nb, ULONG data_size, ULONG tag)
{
    ndis_buf_pool *p = pool_new(true, (USHORT)align16(context_size), allocate_nb || data_size, data_size, tag, 0);
    if (p)
        p->host_owned = true;
    return p;
}

void ndis_host_pool_destroy(ndis_buf_pool *p)
{
    if (p)
        pool_release(p);
}

/* Driver-facing pool handle check. */
static ndis_buf_pool *pool_from_handle(NDIS_HANDLE h, bool want_nbl, const char *api, void *site, bool for_alloc)
{
    if (!h || !ndis_pool_is_registered(h))
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "%s: %p is not a %s pool handle NDIS returned (or it was freed)",
                  api, h, want_nbl ? "NET_BUFFER_LIST" : "NET_BUFFER");
        return NULL;
    }
    ndis_buf_pool *p = h;
    if (p->is_nbl_pool != want_nbl)
    {
        vf_report("AP-01", p->owner, VF_CB_NONE, site, "%s given a %s pool handle", api,
                  p->is_nbl_pool ? "NET_BUFFER_LIST" : "NET_BUFFER");
        return NULL;
    }
    if (for_alloc && __atomic_load_n(&p->freed, __ATOMIC_ACQUIRE))
    {
        vf_report("AP-01", p->owner, VF_CB_NONE, site, "%s on a pool the driver already freed", api);
        return NULL;
    }
    return p;
}

/* PO-01 header check shared by both pool kinds; returns false (after reporting) when NDIS fails
 * the call. */
static bool pool_header_ok(const NDIS_OBJECT_HEADER *hd, USHORT size_r1, USHORT size_r2, ULONG flags, const char *api,
                           vf_owner *owner, void *site)
{
    if (hd->Type != NDIS_OBJECT_TYPE_DEFAULT)
    {
        vf_report("PO-01", owner, VF_CB_NONE, site, "%s: Header.Type is 0x%02X, not NDIS_OBJECT_TYPE_DEFAULT (0x80)",
                  api, hd->Type);
        return false;
    }
    if (hd->Revision == 1)
    {
        if (hd->Size < size_r1)
        {
            vf_report("PO-01", owner, VF_CB_NONE, site, "%s: Header.Size %u is below the revision 1 size %u", api,
                      hd->Size, size_r1);
            return false;
        }
    }
    else if (hd->Revision == 2)
    {
        if (hd->Size < size_r2)
        {
            vf_report("PO-01", owner, VF_CB_NONE, site, "%s: Header.Size %u is below the revision 2 size %u", api,
                      hd->Size, size_r2);
            return false;
        }
        if (flags & ~(ULONG)1)
        {
            vf_report("PO-01", owner, VF_CB_NONE, site, "%s: Flags 0x%08X has undefined bits (only VERIFY 0x1)", api,
                      (unsigned)flags);
            return false;
        }
    }
    else
    {
        vf_report("PO-01", owner, VF_CB_NONE, site, "%s: Header.Revision %u is not 1 or 2", api, hd->Revision);
        return false;
    }
    return true;
}

/* The checks both pool allocations start with: IRQL, the NdisHandle, a Parameters block. Returns
 * the owner to charge the pool to, or NULL (after reporting) when NDIS fails the call. */
static vf_owner *pool_alloc_owner(NDIS_HANDLE NdisHandle, const void *Parameters, const char *api, void *site)
{
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    vf_owner *owner = ndis_owner_from_handle(NdisHandle, api, site);
    if (!owner)
        return NULL;
    if (!Parameters)
    {
        vf_report("PO-01", owner, VF_CB_NONE, site, "%s: Parameters is NULL", api);
        return NULL;
    }
    return owner;
}

/* Charges a new driver pool to its owner in the ledger, so that a pool still allocated at halt or
 * unload is reported with the site that allocated it, then reclaimed. */
static ndis_buf_pool *pool_charge(ndis_buf_pool *p, vf_res_kind kind, vf_owner *owner, void *site)
{
    p->owner = owner;
    p->alloc_site = site;
    p->res.kind = kind;
    p->res.key = p;
    p->res.tag = p->pool_tag;
    p->res.reclaim = pool_reclaim;
    p->res.embedded = true;
    vf_ledger_insert(&p->res, owner, site);
    return p;
}

/* The start of both pool frees: IRQL, the handle, and exactly one free per pool (a second is
 * AP-01 and changes nothing). Returns the pool to free, or NULL. */
static ndis_buf_pool *pool_free_begin(NDIS_HANDLE PoolHandle, bool want_nbl, const char *api, void *site)
{
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_buf_pool *p = pool_from_handle(PoolHandle, want_nbl, api, site, false);
    if (!p)
        return NULL;
    uint32_t expect = 0;
    if (!__atomic_compare_exchange_n(&p->freed, &expect, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    {
        vf_report("AP-01", p->owner, VF_CB_NONE, site, "%s called twice for the same pool", api);
        return NULL;
    }
    return p;
}

NDIS_HANDLE NdisAllocateNetBufferListPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_LIST_POOL_PARAMETERS Parameters)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateNetBufferListPool";
    vf_owner *owner = pool_alloc_owner(NdisHandle, Parameters, api, site);
    if (!owner)
        return NULL;
    ULONG flags = Parameters->Header.Revision >= 2 ? Parameters->Flags : 0;
    if (!pool_header_ok(&Parameters->Header, NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                        NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_2, flags, api, owner, site))
        return NULL;
    if (Parameters->ProtocolId != NDIS_PROTOCOL_ID_DEFAULT)
        /* Policy: the documented "miniports set zero" is reported; the pool is still created. */
        vf_report("PO-01", owner, VF_CB_NONE, site,
                  "%s: ProtocolId is %u; miniport drivers set NDIS_PROTOCOL_ID_DEFAULT (0)", api,
                  Parameters->ProtocolId);
    if (Parameters->DataSize != 0 && !Parameters->fAllocateNetBuffer)
    {
        vf_report("PO-01", owner, VF_CB_NONE, site,
                  "%s: DataSize is %u but fAllocateNetBuffer is FALSE (a data size requires preallocated NET_BUFFERs)",
                  api, (unsigned)Parameters->DataSize);
        return NULL;
    }
    if (Parameters->ContextSize % MEMORY_ALLOCATION_ALIGNMENT)
    {
        vf_report("PO-01", owner, VF_CB_NONE, site,
                  "%s: ContextSize %u is not a multiple of MEMORY_ALLOCATION_ALIGNMENT (%d)", api,
                  Parameters->ContextSize, MEMORY_ALLOCATION_ALIGNMENT);
        return NULL;
    }
    if (vf_should_fail(api, site))
        return NULL;
    ndis_buf_pool *p = pool_new(true, Parameters->ContextSize, Parameters->fAllocateNetBuffer, Parameters->DataSize,
                                Parameters->PoolTag, flags);
    if (!p)
        return NULL;
    p->protocol_id = Parameters->ProtocolId;
    return pool_charge(p, VF_RES_NBL_POOL, owner, site);
}

VOID NdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle)
{
    void *site = VF_SITE();
    static const char api[] = "NdisFreeNetBufferListPool";
    ndis_buf_pool *p = pool_free_begin(PoolHandle, true, api, site);
    if (!p)
        return;
    uint32_t live = __atomic_load_n(&p->live, __ATOMIC_ACQUIRE);
    uint32_t indicated = __atomic_load_n(&p->indicated, __ATOMIC_ACQUIRE);
    /* Policy: NBLs still indicated are the subject of LC-10 / HA-11 (reported with the indicate's
     * site when the pause completes or the halt returns), so only the rest count here. */
    if (live > indicated)
        vf_report("HA-07", p->owner, VF_CB_NONE, site,
                  "%s with %u NET_BUFFER_LIST(s) from the pool still allocated; free every NBL first", api,
                  live - indicated);
    vf_ledger_remove(&p->res);
    pool_maybe_destroy(p);
}

NDIS_HANDLE NdisAllocateNetBufferPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_POOL_PARAMETERS Parameters)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateNetBufferPool";
    vf_owner *owner = pool_alloc_owner(NdisHandle, Parameters, api, site);
    if (!owner)
        return NULL;
    ULONG flags = Parameters->Header.Revision >= 2 ? Parameters->Flags : 0;
    if (!pool_header_ok(&Parameters->Header, NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1,
                        NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_2, flags, api, owner, site))
        return NULL;
    if (vf_should_fail(api, site))
        return NULL;
    ndis_buf_pool *p = pool_new(false, 0, FALSE, Parameters->DataSize, Parameters->PoolTag, flags);
    if (!p)
        return NULL;
    return pool_charge(p, VF_RES_NB_POOL, owner, site);
}

VOID NdisFreeNetBufferPool(NDIS_HANDLE PoolHandle)
{
    void *site = VF_SITE();
    static const char api[] = "NdisFreeNetBufferPool";
    ndis_buf_pool *p = pool_free_begin(PoolHandle, false, api, site);
    if (!p)
        return;
    uint32_t live = __atomic_load_n(&p->live, __ATOMIC_ACQUIRE);
    /* The NB-pool page says "should" free the NET_BUFFERs first: a warning (HA-07 W part). */
    if (live)
        vf_report_sev("HA-07", VF_SEV_WARNING, p->owner, VF_CB_NONE, site,
                      "%s with %u NET_BUFFER(s) from the pool still allocated; free every NET_BUFFER first", api, live);
    vf_ledger_remove(&p->res);
    pool_maybe_destroy(p);
}

NDIS_HANDLE NdisGetPoolFromNetBufferList(PNET_BUFFER_LIST NetBufferList)
{
    return NetBufferList ? NetBufferList->NdisPoolHandle : NULL;
}

UCHAR NdisGetNetBufferListProtocolId(PNET_BUFFER_LIST NetBufferList)
{
    return (UCHAR)((ULONG_PTR)NET_BUFFER_LIST_INFO(NetBufferList, NetBufferListProtocolId) & NDIS_PROTOCOL_ID_MASK);
}

/* ---- NET_BUFFER_LIST allocation --------------------------------------------------------------- */

static NET_BUFFER_LIST_CONTEXT *prealloc_ctx(ndis_item_hdr *h)
{
    if (!h->ctx_prealloc)
        return NULL;
    return (NET_BUFFER_LIST_CONTEXT *)((char *)(h + 1) + align16(sizeof(NET_BUFFER_LIST)));
}

static ndis_item_hdr *prealloc_nb_hdr(ndis_item_hdr *h)
{
    ndis_buf_pool *p = h->pool;
    size_t off = align16(sizeof(NET_BUFFER_LIST));
    if (p->context_size)
        off += sizeof(NET_BUFFER_LIST_CONTEXT) + align16(p->context_size);
    return (ndis_item_hdr *)((char *)(h + 1) + off);
}

/* Takes ContextSize bytes of context space (ContextBackFill spare in front when a new block is
 * needed); false on allocation failure. */
static bool ctx_alloc(PNET_BUFFER_LIST nbl, USHORT size, USHORT backfill)
{
    NET_BUFFER_LIST_CONTEXT *c = nbl->Context;
    if (c && c->Offset >= size)
    {
        c->Offset = (USHORT)(c->Offset - size);
        return true;
    }
    size_t total = (size_t)size + backfill;
    if (total > 0xFFFF)
        return false;
    NET_BUFFER_LIST_CONTEXT *n = aligned_alloc(16, align16(sizeof(*n) + total));
    if (!n)
        return false;
    memset(n, 0, sizeof *n + total);
    n->Size = (USHORT)total;
    n->Offset = backfill;
    n->Next = c;
    nbl->Context = n;
    return true;
}

static PNET_BUFFER_LIST nbl_alloc(ndis_buf_pool *p, USHORT ctx_size, USHORT ctx_backfill, void *site)
{
    ndis_item_hdr *h = ndis_pool_item_take(p);
    if (!h)
        return NULL;
    PNET_BUFFER_LIST nbl = ndis_item_start(h, p, NDIS_ITEM_NBL, site);
    h->ctx_prealloc = p->context_size;
    nbl->NdisPoolHandle = p;
    if (p->context_size)
    {
        NET_BUFFER_LIST_CONTEXT *c = prealloc_ctx(h);
        c->Size = p->context_size;
        c->Offset = p->context_size;
        nbl->Context = c;
    }
    if (p->allocate_nb)
    {
        ndis_item_hdr *nh = prealloc_nb_hdr(h);
        PNET_BUFFER nb = ndis_item_start(nh, p, NDIS_ITEM_NB, site);
        nh->flags = NDIS_ITEM_F_PREALLOC_CHILD;
        ndis_item_state_set(nh, NDIS_ITEM_OWNED);
        nb->NdisPoolHandle = p;
        if (p->data_size)
            ndis_nb_init_pool_data(nh, p->data_size);
        nbl->FirstNetBuffer = nb;
    }
    if ((ctx_size || ctx_backfill) && !ctx_alloc(nbl, ctx_size, ctx_backfill))
    {
        ndis_pool_item_release(h);
        return NULL;
    }
    ndis_item_state_set(h, NDIS_ITEM_OWNED);
    return nbl;
}

PNET_BUFFER_LIST ndis_host_nbl_alloc(ndis_buf_pool *p)
{
    return nbl_alloc(p, 0, 0, NULL);
}

PNET_BUFFER_LIST NdisAllocateNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize, USHORT ContextBackFill)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateNetBufferList";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_buf_pool *p = pool_from_handle(PoolHandle, true, api, site, true);
    if (!p)
        return NULL;
    if (vf_should_fail(api, site))
        return NULL;
    return nbl_alloc(p, ContextSize, ContextBackFill, site);
}

PNET_BUFFER_LIST NdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                       USHORT ContextBackFill, PMDL MdlChain, ULONG DataOffset,
                                                       SIZE_T DataLength)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateNetBufferAndNetBufferList";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_buf_pool *p = pool_from_handle(PoolHandle, true, api, site, true);
    if (!p)
        return NULL;
    if (!p->allocate_nb || p->data_size)
    {
        vf_report("PO-01", p->owner, VF_CB_NONE, site,
                  "%s needs a pool created with fAllocateNetBuffer=TRUE and DataSize=0 (this one: %s, DataSize %u)",
                  api, p->allocate_nb ? "TRUE" : "FALSE", (unsigned)p->data_size);
        return NULL;
    }
    if (vf_should_fail(api, site))
        return NULL;
    PNET_BUFFER_LIST nbl = nbl_alloc(p, ContextSize, ContextBackFill, site);
    if (!nbl)
        return NULL;
    ndis_nb_set_data(nbl->FirstNetBuffer, MdlChain, DataOffset, (ULONG)DataLength);
    return nbl;
}

/* Shared by the driver-facing and host free paths once the NBL is known to be ours and owned. */
static void nbl_release(ndis_item_hdr *h, void *site, bool report)
{
    PNET_BUFFER_LIST nbl = h->self;
    ndis_buf_pool *p = h->pool;
    NET_BUFFER_LIST_CONTEXT *pre = prealloc_ctx(h);
    size_t dyn_bytes = 0;
    NET_BUFFER_LIST_CONTEXT *c = nbl->Context;
    while (c && c != pre)
    {
        NET_BUFFER_LIST_CONTEXT *next = c->Next;
        dyn_bytes += (size_t)(c->Size - c->Offset);
        free(c);
        c = next;
    }
    if (dyn_bytes && report)
        vf_report("HA-07", p->owner, VF_CB_NONE, site,
                  "NdisFreeNetBufferList with %zu bytes of context space from NdisAllocateNetBufferListContext not "
                  "freed first (NdisFreeNetBufferListContext)",
                  dyn_bytes);
    if (nbl->ParentNetBufferList)
        __atomic_sub_fetch(&nbl->ParentNetBufferList->ChildRefCount, 1, __ATOMIC_ACQ_REL);
    if (p->allocate_nb)
    {
        ndis_item_hdr *nh = prealloc_nb_hdr(h);
        ndis_nb_release_retreats(nh->self);
        nh->magic = NDIS_ITEM_MAGIC_FREE;
        ndis_item_state_set(nh, NDIS_ITEM_FREE);
    }
    ndis_pool_item_release(h);
}

void ndis_host_nbl_free(PNET_BUFFER_LIST nbl)
{
    ndis_item_hdr *h = ndis_item_lookup(nbl, NDIS_ITEM_NBL);
    if (!h || ndis_item_state_get(h) == NDIS_ITEM_FREE)
        return;
    nbl_release(h, NULL, false);
}

void ndis_item_reclaim_nbl(ndis_item_hdr *h)
{
    nbl_release(h, NULL, false);
}

VOID NdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList)
{
    void *site = VF_SITE();
    static const char api[] = "NdisFreeNetBufferList";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_item_hdr *h = ndis_item_lookup(NetBufferList, NDIS_ITEM_NBL);
    if (!h)
    {
        vf_report("PO-02", NULL, VF_CB_NONE, site,
                  "%s(%p): not a NET_BUFFER_LIST allocated from an NDIS pool (stack, private memory, or a stale "
                  "pointer)",
                  api, (void *)NetBufferList);
        return;
    }
    ndis_buf_pool *p = h->pool;
    uint32_t st = ndis_item_state_get(h);
    switch (st)
    {
    case NDIS_ITEM_OWNED:
    case NDIS_ITEM_COMPLETED:
        break;
    case NDIS_ITEM_FREE:
        /* Policy: a double free is the use-after-free PO-04 describes, reported as an error. */
        vf_report_sev("PO-04", VF_SEV_ERROR, p->owner, VF_CB_NONE, site,
                      "%s on a NET_BUFFER_LIST that is already free (double free)", api);
        return;
    case NDIS_ITEM_INDICATED:
    case NDIS_ITEM_LENT:
        /* Policy: the free is refused; NDIS (the protocol) still holds it. */
        vf_report("RX-02", p->owner, VF_CB_NONE, site,
                  "%s on a NET_BUFFER_LIST that is indicated and not yet returned: NDIS owns it; the free is ignored",
                  api);
        return;
    case NDIS_ITEM_SENT:
        vf_report("TX-01", p->owner, VF_CB_NONE, site,
                  "%s on a NET_BUFFER_LIST a protocol sent and the miniport has not completed; the free is ignored",
                  api);
        return;
    }
    if (p->host_owned)
    {
        vf_report("PO-02", NULL, VF_CB_NONE, site, "%s on a NET_BUFFER_LIST owned by the bound protocol", api);
        return;
    }
    if (!ndis_item_state_cas(h, st, NDIS_ITEM_FREE))
    {
        vf_report_sev("PO-04", VF_SEV_ERROR, p->owner, VF_CB_NONE, site,
                      "%s raced with another free or state change of the same NET_BUFFER_LIST", api);
        return;
    }
    nbl_release(h, site, true);
}

/* ---- context space ---------------------------------------------------------------------------- */

NDIS_STATUS NdisAllocateNetBufferListContext(PNET_BUFFER_LIST NetBufferList, USHORT ContextSize, USHORT ContextBackFill,
                                             ULONG PoolTag)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateNetBufferListContext";
    (void)PoolTag;
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    if (!NetBufferList)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s(NULL)", api);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_should_fail(api, site))
        return NDIS_STATUS_RESOURCES;
    return ctx_alloc(NetBufferList, ContextSize, ContextBackFill) ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

VOID NdisFreeNetBufferListContext(PNET_BUFFER_LIST NetBufferList, USHORT ContextSize)
{
    void *site = VF_SITE();
    static const char api[] = "NdisFreeNetBufferListContext";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    NET_BUFFER_LIST_CONTEXT *c = NetBufferList ? NetBufferList->Context : NULL;
    if (!c || (ULONG)c->Offset + ContextSize > c->Size)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s: %u bytes requested but only %u bytes of context are in use",
                  api, ContextSize, c ? (unsigned)(c->Size - c->Offset) : 0u);
        return;
    }
    c->Offset = (USHORT)(c->Offset + ContextSize);
    ndis_item_hdr *h = ndis_item_lookup(NetBufferList, NDIS_ITEM_NBL);
    NET_BUFFER_LIST_CONTEXT *pre = h ? prealloc_ctx(h) : NULL;
    if (c->Offset == c->Size && c != pre && h)
    {
        NetBufferList->Context = c->Next;
        free(c);
    }
}

/* ---- clones and info copies ------------------------------------------------------------------- */

PNET_BUFFER NdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, PMDL MdlChain, ULONG DataOffset, SIZE_T DataLength);
VOID NdisFreeNetBuffer(PNET_BUFFER NetBuffer);

PNET_BUFFER_LIST NdisAllocateCloneNetBufferList(PNET_BUFFER_LIST OriginalNetBufferList,
                                                NDIS_HANDLE NetBufferListPoolHandle, NDIS_HANDLE NetBufferPoolHandle,
                                                ULONG AllocateCloneFlags)
{
    void *site = VF_SITE();
    static const char api[] = "NdisAllocateCloneNetBufferList";
    (void)AllocateCloneFlags; /* Policy: clones always share the original MDLs. */
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_buf_pool *p = pool_from_handle(NetBufferListPoolHandle, true, api, site, true);
    if (!p || !OriginalNetBufferList)
        return NULL;
    ndis_buf_pool *nbp = NetBufferPoolHandle ? pool_from_handle(NetBufferPoolHandle, false, api, site, true) : NULL;
    if (NetBufferPoolHandle && !nbp)
        return NULL;
    if (!nbp && OriginalNetBufferList->FirstNetBuffer)
    {
        vf_report("AP-02", p->owner, VF_CB_NONE, site,
                  "%s: NetBufferPoolHandle is NULL; ndishost needs a NET_BUFFER pool to clone NET_BUFFERs", api);
        return NULL;
    }
    if (vf_should_fail(api, site))
        return NULL;
    PNET_BUFFER_LIST clone = nbl_alloc(p, 0, 0, site);
    if (!clone)
        return NULL;
    PNET_BUFFER *tail = &clone->FirstNetBuffer;
    *tail = NULL;
    for (PNET_BUFFER src = OriginalNetBufferList->FirstNetBuffer; src; src = src->Next)
    {
        ndis_item_hdr *nh = ndis_pool_item_take(nbp);
        if (!nh)
        {
            NdisFreeCloneNetBufferList(clone, 0);
            return NULL;
        }
        PNET_BUFFER nb = ndis_item_start(nh, nbp, NDIS_ITEM_NB, site);
        ndis_item_state_set(nh, NDIS_ITEM_OWNED);
        nb->NdisPoolHandle = nbp;
        nb->MdlChain = src->MdlChain;
        nb->CurrentMdl = src->CurrentMdl;
        nb->CurrentMdlOffset = src->CurrentMdlOffset;
        nb->DataOffset = src->DataOffset;
        nb->DataLength = src->DataLength;
        *tail = nb;
        tail = &nb->Next;
    }
    memcpy(clone->NetBufferListInfo, OriginalNetBufferList->NetBufferListInfo, sizeof clone->NetBufferListInfo);
    clone->ParentNetBufferList = OriginalNetBufferList;
    __atomic_add_fetch(&OriginalNetBufferList->ChildRefCount, 1, __ATOMIC_ACQ_REL);
    return clone;
}

VOID NdisFreeCloneNetBufferList(PNET_BUFFER_LIST CloneNetBufferList, ULONG FreeCloneFlags)
{
    void *site = VF_SITE();
    (void)FreeCloneFlags;
    ndis_item_hdr *h = ndis_item_lookup(CloneNetBufferList, NDIS_ITEM_NBL);
    if (!h || ndis_item_state_get(h) == NDIS_ITEM_FREE)
    {
        vf_report("PO-02", NULL, VF_CB_NONE, site, "NdisFreeCloneNetBufferList(%p): not a live clone",
                  (void *)CloneNetBufferList);
        return;
    }
    PNET_BUFFER nb = CloneNetBufferList->FirstNetBuffer;
    while (nb)
    {
        PNET_BUFFER next = nb->Next;
        ndis_item_hdr *nh = ndis_item_lookup(nb, NDIS_ITEM_NB);
        if (nh && ndis_item_state_get(nh) != NDIS_ITEM_FREE && !(nh->flags & NDIS_ITEM_F_PREALLOC_CHILD))
            ndis_pool_item_release(nh);
        nb = next;
    }
    CloneNetBufferList->FirstNetBuffer = NULL;
    ndis_item_state_set(h, NDIS_ITEM_FREE);
    nbl_release(h, site, true);
}

static NDIS_STATUS copy_info(PNET_BUFFER_LIST dst, PNET_BUFFER_LIST src)
{
    if (!dst || !src)
        return NDIS_STATUS_INVALID_PARAMETER;
    for (int i = 0; i < MaxNetBufferListInfo; i++)
        if (i != NetBufferListCancelId)
            dst->NetBufferListInfo[i] = src->NetBufferListInfo[i];
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisCopyReceiveNetBufferListInfo(PNET_BUFFER_LIST DestNetBufferList, PNET_BUFFER_LIST SrcNetBufferList)
{
    return copy_info(DestNetBufferList, SrcNetBufferList);
}

NDIS_STATUS NdisCopySendNetBufferListInfo(PNET_BUFFER_LIST DestNetBufferList, PNET_BUFFER_LIST SrcNetBufferList)
{
    return copy_info(DestNetBufferList, SrcNetBufferList);
}

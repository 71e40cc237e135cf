/* Lookaside lists: NPAGED_LOOKASIDE_LIST, PAGED_LOOKASIDE_LIST and LOOKASIDE_LIST_EX, and the
 * NDIS wrappers' common code.
 *
 * The host keeps the list's state in the driver's own structure: SingleListHead holds the
 * cached (freed) entries, Depth their number, MaximumDepth the cache limit, Future[0] a lock
 * word and Future[1] host flags. The list itself is recorded in the ledger (VF_RES_LOOKASIDE,
 * keyed by its address) from initialize to delete; a list that was never initialized is an
 * AP-02 finding, never a crash.
 *
 * Custom Allocate/Free routines are called with exactly the documented arguments, inside a
 * VF_CB_LOOKASIDE frame charged to the list's owner. Policy: at most 4 freed entries are cached
 * (the Windows minimum depth), so that the driver's routines run often. Policy: a lookaside
 * list left at halt is reported and forgotten without touching its memory (the driver may
 * already have freed it); the entries it cached are pool blocks reported on their own. */
#include "kernel_internal.h"

#define LOOKASIDE_CACHE_DEPTH 4
#define LA_FLAG_EX 1u    /* LOOKASIDE_LIST_EX: routines take the list as last argument */
#define LA_FLAG_PAGED 2u /* paged list: callers at or below APC_LEVEL */

typedef GENERAL_LOOKASIDE_POOL la_t;

static void la_lock(la_t *l)
{
    uint32_t *w = (uint32_t *)&l->Future[0];
    for (;;)
    {
        uint32_t zero = 0;
        if (__atomic_compare_exchange_n(w, &zero, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        exec_yield();
    }
}

static void la_unlock(la_t *l)
{
    __atomic_store_n((uint32_t *)&l->Future[0], 0, __ATOMIC_RELEASE);
}

static void la_reclaim(vf_res *r)
{
    (void)r; /* see the policy above: the list's memory is not touched */
}

static void la_init(la_t *l, void *allocate, void *free_fn, POOL_TYPE type, SIZE_T size, ULONG tag, uint32_t flags,
                    const char *api, void *site)
{
    /* Re-initializing a live list forgets the earlier registration (the driver leaks its cache). */
    vf_res *old = vf_ledger_find(VF_RES_LOOKASIDE, l);
    if (old)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s on lookaside list %p that is already initialized", api,
                  (void *)l);
        vf_ledger_remove(old);
    }
    memset(l, 0, sizeof *l);
    l->Type = type;
    l->Tag = tag;
    l->Size = (ULONG)size;
    l->Allocate = (PALLOCATE_FUNCTION)allocate;
    l->Free = (PFREE_FUNCTION)free_fn;
    l->MaximumDepth = LOOKASIDE_CACHE_DEPTH;
    l->Future[1] = flags;
    vf_res *r = vf_ledger_add(VF_RES_LOOKASIDE, l, size, kernel_default_owner(), site);
    if (r)
    {
        r->tag = tag;
        r->reclaim = la_reclaim;
    }
}

static vf_res *la_find(la_t *l, const char *api, void *site)
{
    vf_res *r = l ? vf_ledger_find(VF_RES_LOOKASIDE, l) : NULL;
    if (!r)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s on %p, which is not an initialized lookaside list", api,
                  (void *)l);
    return r;
}

static void *call_allocate(la_t *l, vf_owner *owner, void *site)
{
    if (!l->Allocate)
    {
        /* The default allocator is ExAllocatePoolWithTag: charged like the driver's own pool. */
        return kernel_pool_alloc(l->Size, l->Tag, false, 16, KERNEL_POOL_EX, owner, site);
    }
    vf_frame f;
    vf_enter(&f, VF_CB_LOOKASIDE, owner);
    void *p = (l->Future[1] & LA_FLAG_EX) ? l->AllocateEx(l->Type, l->Size, l->Tag, (PLOOKASIDE_LIST_EX)(void *)l)
                                          : l->Allocate(l->Type, l->Size, l->Tag);
    vf_leave(&f);
    return p;
}

static void call_free(la_t *l, void *entry, vf_owner *owner, void *site)
{
    if (!l->Free)
    {
        kernel_pool_free(entry, "ExFreeToNPagedLookasideList", site, NULL, NULL);
        return;
    }
    vf_frame f;
    vf_enter(&f, VF_CB_LOOKASIDE, owner);
    if (l->Future[1] & LA_FLAG_EX)
        l->FreeEx(entry, (PLOOKASIDE_LIST_EX)(void *)l);
    else
        l->Free(entry);
    vf_leave(&f);
}

static PVOID la_allocate(la_t *l, const char *api, void *site)
{
    vf_res *r = la_find(l, api, site);
    if (!r)
        return NULL;
    vf_check_irql_max((l->Future[1] & LA_FLAG_PAGED) ? APC_LEVEL : DISPATCH_LEVEL, api, site);
    la_lock(l);
    l->TotalAllocates++;
    PSINGLE_LIST_ENTRY e = PopEntryList(&l->SingleListHead);
    if (e)
    {
        l->Depth--;
        l->AllocateHits++;
    }
    la_unlock(l);
    if (e)
        return e;
    if (vf_should_fail(api, site))
        return NULL;
    return call_allocate(l, r->owner, site);
}

static void la_free(la_t *l, void *entry, const char *api, void *site)
{
    vf_res *r = la_find(l, api, site);
    if (!r)
        return;
    vf_check_irql_max((l->Future[1] & LA_FLAG_PAGED) ? APC_LEVEL : DISPATCH_LEVEL, api, site);
    if (!entry)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL entry", api);
        return;
    }
    la_lock(l);
    l->TotalFrees++;
    bool cached = l->Depth < l->MaximumDepth;
    if (cached)
    {
        PushEntryList(&l->SingleListHead, (PSINGLE_LIST_ENTRY)entry);
        l->Depth++;
        l->FreeHits++;
    }
    la_unlock(l);
    if (!cached)
        call_free(l, entry, r->owner, site);
}

static void la_flush(la_t *l, vf_owner *owner, void *site)
{
    for (;;)
    {
        la_lock(l);
        PSINGLE_LIST_ENTRY e = PopEntryList(&l->SingleListHead);
        if (e)
            l->Depth--;
        la_unlock(l);
        if (!e)
            return;
        call_free(l, e, owner, site);
    }
}

static void la_delete(la_t *l, const char *api, void *site)
{
    vf_res *r = la_find(l, api, site);
    if (!r)
        return;
    vf_check_irql_max((l->Future[1] & LA_FLAG_PAGED) ? APC_LEVEL : DISPATCH_LEVEL, api, site);
    la_flush(l, r->owner, site);
    vf_ledger_remove(r);
}

/* ---- Ex, non-paged ------------------------------------------------------------------------------ */

VOID ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate, PFREE_FUNCTION Free,
                                     ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth)
{
    void *site = VF_SITE();
    (void)Depth;
    vf_check_irql_max(DISPATCH_LEVEL, "ExInitializeNPagedLookasideList", site);
    la_init((la_t *)&Lookaside->L, (void *)Allocate, (void *)Free,
            (Flags & POOL_NX_ALLOCATION) ? NonPagedPoolNx : NonPagedPool, Size, Tag, 0,
            "ExInitializeNPagedLookasideList", site);
}

VOID ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    la_delete((la_t *)&Lookaside->L, "ExDeleteNPagedLookasideList", VF_SITE());
}

PVOID ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    return la_allocate((la_t *)&Lookaside->L, "ExAllocateFromNPagedLookasideList", VF_SITE());
}

VOID ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    la_free((la_t *)&Lookaside->L, Entry, "ExFreeToNPagedLookasideList", VF_SITE());
}

/* ---- Ex, paged ---------------------------------------------------------------------------------- */

VOID ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate, PFREE_FUNCTION Free,
                                    ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth)
{
    void *site = VF_SITE();
    (void)Flags;
    (void)Depth;
    vf_check_irql_max(APC_LEVEL, "ExInitializePagedLookasideList", site);
    la_init((la_t *)&Lookaside->L, (void *)Allocate, (void *)Free, PagedPool, Size, Tag, LA_FLAG_PAGED,
            "ExInitializePagedLookasideList", site);
}

VOID ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    la_delete((la_t *)&Lookaside->L, "ExDeletePagedLookasideList", VF_SITE());
}

PVOID ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    return la_allocate((la_t *)&Lookaside->L, "ExAllocateFromPagedLookasideList", VF_SITE());
}

VOID ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    la_free((la_t *)&Lookaside->L, Entry, "ExFreeToPagedLookasideList", VF_SITE());
}

/* ---- LOOKASIDE_LIST_EX ------------------------------------------------------------------------- */

NTSTATUS ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PALLOCATE_FUNCTION_EX Allocate,
                                     PFREE_FUNCTION_EX Free, POOL_TYPE PoolType, ULONG Flags, SIZE_T Size, ULONG Tag,
                                     USHORT Depth)
{
    void *site = VF_SITE();
    (void)Depth;
    vf_check_irql_max(DISPATCH_LEVEL, "ExInitializeLookasideListEx", site);
    if ((Flags & EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL) && (Flags & EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE))
        return STATUS_INVALID_PARAMETER_5;
    if (Flags & ~(EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL | EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE))
        return STATUS_INVALID_PARAMETER_5;
    if (vf_should_fail("ExInitializeLookasideListEx", site))
        return STATUS_INSUFFICIENT_RESOURCES;
    la_init(&Lookaside->L, (void *)Allocate, (void *)Free, PoolType, Size, Tag,
            LA_FLAG_EX | (((int)PoolType & 1) ? LA_FLAG_PAGED : 0u), "ExInitializeLookasideListEx", site);
    return STATUS_SUCCESS;
}

VOID ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    la_delete(&Lookaside->L, "ExDeleteLookasideListEx", VF_SITE());
}

VOID ExFlushLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    void *site = VF_SITE();
    vf_res *r = la_find(&Lookaside->L, "ExFlushLookasideListEx", site);
    if (r)
        la_flush(&Lookaside->L, r->owner, site);
}

PVOID ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside)
{
    return la_allocate(&Lookaside->L, "ExAllocateFromLookasideListEx", VF_SITE());
}

VOID ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry)
{
    la_free(&Lookaside->L, Entry, "ExFreeToLookasideListEx", VF_SITE());
}

/* ---- shared with src/ndis/memory.c ------------------------------------------------------------- */

void kernel_lookaside_init_npaged(PNPAGED_LOOKASIDE_LIST l, PALLOCATE_FUNCTION a, PFREE_FUNCTION f, SIZE_T size,
                                  ULONG tag, const char *api, void *site)
{
    la_init((la_t *)&l->L, (void *)a, (void *)f, NonPagedPoolNx, size, tag, 0, api, site);
}

PVOID kernel_lookaside_allocate(PNPAGED_LOOKASIDE_LIST l, const char *api, void *site)
{
    return la_allocate((la_t *)&l->L, api, site);
}

void kernel_lookaside_free(PNPAGED_LOOKASIDE_LIST l, PVOID entry, const char *api, void *site)
{
    la_free((la_t *)&l->L, entry, api, site);
}

void kernel_lookaside_delete(PNPAGED_LOOKASIDE_LIST l, const char *api, void *site)
{
    la_delete((la_t *)&l->L, api, site);
}

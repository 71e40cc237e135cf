/* Executive resources (ERESOURCE): ExInitializeResourceLite, ExAcquireResourceExclusiveLite,
 * ExAcquireResourceSharedLite, ExAcquireSharedStarveExclusive, ExAcquireSharedWaitForExclusive,
 * ExReleaseResourceLite / ForThreadLite, ExConvertExclusiveToSharedLite, ExDeleteResourceLite and
 * the queries.
 *
 * Semantics as documented: one exclusive owner or any number of shared owners; every acquisition
 * is recursive for a thread that already owns the resource (an exclusive owner asking for shared
 * access gets one more exclusive count); shared requests wait behind exclusive waiters except with
 * StarveExclusive; a thread that owns the resource shared and asks for exclusive access would
 * deadlock on Windows and is a finding here. Owners are threads (ERESOURCE_THREAD, the thread
 * object's address).
 *
 * The driver's ERESOURCE holds a signature and a pointer to the host's state; every live
 * resource is in a list, so that a foreign, uninitialized or deleted one is a finding (AP-02) and
 * never crashes, and so that memory freed with a live resource in it can be recognized. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <stdlib.h>

#define ERES_MAGIC 0x53455245u /* 'ERES' */

typedef struct eres_owner
{
    ERESOURCE_THREAD thread;
    unsigned count;
} eres_owner;

typedef struct eres_state
{
    PERESOURCE res;
    uint32_t seq; /* bumped at every release: waiters sleep on it */
    ERESOURCE_THREAD excl_owner;
    unsigned excl_count;
    eres_owner *shared;
    size_t nshared, cap;
    unsigned excl_waiters, shared_waiters;
    vf_res lres; /* ledger entry: initialized and not deleted (HA-10 / UL-02 when left) */
    struct eres_state *next;
} eres_state;

/* One lock for every resource: acquisitions are short, and waits happen outside it. */
static exec_mutex g_lock;
static eres_state *g_live;
static size_t g_nlive;

static ERESOURCE_THREAD me(void)
{
    return (ERESOURCE_THREAD)kernel_current_thread();
}

/* The state of a live resource (g_lock held), or NULL. */
static eres_state *state_of(PERESOURCE r)
{
    if (!r || r->NdishostOpaque[0] != ERES_MAGIC)
        return NULL;
    eres_state *s = (eres_state *)r->NdishostOpaque[1];
    for (eres_state *l = g_live; l; l = l->next)
        if (l == s && l->res == r)
            return s;
    return NULL;
}

static bool busy(const struct eres_state *s);
static void eres_reclaim(vf_res *r);

/* Looks the resource up and locks; reports and returns NULL (unlocked) if it is not live. */
static eres_state *lock_state(PERESOURCE r, const char *api, void *site)
{
    exec_mutex_lock(&g_lock);
    eres_state *s = state_of(r);
    if (!s)
    {
        exec_mutex_unlock(&g_lock);
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "%s on %p, which is not an ERESOURCE initialized with ExInitializeResourceLite (or was deleted)", api,
                  (void *)r);
    }
    return s;
}

static eres_owner *shared_entry(eres_state *s, ERESOURCE_THREAD t)
{
    for (size_t i = 0; i < s->nshared; i++)
        if (s->shared[i].thread == t)
            return &s->shared[i];
    return NULL;
}

static void add_shared(eres_state *s, ERESOURCE_THREAD t)
{
    eres_owner *o = shared_entry(s, t);
    if (o)
    {
        o->count++;
        return;
    }
    if (s->nshared == s->cap)
    {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->shared = realloc(s->shared, s->cap * sizeof *s->shared);
        if (!s->shared)
            abort();
    }
    s->shared[s->nshared++] = (eres_owner){t, 1};
}

/* Wakes every waiter: they re-check their condition. g_lock held. */
static void wake_all(eres_state *s)
{
    __atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
    exec_wake_u32(&s->seq, INT32_MAX);
}

/* Sleeps until the next release; g_lock held on entry and on return. The state cannot go away
 * meanwhile: deletion with waiters is refused. */
static void wait_change(eres_state *s, unsigned *waiters)
{
    (*waiters)++;
    uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
    exec_mutex_unlock(&g_lock);
    exec_wait_u32(&s->seq, seq, -1);
    exec_mutex_lock(&g_lock);
    (*waiters)--;
}

NTSTATUS ExInitializeResourceLite(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "ExInitializeResourceLite", site);
    if (!Resource)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "ExInitializeResourceLite with a NULL resource");
        return STATUS_INVALID_PARAMETER;
    }
    exec_mutex_lock(&g_lock);
    if (state_of(Resource))
    {
        exec_mutex_unlock(&g_lock);
        /* Policy: the live resource stays as it is (its owners and waiters keep it); the driver
         * should have deleted it first or called ExReinitializeResourceLite. */
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "ExInitializeResourceLite on an ERESOURCE that is already initialized (ExDeleteResourceLite first)");
        return STATUS_SUCCESS;
    }
    eres_state *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->res = Resource;
    s->next = g_live;
    g_live = s;
    __atomic_add_fetch(&g_nlive, 1, __ATOMIC_RELAXED);
    memset(Resource, 0, sizeof *Resource);
    Resource->NdishostOpaque[0] = ERES_MAGIC;
    Resource->NdishostOpaque[1] = (ULONG_PTR)s;
    s->lres.kind = VF_RES_ERESOURCE;
    s->lres.key = Resource;
    s->lres.size = sizeof *Resource;
    s->lres.reclaim = eres_reclaim;
    vf_ledger_insert(&s->lres, vf_current_owner(), site);
    exec_mutex_unlock(&g_lock);
    return STATUS_SUCCESS;
}

/* Takes a state off the live list; g_lock held. True when it was on it. */
static bool unlink_locked(eres_state *s)
{
    for (eres_state **pp = &g_live; *pp; pp = &(*pp)->next)
    {
        if (*pp == s)
        {
            *pp = s->next;
            __atomic_sub_fetch(&g_nlive, 1, __ATOMIC_RELAXED);
            return true;
        }
    }
    return false;
}

static void state_free(eres_state *s)
{
    free(s->shared);
    free(s);
}

/* Deletes a live resource; g_lock held. Its ledger entry goes too, unless a leftover report took
 * it meanwhile: then the state belongs to eres_reclaim, which frees it. */
static void destroy_locked(eres_state *s)
{
    unlink_locked(s);
    memset(s->res, 0, sizeof *s->res);
    s->res = NULL;
    if (vf_ledger_remove_live(&s->lres))
        state_free(s);
}

/* After a leftover report (HA-10 / UL-02): the resource is deleted as the driver should have done.
 * The driver's memory is not touched (it may be freed already). Policy: a resource still owned or
 * waited on stays live, so its waiters go on. */
static void eres_reclaim(vf_res *r)
{
    eres_state *s = CONTAINING_RECORD(r, eres_state, lres);
    exec_mutex_lock(&g_lock);
    bool live = false;
    for (eres_state *l = g_live; l && !live; l = l->next)
        live = l == s;
    if (!live)
        state_free(s); /* deleted by the driver while the report ran */
    else if (!busy(s))
    {
        unlink_locked(s);
        state_free(s);
    }
    exec_mutex_unlock(&g_lock);
}

static bool busy(const eres_state *s)
{
    return s->excl_count || s->nshared || s->excl_waiters || s->shared_waiters;
}

NTSTATUS ExDeleteResourceLite(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "ExDeleteResourceLite", site);
    eres_state *s = lock_state(Resource, "ExDeleteResourceLite", site);
    if (!s)
        return STATUS_INVALID_PARAMETER;
    if (busy(s))
    {
        unsigned owners = s->excl_count ? 1 : (unsigned)s->nshared, waiters = s->excl_waiters + s->shared_waiters;
        exec_mutex_unlock(&g_lock);
        /* Policy: a resource still owned or waited on is not deleted (its waiters would touch freed
         * memory on Windows; here they go on). */
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "ExDeleteResourceLite on an ERESOURCE with %u owner(s) and %u waiter(s): it must be released first",
                  owners, waiters);
        return STATUS_SUCCESS;
    }
    destroy_locked(s);
    exec_mutex_unlock(&g_lock);
    return STATUS_SUCCESS;
}

NTSTATUS ExReinitializeResourceLite(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "ExReinitializeResourceLite", site);
    eres_state *s = lock_state(Resource, "ExReinitializeResourceLite", site);
    if (!s)
        return STATUS_INVALID_PARAMETER;
    if (s->excl_waiters || s->shared_waiters)
    {
        exec_mutex_unlock(&g_lock);
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "ExReinitializeResourceLite on an ERESOURCE threads are waiting for");
        return STATUS_SUCCESS;
    }
    /* Documented: as if deleted and initialized again: no owners left. */
    s->excl_owner = 0;
    s->excl_count = 0;
    s->nshared = 0;
    wake_all(s);
    exec_mutex_unlock(&g_lock);
    return STATUS_SUCCESS;
}

typedef enum shared_kind
{
    SHARED_LITE,
    SHARED_STARVE_EXCLUSIVE,
    SHARED_WAIT_FOR_EXCLUSIVE,
} shared_kind;

static BOOLEAN acquire_shared(PERESOURCE Resource, BOOLEAN Wait, shared_kind kind, const char *api, void *site)
{
    vf_check_irql_max(APC_LEVEL, api, site);
    eres_state *s = lock_state(Resource, api, site);
    if (!s)
        return FALSE;
    ERESOURCE_THREAD t = me();
    BOOLEAN got = FALSE;
    if (s->excl_count && s->excl_owner == t)
    {
        /* Documented: the same type of access again, recursively (still exclusive). */
        s->excl_count++;
        got = TRUE;
        goto out;
    }
    for (;;)
    {
        eres_owner *mine = shared_entry(s, t);
        bool grant;
        if (s->excl_count)
            grant = false;
        else if (mine)
            grant = kind != SHARED_WAIT_FOR_EXCLUSIVE || !s->excl_waiters;
        else
            grant = kind == SHARED_STARVE_EXCLUSIVE || !s->excl_waiters;
        if (grant)
        {
            add_shared(s, t);
            got = TRUE;
            break;
        }
        if (!Wait)
            break;
        wait_change(s, &s->shared_waiters);
    }
out:
    exec_mutex_unlock(&g_lock);
    return got;
}

BOOLEAN ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait)
{
    void *site = VF_SITE();
    return acquire_shared(Resource, Wait, SHARED_LITE, "ExAcquireResourceSharedLite", site);
}

BOOLEAN ExAcquireSharedStarveExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    void *site = VF_SITE();
    return acquire_shared(Resource, Wait, SHARED_STARVE_EXCLUSIVE, "ExAcquireSharedStarveExclusive", site);
}

BOOLEAN ExAcquireSharedWaitForExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    void *site = VF_SITE();
    return acquire_shared(Resource, Wait, SHARED_WAIT_FOR_EXCLUSIVE, "ExAcquireSharedWaitForExclusive", site);
}

static BOOLEAN acquire_exclusive(PERESOURCE Resource, BOOLEAN Wait, const char *api, void *site)
{
    vf_check_irql_max(APC_LEVEL, api, site);
    eres_state *s = lock_state(Resource, api, site);
    if (!s)
        return FALSE;
    ERESOURCE_THREAD t = me();
    BOOLEAN got = FALSE;
    if (s->excl_count && s->excl_owner == t)
    {
        s->excl_count++;
        got = TRUE;
    }
    else if (shared_entry(s, t))
    {
        exec_mutex_unlock(&g_lock);
        /* Policy: Windows would wait for itself forever; the host reports it and returns FALSE. */
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "%s by a thread that owns the ERESOURCE shared: shared access cannot be converted to exclusive "
                  "(this deadlocks on Windows)",
                  api);
        return FALSE;
    }
    else
    {
        for (;;)
        {
            if (!s->excl_count && !s->nshared)
            {
                s->excl_owner = t;
                s->excl_count = 1;
                got = TRUE;
                break;
            }
            if (!Wait)
                break;
            wait_change(s, &s->excl_waiters);
        }
    }
    exec_mutex_unlock(&g_lock);
    return got;
}

BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait)
{
    void *site = VF_SITE();
    return acquire_exclusive(Resource, Wait, "ExAcquireResourceExclusiveLite", site);
}

static void release_for(PERESOURCE Resource, ERESOURCE_THREAD t, const char *api, void *site)
{
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    eres_state *s = lock_state(Resource, api, site);
    if (!s)
        return;
    if (s->excl_count && s->excl_owner == t)
    {
        if (--s->excl_count == 0)
        {
            s->excl_owner = 0;
            wake_all(s);
        }
        exec_mutex_unlock(&g_lock);
        return;
    }
    eres_owner *o = shared_entry(s, t);
    if (o)
    {
        if (--o->count == 0)
        {
            *o = s->shared[--s->nshared];
            wake_all(s);
        }
        exec_mutex_unlock(&g_lock);
        return;
    }
    exec_mutex_unlock(&g_lock);
    vf_report("AP-02", NULL, VF_CB_NONE, site, "%s on an ERESOURCE that thread %p does not own", api, (void *)t);
}

VOID ExReleaseResourceLite(PERESOURCE Resource)
{
    void *site = VF_SITE();
    release_for(Resource, me(), "ExReleaseResourceLite", site);
}

VOID ExReleaseResourceForThreadLite(PERESOURCE Resource, ERESOURCE_THREAD ResourceThreadId)
{
    void *site = VF_SITE();
    release_for(Resource, ResourceThreadId, "ExReleaseResourceForThreadLite", site);
}

VOID ExConvertExclusiveToSharedLite(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "ExConvertExclusiveToSharedLite", site);
    eres_state *s = lock_state(Resource, "ExConvertExclusiveToSharedLite", site);
    if (!s)
        return;
    ERESOURCE_THREAD t = me();
    if (!s->excl_count || s->excl_owner != t)
    {
        exec_mutex_unlock(&g_lock);
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "ExConvertExclusiveToSharedLite on an ERESOURCE the thread does not own exclusively");
        return;
    }
    /* Every exclusive count becomes a shared one; waiting shared acquirers may now enter. */
    unsigned n = s->excl_count;
    s->excl_count = 0;
    s->excl_owner = 0;
    for (unsigned i = 0; i < n; i++)
        add_shared(s, t);
    wake_all(s);
    exec_mutex_unlock(&g_lock);
}

BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "ExIsResourceAcquiredExclusiveLite", site);
    eres_state *s = lock_state(Resource, "ExIsResourceAcquiredExclusiveLite", site);
    if (!s)
        return FALSE;
    BOOLEAN r = s->excl_count && s->excl_owner == me();
    exec_mutex_unlock(&g_lock);
    return r;
}

ULONG ExIsResourceAcquiredSharedLite(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "ExIsResourceAcquiredSharedLite", site);
    eres_state *s = lock_state(Resource, "ExIsResourceAcquiredSharedLite", site);
    if (!s)
        return 0;
    ERESOURCE_THREAD t = me();
    /* Documented: the number of times the caller acquired it, exclusive acquisitions included. */
    ULONG n = 0;
    if (s->excl_count && s->excl_owner == t)
        n = s->excl_count;
    else
    {
        eres_owner *o = shared_entry(s, t);
        n = o ? o->count : 0;
    }
    exec_mutex_unlock(&g_lock);
    return n;
}

ULONG ExGetExclusiveWaiterCount(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "ExGetExclusiveWaiterCount", site);
    eres_state *s = lock_state(Resource, "ExGetExclusiveWaiterCount", site);
    if (!s)
        return 0;
    ULONG n = s->excl_waiters;
    exec_mutex_unlock(&g_lock);
    return n;
}

ULONG ExGetSharedWaiterCount(PERESOURCE Resource)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "ExGetSharedWaiterCount", site);
    eres_state *s = lock_state(Resource, "ExGetSharedWaiterCount", site);
    if (!s)
        return 0;
    ULONG n = s->shared_waiters;
    exec_mutex_unlock(&g_lock);
    return n;
}

/* Policy: these return the resource's owner thread (the caller); drivers do not rely on the
 * value. Critical regions are not tracked (KeEnterCriticalRegion only checks the IRQL). */
PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE Resource)
{
    void *site = VF_SITE();
    return acquire_exclusive(Resource, TRUE, "ExEnterCriticalRegionAndAcquireResourceExclusive", site)
               ? (PVOID)kernel_current_thread()
               : NULL;
}

PVOID ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE Resource)
{
    void *site = VF_SITE();
    return acquire_shared(Resource, TRUE, SHARED_LITE, "ExEnterCriticalRegionAndAcquireResourceShared", site)
               ? (PVOID)kernel_current_thread()
               : NULL;
}

VOID ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE Resource)
{
    void *site = VF_SITE();
    release_for(Resource, me(), "ExReleaseResourceAndLeaveCriticalRegion", site);
}

size_t kernel_eresources_live(void)
{
    exec_mutex_lock(&g_lock);
    size_t n = g_nlive;
    exec_mutex_unlock(&g_lock);
    return n;
}

size_t kernel_eresource_check_free(const void *p, size_t size, const char *api, void *site)
{
    const char *lo = p, *hi = lo + size;
    size_t n = 0;
    if (!__atomic_load_n(&g_nlive, __ATOMIC_RELAXED))
        return 0; /* the common case: no resource anywhere, no lock taken on the pool free path */
    for (;;)
    {
        exec_mutex_lock(&g_lock);
        eres_state *s = g_live;
        while (s && !((const char *)s->res >= lo && (const char *)s->res < hi))
            s = s->next;
        if (!s)
        {
            exec_mutex_unlock(&g_lock);
            return n;
        }
        const void *res = s->res;
        bool owned = busy(s);
        /* Report, then reclaim: the resource is deleted (its owners and waiters, if any, lose it:
         * the memory goes away whatever the host does). */
        unlink_locked(s);
        s->res = NULL;
        bool mine = vf_ledger_remove_live(&s->lres);
        if (mine && !s->excl_waiters && !s->shared_waiters)
            state_free(s);
        exec_mutex_unlock(&g_lock);
        vf_report("ME-02", NULL, VF_CB_NONE, site,
                  "%s frees memory holding the ERESOURCE at %p, which is still initialized%s: ExDeleteResourceLite "
                  "comes first",
                  api, res, owned ? " and owned or waited on" : "");
        n++;
    }
}

bool kernel_eresource_in_range(const void *p, size_t size)
{
    const char *lo = p, *hi = lo + size;
    exec_mutex_lock(&g_lock);
    bool found = false;
    for (eres_state *s = g_live; s && !found; s = s->next)
        found = (const char *)s->res >= lo && (const char *)s->res < hi;
    exec_mutex_unlock(&g_lock);
    return found;
}

/* NDIS timer objects (NdisAllocateTimerObject and friends): the core of the halt contract.
 *
 * Each timer object is a host object holding a KTIMER and a host-internal KDPC. On expiry the
 * timer thread queues the DPC; the DPC thread runs it at DISPATCH_LEVEL, where it calls the
 * driver's NDIS_TIMER_FUNCTION inside a VF_CB_TIMER frame charged to the timer's owner.
 *
 * Semantics, as documented:
 *  - NdisSetTimerObject returns TRUE when the timer was already set; it is then re-armed, and
 *    only one callback follows. DueTime < 0 is relative, > 0 absolute system time, 100 ns units;
 *    MillisecondsPeriod 0 is one-shot; FunctionContext NULL means the characteristics' default.
 *  - NdisCancelTimerObject returns TRUE iff the timer was set and has been removed. For a
 *    one-shot timer it does not wait for a callback that already expired (queued or running);
 *    for a periodic timer (PASSIVE only) it waits until no queued or running callback is left.
 *  - NdisFreeTimerObject on a timer that is set, or whose callback is queued or running on
 *    another thread, is TM-04 (Policy: an error, as the contract's open question 1 resolves);
 *    the host then cancels it, waits for the callback, and frees it.
 *    Policy: freeing a timer from inside its own callback is allowed; the host releases the
 *    object once the callback returns.
 *  - A callback about to run after its owner ended is TM-05; Policy: the host reports it and
 *    does not call the driver (its context is presumed freed).
 *  - Policy: NdisSetTimerObject on a timer whose owner ended is LC-03; the timer is not set. */
#include "ndis_internal.h"

#include <stdlib.h>

#include "../kernel/kernel_internal.h"
#include "ndis_kernel.h"

#define TIMER_MAGIC 0x524d544eu /* 'NTMR' */

typedef struct ndis_timer_object
{
    uint32_t magic;
    vf_res res;
    vf_owner *owner;
    PNDIS_TIMER_FUNCTION function;
    void *default_context;
    void *context; /* for the current setting */
    KTIMER ktimer;
    KDPC kdpc;
    uint32_t running; /* callbacks running now */
    bool periodic;
    bool freed; /* freed from inside its own callback: release when it returns */
    LIST_ENTRY link;
} ndis_timer_object;

static exec_mutex timers_lock = EXEC_MUTEX_INIT;
static LIST_ENTRY all_timers = {&all_timers, &all_timers};

static void destroy(ndis_timer_object *t)
{
    exec_mutex_lock(&timers_lock);
    RemoveEntryList(&t->link);
    exec_mutex_unlock(&timers_lock);
    t->magic = 0;
    free(t);
}

static VOID timer_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    (void)dpc;
    (void)a1;
    (void)a2;
    ndis_timer_object *t = ctx;
    exec_mutex_lock(&timers_lock);
    PNDIS_TIMER_FUNCTION fn = t->function;
    void *fctx = t->context;
    vf_owner *owner = t->owner;
    t->running++;
    exec_mutex_unlock(&timers_lock);

    if (owner && vf_owner_is_dead(owner))
    {
        vf_report("TM-05", owner, VF_CB_TIMER, t->res.site,
                  "timer callback %p of timer object %p was about to run after its owner (%s) ended; the host did "
                  "not call it",
                  (void *)fn, (void *)t, vf_owner_name(owner));
    }
    else
    {
        vf_frame f;
        vf_enter(&f, VF_CB_TIMER, owner);
        unsigned held = kernel_spinlocks_held();
        fn((PVOID)t, fctx, NULL, NULL);
        kernel_check_callback_exit(held, DISPATCH_LEVEL, owner, VF_CB_TIMER, "timer callback");
        vf_leave(&f);
    }

    exec_mutex_lock(&timers_lock);
    t->running--;
    bool release = t->freed && t->running == 0;
    exec_mutex_unlock(&timers_lock);
    if (release)
    {
        kernel_timer_cancel(&t->ktimer);
        kernel_dpc_remove(&t->kdpc);
        destroy(t);
    }
}

/* Finds a live timer object, or reports AP-01 and returns NULL. Never dereferences a pointer
 * the ledger does not know. */
static ndis_timer_object *timer_from_handle(NDIS_HANDLE h, const char *api, void *site)
{
    vf_res *r = h ? vf_ledger_find(VF_RES_TIMER, h) : NULL;
    ndis_timer_object *t = (ndis_timer_object *)h;
    if (!r || r != &t->res || t->magic != TIMER_MAGIC)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "%s(%p): not a timer object from NdisAllocateTimerObject, or already freed", api, h);
        return NULL;
    }
    return t;
}

/* Cancels and waits; the object is then idle (or, from its own callback, marked for release). */
static void quiesce(ndis_timer_object *t, bool *own_callback)
{
    kernel_timer_cancel(&t->ktimer);
    kernel_dpc_remove(&t->kdpc);
    bool here = false;
    kernel_dpc_in_flight(&t->kdpc, &here);
    *own_callback = here;
    if (!here)
        kernel_dpc_wait_idle(&t->kdpc);
}

static void timer_reclaim(vf_res *r)
{
    ndis_timer_object *t = CONTAINING_RECORD(r, ndis_timer_object, res);
    bool own;
    quiesce(t, &own);
    if (own)
    {
        exec_mutex_lock(&timers_lock);
        t->freed = true;
        exec_mutex_unlock(&timers_lock);
        return;
    }
    destroy(t);
}

NDIS_STATUS NdisAllocateTimerObject(NDIS_HANDLE NdisHandle, PNDIS_TIMER_CHARACTERISTICS TimerCharacteristics,
                                    PNDIS_HANDLE pTimerObject)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAllocateTimerObject", site);
    if (!pTimerObject)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisAllocateTimerObject with a NULL pTimerObject");
        return NDIS_STATUS_FAILURE;
    }
    *pTimerObject = NULL;
    vf_owner *owner = ndis_owner_from_handle(NdisHandle, "NdisAllocateTimerObject", site);
    if (!owner)
        return NDIS_STATUS_FAILURE;
    const NDIS_TIMER_CHARACTERISTICS *c = TimerCharacteristics;
    if (!c || c->Header.Type != NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS ||
        c->Header.Revision < NDIS_TIMER_CHARACTERISTICS_REVISION_1 ||
        c->Header.Size < NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 || !c->TimerFunction)
    {
        if (!c)
            vf_report("TM-01", owner, VF_CB_NONE, site, "NdisAllocateTimerObject with NULL timer characteristics");
        else
            vf_report("TM-01", owner, VF_CB_NONE, site,
                      "NdisAllocateTimerObject: bad NDIS_TIMER_CHARACTERISTICS (Header Type 0x%02x, Revision %u, "
                      "Size %u; TimerFunction %p): expected Type 0x%02x, Revision >= %u, Size >= %u and a callback",
                      c->Header.Type, c->Header.Revision, c->Header.Size, (void *)c->TimerFunction,
                      NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS, NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                      (unsigned)NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1);
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (vf_should_fail("NdisAllocateTimerObject", site))
        return NDIS_STATUS_RESOURCES;
    ndis_timer_object *t = calloc(1, sizeof *t);
    if (!t)
        return NDIS_STATUS_RESOURCES;
    t->magic = TIMER_MAGIC;
    t->owner = owner;
    t->function = c->TimerFunction;
    t->default_context = c->FunctionContext;
    t->context = c->FunctionContext;
    KeInitializeTimer(&t->ktimer);
    kernel_dpc_init_host(&t->kdpc, timer_dpc, t);
    t->res.kind = VF_RES_TIMER;
    t->res.key = t;
    t->res.tag = c->AllocationTag;
    t->res.reclaim = timer_reclaim;
    exec_mutex_lock(&timers_lock);
    InsertTailList(&all_timers, &t->link);
    exec_mutex_unlock(&timers_lock);
    vf_ledger_insert(&t->res, owner, site);
    *pTimerObject = t;
    return NDIS_STATUS_SUCCESS;
}

static BOOLEAN set_timer(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod, PVOID FunctionContext,
                         const char *api, void *site)
{
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_timer_object *t = timer_from_handle(TimerObject, api, site);
    if (!t)
        return FALSE;
    if (MillisecondsPeriod < 0)
    {
        /* TM-02: the period is at most MAXLONG milliseconds; a ULONG above it arrives negative. Policy:
         * the timer is set as a one-shot, so that the run goes on. */
        vf_report("TM-02", t->owner, VF_CB_NONE, site,
                  "%s with MillisecondsPeriod %u, above MAXLONG (0x7FFFFFFF); the timer is set as a one-shot", api,
                  (unsigned)MillisecondsPeriod);
        MillisecondsPeriod = 0;
    }
    if (t->owner && vf_owner_is_dead(t->owner))
    {
        vf_report("LC-03", t->owner, VF_CB_NONE, site, "%s after the timer's owner (%s) ended; the timer was not set",
                  api, vf_owner_name(t->owner));
        return FALSE;
    }
    exec_mutex_lock(&timers_lock);
    t->context = FunctionContext ? FunctionContext : t->default_context;
    t->periodic = MillisecondsPeriod != 0;
    exec_mutex_unlock(&timers_lock);
    return kernel_timer_set(&t->ktimer, DueTime, MillisecondsPeriod, &t->kdpc, t->owner);
}

BOOLEAN NdisSetTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod,
                           PVOID FunctionContext)
{
    return set_timer(TimerObject, DueTime, MillisecondsPeriod, FunctionContext, "NdisSetTimerObject", VF_SITE());
}

BOOLEAN NdisSetCoalescableTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod,
                                      PVOID FunctionContext, ULONG Tolerance)
{
    (void)Tolerance; /* Policy: the host fires at the due time; tolerance only allows lateness. */
    return set_timer(TimerObject, DueTime, MillisecondsPeriod, FunctionContext, "NdisSetCoalescableTimerObject",
                     VF_SITE());
}

BOOLEAN NdisCancelTimerObject(NDIS_HANDLE TimerObject)
{
    void *site = VF_SITE();
    ndis_timer_object *t = timer_from_handle(TimerObject, "NdisCancelTimerObject", site);
    if (!t)
    {
        vf_check_irql_max(DISPATCH_LEVEL, "NdisCancelTimerObject", site);
        return FALSE;
    }
    exec_mutex_lock(&timers_lock);
    bool periodic = t->periodic;
    exec_mutex_unlock(&timers_lock);
    /* TM-03 (SDV PeriodicTimer): cancelling a periodic timer flushes its DPCs, so it needs PASSIVE. */
    bool irql_ok = true;
    if (periodic && vf_irql() != PASSIVE_LEVEL)
    {
        vf_report("TM-03", NULL, VF_CB_NONE, site,
                  "NdisCancelTimerObject on a periodic timer at %s; a periodic timer must be cancelled at "
                  "PASSIVE_LEVEL (the cancel waits for its callback)",
                  vf_irql_name(vf_irql()));
        irql_ok = false;
    }
    else if (!periodic)
        irql_ok = vf_check_irql_max(DISPATCH_LEVEL, "NdisCancelTimerObject", site);
    BOOLEAN was = kernel_timer_cancel(&t->ktimer);
    /* Periodic: the documented flush, limited to this timer's DPC: a queued callback still runs,
     * and none is running when the call returns. Policy: skipped after an IQ-01 report, so that
     * a DPC-level caller cannot deadlock. */
    if (periodic && irql_ok)
        kernel_dpc_wait_idle(&t->kdpc);
    return was;
}

VOID NdisFreeTimerObject(NDIS_HANDLE TimerObject)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisFreeTimerObject", site);
    ndis_timer_object *t = timer_from_handle(TimerObject, "NdisFreeTimerObject", site);
    if (!t)
        return;
    bool armed = kernel_timer_is_armed(&t->ktimer);
    bool own = false;
    bool in_flight = kernel_dpc_in_flight(&t->kdpc, &own);
    bool queued = kernel_dpc_is_queued(&t->kdpc);
    if (armed || queued || (in_flight && !own))
        vf_report("TM-04", t->owner, VF_CB_NONE, site,
                  "NdisFreeTimerObject(%p) while the timer is %s; cancel it and wait for its callback first", (void *)t,
                  armed    ? "still set"
                  : queued ? "expired with its callback queued"
                           : "running its callback on another thread");
    vf_ledger_remove(&t->res);
    quiesce(t, &own);
    if (own)
    {
        exec_mutex_lock(&timers_lock);
        t->freed = true;
        exec_mutex_unlock(&timers_lock);
        return;
    }
    destroy(t);
}

/* ---- queries for the host ------------------------------------------------------------------------ */

void ndis_timer_objects_count(const vf_owner *owner, ndis_timer_counts *out)
{
    out->armed = out->callback_in_flight = 0;
    exec_mutex_lock(&timers_lock);
    for (PLIST_ENTRY e = all_timers.Flink; e != &all_timers; e = e->Flink)
    {
        ndis_timer_object *t = CONTAINING_RECORD(e, ndis_timer_object, link);
        if (owner && t->owner != owner)
            continue;
        if (kernel_timer_is_armed(&t->ktimer))
            out->armed++;
        if (t->running || kernel_dpc_in_flight(&t->kdpc, NULL))
            out->callback_in_flight++;
    }
    exec_mutex_unlock(&timers_lock);
}

size_t ndis_timer_objects_report_in_flight(vf_owner *owner, const char *rule, const char *when)
{
    typedef struct
    {
        void *handle, *site;
        bool armed, in_flight;
    } item;
    item items[64];
    size_t n = 0, reported = 0;
    exec_mutex_lock(&timers_lock);
    for (PLIST_ENTRY e = all_timers.Flink; e != &all_timers && n < 64; e = e->Flink)
    {
        ndis_timer_object *t = CONTAINING_RECORD(e, ndis_timer_object, link);
        if (t->owner != owner || t->freed)
            continue;
        bool armed = kernel_timer_is_armed(&t->ktimer);
        bool in_flight = t->running || kernel_dpc_in_flight(&t->kdpc, NULL);
        if (armed || in_flight)
            items[n++] = (item){t, t->res.site, armed, in_flight};
    }
    exec_mutex_unlock(&timers_lock);
    for (size_t i = 0; i < n; i++)
    {
        vf_report(rule, owner, VF_CB_NONE, items[i].site, "timer object %p %s when %s", items[i].handle,
                  items[i].armed && items[i].in_flight ? "was still set and its callback queued or running"
                  : items[i].armed                     ? "was still set (NdisCancelTimerObject not called)"
                                                       : "still had its callback queued or running",
                  when);
        reported++;
    }
    return reported;
}

void ndis_timer_objects_wait_idle(const vf_owner *owner)
{
    for (;;)
    {
        KDPC *busy = NULL;
        exec_mutex_lock(&timers_lock);
        for (PLIST_ENTRY e = all_timers.Flink; e != &all_timers; e = e->Flink)
        {
            ndis_timer_object *t = CONTAINING_RECORD(e, ndis_timer_object, link);
            if ((!owner || t->owner == owner) && kernel_dpc_in_flight(&t->kdpc, NULL))
            {
                busy = &t->kdpc;
                break;
            }
        }
        exec_mutex_unlock(&timers_lock);
        if (!busy)
            return;
        /* The object may be freed meanwhile; wait_idle only compares the address. */
        kernel_dpc_wait_idle(busy);
    }
}

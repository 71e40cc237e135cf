/* NDIS IO work items: NdisAllocateIoWorkItem / NdisQueueIoWorkItem / NdisFreeIoWorkItem.
 *
 * A queued item runs on one of the kernel's PASSIVE worker threads inside a VF_CB_WORK_ITEM
 * frame charged to its owner, with the documented arguments (WorkItemContext,
 * NdisIoWorkItemHandle). The driver may free the item inside its own routine (netvmini does):
 * the host releases it once the routine returns. Policy: freeing an item while its routine runs
 * on another thread is also allowed and deferred the same way. Policy: freeing an item that is
 * still queued is AP-02; the routine does not run. Policy: queueing an item that is already
 * queued is AP-02 and ignored (Windows would corrupt its queue). Policy: an item whose owner
 * ended is not queued (LC-03), and one about to run after its owner ended is reported (LC-03)
 * and not run. */
#include "ndis_internal.h"

#include <stdlib.h>

#include "../kernel/kernel_internal.h"
#include "ndis_kernel.h"
#include "ndis_kernel_hooks.h"

#define WORK_ITEM_MAGIC 0x4b52574eu /* 'NWRK' */

typedef struct ndis_work_item
{
    uint32_t magic;
    vf_res res;
    vf_owner *owner;
    NDIS_IO_WORKITEM_ROUTINE routine;
    void *context;
    kernel_work work;
    bool queued;
    bool freed;
    uint32_t running;
    LIST_ENTRY link;
} ndis_work_item;

static exec_mutex items_lock = EXEC_MUTEX_INIT;
static LIST_ENTRY all_items = {&all_items, &all_items};
static uint32_t items_gen; /* bumped when an item stops being queued or running */

static void bump_gen(void)
{
    __atomic_add_fetch(&items_gen, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&items_gen, INT32_MAX);
}

/* Called with items_lock held. */
static void destroy_locked(ndis_work_item *w)
{
    RemoveEntryList(&w->link);
    w->magic = 0;
    free(w);
}

static void run_item(kernel_work *kw)
{
    ndis_work_item *w = CONTAINING_RECORD(kw, ndis_work_item, work);
    exec_mutex_lock(&items_lock);
    w->queued = false;
    w->running++;
    NDIS_IO_WORKITEM_ROUTINE routine = w->routine;
    void *ctx = w->context;
    vf_owner *owner = w->owner;
    exec_mutex_unlock(&items_lock);

    if (owner && vf_owner_is_dead(owner))
        vf_report("LC-03", owner, VF_CB_WORK_ITEM, w->res.site,
                  "IO work item %p (routine %p) was about to run after its owner (%s) ended; the host did not call "
                  "it",
                  (void *)w, (void *)routine, vf_owner_name(owner));
    else
    {
        vf_frame f;
        vf_enter(&f, VF_CB_WORK_ITEM, owner);
        unsigned held = kernel_spinlocks_held();
        routine(ctx, (NDIS_HANDLE)w);
        kernel_check_callback_exit(held, PASSIVE_LEVEL, owner, VF_CB_WORK_ITEM, "IO work item routine");
        vf_leave(&f);
    }

    exec_mutex_lock(&items_lock);
    w->running--;
    if (w->freed && w->running == 0 && !w->queued)
        destroy_locked(w);
    exec_mutex_unlock(&items_lock);
    bump_gen();
}

static ndis_work_item *item_from_handle(NDIS_HANDLE h, const char *api, void *site)
{
    vf_res *r = h ? vf_ledger_find(VF_RES_WORK_ITEM, h) : NULL;
    ndis_work_item *w = (ndis_work_item *)h;
    if (!r || r != &w->res || w->magic != WORK_ITEM_MAGIC)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "%s(%p): not an IO work item from NdisAllocateIoWorkItem, or already freed", api, h);
        return NULL;
    }
    return w;
}

/* Releases the item now, or when its routine returns; drops a queued run. */
static void release_item(ndis_work_item *w)
{
    bool cancelled = kernel_work_cancel(&w->work);
    exec_mutex_lock(&items_lock);
    if (cancelled)
        w->queued = false;
    if (w->running || w->queued)
        w->freed = true;
    else
        destroy_locked(w);
    exec_mutex_unlock(&items_lock);
    if (cancelled)
        bump_gen();
}

static void item_reclaim(vf_res *r)
{
    release_item(CONTAINING_RECORD(r, ndis_work_item, res));
}

NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAllocateIoWorkItem", site);
    vf_owner *owner = ndis_owner_from_handle(NdisObjectHandle, "NdisAllocateIoWorkItem", site);
    if (!owner)
        return NULL;
    if (vf_should_fail("NdisAllocateIoWorkItem", site))
        return NULL;
    ndis_work_item *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->magic = WORK_ITEM_MAGIC;
    w->owner = owner;
    w->work.fn = run_item;
    w->res.kind = VF_RES_WORK_ITEM;
    w->res.key = w;
    w->res.reclaim = item_reclaim;
    exec_mutex_lock(&items_lock);
    InsertTailList(&all_items, &w->link);
    exec_mutex_unlock(&items_lock);
    vf_ledger_insert(&w->res, owner, site);
    return (NDIS_HANDLE)w;
}

VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine, PVOID WorkItemContext)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisQueueIoWorkItem", site);
    ndis_work_item *w = item_from_handle(NdisIoWorkItemHandle, "NdisQueueIoWorkItem", site);
    if (!w)
        return;
    if (!Routine)
    {
        vf_report("AP-02", w->owner, VF_CB_NONE, site, "NdisQueueIoWorkItem with a NULL routine");
        return;
    }
    if (w->owner && vf_owner_is_dead(w->owner))
    {
        vf_report("LC-03", w->owner, VF_CB_NONE, site,
                  "NdisQueueIoWorkItem after the work item's owner (%s) ended; the item was not queued",
                  vf_owner_name(w->owner));
        return;
    }
    exec_mutex_lock(&items_lock);
    bool already = w->queued;
    if (!already)
    {
        w->queued = true;
        w->routine = Routine;
        w->context = WorkItemContext;
    }
    exec_mutex_unlock(&items_lock);
    if (already)
    {
        vf_report("AP-02", w->owner, VF_CB_NONE, site,
                  "NdisQueueIoWorkItem(%p) while the item is already queued; the second request was ignored",
                  (void *)w);
        return;
    }
    kernel_work_queue(&w->work);
}

VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisFreeIoWorkItem", site);
    ndis_work_item *w = item_from_handle(NdisIoWorkItemHandle, "NdisFreeIoWorkItem", site);
    if (!w)
        return;
    exec_mutex_lock(&items_lock);
    bool queued = w->queued;
    exec_mutex_unlock(&items_lock);
    if (queued)
        vf_report("AP-02", w->owner, VF_CB_NONE, site,
                  "NdisFreeIoWorkItem(%p) while the item is queued; its routine will not run", (void *)w);
    vf_ledger_remove(&w->res);
    release_item(w);
}

/* ---- queries for the host ------------------------------------------------------------------------ */

static size_t count_locked(const vf_owner *owner)
{
    size_t n = 0;
    for (PLIST_ENTRY e = all_items.Flink; e != &all_items; e = e->Flink)
    {
        ndis_work_item *w = CONTAINING_RECORD(e, ndis_work_item, link);
        if ((!owner || w->owner == owner) && (w->queued || w->running))
            n++;
    }
    return n;
}

size_t ndis_work_items_in_flight(const vf_owner *owner)
{
    exec_mutex_lock(&items_lock);
    size_t n = count_locked(owner);
    exec_mutex_unlock(&items_lock);
    return n;
}

size_t ndis_work_items_report_in_flight(vf_owner *owner, const char *rule, const char *when)
{
    typedef struct
    {
        void *handle, *site, *routine;
        bool running;
    } item;
    item items[64];
    size_t n = 0;
    exec_mutex_lock(&items_lock);
    for (PLIST_ENTRY e = all_items.Flink; e != &all_items && n < 64; e = e->Flink)
    {
        ndis_work_item *w = CONTAINING_RECORD(e, ndis_work_item, link);
        if (w->owner == owner && (w->queued || w->running))
            items[n++] = (item){w, w->res.site, (void *)w->routine, w->running != 0};
    }
    exec_mutex_unlock(&items_lock);
    for (size_t i = 0; i < n; i++)
        vf_report(rule, owner, VF_CB_NONE, items[i].site, "IO work item %p (routine %p) was still %s when %s",
                  items[i].handle, items[i].routine, items[i].running ? "running" : "queued", when);
    return n;
}

void ndis_work_items_wait_idle(const vf_owner *owner)
{
    for (;;)
    {
        exec_mutex_lock(&items_lock);
        uint32_t g = __atomic_load_n(&items_gen, __ATOMIC_ACQUIRE);
        size_t n = count_locked(owner);
        exec_mutex_unlock(&items_lock);
        if (!n)
            return;
        exec_wait_u32(&items_gen, g, -1);
    }
}

/* ---- the lead's end-of-instance hook (ndis_kernel_hooks.h) --------------------------------------- */

void ndis_kernel_check_instance_end(vf_owner *owner, const char *rule_override, const char *when)
{
    ndis_timer_objects_report_in_flight(owner, rule_override ? rule_override : "HA-04", when);
    ndis_work_items_report_in_flight(owner, rule_override ? rule_override : "HA-10", when);
}

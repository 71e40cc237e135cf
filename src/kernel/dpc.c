/* DPCs: one queue and one host thread per emulated processor, running DPC routines at
 * DISPATCH_LEVEL in queue order (HighImportance DPCs go to the front).
 *
 * A KDPC's host state lives in the KDPC itself: DpcListEntry links the queue, DpcData points to
 * the processor queue while the DPC is queued (NULL otherwise, as on Windows, so a routine may
 * requeue itself), ProcessorHistory holds the owner charged for the callback, and Number the
 * target processor + 1 (0: the processor of the thread that queues it). One mutex guards all
 * queues. Once a routine has been called the host never touches its KDPC again, because the
 * routine may free it. */
#include "kernel_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define DPC_TYPE_NORMAL 0x13   /* DpcObject */
#define DPC_TYPE_THREADED 0x18 /* ThreadedDpcObject */
#define DPC_TYPE_HOST 0x93     /* host-internal: DpcObject with the host bit */

typedef struct dpc_cpu
{
    unsigned index;
    PKDPC head, tail;
    uint32_t work_word;  /* bumped on every insert; the thread sleeps on it */
    const KDPC *running; /* identity of the DPC being run (never dereferenced) */
    exec_thread *thread;
} dpc_cpu;

static exec_mutex dpc_lock = EXEC_MUTEX_INIT;
static dpc_cpu cpus[64];
static unsigned ncpus;
static uint32_t done_word; /* bumped whenever a DPC finishes or is removed */
static __thread dpc_cpu *tls_cpu;
static __thread bool tls_in_dpc;

static inline PKDPC next_of(PKDPC d)
{
    return d->DpcListEntry.Next ? CONTAINING_RECORD(d->DpcListEntry.Next, KDPC, DpcListEntry) : NULL;
}

static inline void set_next(PKDPC d, PKDPC next)
{
    d->DpcListEntry.Next = next ? &next->DpcListEntry : NULL;
}

bool kernel_on_dpc_thread(void)
{
    return tls_cpu != NULL;
}

bool kernel_dpc_is_queued(const KDPC *dpc)
{
    return __atomic_load_n(&dpc->DpcData, __ATOMIC_ACQUIRE) != NULL;
}

static void run_one(PKDEFERRED_ROUTINE routine, PKDPC dpc, void *ctx, void *a1, void *a2, vf_owner *owner, UCHAR type)
{
    if (type == DPC_TYPE_HOST)
    {
        routine(dpc, ctx, a1, a2);
        return;
    }
    if (owner && vf_owner_is_dead(owner))
    {
        /* Report, then skip: the routine's context belongs to an instance that has ended and
         * may already be freed. */
        vf_report("LC-03", owner, VF_CB_DPC, (void *)routine,
                  "DPC routine %p was about to run after its owner (%s) ended; the host did not call it",
                  (void *)routine, vf_owner_name(owner));
        return;
    }
    vf_frame f;
    vf_enter(&f, VF_CB_DPC, owner);
    unsigned held = kernel_spinlocks_held();
    tls_in_dpc = true;
    routine(dpc, ctx, a1, a2);
    tls_in_dpc = false;
    kernel_check_callback_exit(held, DISPATCH_LEVEL, owner, VF_CB_DPC, "DPC routine");
    vf_leave(&f);
}

static void dpc_thread(void *arg)
{
    dpc_cpu *c = arg;
    tls_cpu = c;
    kernel_processor_bind(c->index);
    vf_set_irql(DISPATCH_LEVEL);
    exec_mutex_lock(&dpc_lock);
    for (;;)
    {
        while (!c->head)
        {
            uint32_t w = __atomic_load_n(&c->work_word, __ATOMIC_ACQUIRE);
            exec_mutex_unlock(&dpc_lock);
            exec_wait_u32(&c->work_word, w, -1);
            exec_mutex_lock(&dpc_lock);
        }
        PKDPC d = c->head;
        c->head = next_of(d);
        if (!c->head)
            c->tail = NULL;
        set_next(d, NULL);
        PKDEFERRED_ROUTINE routine = d->DeferredRoutine;
        void *ctx = d->DeferredContext, *a1 = d->SystemArgument1, *a2 = d->SystemArgument2;
        vf_owner *owner = (vf_owner *)(uintptr_t)d->ProcessorHistory;
        UCHAR type = d->Type;
        __atomic_store_n(&d->DpcData, NULL, __ATOMIC_RELEASE);
        c->running = d;
        exec_mutex_unlock(&dpc_lock);

        if (routine)
            run_one(routine, d, ctx, a1, a2, owner, type);
        vf_set_irql(DISPATCH_LEVEL);

        exec_mutex_lock(&dpc_lock);
        c->running = NULL;
        __atomic_add_fetch(&done_word, 1, __ATOMIC_RELEASE);
        exec_wake_u32(&done_word, INT32_MAX);
    }
}

void kernel_dpc_start_threads(void)
{
    ncpus = exec_processor_count();
    for (unsigned i = 0; i < ncpus; i++)
    {
        cpus[i].index = i;
        char name[32];
        snprintf(name, sizeof name, "ndis-dpc%u", i);
        if (exec_thread_start(&cpus[i].thread, name, dpc_thread, &cpus[i]) != 0)
        {
            fprintf(stderr, "ndishost: cannot start DPC thread %u\n", i);
            abort();
        }
    }
}

static void init_common(PKDPC dpc, UCHAR type, PKDEFERRED_ROUTINE routine, void *context)
{
    memset(dpc, 0, sizeof *dpc);
    dpc->Type = type;
    dpc->Importance = MediumImportance;
    dpc->DeferredRoutine = routine;
    dpc->DeferredContext = context;
}

void kernel_dpc_init_host(PKDPC dpc, PKDEFERRED_ROUTINE routine, void *context)
{
    init_common(dpc, DPC_TYPE_HOST, routine, context);
}

/* Called with dpc_lock held. */
static BOOLEAN insert_locked(PKDPC dpc, void *arg1, void *arg2, vf_owner *owner, bool force_tail)
{
    if (__atomic_load_n(&dpc->DpcData, __ATOMIC_RELAXED))
        return FALSE;
    unsigned target = dpc->Number ? (unsigned)(dpc->Number - 1) % ncpus : kernel_current_processor() % ncpus;
    dpc_cpu *c = &cpus[target];
    dpc->SystemArgument1 = arg1;
    dpc->SystemArgument2 = arg2;
    dpc->ProcessorHistory = (KAFFINITY)(uintptr_t)owner;
    __atomic_store_n(&dpc->DpcData, (PVOID)c, __ATOMIC_RELEASE);
    if (!force_tail && dpc->Importance == HighImportance && c->head)
    {
        set_next(dpc, c->head);
        c->head = dpc;
    }
    else
    {
        set_next(dpc, NULL);
        if (c->tail)
            set_next(c->tail, dpc);
        else
            c->head = dpc;
        c->tail = dpc;
    }
    __atomic_add_fetch(&c->work_word, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&c->work_word, 1);
    return TRUE;
}

BOOLEAN kernel_dpc_insert(PKDPC dpc, void *arg1, void *arg2, vf_owner *owner)
{
    kernel_start();
    exec_mutex_lock(&dpc_lock);
    BOOLEAN r = insert_locked(dpc, arg1, arg2, owner, false);
    exec_mutex_unlock(&dpc_lock);
    return r;
}

BOOLEAN kernel_dpc_remove(PKDPC dpc)
{
    kernel_start();
    exec_mutex_lock(&dpc_lock);
    dpc_cpu *c = (dpc_cpu *)__atomic_load_n(&dpc->DpcData, __ATOMIC_RELAXED);
    BOOLEAN removed = FALSE;
    if (c)
    {
        PKDPC prev = NULL;
        for (PKDPC d = c->head; d; prev = d, d = next_of(d))
        {
            if (d != dpc)
                continue;
            if (prev)
                set_next(prev, next_of(d));
            else
                c->head = next_of(d);
            if (c->tail == d)
                c->tail = prev;
            set_next(d, NULL);
            removed = TRUE;
            break;
        }
        __atomic_store_n(&dpc->DpcData, NULL, __ATOMIC_RELEASE);
        __atomic_add_fetch(&done_word, 1, __ATOMIC_RELEASE);
        exec_wake_u32(&done_word, INT32_MAX);
    }
    exec_mutex_unlock(&dpc_lock);
    return removed;
}

/* Called with dpc_lock held. */
static bool running_elsewhere_locked(const KDPC *dpc)
{
    for (unsigned i = 0; i < ncpus; i++)
        if (cpus[i].running == dpc && &cpus[i] != tls_cpu)
            return true;
    return false;
}

bool kernel_dpc_in_flight(const KDPC *dpc, bool *on_this_thread)
{
    kernel_start();
    exec_mutex_lock(&dpc_lock);
    bool queued = __atomic_load_n(&dpc->DpcData, __ATOMIC_RELAXED) != NULL;
    bool here = tls_cpu && tls_cpu->running == dpc;
    bool elsewhere = running_elsewhere_locked(dpc);
    exec_mutex_unlock(&dpc_lock);
    if (on_this_thread)
        *on_this_thread = here;
    return queued || here || elsewhere;
}

void kernel_dpc_wait_idle(const KDPC *dpc)
{
    kernel_start();
    for (;;)
    {
        exec_mutex_lock(&dpc_lock);
        uint32_t w = __atomic_load_n(&done_word, __ATOMIC_ACQUIRE);
        bool busy = running_elsewhere_locked(dpc);
        /* A DPC queued on the caller's own processor can never run while the caller waits. */
        dpc_cpu *q = (dpc_cpu *)__atomic_load_n(&dpc->DpcData, __ATOMIC_RELAXED);
        if (q && q != tls_cpu)
            busy = true;
        exec_mutex_unlock(&dpc_lock);
        if (!busy)
            return;
        exec_wait_u32(&done_word, w, -1);
    }
}

static VOID flush_barrier(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    uint32_t *done = ctx;
    __atomic_store_n(done, 1, __ATOMIC_RELEASE);
    exec_wake_u32(done, INT32_MAX);
}

void kernel_dpc_flush(void)
{
    kernel_start();
    KDPC barrier[64];
    uint32_t done[64];
    dpc_cpu *self = tls_cpu;
    exec_mutex_lock(&dpc_lock);
    for (unsigned i = 0; i < ncpus; i++)
    {
        done[i] = 0;
        if (&cpus[i] == self)
            continue;
        kernel_dpc_init_host(&barrier[i], flush_barrier, &done[i]);
        barrier[i].Number = (USHORT)(i + 1);
        insert_locked(&barrier[i], NULL, NULL, NULL, true);
    }
    exec_mutex_unlock(&dpc_lock);
    for (unsigned i = 0; i < ncpus; i++)
    {
        if (&cpus[i] == self)
            continue;
        while (!__atomic_load_n(&done[i], __ATOMIC_ACQUIRE))
            exec_wait_u32(&done[i], 0, -1);
    }
}

/* ---- driver-facing ------------------------------------------------------------------------------ */

VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    void *site = VF_SITE();
    if (!Dpc || !DeferredRoutine)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeInitializeDpc with a NULL %s", Dpc ? "routine" : "DPC");
        if (!Dpc)
            return;
    }
    init_common(Dpc, DPC_TYPE_NORMAL, DeferredRoutine, DeferredContext);
}

VOID KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "KeInitializeThreadedDpc", site);
    if (!Dpc || !DeferredRoutine)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeInitializeThreadedDpc with a NULL %s", Dpc ? "routine" : "DPC");
        if (!Dpc)
            return;
    }
    /* Policy: threaded DPCs run like ordinary ones, at DISPATCH_LEVEL on a DPC thread, which
     * is what Windows does when threaded DPCs are disabled. */
    init_common(Dpc, DPC_TYPE_THREADED, DeferredRoutine, DeferredContext);
}

BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    void *site = VF_SITE();
    if (!Dpc || (Dpc->Type != DPC_TYPE_NORMAL && Dpc->Type != DPC_TYPE_THREADED))
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeInsertQueueDpc on %p, which KeInitializeDpc did not initialize",
                  (void *)Dpc);
        return FALSE;
    }
    return kernel_dpc_insert(Dpc, SystemArgument1, SystemArgument2, kernel_default_owner());
}

BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc)
{
    if (!Dpc)
        return FALSE;
    return kernel_dpc_remove(Dpc);
}

VOID KeFlushQueuedDpcs(void)
{
    void *site = VF_SITE();
    /* Policy: at a raised IRQL (IQ-01) the call returns without waiting, so that a DPC thread
     * can never deadlock on its own queue or on a DPC waiting for it. */
    if (!vf_check_irql_eq(PASSIVE_LEVEL, "KeFlushQueuedDpcs", site))
        return;
    kernel_dpc_flush();
}

VOID KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
    if (Dpc)
        Dpc->Importance = (UCHAR)Importance;
}

VOID KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number)
{
    void *site = VF_SITE();
    kernel_start();
    if ((UCHAR)Number >= ncpus)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeSetTargetProcessorDpc to processor %d of %u", (int)Number, ncpus);
        return;
    }
    Dpc->Number = (USHORT)((UCHAR)Number + 1);
}

NTSTATUS KeSetTargetProcessorDpcEx(PKDPC Dpc, PPROCESSOR_NUMBER ProcNumber)
{
    kernel_start();
    if (!Dpc || !ProcNumber || ProcNumber->Group != 0 || ProcNumber->Number >= ncpus)
        return STATUS_INVALID_PARAMETER;
    Dpc->Number = (USHORT)(ProcNumber->Number + 1);
    return STATUS_SUCCESS;
}

NTSTATUS KeQueryDpcWatchdogInformation(PKDPC_WATCHDOG_INFORMATION WatchdogInformation)
{
    /* Policy: the host has no DPC watchdog, so every limit is 0 ("disabled"). */
    if (!WatchdogInformation)
        return STATUS_INVALID_PARAMETER;
    memset(WatchdogInformation, 0, sizeof *WatchdogInformation);
    return STATUS_SUCCESS;
}

BOOLEAN KeShouldYieldProcessor(void)
{
    return FALSE;
}

BOOLEAN KeIsExecutingDpc(void)
{
    return tls_in_dpc;
}

/* System threads and thread objects: PsCreateSystemThread, PsTerminateSystemThread,
 * KeGetCurrentThread / PsGetCurrentThread and their IDs, KeSetPriorityThread, ZwYieldExecution.
 *
 * A thread object (KTHREAD, opaque to drivers) starts with a DISPATCHER_HEADER that becomes
 * signalled when the thread terminates, so KeWaitForSingleObject on it waits for the thread's end,
 * as documented. It is reference counted by the object manager (ob.c): the running thread holds one
 * reference and the handle PsCreateSystemThread returns another; the object is freed (and its host
 * thread joined) when the last one goes. Host threads (the caller's, DPC and worker threads) get a
 * thread object of their own on first use, which lives as long as the process. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#define KTHREAD_MAGIC 0x5248544bu /* 'KTHR' */
/* Policy: the thread object's dispatcher header has the notification-event type (0): it stays
 * signalled once the thread has terminated, which is a thread object's documented behaviour, and
 * the kernel's waits accept it. */
#define THREAD_DISPATCHER_TYPE 0

struct _KTHREAD
{
    DISPATCHER_HEADER Header;
    uint32_t magic;
    bool system; /* created by PsCreateSystemThread */
    KPRIORITY priority;
    uintptr_t id;
    PKSTART_ROUTINE start;
    void *context;
    void *site; /* where the driver created it */
    exec_thread *exec;
    uint32_t started; /* set once `exec` is stored: the thread waits for it */
    jmp_buf exit_jb;
    NTSTATUS exit_status;
    vf_res lres;           /* ledger entry while the thread runs (HA-10 / UL-02 when left running); holds a reference */
    struct _KTHREAD *next; /* zombie list, or the list of host-thread objects */
};

static void thread_release(void *object);
static void thread_ledger_reclaim(vf_res *r);

static struct _OBJECT_TYPE g_thread_type = {"Thread", thread_release};
static POBJECT_TYPE g_thread_type_ptr = &g_thread_type;
POBJECT_TYPE *PsThreadType = &g_thread_type_ptr;

static __thread struct _KTHREAD *tls_thread; /* this thread's object, once asked for */
static exec_mutex g_lock;
static struct _KTHREAD *g_host_threads; /* objects of host threads (never freed) */
static struct _KTHREAD *g_zombies;      /* ended, unreferenced, not yet joined */
static size_t g_running;
static uintptr_t g_next_id = 0x100;

POBJECT_TYPE kernel_thread_object_type(void)
{
    return &g_thread_type;
}

static void thread_init(struct _KTHREAD *t, bool system)
{
    t->Header.Type = THREAD_DISPATCHER_TYPE;
    t->Header.Size = sizeof(DISPATCHER_HEADER) / sizeof(LONG);
    InitializeListHead(&t->Header.WaitListHead);
    t->magic = KTHREAD_MAGIC;
    t->system = system;
    t->priority = 8; /* Policy: the documented default of system threads' base priority range (LOW_REALTIME - 8) */
    exec_mutex_lock(&g_lock);
    t->id = g_next_id;
    g_next_id += 4;
    exec_mutex_unlock(&g_lock);
}

PKTHREAD kernel_current_thread(void)
{
    if (tls_thread)
        return tls_thread;
    struct _KTHREAD *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    thread_init(t, false);
    exec_mutex_lock(&g_lock);
    t->next = g_host_threads;
    g_host_threads = t;
    exec_mutex_unlock(&g_lock);
    tls_thread = t;
    return t;
}

bool kernel_thread_is_permanent(const void *object)
{
    exec_mutex_lock(&g_lock);
    bool found = false;
    for (struct _KTHREAD *t = g_host_threads; t && !found; t = t->next)
        found = t == object;
    exec_mutex_unlock(&g_lock);
    return found;
}

/* A thread object the driver passed: a system thread's (registered) or a host thread's. */
static struct _KTHREAD *thread_from(const void *p)
{
    if (!p)
        return NULL;
    if (kernel_thread_is_permanent(p))
        return (struct _KTHREAD *)p;
    return kernel_object_is(p, &g_thread_type) ? (struct _KTHREAD *)p : NULL;
}

size_t kernel_system_threads_running(void)
{
    exec_mutex_lock(&g_lock);
    size_t n = g_running;
    exec_mutex_unlock(&g_lock);
    return n;
}

void kernel_system_threads_reap(void)
{
    exec_mutex_lock(&g_lock);
    struct _KTHREAD *z = g_zombies;
    g_zombies = NULL;
    exec_mutex_unlock(&g_lock);
    while (z)
    {
        struct _KTHREAD *next = z->next;
        exec_thread_join(z->exec);
        free(z);
        z = next;
    }
}

static void thread_release(void *object)
{
    struct _KTHREAD *t = object;
    if (!t->exec)
    {
        free(t);
        return;
    }
    if (exec_thread_is_current(t->exec))
    {
        /* The thread dropped its own last reference on its way out: it cannot join itself. */
        exec_mutex_lock(&g_lock);
        t->next = g_zombies;
        g_zombies = t;
        exec_mutex_unlock(&g_lock);
        return;
    }
    exec_thread_join(t->exec);
    free(t);
}

/* After a leftover report: a thread cannot be stopped from outside; only the entry's reference
 * goes (the thread runs on and ends on its own). */
static void thread_ledger_reclaim(vf_res *r)
{
    kernel_object_deref(CONTAINING_RECORD(r, struct _KTHREAD, lres));
}

static void thread_main(void *arg)
{
    struct _KTHREAD *t = arg;
    while (!__atomic_load_n(&t->started, __ATOMIC_ACQUIRE))
        exec_wait_u32(&t->started, 0, -1);
    tls_thread = t;
    vf_set_irql(PASSIVE_LEVEL);
    unsigned held = kernel_spinlocks_held();
    /* Policy: a system thread runs outside any callback frame: what it allocates is charged to
     * nobody (the host cannot know the thread's lifetime matches an adapter's). */
    if (setjmp(t->exit_jb) == 0)
    {
        t->start(t->context);
        t->exit_status = STATUS_SUCCESS; /* returning from the start routine ends the thread too */
    }
    if (kernel_spinlocks_held() > held || kernel_ex_spin_locks_held())
        vf_report("IQ-03", NULL, VF_CB_NONE, t->site, "a system thread ended holding %u spin lock(s)",
                  kernel_spinlocks_held() - held + kernel_ex_spin_locks_held());
    if (kernel_spinlocks_held() > held)
        kernel_spinlocks_release_above(held);
    if (vf_irql() != PASSIVE_LEVEL)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, t->site, "a system thread ended at %s instead of PASSIVE_LEVEL",
                  vf_irql_name(vf_irql()));
        vf_set_irql(PASSIVE_LEVEL);
    }
    exec_mutex_lock(&g_lock);
    g_running--;
    exec_mutex_unlock(&g_lock);
    /* The entry's reference goes with the entry; if a leftover report took it, its hook drops it. */
    if (vf_ledger_remove_live(&t->lres))
        kernel_object_deref(t);
    tls_thread = NULL;
    /* The thread's own reference goes before the object is signalled, so that whoever waited for
     * the end holds the last ones. The memory stays valid until the thread has returned: a release
     * from here only queues it, and a release elsewhere joins this thread before freeing. */
    kernel_object_deref(t);
    kernel_signal_object(&t->Header, 1);
}

NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              HANDLE ProcessHandle, PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine,
                              PVOID StartContext)
{
    void *site = VF_SITE();
    (void)DesiredAccess;
    (void)ObjectAttributes;
    vf_check_irql_eq(PASSIVE_LEVEL, "PsCreateSystemThread", site);
    kernel_system_threads_reap();
    if (!ThreadHandle || !StartRoutine)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "PsCreateSystemThread with a NULL %s",
                  !ThreadHandle ? "ThreadHandle" : "StartRoutine");
        return STATUS_INVALID_PARAMETER;
    }
    *ThreadHandle = NULL;
    /* Policy: every thread runs in the System process; NULL and NtCurrentProcess() both mean it. */
    if (ProcessHandle && ProcessHandle != NtCurrentProcess())
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "PsCreateSystemThread with ProcessHandle %p: a driver-created thread passes NULL", ProcessHandle);
    if (vf_should_fail("PsCreateSystemThread", site))
        return STATUS_INSUFFICIENT_RESOURCES;
    struct _KTHREAD *t = calloc(1, sizeof *t);
    if (!t)
        return STATUS_INSUFFICIENT_RESOURCES;
    thread_init(t, true);
    t->start = StartRoutine;
    t->context = StartContext;
    t->site = site;
    /* References: the running thread's and the ledger entry's (then the handle's). Policy: the
     * thread is charged to the owner of the callback that created it (none outside callbacks, e.g.
     * in an IRP dispatch routine): still running when that owner's halt or unload returns is HA-10
     * / UL-02. */
    kernel_object_insert(t, &g_thread_type, 2);
    t->lres.kind = VF_RES_SYSTEM_THREAD;
    t->lres.key = t;
    t->lres.reclaim = thread_ledger_reclaim;
    vf_ledger_insert(&t->lres, vf_current_owner(), site);
    HANDLE h = kernel_handle_open(t);
    exec_mutex_lock(&g_lock);
    g_running++;
    exec_mutex_unlock(&g_lock);
    char name[16];
    snprintf(name, sizeof name, "sys-%lx", (unsigned long)t->id);
    int rc = exec_thread_start(&t->exec, name, thread_main, t);
    if (rc != 0)
    {
        exec_mutex_lock(&g_lock);
        g_running--;
        exec_mutex_unlock(&g_lock);
        t->exec = NULL;
        kernel_handle_close(h);
        if (vf_ledger_remove_live(&t->lres))
            kernel_object_deref(t);
        kernel_object_deref(t);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    __atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&t->started, INT32_MAX);
    *ThreadHandle = h;
    if (ClientId)
    {
        ClientId->UniqueProcess = PsGetCurrentProcessId();
        ClientId->UniqueThread = (HANDLE)t->id;
    }
    return STATUS_SUCCESS;
}

NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "PsTerminateSystemThread", site);
    struct _KTHREAD *t = tls_thread;
    if (!t || !t->system)
    {
        /* Policy: only a thread from PsCreateSystemThread can be ended; any other caller gets
         * STATUS_INVALID_PARAMETER after the finding and goes on. */
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "PsTerminateSystemThread called by a thread that PsCreateSystemThread did not create");
        return STATUS_INVALID_PARAMETER;
    }
    t->exit_status = ExitStatus;
    longjmp(t->exit_jb, 1);
}

PKTHREAD KeGetCurrentThread(void)
{
    return kernel_current_thread();
}

PETHREAD PsGetCurrentThread(void)
{
    return (PETHREAD)kernel_current_thread();
}

HANDLE PsGetCurrentThreadId(void)
{
    return (HANDLE)kernel_current_thread()->id;
}

BOOLEAN PsIsSystemThread(PETHREAD Thread)
{
    void *site = VF_SITE();
    if (!thread_from(Thread))
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "PsIsSystemThread: %p is not a thread object", (void *)Thread);
        return FALSE;
    }
    return TRUE; /* every thread here runs in kernel mode in the System process */
}

KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "KeSetPriorityThread", site);
    struct _KTHREAD *t = thread_from(Thread);
    if (!t)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "KeSetPriorityThread: %p is not a thread object", (void *)Thread);
        return 0;
    }
    if (Priority < 0 || Priority > 31)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeSetPriorityThread to %d (LOW_PRIORITY 0 .. HIGH_PRIORITY 31)",
                  (int)Priority);
        return t->priority;
    }
    /* Policy: the priority is recorded, not applied: host threads are scheduled by Linux. */
    return __atomic_exchange_n(&t->priority, Priority, __ATOMIC_SEQ_CST);
}

KPRIORITY KeQueryPriorityThread(PKTHREAD Thread)
{
    void *site = VF_SITE();
    struct _KTHREAD *t = thread_from(Thread);
    if (!t)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "KeQueryPriorityThread: %p is not a thread object", (void *)Thread);
        return 0;
    }
    return __atomic_load_n(&t->priority, __ATOMIC_SEQ_CST);
}

NTSTATUS ZwYieldExecution(void)
{
    exec_yield();
    return STATUS_SUCCESS;
}

/* Dispatcher objects (events, semaphores, and the wait side of timers) and the waits on them.
 *
 * An object's signal state is its DISPATCHER_HEADER.SignalState, used directly as the futex word,
 * so a KEVENT stays 24 bytes of driver storage. Header.Type tells the object kind, with the
 * documented dispatcher type numbers. Multi-object waits sleep on one global generation word
 * that every signalling operation bumps while such waiters exist. */
#include "kernel_internal.h"

#define DISP_EVENT_NOTIFICATION 0
#define DISP_EVENT_SYNCHRONIZATION 1
#define DISP_SEMAPHORE 5
#define DISP_TIMER_NOTIFICATION 8
#define DISP_TIMER_SYNCHRONIZATION 9

static uint32_t signal_gen;
static uint32_t multi_waiters;

static inline uint32_t *state_word(DISPATCHER_HEADER *h)
{
    return (uint32_t *)&h->SignalState;
}

void kernel_dispatcher_signalled(void)
{
    __atomic_add_fetch(&signal_gen, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&multi_waiters, __ATOMIC_SEQ_CST))
        exec_wake_u32(&signal_gen, INT32_MAX);
}

void kernel_signal_object(DISPATCHER_HEADER *h, uint32_t value)
{
    __atomic_store_n(state_word(h), value, __ATOMIC_SEQ_CST);
    exec_wake_u32(state_word(h), INT32_MAX);
    kernel_dispatcher_signalled();
}

int64_t kernel_timeout_to_ns(const LARGE_INTEGER *timeout)
{
    if (!timeout)
        return -1;
    LONGLONG q = timeout->QuadPart;
    if (q == 0)
        return 0;
    if (q < 0)
        return q == INT64_MIN ? INT64_MAX : -q * 100;
    int64_t delta = q - exec_system_time();
    return delta <= 0 ? 0 : delta * 100;
}

/* Takes the object if it is signalled, applying the side effect of a satisfied wait. */
static bool try_acquire(DISPATCHER_HEADER *h)
{
    uint32_t *w = state_word(h);
    switch (h->Type)
    {
    case DISP_EVENT_SYNCHRONIZATION:
    case DISP_TIMER_SYNCHRONIZATION:
    {
        uint32_t one = 1;
        return __atomic_compare_exchange_n(w, &one, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    }
    case DISP_SEMAPHORE:
    {
        uint32_t c = __atomic_load_n(w, __ATOMIC_ACQUIRE);
        while ((int32_t)c > 0)
        {
            if (__atomic_compare_exchange_n(w, &c, c - 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                return true;
        }
        return false;
    }
    default:
        return __atomic_load_n(w, __ATOMIC_ACQUIRE) != 0;
    }
}

/* Gives back what try_acquire took (WaitAll that could not take every object). */
static void undo_acquire(DISPATCHER_HEADER *h)
{
    switch (h->Type)
    {
    case DISP_EVENT_SYNCHRONIZATION:
    case DISP_TIMER_SYNCHRONIZATION:
        kernel_signal_object(h, 1);
        break;
    case DISP_SEMAPHORE:
        __atomic_add_fetch(state_word(h), 1, __ATOMIC_SEQ_CST);
        exec_wake_u32(state_word(h), INT32_MAX);
        kernel_dispatcher_signalled();
        break;
    default:
        break;
    }
}

static int64_t remaining_ns(int64_t timeout_ns, uint64_t start)
{
    if (timeout_ns < 0)
        return -1;
    uint64_t now = exec_now_ns();
    uint64_t elapsed = now - start;
    return elapsed >= (uint64_t)timeout_ns ? 0 : (int64_t)((uint64_t)timeout_ns - elapsed);
}

static bool wait_single(DISPATCHER_HEADER *h, int64_t timeout_ns)
{
    uint64_t start = exec_now_ns();
    for (;;)
    {
        if (try_acquire(h))
            return true;
        int64_t left = remaining_ns(timeout_ns, start);
        if (left == 0)
            return false;
        exec_wait_u32(state_word(h), 0, left);
    }
}

bool kernel_event_wait(PKEVENT event, int64_t timeout_ns)
{
    return wait_single(&event->Header, timeout_ns);
}

void kernel_event_set(PKEVENT event)
{
    kernel_signal_object(&event->Header, 1);
}

/* ---- events ----------------------------------------------------------------------------------- */

VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    void *site = VF_SITE();
    if (!Event)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeInitializeEvent with a NULL event");
        return;
    }
    memset(Event, 0, sizeof *Event);
    Event->Header.Type = Type == SynchronizationEvent ? DISP_EVENT_SYNCHRONIZATION : DISP_EVENT_NOTIFICATION;
    Event->Header.Size = sizeof(KEVENT) / sizeof(LONG);
    InitializeListHead(&Event->Header.WaitListHead);
    __atomic_store_n(state_word(&Event->Header), State ? 1u : 0u, __ATOMIC_RELEASE);
}

LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    void *site = VF_SITE();
    (void)Increment;
    vf_check_irql_max(Wait ? APC_LEVEL : DISPATCH_LEVEL, "KeSetEvent", site);
    uint32_t prev = __atomic_exchange_n(state_word(&Event->Header), 1u, __ATOMIC_SEQ_CST);
    exec_wake_u32(state_word(&Event->Header), INT32_MAX);
    kernel_dispatcher_signalled();
    return (LONG)prev;
}

LONG KeResetEvent(PRKEVENT Event)
{
    vf_check_irql_max(DISPATCH_LEVEL, "KeResetEvent", VF_SITE());
    return (LONG)__atomic_exchange_n(state_word(&Event->Header), 0u, __ATOMIC_SEQ_CST);
}

VOID KeClearEvent(PRKEVENT Event)
{
    vf_check_irql_max(DISPATCH_LEVEL, "KeClearEvent", VF_SITE());
    __atomic_store_n(state_word(&Event->Header), 0u, __ATOMIC_SEQ_CST);
}

LONG KeReadStateEvent(PRKEVENT Event)
{
    vf_check_irql_max(DISPATCH_LEVEL, "KeReadStateEvent", VF_SITE());
    return (LONG)__atomic_load_n(state_word(&Event->Header), __ATOMIC_ACQUIRE);
}

LONG KePulseEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    void *site = VF_SITE();
    (void)Increment;
    vf_check_irql_max(Wait ? APC_LEVEL : DISPATCH_LEVEL, "KePulseEvent", site);
    uint32_t prev = __atomic_exchange_n(state_word(&Event->Header), 1u, __ATOMIC_SEQ_CST);
    exec_wake_u32(state_word(&Event->Header), INT32_MAX);
    kernel_dispatcher_signalled();
    /* Policy: waiters already sleeping get a chance to see the pulse before it is reset. */
    exec_yield();
    __atomic_store_n(state_word(&Event->Header), 0u, __ATOMIC_SEQ_CST);
    return (LONG)prev;
}

/* ---- semaphores -------------------------------------------------------------------------------- */

VOID KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "KeInitializeSemaphore", site);
    if (Count < 0 || Limit <= 0 || Count > Limit)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeInitializeSemaphore with Count %d and Limit %d", (int)Count,
                  (int)Limit);
    memset(Semaphore, 0, sizeof *Semaphore);
    Semaphore->Header.Type = DISP_SEMAPHORE;
    Semaphore->Header.Size = sizeof(KSEMAPHORE) / sizeof(LONG);
    InitializeListHead(&Semaphore->Header.WaitListHead);
    Semaphore->Limit = Limit;
    __atomic_store_n(state_word(&Semaphore->Header), (uint32_t)(Count < 0 ? 0 : Count), __ATOMIC_RELEASE);
}

LONG KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment, LONG Adjustment, BOOLEAN Wait)
{
    void *site = VF_SITE();
    (void)Increment;
    vf_check_irql_max(Wait ? APC_LEVEL : DISPATCH_LEVEL, "KeReleaseSemaphore", site);
    uint32_t *w = state_word(&Semaphore->Header);
    uint32_t c = __atomic_load_n(w, __ATOMIC_ACQUIRE);
    for (;;)
    {
        int64_t next = (int64_t)(int32_t)c + Adjustment;
        if (Adjustment <= 0 || next > Semaphore->Limit)
        {
            /* Windows raises STATUS_SEMAPHORE_LIMIT_EXCEEDED; the host reports and leaves the count. */
            vf_report("AP-02", NULL, VF_CB_NONE, site, "KeReleaseSemaphore by %d would exceed the limit %d (count %d)",
                      (int)Adjustment, (int)Semaphore->Limit, (int)(int32_t)c);
            return (LONG)c;
        }
        if (__atomic_compare_exchange_n(w, &c, (uint32_t)next, false, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
            break;
    }
    exec_wake_u32(w, INT32_MAX);
    kernel_dispatcher_signalled();
    return (LONG)c;
}

LONG KeReadStateSemaphore(PRKSEMAPHORE Semaphore)
{
    return (LONG)__atomic_load_n(state_word(&Semaphore->Header), __ATOMIC_ACQUIRE);
}

/* ---- waits ------------------------------------------------------------------------------------ */

/* IRQL rule shared by the waits: at most DISPATCH_LEVEL, and only a zero time-out at DISPATCH.
 * Policy: after an IQ-01 report the wait degrades to a poll, so that a DPC thread never blocks
 * on work that only it could complete. Returns the time-out to use. */
static int64_t checked_timeout(const char *api, PLARGE_INTEGER Timeout, void *site)
{
    int64_t ns = kernel_timeout_to_ns(Timeout);
    KIRQL irql = vf_irql();
    if (irql > DISPATCH_LEVEL || (irql == DISPATCH_LEVEL && ns != 0))
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site,
                  "%s at %s with %s time-out (waiting is allowed only at or below APC_LEVEL, a zero time-out at "
                  "DISPATCH_LEVEL)",
                  api, vf_irql_name(irql), Timeout ? "a non-zero" : "no");
        return 0;
    }
    return ns;
}

static bool is_dispatcher_object(const DISPATCHER_HEADER *h)
{
    switch (h->Type)
    {
    case DISP_EVENT_NOTIFICATION:
    case DISP_EVENT_SYNCHRONIZATION:
    case DISP_SEMAPHORE:
    case DISP_TIMER_NOTIFICATION:
    case DISP_TIMER_SYNCHRONIZATION:
        return true;
    default:
        return false;
    }
}

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                               PLARGE_INTEGER Timeout)
{
    void *site = VF_SITE();
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    if (!Object || !is_dispatcher_object(Object))
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeWaitForSingleObject on %p, which is not a dispatcher object",
                  Object);
        return STATUS_INVALID_PARAMETER;
    }
    int64_t ns = checked_timeout("KeWaitForSingleObject", Timeout, site);
    return wait_single(Object, ns) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                  KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                  PKWAIT_BLOCK WaitBlockArray)
{
    void *site = VF_SITE();
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS || !Object || (Count > THREAD_WAIT_OBJECTS && !WaitBlockArray) ||
        (WaitType != WaitAll && WaitType != WaitAny))
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "KeWaitForMultipleObjects with Count %u, WaitType %d and %s wait block array", (unsigned)Count,
                  (int)WaitType, WaitBlockArray ? "a" : "no");
        return STATUS_INVALID_PARAMETER;
    }
    for (ULONG i = 0; i < Count; i++)
    {
        if (!Object[i] || !is_dispatcher_object(Object[i]))
        {
            vf_report("AP-02", NULL, VF_CB_NONE, site,
                      "KeWaitForMultipleObjects: object %u (%p) is not a dispatcher object", (unsigned)i, Object[i]);
            return STATUS_INVALID_PARAMETER;
        }
    }
    int64_t ns = checked_timeout("KeWaitForMultipleObjects", Timeout, site);
    uint64_t start = exec_now_ns();
    __atomic_add_fetch(&multi_waiters, 1, __ATOMIC_SEQ_CST);
    NTSTATUS status = STATUS_TIMEOUT;
    for (;;)
    {
        uint32_t gen = __atomic_load_n(&signal_gen, __ATOMIC_SEQ_CST);
        if (WaitType == WaitAny)
        {
            ULONG i;
            for (i = 0; i < Count; i++)
                if (try_acquire(Object[i]))
                    break;
            if (i < Count)
            {
                status = STATUS_WAIT_0 + (NTSTATUS)i;
                break;
            }
        }
        else
        {
            /* Policy: WaitAll takes the objects one by one and gives them back if one is not
             * signalled; another waiter may briefly see a synchronization object taken. */
            ULONG i;
            for (i = 0; i < Count; i++)
                if (!try_acquire(Object[i]))
                    break;
            if (i == Count)
            {
                status = STATUS_SUCCESS;
                break;
            }
            while (i-- > 0)
                undo_acquire(Object[i]);
        }
        int64_t left = remaining_ns(ns, start);
        if (left == 0)
            break;
        /* Bounded sleeps keep a WaitAll that keeps losing races from stalling forever. */
        exec_wait_u32(&signal_gen, gen, left < 0 || left > 10000000 ? 10000000 : left);
    }
    __atomic_sub_fetch(&multi_waiters, 1, __ATOMIC_SEQ_CST);
    return status;
}

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval)
{
    void *site = VF_SITE();
    (void)WaitMode;
    (void)Alertable;
    if (!vf_check_irql_max(APC_LEVEL, "KeDelayExecutionThread", site))
        return STATUS_SUCCESS;
    if (!Interval)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeDelayExecutionThread with a NULL interval");
        return STATUS_INVALID_PARAMETER;
    }
    int64_t ns = kernel_timeout_to_ns(Interval);
    if (ns > 0)
        exec_sleep_ns((uint64_t)ns);
    else
        exec_yield();
    return STATUS_SUCCESS;
}

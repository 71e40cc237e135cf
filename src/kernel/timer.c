/* KTIMER: one host thread keeps every armed timer in a deadline-ordered list and, on expiry,
 * signals the timer object and queues its DPC.
 *
 * Host state inside the KTIMER: TimerListEntry links the list (Flink NULL: not armed), DueTime
 * holds the monotonic deadline in nanoseconds, Period the period in milliseconds, and
 * Header.WaitListHead.Flink the owner charged for the DPC. One mutex guards the list; the
 * timer thread queues DPCs while holding it, so a cancel that finds a timer no longer armed
 * knows its DPC is already queued (and a flush will see it). Lock order: timer, then DPC. */
#include "kernel_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define DISP_TIMER_NOTIFICATION 8
#define DISP_TIMER_SYNCHRONIZATION 9

static exec_mutex timer_lock = EXEC_MUTEX_INIT;
static LIST_ENTRY timer_list = {&timer_list, &timer_list};
static uint32_t timer_word;
static exec_thread *timer_thread_handle;

static inline uint64_t deadline_of(const KTIMER *t)
{
    return t->DueTime.QuadPart;
}

bool kernel_timer_is_armed(const KTIMER *t)
{
    exec_mutex_lock(&timer_lock);
    bool armed = t->TimerListEntry.Flink != NULL;
    exec_mutex_unlock(&timer_lock);
    return armed;
}

/* Called with timer_lock held. */
static void insert_sorted(PKTIMER t)
{
    PLIST_ENTRY e = timer_list.Flink;
    while (e != &timer_list && deadline_of(CONTAINING_RECORD(e, KTIMER, TimerListEntry)) <= deadline_of(t))
        e = e->Flink;
    InsertTailList(e, &t->TimerListEntry); /* before e */
}

static void unlink_timer(PKTIMER t)
{
    RemoveEntryList(&t->TimerListEntry);
    t->TimerListEntry.Flink = t->TimerListEntry.Blink = NULL;
}

static uint64_t due_to_deadline(LARGE_INTEGER due)
{
    uint64_t now = exec_now_ns();
    if (due.QuadPart < 0)
        return now + (uint64_t)(-due.QuadPart) * 100u;
    int64_t delta = due.QuadPart - exec_system_time();
    return delta <= 0 ? now : now + (uint64_t)delta * 100u;
}

BOOLEAN kernel_timer_set(PKTIMER timer, LARGE_INTEGER due, LONG period_ms, PKDPC dpc, vf_owner *owner)
{
    kernel_start();
    exec_mutex_lock(&timer_lock);
    BOOLEAN was = timer->TimerListEntry.Flink != NULL;
    if (was)
        unlink_timer(timer);
    __atomic_store_n((uint32_t *)&timer->Header.SignalState, 0u, __ATOMIC_SEQ_CST);
    timer->DueTime.QuadPart = due_to_deadline(due);
    timer->Period = period_ms > 0 ? (ULONG)period_ms : 0;
    timer->Dpc = dpc;
    timer->Header.WaitListHead.Flink = (PLIST_ENTRY)(void *)owner;
    insert_sorted(timer);
    if (timer_list.Flink == &timer->TimerListEntry)
    {
        __atomic_add_fetch(&timer_word, 1, __ATOMIC_RELEASE);
        exec_wake_u32(&timer_word, 1);
    }
    exec_mutex_unlock(&timer_lock);
    return was;
}

BOOLEAN kernel_timer_cancel(PKTIMER timer)
{
    exec_mutex_lock(&timer_lock);
    BOOLEAN was = timer->TimerListEntry.Flink != NULL;
    if (was)
        unlink_timer(timer);
    exec_mutex_unlock(&timer_lock);
    return was;
}

/* Called with timer_lock held, for the first timer of the list, due at or before `now`. The
 * timer is signalled last: a waiter may free it as soon as it sees the signal. */
static void expire(PKTIMER t, uint64_t now)
{
    unlink_timer(t);
    PKDPC dpc = t->Dpc;
    vf_owner *owner = (vf_owner *)(void *)t->Header.WaitListHead.Flink;
    if (t->Period)
    {
        uint64_t next = deadline_of(t) + (uint64_t)t->Period * 1000000u;
        t->DueTime.QuadPart = next > now ? next : now + (uint64_t)t->Period * 1000000u;
        insert_sorted(t);
    }
    /* Signalled before its DPC is queued, as Windows expires a timer: a DPC routine (or whoever it
     * wakes) sees the timer in the signalled state. */
    kernel_signal_object(&t->Header, 1);
    if (dpc)
    {
        LARGE_INTEGER st;
        st.QuadPart = exec_system_time();
        kernel_dpc_insert(dpc, (PVOID)(ULONG_PTR)st.LowPart, (PVOID)(ULONG_PTR)(ULONG)st.HighPart, owner);
    }
}

static void timer_thread(void *arg)
{
    (void)arg;
    exec_mutex_lock(&timer_lock);
    for (;;)
    {
        uint64_t now = exec_now_ns();
        while (!IsListEmpty(&timer_list))
        {
            PKTIMER first = CONTAINING_RECORD(timer_list.Flink, KTIMER, TimerListEntry);
            if (deadline_of(first) > now)
                break;
            expire(first, now);
        }
        uint32_t w = __atomic_load_n(&timer_word, __ATOMIC_ACQUIRE);
        int64_t wait_ns = -1;
        if (!IsListEmpty(&timer_list))
            wait_ns = (int64_t)(deadline_of(CONTAINING_RECORD(timer_list.Flink, KTIMER, TimerListEntry)) - now);
        exec_mutex_unlock(&timer_lock);
        exec_wait_u32(&timer_word, w, wait_ns);
        exec_mutex_lock(&timer_lock);
    }
}

void kernel_timer_start_thread(void)
{
    if (exec_thread_start(&timer_thread_handle, "ndis-timer", timer_thread, NULL) != 0)
    {
        fprintf(stderr, "ndishost: cannot start the timer thread\n");
        abort();
    }
}

/* ---- driver-facing ------------------------------------------------------------------------------ */

VOID KeInitializeTimer(PKTIMER Timer)
{
    KeInitializeTimerEx(Timer, NotificationTimer);
}

VOID KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    void *site = VF_SITE();
    if (!Timer)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeInitializeTimer with a NULL timer");
        return;
    }
    memset(Timer, 0, sizeof *Timer);
    Timer->Header.Type = Type == SynchronizationTimer ? DISP_TIMER_SYNCHRONIZATION : DISP_TIMER_NOTIFICATION;
    Timer->Header.Size = sizeof(KTIMER) / sizeof(LONG);
}

static bool valid_timer(PKTIMER Timer, const char *api, void *site)
{
    if (Timer && (Timer->Header.Type == DISP_TIMER_NOTIFICATION || Timer->Header.Type == DISP_TIMER_SYNCHRONIZATION))
        return true;
    vf_report("AP-02", NULL, VF_CB_NONE, site, "%s on %p, which KeInitializeTimer did not initialize", api,
              (void *)Timer);
    return false;
}

BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "KeSetTimer", site);
    if (!valid_timer(Timer, "KeSetTimer", site))
        return FALSE;
    return kernel_timer_set(Timer, DueTime, 0, Dpc, kernel_default_owner());
}

BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "KeSetTimerEx", site);
    if (!valid_timer(Timer, "KeSetTimerEx", site))
        return FALSE;
    if (Period < 0)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeSetTimerEx with a negative period %d", (int)Period);
        Period = 0;
    }
    return kernel_timer_set(Timer, DueTime, Period, Dpc, kernel_default_owner());
}

BOOLEAN KeCancelTimer(PKTIMER Timer)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "KeCancelTimer", site);
    if (!valid_timer(Timer, "KeCancelTimer", site))
        return FALSE;
    return kernel_timer_cancel(Timer);
}

BOOLEAN KeReadStateTimer(PKTIMER Timer)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "KeReadStateTimer", site);
    if (!valid_timer(Timer, "KeReadStateTimer", site))
        return FALSE;
    return __atomic_load_n((uint32_t *)&Timer->Header.SignalState, __ATOMIC_ACQUIRE) != 0;
}

/* NDIS's halt watchdog (bug check 0x7C/0x25, sub-code 0x22), served by one long-lived host
 * thread rather than a thread per halt: a halt is on the path of every initialize/halt cycle.
 *
 * Two stages per watched halt. When the halt time-out expires, the protocol is made to give back
 * every receive it still holds: a halt handler blocked on those is waiting correctly, and returns.
 * If the handler still has not returned after a second time-out, HA-01 is reported. */
#include "halt_watchdog.h"

#include <stdlib.h>

#include "datapath.h"

static exec_mutex g_lock = EXEC_MUTEX_INIT;
static halt_watch *g_list; /* watched halts, guarded by g_lock */
static uint32_t g_word;    /* bumped to wake the thread */
static exec_thread *g_thread;

static void fire(halt_watch *w)
{
    if (w->stage == 0)
    {
        size_t released = w->hooks && w->hooks->watchdog ? w->hooks->watchdog(w->hooks->arg, w->a) : 0;
        if (released && ndis_log_hook)
            ndis_log_hook(w->a, "halt watchdog: the protocol held %zu receive NBLs; returned them", released);
        return;
    }
    vf_report("HA-01", w->a->owner, VF_CB_HALT, (void *)w->a->driver->chars.HaltHandlerEx,
              "MiniportHaltEx has not returned after %.1f s (%u receive NBLs outstanding); NDIS would bug-check "
              "0x7C/0x25 (MINIPORT_HALT watchdog)",
              (double)(2 * w->timeout_ns) / 1e9, ndis_dp_rx_outstanding(w->a));
}

static void watchdog_thread(void *arg)
{
    (void)arg;
    exec_mutex_lock(&g_lock);
    for (;;)
    {
        uint64_t now = exec_now_ns();
        int64_t wait_ns = -1;
        halt_watch *due = NULL;
        for (halt_watch *w = g_list; w; w = w->next)
        {
            if (w->stage > 1)
                continue;
            if (w->deadline <= now)
            {
                due = w;
                break;
            }
            int64_t left = (int64_t)(w->deadline - now);
            if (wait_ns < 0 || left < wait_ns)
                wait_ns = left;
        }
        if (due)
        {
            /* The hook runs unlocked; halt_watch_end waits for it before the entry goes away. */
            due->busy = true;
            exec_mutex_unlock(&g_lock);
            fire(due);
            exec_mutex_lock(&g_lock);
            due->busy = false;
            due->stage++;
            due->deadline = exec_now_ns() + (uint64_t)due->timeout_ns;
            __atomic_add_fetch(&due->idle_word, 1, __ATOMIC_RELEASE);
            exec_wake_u32(&due->idle_word, INT32_MAX);
            continue;
        }
        uint32_t word = __atomic_load_n(&g_word, __ATOMIC_ACQUIRE);
        exec_mutex_unlock(&g_lock);
        exec_wait_u32(&g_word, word, wait_ns);
        exec_mutex_lock(&g_lock);
    }
}

static void wake(void)
{
    __atomic_add_fetch(&g_word, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&g_word, INT32_MAX);
}

void halt_watch_begin(halt_watch *w, ndis_adapter *a, const ndis_pause_hooks *hooks, int64_t timeout_ns)
{
    *w = (halt_watch){.a = a, .hooks = hooks, .timeout_ns = timeout_ns};
    if (timeout_ns <= 0)
        return;
    w->deadline = exec_now_ns() + (uint64_t)timeout_ns;
    exec_mutex_lock(&g_lock);
    if (!g_thread && exec_thread_start(&g_thread, "ndis-haltwd", watchdog_thread, NULL) != 0)
        abort();
    w->next = g_list;
    g_list = w;
    w->listed = true;
    exec_mutex_unlock(&g_lock);
    wake();
}

void halt_watch_end(halt_watch *w)
{
    if (!w->listed)
        return;
    exec_mutex_lock(&g_lock);
    while (w->busy)
    {
        uint32_t word = __atomic_load_n(&w->idle_word, __ATOMIC_ACQUIRE);
        exec_mutex_unlock(&g_lock);
        exec_wait_u32(&w->idle_word, word, -1);
        exec_mutex_lock(&g_lock);
    }
    for (halt_watch **p = &g_list; *p; p = &(*p)->next)
        if (*p == w)
        {
            *p = w->next;
            break;
        }
    w->listed = false;
    exec_mutex_unlock(&g_lock);
}

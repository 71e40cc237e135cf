/* The PASSIVE work queue: two host worker threads serve one FIFO of kernel_work items (IO work
 * items, and any host work that must run at PASSIVE_LEVEL on a thread of its own). */
#include "kernel_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define WORKER_COUNT 2

static exec_mutex work_lock = EXEC_MUTEX_INIT;
static kernel_work *work_head, *work_tail;
static uint32_t work_word;
static exec_thread *workers[WORKER_COUNT];
static __thread bool tls_worker;

bool kernel_on_worker_thread(void)
{
    return tls_worker;
}

static void worker_thread(void *arg)
{
    (void)arg;
    tls_worker = true;
    vf_set_irql(PASSIVE_LEVEL);
    exec_mutex_lock(&work_lock);
    for (;;)
    {
        while (!work_head)
        {
            uint32_t w = __atomic_load_n(&work_word, __ATOMIC_ACQUIRE);
            exec_mutex_unlock(&work_lock);
            exec_wait_u32(&work_word, w, -1);
            exec_mutex_lock(&work_lock);
        }
        kernel_work *item = work_head;
        work_head = item->next;
        if (!work_head)
            work_tail = NULL;
        item->next = NULL;
        exec_mutex_unlock(&work_lock);
        /* The item may be freed by its own function: it is not touched afterwards. */
        item->fn(item);
        vf_set_irql(PASSIVE_LEVEL);
        exec_mutex_lock(&work_lock);
    }
}

void kernel_work_start_threads(void)
{
    for (unsigned i = 0; i < WORKER_COUNT; i++)
    {
        char name[32];
        snprintf(name, sizeof name, "ndis-work%u", i);
        if (exec_thread_start(&workers[i], name, worker_thread, NULL) != 0)
        {
            fprintf(stderr, "ndishost: cannot start worker thread %u\n", i);
            abort();
        }
    }
}

void kernel_work_queue(kernel_work *w)
{
    kernel_start();
    exec_mutex_lock(&work_lock);
    w->next = NULL;
    if (work_tail)
        work_tail->next = w;
    else
        work_head = w;
    work_tail = w;
    __atomic_add_fetch(&work_word, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&work_word, 1);
    exec_mutex_unlock(&work_lock);
}

bool kernel_work_cancel(kernel_work *w)
{
    bool found = false;
    exec_mutex_lock(&work_lock);
    kernel_work *prev = NULL;
    for (kernel_work *i = work_head; i; prev = i, i = i->next)
    {
        if (i != w)
            continue;
        if (prev)
            prev->next = i->next;
        else
            work_head = i->next;
        if (work_tail == i)
            work_tail = prev;
        i->next = NULL;
        found = true;
        break;
    }
    exec_mutex_unlock(&work_lock);
    return found;
}

/* Lazy start of the kernel's threads: the first API that needs a DPC queue, the timer thread or
 * a worker starts all of them, so that merely loading the library spawns nothing. */
#include "kernel_internal.h"

static uint32_t started;
static exec_mutex start_lock = EXEC_MUTEX_INIT;

void kernel_start(void)
{
    if (__atomic_load_n(&started, __ATOMIC_ACQUIRE))
        return;
    exec_mutex_lock(&start_lock);
    if (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
    {
        kernel_dpc_start_threads();
        kernel_timer_start_thread();
        kernel_work_start_threads();
        __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    }
    exec_mutex_unlock(&start_lock);
}

vf_owner *kernel_default_owner(void)
{
    return vf_current_owner();
}

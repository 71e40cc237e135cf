/* The `threads` executor: real pthreads, CLOCK_MONOTONIC / CLOCK_REALTIME, futex(2).
 *
 * The only file of the host that touches pthreads, clocks or futexes. Every atomic access uses
 * acquire/release ordering so that ThreadSanitizer sees the happens-before edges the futex
 * calls themselves do not show it. */
#include "exec.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct exec_thread
{
    pthread_t tid;
    exec_thread_fn fn;
    void *arg;
};

static void *thread_trampoline(void *p)
{
    exec_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

int exec_thread_start(exec_thread **out, const char *name, exec_thread_fn fn, void *arg)
{
    exec_thread *t = calloc(1, sizeof *t);
    if (!t)
        return ENOMEM;
    t->fn = fn;
    t->arg = arg;
    int rc = pthread_create(&t->tid, NULL, thread_trampoline, t);
    if (rc != 0)
    {
        free(t);
        return rc;
    }
    if (name)
    {
        char shortname[16];
        strncpy(shortname, name, sizeof shortname - 1);
        shortname[sizeof shortname - 1] = '\0';
        pthread_setname_np(t->tid, shortname);
    }
    *out = t;
    return 0;
}

void exec_thread_join(exec_thread *t)
{
    if (!t)
        return;
    pthread_join(t->tid, NULL);
    free(t);
}

bool exec_thread_is_current(const exec_thread *t)
{
    return t && pthread_equal(t->tid, pthread_self());
}

uint64_t exec_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define EXEC_EPOCH_DIFF_100NS 116444736000000000ll

int64_t exec_system_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return EXEC_EPOCH_DIFF_100NS + (int64_t)ts.tv_sec * 10000000ll + (int64_t)ts.tv_nsec / 100;
}

static long futex_call(const uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

bool exec_wait_u32(const uint32_t *addr, uint32_t expected, int64_t timeout_ns)
{
    if (__atomic_load_n(addr, __ATOMIC_ACQUIRE) != expected)
        return true;
    if (timeout_ns == 0)
        return false;
    struct timespec ts, *tsp = NULL;
    if (timeout_ns > 0)
    {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000ll);
        ts.tv_nsec = (long)(timeout_ns % 1000000000ll);
        tsp = &ts;
    }
    long rc = futex_call(addr, FUTEX_WAIT_PRIVATE, expected, tsp);
    /* Pairs with the waker's release store: whatever it wrote before changing the word is
     * visible once the word is seen changed. */
    (void)__atomic_load_n(addr, __ATOMIC_ACQUIRE);
    if (rc == -1 && errno == ETIMEDOUT)
        return false;
    return true;
}

void exec_wake_u32(const uint32_t *addr, int32_t count)
{
    if (count <= 0)
        return;
    futex_call(addr, FUTEX_WAKE_PRIVATE, (uint32_t)count, NULL);
}

void exec_yield(void)
{
    sched_yield();
}

void exec_sleep_ns(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ull), .tv_nsec = (long)(ns % 1000000000ull)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
    {
    }
}

void exec_stall_ns(uint64_t ns)
{
    uint64_t end = exec_now_ns() + ns;
    while (exec_now_ns() < end)
    {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
    }
}

/* Drepper's three-state futex mutex: 0 unlocked, 1 locked, 2 locked with waiters. */
void exec_mutex_lock(exec_mutex *m)
{
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(&m->state, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    while (c != 0)
    {
        futex_call(&m->state, FUTEX_WAIT_PRIVATE, 2, NULL);
        c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    }
}

void exec_mutex_unlock(exec_mutex *m)
{
    if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
        futex_call(&m->state, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static unsigned processor_count_cached;

unsigned exec_processor_count(void)
{
    unsigned n = __atomic_load_n(&processor_count_cached, __ATOMIC_ACQUIRE);
    if (n)
        return n;
    n = 2;
    const char *env = getenv("NDISHOST_PROCESSORS");
    if (env && *env)
    {
        char *end;
        unsigned long v = strtoul(env, &end, 10);
        /* Policy: 1..64 emulated processors (one processor group, as KAFFINITY is 64 bits). */
        if (*end == '\0' && v >= 1 && v <= 64)
            n = (unsigned)v;
    }
    unsigned zero = 0;
    __atomic_compare_exchange_n(&processor_count_cached, &zero, n, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return __atomic_load_n(&processor_count_cached, __ATOMIC_ACQUIRE);
}

/* The executor interface: the only way the host blocks, wakes, spawns, sleeps or reads a clock.
 *
 * Kernel objects (events, spin locks, DPC queues, timers, work items) are written once on top of
 * these calls. Today's backend is `threads` (real pthreads, real time); a deterministic backend
 * (fibers, virtual clock, seeded scheduling) can replace it without touching anything above.
 *
 * Blocking is address based, like Linux futexes and Windows WaitOnAddress: a waiter sleeps while a
 * 32-bit word still holds the value it saw, and a waker changes the word and then wakes waiters on
 * it. That keeps every kernel object inside the driver's own storage (a KEVENT is 24 bytes on
 * Windows and stays 24 bytes here) and gives a simulator one primitive to schedule. */
#ifndef NDISHOST_EXEC_H
#define NDISHOST_EXEC_H

#include <stdbool.h>
#include <stdint.h>

typedef struct exec_thread exec_thread;
typedef void (*exec_thread_fn)(void *arg);

/* Starts a host thread. `name` shows in debuggers (truncated to 15 bytes). Returns 0 or an errno. */
int exec_thread_start(exec_thread **out, const char *name, exec_thread_fn fn, void *arg);
/* Waits for the thread to return and frees it. */
void exec_thread_join(exec_thread *t);
/* True when the caller is the given thread. */
bool exec_thread_is_current(const exec_thread *t);

/* Monotonic clock, nanoseconds since an arbitrary origin. */
uint64_t exec_now_ns(void);
/* Wall clock as Windows system time: 100 ns units since 1601-01-01 UTC. */
int64_t exec_system_time(void);

/* Sleeps while *addr == expected, at most timeout_ns (negative: no limit). Returns true when woken
 * or the word had already changed, false on time-out. Spurious returns are possible: callers loop. */
bool exec_wait_u32(const uint32_t *addr, uint32_t expected, int64_t timeout_ns);
/* Wakes up to `count` waiters sleeping on addr (INT32_MAX: all). */
void exec_wake_u32(const uint32_t *addr, int32_t count);

/* Gives up the processor (spin loops call this between attempts). */
void exec_yield(void);
/* Sleeps for at least ns. Used only where the emulated API itself sleeps (NdisMSleep). */
void exec_sleep_ns(uint64_t ns);
/* Busy-waits for ns without giving up the processor (NdisStallExecution, KeStallExecutionProcessor). */
void exec_stall_ns(uint64_t ns);

/* A host-internal mutex (never visible to drivers). */
typedef struct exec_mutex
{
    uint32_t state; /* 0 unlocked, 1 locked, 2 locked with waiters */
} exec_mutex;
#define EXEC_MUTEX_INIT                                                                                                \
    {                                                                                                                  \
        0                                                                                                              \
    }
void exec_mutex_lock(exec_mutex *m);
void exec_mutex_unlock(exec_mutex *m);

/* Number of emulated processors (DPC queues); fixed at start-up, default 2. */
unsigned exec_processor_count(void);

#endif

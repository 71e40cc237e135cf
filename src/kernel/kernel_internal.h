/* The emulated kernel's internal interface, for the files of src/kernel/ and the NDIS layer.
 *
 * The kernel starts its threads lazily on first use: one DPC thread per emulated processor
 * (running at DISPATCH_LEVEL), one timer thread, and two PASSIVE worker threads. Everything
 * here is host-internal: no IRQL checks, no findings; the driver-facing entry points in the
 * same files do those and then call these. */
#ifndef NDISHOST_KERNEL_INTERNAL_H
#define NDISHOST_KERNEL_INTERNAL_H

#include <ntddk.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../verifier/verifier.h"
#include "exec/exec.h"

/* ---- start-up --------------------------------------------------------------------------------- */

/* Starts the DPC, timer and worker threads once; later calls return at once. Thread-safe. */
void kernel_start(void);
/* The parts kernel_start runs (each once). */
void kernel_dpc_start_threads(void);
void kernel_timer_start_thread(void);
void kernel_work_start_threads(void);

/* ---- processors -------------------------------------------------------------------------------- */

/* The emulated processor the calling thread runs on: a DPC thread's own processor, otherwise a
 * processor assigned to the thread round robin on first use (stable for the thread's life). */
unsigned kernel_current_processor(void);
/* True on a DPC thread (or the timer thread): code there must never wait for DPCs. */
bool kernel_on_dpc_thread(void);
/* Pins the calling thread to an emulated processor (DPC threads). */
void kernel_processor_bind(unsigned index);

/* ---- spin locks -------------------------------------------------------------------------------- */

/* Spin locks the calling thread holds now (callback wrappers compare before/after: IQ-03). */
unsigned kernel_spinlocks_held(void);
/* Host-internal acquire/release of a KSPIN_LOCK word with the same mutual exclusion and
 * bookkeeping as the driver-facing calls, but no IRQL changes or findings. */
void kernel_spin_acquire(volatile KSPIN_LOCK *lock);
void kernel_spin_release(volatile KSPIN_LOCK *lock);
/* The checked acquire/release behind the driver-facing calls (recursion and non-holder
 * releases reported as IQ-03 naming `api`); IRQL handling is the caller's. The release returns
 * false when the lock was not held at all: nothing was released, and the caller should not
 * check or change the IRQL for it (one finding per mistake). */
void kernel_spin_acquire_api(volatile KSPIN_LOCK *lock, const char *api, void *site);
bool kernel_spin_release_api(volatile KSPIN_LOCK *lock, const char *api, void *site);
/* Releases, innermost first, the spin locks the thread acquired beyond the first `keep` it
 * holds (a callback that returned holding locks, after that was reported). */
void kernel_spinlocks_release_above(unsigned keep);

/* After a callback returns: reports IQ-03 if it left spin locks held (the count grew since
 * `held_before`) and IQ-01 if it changed the IRQL from `irql_before`, then restores the IRQL.
 * `what` names the callback in the message. Returns true when everything was balanced. */
bool kernel_check_callback_exit(unsigned held_before, KIRQL irql_before, vf_owner *owner, vf_callback cb,
                                const char *what);

/* ---- dispatcher objects -------------------------------------------------------------------------- */

/* Converts a Windows timeout (NULL: forever; < 0 relative 100 ns; >= 0 absolute system time)
 * into nanoseconds from now (-1: forever, 0: poll). */
int64_t kernel_timeout_to_ns(const LARGE_INTEGER *timeout);
/* Waits on an event without IRQL checks. Returns true when signalled, false on time-out. */
bool kernel_event_wait(PKEVENT event, int64_t timeout_ns);
void kernel_event_set(PKEVENT event);
/* Bumped (and waited on) whenever any dispatcher object becomes signalled; multi-object waits
 * sleep on it. */
void kernel_dispatcher_signalled(void);
/* Sets an object's signal state to `value` and wakes its waiters. */
void kernel_signal_object(DISPATCHER_HEADER *h, uint32_t value);

/* ---- DPCs ---------------------------------------------------------------------------------- */

/* Marks a KDPC as host-internal: its routine runs without a VF_CB_DPC frame and without the
 * exit checks (the routine pushes its own frame, e.g. VF_CB_TIMER for timer objects). */
void kernel_dpc_init_host(PKDPC dpc, PKDEFERRED_ROUTINE routine, void *context);
/* Queues a DPC charged to `owner`. Returns FALSE when it was already queued. */
BOOLEAN kernel_dpc_insert(PKDPC dpc, void *arg1, void *arg2, vf_owner *owner);
/* Removes a queued DPC; TRUE when it was queued. */
BOOLEAN kernel_dpc_remove(PKDPC dpc);
/* Waits until every DPC queued before the call (on every processor but the caller's own, when
 * the caller is a DPC thread) has finished running. */
void kernel_dpc_flush(void);
/* True while the DPC is queued. */
bool kernel_dpc_is_queued(const KDPC *dpc);
/* True while the DPC is queued or its routine is running (the host compares identities only, so
 * the KDPC may already be freed by its routine). `on_this_thread` tells whether the running
 * routine is the caller itself. */
bool kernel_dpc_in_flight(const KDPC *dpc, bool *on_this_thread);
/* Waits until the DPC is neither queued (on another processor) nor running on another thread. */
void kernel_dpc_wait_idle(const KDPC *dpc);

/* ---- timers -------------------------------------------------------------------------------- */

/* Arms a timer (see KeSetTimerEx) charged to `owner`; TRUE when it was already armed. */
BOOLEAN kernel_timer_set(PKTIMER timer, LARGE_INTEGER due, LONG period_ms, PKDPC dpc, vf_owner *owner);
BOOLEAN kernel_timer_cancel(PKTIMER timer);
bool kernel_timer_is_armed(const KTIMER *timer);

/* ---- PASSIVE work queue ----------------------------------------------------------------------- */

typedef struct kernel_work kernel_work;
struct kernel_work
{
    kernel_work *next;
    void (*fn)(kernel_work *w); /* runs on a worker thread at PASSIVE_LEVEL */
};
void kernel_work_queue(kernel_work *w);
/* Removes a queued item that has not started; true when it was queued. */
bool kernel_work_cancel(kernel_work *w);
/* True on a worker thread. */
bool kernel_on_worker_thread(void);

/* ---- pool ----------------------------------------------------------------------------------- */

typedef enum kernel_pool_api
{
    KERNEL_POOL_EX = 0, /* ExAllocatePool* */
    KERNEL_POOL_NDIS,   /* NdisAllocateMemory* */
    KERNEL_POOL_HOST,   /* host-internal allocations charged to a driver (lookaside entries, strings) */
} kernel_pool_api;

/* Allocates `size` bytes with guard areas, recorded in the ledger as VF_RES_POOL under `owner`
 * (key: the returned pointer). `align` is 16 or 64. Fault injection is the caller's business. */
void *kernel_pool_alloc(size_t size, uint32_t tag, bool zero, size_t align, kernel_pool_api api, vf_owner *owner,
                        void *site);
/* Frees a block from kernel_pool_alloc. A NULL, foreign or already freed pointer, or damaged
 * guard areas, are reported as ME-02 findings naming `api`; the call then returns without
 * touching the memory (foreign) or frees it anyway (damaged). Returns false when the pointer was
 * not a live block. When `owner_out`/`tag_out` are given they receive the block's owner and tag
 * (before it is freed) so that callers can check their own pairing rules. */
bool kernel_pool_free(void *p, const char *api, void *site, vf_owner **owner_out, uint32_t *tag_out);
/* The owner and tag of a live block, without freeing it; false when p is not a live block. */
bool kernel_pool_query(const void *p, vf_owner **owner_out, uint32_t *tag_out, size_t *size_out);

/* ---- lookaside lists (the NDIS wrappers report under their own API names) ------------------------ */

void kernel_lookaside_init_npaged(PNPAGED_LOOKASIDE_LIST l, PALLOCATE_FUNCTION a, PFREE_FUNCTION f, SIZE_T size,
                                  ULONG tag, const char *api, void *site);
PVOID kernel_lookaside_allocate(PNPAGED_LOOKASIDE_LIST l, const char *api, void *site);
void kernel_lookaside_free(PNPAGED_LOOKASIDE_LIST l, PVOID entry, const char *api, void *site);
void kernel_lookaside_delete(PNPAGED_LOOKASIDE_LIST l, const char *api, void *site);

/* The owner charged for something a driver allocates without a handle: the current callback's
 * owner. Policy: outside any callback (host threads) nothing is charged (NULL). */
vf_owner *kernel_default_owner(void);

#endif

/* KSPIN_LOCK: real mutual exclusion on the driver's own lock word.
 *
 * The word holds 0 when free and the holder's thread token otherwise, so that the host can tell
 * a recursive acquire (a certain deadlock on Windows) and a release by a non-holder from normal
 * use. Waiters spin with exec_yield between attempts: a spin lock is held for short stretches,
 * and a yield keeps a two-core machine responsive when a holder is descheduled.
 *
 * Misuse (IQ-03) is reported, then the host carries on:
 *  - recursive acquire: reported; the inner acquire/release pair is counted instead of
 *    deadlocking, so the outer release still releases;
 *  - release of a lock that is not held: reported and ignored;
 *  - release of a lock held by another thread: reported, then released (the driver asked for it;
 *    refusing would hang the holder's later release path instead). */
#include "kernel_internal.h"

#define HELD_MAX 32

static __thread char tls_token_anchor;
static __thread volatile KSPIN_LOCK *tls_held[HELD_MAX];
static __thread unsigned tls_nheld;
static __thread unsigned tls_overflow; /* held beyond the array (not tracked individually) */
static __thread struct
{
    volatile KSPIN_LOCK *lock;
    unsigned depth;
} tls_recursion[8];

static inline ULONG_PTR my_token(void)
{
    return (ULONG_PTR)&tls_token_anchor | 1u;
}

static void held_push(volatile KSPIN_LOCK *lock)
{
    if (tls_nheld < HELD_MAX)
        tls_held[tls_nheld++] = lock;
    else
        tls_overflow++;
}

static void held_remove(volatile KSPIN_LOCK *lock)
{
    for (unsigned i = tls_nheld; i-- > 0;)
    {
        if (tls_held[i] == lock)
        {
            for (unsigned j = i; j + 1 < tls_nheld; j++)
                tls_held[j] = tls_held[j + 1];
            tls_nheld--;
            return;
        }
    }
    if (tls_overflow)
        tls_overflow--;
}

unsigned kernel_spinlocks_held(void)
{
    return tls_nheld + tls_overflow;
}

static bool recursion_enter(volatile KSPIN_LOCK *lock)
{
    for (unsigned i = 0; i < 8; i++)
    {
        if (tls_recursion[i].lock == lock)
        {
            tls_recursion[i].depth++;
            return true;
        }
    }
    for (unsigned i = 0; i < 8; i++)
    {
        if (!tls_recursion[i].lock)
        {
            tls_recursion[i].lock = lock;
            tls_recursion[i].depth = 1;
            return true;
        }
    }
    return false;
}

static bool recursion_leave(volatile KSPIN_LOCK *lock)
{
    for (unsigned i = 0; i < 8; i++)
    {
        if (tls_recursion[i].lock == lock && tls_recursion[i].depth)
        {
            if (--tls_recursion[i].depth == 0)
                tls_recursion[i].lock = NULL;
            return true;
        }
    }
    return false;
}

static void spin_raw_acquire(volatile KSPIN_LOCK *lock, ULONG_PTR me)
{
    for (;;)
    {
        ULONG_PTR expected = 0;
        if (__atomic_compare_exchange_n(lock, &expected, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        exec_yield();
    }
}

void kernel_spin_acquire(volatile KSPIN_LOCK *lock)
{
    spin_raw_acquire(lock, my_token());
    held_push(lock);
}

void kernel_spin_release(volatile KSPIN_LOCK *lock)
{
    held_remove(lock);
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

void kernel_spinlocks_release_above(unsigned keep)
{
    ULONG_PTR me = my_token();
    while (tls_nheld > keep)
    {
        volatile KSPIN_LOCK *lock = tls_held[--tls_nheld];
        if (__atomic_load_n(lock, __ATOMIC_RELAXED) == me)
            __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
    }
    if (tls_nheld + tls_overflow > keep && tls_overflow)
        tls_overflow = keep > tls_nheld ? keep - tls_nheld : 0;
}

/* Driver-facing acquire once the IRQL side is done. */
static void spin_acquire_checked(volatile KSPIN_LOCK *lock, const char *api, void *site)
{
    ULONG_PTR me = my_token();
    if (__atomic_load_n(lock, __ATOMIC_RELAXED) == me)
    {
        vf_report("IQ-03", NULL, VF_CB_NONE, site,
                  "%s on spin lock %p that this thread already holds (recursive acquire deadlocks on Windows)", api,
                  (void *)lock);
        /* Never deadlock the host: without a free slot the nesting is simply not counted. */
        recursion_enter(lock);
        return;
    }
    spin_raw_acquire(lock, me);
    held_push(lock);
}

/* Returns false when the lock was not held at all (reported; nothing released), so that the
 * caller skips its IRQL bookkeeping for a release that did not happen. */
static bool spin_release_checked(volatile KSPIN_LOCK *lock, const char *api, void *site)
{
    ULONG_PTR me = my_token();
    ULONG_PTR cur = __atomic_load_n(lock, __ATOMIC_RELAXED);
    if (cur == me && recursion_leave(lock))
        return true;
    if (cur == 0)
    {
        vf_report("IQ-03", NULL, VF_CB_NONE, site, "%s on spin lock %p that is not held", api, (void *)lock);
        return false;
    }
    if (cur != me)
        vf_report("IQ-03", NULL, VF_CB_NONE, site, "%s on spin lock %p that another thread holds", api, (void *)lock);
    else
        held_remove(lock);
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
    return true;
}

static bool at_least_dispatch(const char *api, void *site)
{
    KIRQL irql = vf_irql();
    if (irql >= DISPATCH_LEVEL)
        return true;
    vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s called at %s; it requires DISPATCH_LEVEL or above", api,
              vf_irql_name(irql));
    return false;
}

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    if (!SpinLock)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeInitializeSpinLock with a NULL pointer");
        return;
    }
    __atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, "KeAcquireSpinLock", site);
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    spin_acquire_checked(SpinLock, "KeAcquireSpinLock", site);
    return old;
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    void *site = VF_SITE();
    if (!spin_release_checked(SpinLock, "KeReleaseSpinLock", site))
        return;
    vf_check_irql_eq(DISPATCH_LEVEL, "KeReleaseSpinLock", site);
    KIRQL cur = vf_irql();
    if (NewIrql > cur)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "KeReleaseSpinLock to %s while at %s (lowering to a higher IRQL)",
                  vf_irql_name(NewIrql), vf_irql_name(cur));
        return;
    }
    vf_set_irql(NewIrql);
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    at_least_dispatch("KeAcquireSpinLockAtDpcLevel", site);
    spin_acquire_checked(SpinLock, "KeAcquireSpinLockAtDpcLevel", site);
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    if (spin_release_checked(SpinLock, "KeReleaseSpinLockFromDpcLevel", site))
        at_least_dispatch("KeReleaseSpinLockFromDpcLevel", site);
}

BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    at_least_dispatch("KeTryToAcquireSpinLockAtDpcLevel", site);
    ULONG_PTR expected = 0;
    if (!__atomic_compare_exchange_n(SpinLock, &expected, my_token(), false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return FALSE;
    held_push(SpinLock);
    return TRUE;
}

BOOLEAN KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    return __atomic_load_n(SpinLock, __ATOMIC_RELAXED) == 0;
}

KIRQL KeAcquireSpinLockForDpc(PKSPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, "KeAcquireSpinLockForDpc", site);
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    spin_acquire_checked(SpinLock, "KeAcquireSpinLockForDpc", site);
    return old;
}

VOID KeReleaseSpinLockForDpc(PKSPIN_LOCK SpinLock, KIRQL OldIrql)
{
    void *site = VF_SITE();
    if (!spin_release_checked(SpinLock, "KeReleaseSpinLockForDpc", site))
        return;
    if (OldIrql <= vf_irql())
        vf_set_irql(OldIrql);
}

VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, "KeAcquireInStackQueuedSpinLock", site);
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    spin_acquire_checked(SpinLock, "KeAcquireInStackQueuedSpinLock", site);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = old;
}

VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *site = VF_SITE();
    if (!spin_release_checked(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLock", site))
        return;
    vf_check_irql_eq(DISPATCH_LEVEL, "KeReleaseInStackQueuedSpinLock", site);
    if (LockHandle->OldIrql <= vf_irql())
        vf_set_irql(LockHandle->OldIrql);
}

VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *site = VF_SITE();
    at_least_dispatch("KeAcquireInStackQueuedSpinLockAtDpcLevel", site);
    spin_acquire_checked(SpinLock, "KeAcquireInStackQueuedSpinLockAtDpcLevel", site);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = vf_irql();
}

VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *site = VF_SITE();
    if (spin_release_checked(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLockFromDpcLevel", site))
        at_least_dispatch("KeReleaseInStackQueuedSpinLockFromDpcLevel", site);
}

VOID KeAcquireInStackQueuedSpinLockForDpc(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, "KeAcquireInStackQueuedSpinLockForDpc", site);
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    spin_acquire_checked(SpinLock, "KeAcquireInStackQueuedSpinLockForDpc", site);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = old;
}

VOID KeReleaseInStackQueuedSpinLockForDpc(PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *site = VF_SITE();
    if (!spin_release_checked(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLockForDpc", site))
        return;
    if (LockHandle->OldIrql <= vf_irql())
        vf_set_irql(LockHandle->OldIrql);
}

void kernel_spin_acquire_api(volatile KSPIN_LOCK *lock, const char *api, void *site)
{
    spin_acquire_checked(lock, api, site);
}

bool kernel_spin_release_api(volatile KSPIN_LOCK *lock, const char *api, void *site)
{
    return spin_release_checked(lock, api, site);
}

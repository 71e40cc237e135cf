/* EX_SPIN_LOCK: reader/writer spin locks (ExAcquireSpinLockShared/Exclusive and the AtDpcLevel,
 * Try and Convert variants).
 *
 * The lock is the driver's 32-bit word, zero when free. Host encoding: bit 31 owned exclusively,
 * bit 30 an exclusive acquirer is waiting (new shared acquirers then wait too, so writers are not
 * starved), bits 0..29 the number of shared owners. Each thread also keeps the list of the EX spin
 * locks it holds, so that recursive acquisition (documented to deadlock) and releases of locks the
 * thread does not hold are findings (IQ-03) instead of hangs or corruption. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#define EXCL 0x80000000u
#define WAIT 0x40000000u
#define SHARED_MASK 0x3fffffffu
#define MAX_HELD 64

typedef struct held_lock
{
    PEX_SPIN_LOCK lock;
    bool exclusive;
    bool phantom;   /* a recursive acquisition that was reported and not taken */
    vf_callback cb; /* the callback (and owner) it was acquired in, for the callback-exit check */
    vf_owner *owner;
} held_lock;

static __thread held_lock tls_held[MAX_HELD];
static __thread unsigned tls_nheld;

unsigned kernel_ex_spin_locks_held(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < tls_nheld; i++)
        n += !tls_held[i].phantom;
    return n;
}

static uint32_t *word(PEX_SPIN_LOCK l)
{
    return (uint32_t *)(uintptr_t)l;
}

static int find_held(PEX_SPIN_LOCK l)
{
    for (int i = (int)tls_nheld - 1; i >= 0; i--)
        if (tls_held[i].lock == l)
            return i;
    return -1;
}

static void remove_held(int i);

static void push_held(PEX_SPIN_LOCK l, bool exclusive, bool phantom)
{
    if (tls_nheld < MAX_HELD)
        tls_held[tls_nheld++] = (held_lock){l, exclusive, phantom, vf_current_callback(), vf_current_owner()};
}

unsigned kernel_ex_spin_locks_release_callback(vf_callback cb, vf_owner *owner)
{
    unsigned n = 0;
    for (int i = (int)tls_nheld - 1; i >= 0; i--)
    {
        held_lock h = tls_held[i];
        if (h.cb != cb || h.owner != owner)
            continue;
        remove_held(i);
        if (h.phantom)
            continue;
        n++;
        if (h.exclusive)
            __atomic_fetch_and(word(h.lock), ~EXCL, __ATOMIC_RELEASE);
        else
            __atomic_fetch_sub(word(h.lock), 1, __ATOMIC_RELEASE);
    }
    return n;
}

static void remove_held(int i)
{
    for (unsigned k = (unsigned)i; k + 1 < tls_nheld; k++)
        tls_held[k] = tls_held[k + 1];
    tls_nheld--;
}

/* Recursion check before acquiring: true when the caller may go on and take the lock. */
static bool check_not_held(PEX_SPIN_LOCK l, bool exclusive, const char *api, void *site)
{
    if (!l)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL EX_SPIN_LOCK", api);
        return false;
    }
    int i = find_held(l);
    if (i < 0)
        return true;
    vf_report("IQ-03", NULL, VF_CB_NONE, site,
              "%s on an EX_SPIN_LOCK this thread already holds %s (recursive acquisition deadlocks)", api,
              tls_held[i].exclusive ? "exclusively" : "shared");
    /* Report, then carry on as if acquired: the matching release undoes nothing. */
    push_held(l, exclusive, true);
    return false;
}

static void take_shared(PEX_SPIN_LOCK l)
{
    uint32_t *w = word(l);
    for (;;)
    {
        uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
        if (!(v & (EXCL | WAIT)) &&
            __atomic_compare_exchange_n(w, &v, v + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        exec_yield();
    }
}

static bool try_shared(PEX_SPIN_LOCK l)
{
    uint32_t *w = word(l);
    uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
    while (!(v & (EXCL | WAIT)))
        if (__atomic_compare_exchange_n(w, &v, v + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return true;
    return false;
}

static void take_exclusive(PEX_SPIN_LOCK l)
{
    uint32_t *w = word(l);
    for (;;)
    {
        uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
        if ((v & ~WAIT) == 0)
        {
            /* Free: take it (and clear our waiting mark; other writers set it again). */
            if (__atomic_compare_exchange_n(w, &v, EXCL, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                return;
            continue;
        }
        if (!(v & WAIT))
            __atomic_compare_exchange_n(w, &v, v | WAIT, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
        exec_yield();
    }
}

static bool try_exclusive(PEX_SPIN_LOCK l)
{
    uint32_t *w = word(l);
    uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
    while ((v & ~WAIT) == 0)
        if (__atomic_compare_exchange_n(w, &v, EXCL, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return true;
    return false;
}

/* Release bookkeeping: true when the thread held `l` in that mode and the word must be changed;
 * false when nothing is to be released (a phantom, or a lock the thread does not hold, reported). */
static bool check_release(PEX_SPIN_LOCK l, bool exclusive, const char *api, void *site, bool *held_at_all)
{
    *held_at_all = false;
    if (!l)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL EX_SPIN_LOCK", api);
        return false;
    }
    int i = find_held(l);
    if (i < 0)
    {
        vf_report("IQ-03", NULL, VF_CB_NONE, site, "%s on an EX_SPIN_LOCK this thread does not hold", api);
        return false;
    }
    *held_at_all = true;
    held_lock h = tls_held[i];
    remove_held(i);
    if (h.phantom)
        return false;
    if (h.exclusive != exclusive)
    {
        vf_report("IQ-03", NULL, VF_CB_NONE, site, "%s on an EX_SPIN_LOCK this thread holds %s", api,
                  h.exclusive ? "exclusively" : "shared");
        /* Release what is actually held. */
        if (h.exclusive)
            __atomic_fetch_and(word(l), ~EXCL, __ATOMIC_RELEASE);
        else
            __atomic_fetch_sub(word(l), 1, __ATOMIC_RELEASE);
        return false;
    }
    return true;
}

static void check_at_dispatch(const char *api, void *site)
{
    KIRQL irql = vf_irql();
    if (irql < DISPATCH_LEVEL)
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s at %s (the caller must be at DISPATCH_LEVEL)", api,
                  vf_irql_name(irql));
}

static KIRQL raise_to_dispatch(const char *api, void *site)
{
    KIRQL old = vf_irql();
    if (old > DISPATCH_LEVEL)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s at %s (at most DISPATCH_LEVEL)", api, vf_irql_name(old));
        return old;
    }
    vf_set_irql(DISPATCH_LEVEL);
    return old;
}

static void lower_to(KIRQL old, const char *api, void *site)
{
    KIRQL cur = vf_irql();
    if (cur != DISPATCH_LEVEL)
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s at %s (the lock holder runs at DISPATCH_LEVEL)", api,
                  vf_irql_name(cur));
    if (old > DISPATCH_LEVEL)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s restoring %s, above DISPATCH_LEVEL", api, vf_irql_name(old));
        return;
    }
    vf_set_irql(old);
}

KIRQL ExAcquireSpinLockShared(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    KIRQL old = raise_to_dispatch("ExAcquireSpinLockShared", site);
    if (check_not_held(SpinLock, false, "ExAcquireSpinLockShared", site))
    {
        take_shared(SpinLock);
        push_held(SpinLock, false, false);
    }
    return old;
}

VOID ExReleaseSpinLockShared(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    void *site = VF_SITE();
    bool held;
    if (check_release(SpinLock, false, "ExReleaseSpinLockShared", site, &held))
        __atomic_fetch_sub(word(SpinLock), 1, __ATOMIC_RELEASE);
    if (held)
        lower_to(OldIrql, "ExReleaseSpinLockShared", site);
}

KIRQL ExAcquireSpinLockExclusive(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    KIRQL old = raise_to_dispatch("ExAcquireSpinLockExclusive", site);
    if (check_not_held(SpinLock, true, "ExAcquireSpinLockExclusive", site))
    {
        take_exclusive(SpinLock);
        push_held(SpinLock, true, false);
    }
    return old;
}

VOID ExReleaseSpinLockExclusive(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    void *site = VF_SITE();
    bool held;
    if (check_release(SpinLock, true, "ExReleaseSpinLockExclusive", site, &held))
        __atomic_fetch_and(word(SpinLock), ~EXCL, __ATOMIC_RELEASE);
    if (held)
        lower_to(OldIrql, "ExReleaseSpinLockExclusive", site);
}

VOID ExAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    check_at_dispatch("ExAcquireSpinLockSharedAtDpcLevel", site);
    if (check_not_held(SpinLock, false, "ExAcquireSpinLockSharedAtDpcLevel", site))
    {
        take_shared(SpinLock);
        push_held(SpinLock, false, false);
    }
}

VOID ExReleaseSpinLockSharedFromDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    bool held;
    check_at_dispatch("ExReleaseSpinLockSharedFromDpcLevel", site);
    if (check_release(SpinLock, false, "ExReleaseSpinLockSharedFromDpcLevel", site, &held))
        __atomic_fetch_sub(word(SpinLock), 1, __ATOMIC_RELEASE);
}

VOID ExAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    check_at_dispatch("ExAcquireSpinLockExclusiveAtDpcLevel", site);
    if (check_not_held(SpinLock, true, "ExAcquireSpinLockExclusiveAtDpcLevel", site))
    {
        take_exclusive(SpinLock);
        push_held(SpinLock, true, false);
    }
}

VOID ExReleaseSpinLockExclusiveFromDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    bool held;
    check_at_dispatch("ExReleaseSpinLockExclusiveFromDpcLevel", site);
    if (check_release(SpinLock, true, "ExReleaseSpinLockExclusiveFromDpcLevel", site, &held))
        __atomic_fetch_and(word(SpinLock), ~EXCL, __ATOMIC_RELEASE);
}

LOGICAL ExTryAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    check_at_dispatch("ExTryAcquireSpinLockSharedAtDpcLevel", site);
    if (!check_not_held(SpinLock, false, "ExTryAcquireSpinLockSharedAtDpcLevel", site))
        return SpinLock ? TRUE : FALSE;
    if (!try_shared(SpinLock))
        return FALSE;
    push_held(SpinLock, false, false);
    return TRUE;
}

LOGICAL ExTryAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    check_at_dispatch("ExTryAcquireSpinLockExclusiveAtDpcLevel", site);
    if (!check_not_held(SpinLock, true, "ExTryAcquireSpinLockExclusiveAtDpcLevel", site))
        return SpinLock ? TRUE : FALSE;
    if (!try_exclusive(SpinLock))
        return FALSE;
    push_held(SpinLock, true, false);
    return TRUE;
}

LOGICAL ExTryConvertSharedSpinLockExclusive(PEX_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    check_at_dispatch("ExTryConvertSharedSpinLockExclusive", site);
    int i = SpinLock ? find_held(SpinLock) : -1;
    if (i < 0 || tls_held[i].exclusive || tls_held[i].phantom)
    {
        vf_report("IQ-03", NULL, VF_CB_NONE, site,
                  "ExTryConvertSharedSpinLockExclusive on an EX_SPIN_LOCK this thread does not hold shared");
        return FALSE;
    }
    /* Documented: succeeds only when the caller is the sole shared owner. */
    uint32_t *w = word(SpinLock);
    uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
    while ((v & ~WAIT) == 1)
    {
        if (__atomic_compare_exchange_n(w, &v, EXCL, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        {
            tls_held[i].exclusive = true;
            return TRUE;
        }
    }
    return FALSE;
}

/* NDIS synchronization and small kernel wrappers: NDIS_SPIN_LOCK, the interlocked list helpers,
 * both generations of read/write locks, NDIS_EVENT, sleeping and stalling, time, and processor
 * queries. Each documented NDIS function is a real function so that it can check its caller's
 * IRQL and name the driver's call site in findings. */
#include "ndis_internal.h"

#include <stdlib.h>

#include "../kernel/kernel_internal.h"

/* ---- NDIS_SPIN_LOCK ------------------------------------------------------------------------------ */

VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    if (!SpinLock)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisAllocateSpinLock with a NULL lock");
        return;
    }
    __atomic_store_n(&SpinLock->SpinLock, 0, __ATOMIC_RELEASE);
    SpinLock->OldIrql = PASSIVE_LEVEL;
    /* Policy: allocating a lock that is already allocated keeps the first ledger entry. */
    if (!vf_ledger_find(VF_RES_SPIN_LOCK, SpinLock))
        vf_ledger_add(VF_RES_SPIN_LOCK, SpinLock, 0, kernel_default_owner(), site);
}

VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    vf_res *r = SpinLock ? vf_ledger_find(VF_RES_SPIN_LOCK, SpinLock) : NULL;
    if (!r)
    {
        /* Policy: a "should" pairing, so a warning (netvmini frees locks it never allocated). */
        vf_report_sev("HA-10", VF_SEV_WARNING, NULL, VF_CB_NONE, site,
                      "NdisFreeSpinLock(%p) on a spin lock that NdisAllocateSpinLock did not allocate (or that was "
                      "already freed)",
                      (void *)SpinLock);
        return;
    }
    if (__atomic_load_n(&SpinLock->SpinLock, __ATOMIC_RELAXED) != 0)
        vf_report("IQ-03", NULL, VF_CB_NONE, site, "NdisFreeSpinLock(%p) on a spin lock that is held",
                  (void *)SpinLock);
    vf_ledger_remove(r);
}

VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAcquireSpinLock", site);
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    kernel_spin_acquire_api(&SpinLock->SpinLock, "NdisAcquireSpinLock", site);
    SpinLock->OldIrql = old;
}

VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    KIRQL old = SpinLock->OldIrql;
    if (!kernel_spin_release_api(&SpinLock->SpinLock, "NdisReleaseSpinLock", site))
        return;
    vf_check_irql_eq(DISPATCH_LEVEL, "NdisReleaseSpinLock", site);
    if (old <= vf_irql())
        vf_set_irql(old);
}

VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    vf_check_irql_eq(DISPATCH_LEVEL, "NdisDprAcquireSpinLock", site);
    kernel_spin_acquire_api(&SpinLock->SpinLock, "NdisDprAcquireSpinLock", site);
    SpinLock->OldIrql = DISPATCH_LEVEL;
}

VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    if (kernel_spin_release_api(&SpinLock->SpinLock, "NdisDprReleaseSpinLock", site))
        vf_check_irql_eq(DISPATCH_LEVEL, "NdisDprReleaseSpinLock", site);
}

/* ---- interlocked lists ---------------------------------------------------------------------------- */

PLIST_ENTRY NdisInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    kernel_spin_acquire_api(&SpinLock->SpinLock, "NdisInterlockedInsertHeadList", site);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : ListHead->Flink;
    InsertHeadList(ListHead, ListEntry);
    kernel_spin_release_api(&SpinLock->SpinLock, "NdisInterlockedInsertHeadList", site);
    return first;
}

PLIST_ENTRY NdisInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    kernel_spin_acquire_api(&SpinLock->SpinLock, "NdisInterlockedInsertTailList", site);
    PLIST_ENTRY last = IsListEmpty(ListHead) ? NULL : ListHead->Blink;
    InsertTailList(ListHead, ListEntry);
    kernel_spin_release_api(&SpinLock->SpinLock, "NdisInterlockedInsertTailList", site);
    return last;
}

PLIST_ENTRY NdisInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    kernel_spin_acquire_api(&SpinLock->SpinLock, "NdisInterlockedRemoveHeadList", site);
    PLIST_ENTRY e = IsListEmpty(ListHead) ? NULL : RemoveHeadList(ListHead);
    kernel_spin_release_api(&SpinLock->SpinLock, "NdisInterlockedRemoveHeadList", site);
    return e;
}

PSINGLE_LIST_ENTRY NdisInterlockedPushEntryList(PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY ListEntry,
                                                PNDIS_SPIN_LOCK Lock)
{
    void *site = VF_SITE();
    kernel_spin_acquire_api(&Lock->SpinLock, "NdisInterlockedPushEntryList", site);
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    PushEntryList(ListHead, ListEntry);
    kernel_spin_release_api(&Lock->SpinLock, "NdisInterlockedPushEntryList", site);
    return first;
}

PSINGLE_LIST_ENTRY NdisInterlockedPopEntryList(PSINGLE_LIST_ENTRY ListHead, PNDIS_SPIN_LOCK Lock)
{
    void *site = VF_SITE();
    kernel_spin_acquire_api(&Lock->SpinLock, "NdisInterlockedPopEntryList", site);
    PSINGLE_LIST_ENTRY e = PopEntryList(ListHead);
    kernel_spin_release_api(&Lock->SpinLock, "NdisInterlockedPopEntryList", site);
    return e;
}

VOID NdisInterlockedAddUlong(PULONG Addend, ULONG Increment, PNDIS_SPIN_LOCK SpinLock)
{
    void *site = VF_SITE();
    kernel_spin_acquire_api(&SpinLock->SpinLock, "NdisInterlockedAddUlong", site);
    __atomic_add_fetch(Addend, Increment, __ATOMIC_SEQ_CST);
    kernel_spin_release_api(&SpinLock->SpinLock, "NdisInterlockedAddUlong", site);
}

/* ---- read/write lock core ------------------------------------------------------------------------ */

/* Host state of both lock generations (16 bytes, inside NDIS_RW_LOCK's reference area or the
 * host's NDIS_RW_LOCK_EX). `word`: bit 31 writer, low bits the number of readers. */
typedef struct rwl_core
{
    uint32_t word;
    uint32_t write_depth;
    uintptr_t writer;
} rwl_core;

#define RWL_WRITER 0x80000000u
#define RWL_STATE_READ 1
#define RWL_STATE_WRITE 2
#define RWL_STATE_NESTED 3 /* write re-entry, or read under the thread's own write lock */
#define RWL_STATE_NONE 4   /* refused (misuse reported): release does nothing */

static __thread char tls_rwl_anchor;
static __thread struct
{
    const rwl_core *lock;
    unsigned reads;
} tls_reads[16];

static inline uintptr_t rwl_me(void)
{
    return (uintptr_t)&tls_rwl_anchor;
}

static void reads_adjust(const rwl_core *l, int delta)
{
    for (unsigned i = 0; i < 16; i++)
    {
        if (tls_reads[i].lock == l)
        {
            tls_reads[i].reads = (unsigned)((int)tls_reads[i].reads + delta);
            if (!tls_reads[i].reads)
                tls_reads[i].lock = NULL;
            return;
        }
    }
    if (delta > 0)
    {
        for (unsigned i = 0; i < 16; i++)
        {
            if (!tls_reads[i].lock)
            {
                tls_reads[i].lock = l;
                tls_reads[i].reads = (unsigned)delta;
                return;
            }
        }
    }
}

static bool reads_held(const rwl_core *l)
{
    for (unsigned i = 0; i < 16; i++)
        if (tls_reads[i].lock == l && tls_reads[i].reads)
            return true;
    return false;
}

static UCHAR rwl_acquire(rwl_core *l, bool write, const char *api, void *site)
{
    uintptr_t me = rwl_me();
    if (__atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me)
    {
        /* The thread holds it for write: write re-entry is documented; a read is granted too. */
        l->write_depth++;
        return RWL_STATE_NESTED;
    }
    if (write)
    {
        if (reads_held(l))
        {
            vf_report("AP-02", NULL, VF_CB_NONE, site,
                      "%s: the thread holds this lock for read; read/write locks do not support promotion "
                      "(deadlock on Windows)",
                      api);
            return RWL_STATE_NONE;
        }
        for (;;)
        {
            uint32_t zero = 0;
            if (__atomic_compare_exchange_n(&l->word, &zero, RWL_WRITER, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                break;
            exec_yield();
        }
        __atomic_store_n(&l->writer, me, __ATOMIC_RELAXED);
        l->write_depth = 1;
        return RWL_STATE_WRITE;
    }
    for (;;)
    {
        uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
        if (!(w & RWL_WRITER) &&
            __atomic_compare_exchange_n(&l->word, &w, w + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            break;
        exec_yield();
    }
    reads_adjust(l, 1);
    return RWL_STATE_READ;
}

static void rwl_release(rwl_core *l, UCHAR state, const char *api, void *site)
{
    switch (state)
    {
    case RWL_STATE_NONE:
        return;
    case RWL_STATE_NESTED:
        if (l->write_depth > 1)
            l->write_depth--;
        return;
    case RWL_STATE_WRITE:
        if (__atomic_load_n(&l->writer, __ATOMIC_RELAXED) != rwl_me())
        {
            vf_report("AP-02", NULL, VF_CB_NONE, site, "%s of a write lock this thread does not hold", api);
            return;
        }
        l->write_depth = 0;
        __atomic_store_n(&l->writer, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
        return;
    case RWL_STATE_READ:
    {
        uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
        for (;;)
        {
            if ((w & ~RWL_WRITER) == 0)
            {
                vf_report("AP-02", NULL, VF_CB_NONE, site, "%s of a read lock that is not held", api);
                return;
            }
            if (__atomic_compare_exchange_n(&l->word, &w, w - 1, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
                break;
        }
        reads_adjust(l, -1);
        return;
    }
    default:
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a lock state that no acquire filled in", api);
        return;
    }
}

/* ---- NDIS_RW_LOCK (NDIS 6.0) ---------------------------------------------------------------------- */

static inline rwl_core *legacy_core(PNDIS_RW_LOCK Lock)
{
    return (rwl_core *)(void *)&Lock->RefCount[0];
}

VOID NdisInitializeReadWriteLock(PNDIS_RW_LOCK Lock)
{
    void *site = VF_SITE();
    if (!Lock)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisInitializeReadWriteLock with a NULL lock");
        return;
    }
    memset(Lock, 0, sizeof *Lock);
}

VOID NdisAcquireReadWriteLock(PNDIS_RW_LOCK Lock, BOOLEAN fWrite, PLOCK_STATE LockState)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAcquireReadWriteLock", site);
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    LockState->LockState = rwl_acquire(legacy_core(Lock), fWrite, "NdisAcquireReadWriteLock", site);
    LockState->OldIrql = old;
}

VOID NdisReleaseReadWriteLock(PNDIS_RW_LOCK Lock, PLOCK_STATE LockState)
{
    void *site = VF_SITE();
    vf_check_irql_eq(DISPATCH_LEVEL, "NdisReleaseReadWriteLock", site);
    rwl_release(legacy_core(Lock), (UCHAR)LockState->LockState, "NdisReleaseReadWriteLock", site);
    if (LockState->OldIrql <= vf_irql())
        vf_set_irql(LockState->OldIrql);
}

VOID NdisDprAcquireReadWriteLock(PNDIS_RW_LOCK Lock, BOOLEAN fWrite, PLOCK_STATE LockState)
{
    void *site = VF_SITE();
    vf_check_irql_eq(DISPATCH_LEVEL, "NdisDprAcquireReadWriteLock", site);
    LockState->LockState = rwl_acquire(legacy_core(Lock), fWrite, "NdisDprAcquireReadWriteLock", site);
    LockState->OldIrql = vf_irql();
}

VOID NdisDprReleaseReadWriteLock(PNDIS_RW_LOCK Lock, PLOCK_STATE LockState)
{
    void *site = VF_SITE();
    vf_check_irql_eq(DISPATCH_LEVEL, "NdisDprReleaseReadWriteLock", site);
    rwl_release(legacy_core(Lock), (UCHAR)LockState->LockState, "NdisDprReleaseReadWriteLock", site);
}

/* ---- NDIS_RW_LOCK_EX (NDIS 6.20) ---------------------------------------------------------------- */

#define RWL_EX_MAGIC 0x5857524eu /* 'NRWX' */

struct _NDIS_RW_LOCK_EX
{
    uint32_t magic;
    rwl_core core;
    vf_res res;
};

static void rwl_ex_reclaim(vf_res *r)
{
    NDIS_RW_LOCK_EX *l = CONTAINING_RECORD(r, NDIS_RW_LOCK_EX, res);
    l->magic = 0;
    free(l);
}

PNDIS_RW_LOCK_EX NdisAllocateRWLock(NDIS_HANDLE NdisHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAllocateRWLock", site);
    vf_owner *owner = ndis_owner_from_handle(NdisHandle, "NdisAllocateRWLock", site);
    if (!owner)
        return NULL;
    if (vf_should_fail("NdisAllocateRWLock", site))
        return NULL;
    NDIS_RW_LOCK_EX *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->magic = RWL_EX_MAGIC;
    l->res.kind = VF_RES_RW_LOCK;
    l->res.key = l;
    l->res.reclaim = rwl_ex_reclaim;
    vf_ledger_insert(&l->res, owner, site);
    return l;
}

VOID NdisFreeRWLock(PNDIS_RW_LOCK_EX Lock)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisFreeRWLock", site);
    vf_res *r = Lock ? vf_ledger_find(VF_RES_RW_LOCK, Lock) : NULL;
    if (!r || r != &Lock->res)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "NdisFreeRWLock(%p): not a lock from NdisAllocateRWLock, or already freed", (void *)Lock);
        return;
    }
    if (__atomic_load_n(&Lock->core.word, __ATOMIC_RELAXED) != 0)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisFreeRWLock(%p) while the lock is held", (void *)Lock);
    vf_ledger_remove(r);
    Lock->magic = 0;
    free(Lock);
}

static bool rwl_ex_valid(PNDIS_RW_LOCK_EX Lock, const char *api, void *site)
{
    if (Lock && Lock->magic == RWL_EX_MAGIC)
        return true;
    vf_report("AP-01", NULL, VF_CB_NONE, site, "%s(%p): not a lock from NdisAllocateRWLock, or already freed", api,
              (void *)Lock);
    return false;
}

static void rwl_ex_acquire(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags, bool write, const char *api,
                           void *site)
{
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    if ((Flags & NDIS_RWL_AT_DISPATCH_LEVEL) && old != DISPATCH_LEVEL)
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s with NDIS_RWL_AT_DISPATCH_LEVEL while at %s", api,
                  vf_irql_name(old));
    LockState->OldIrql = old;
    LockState->Flags = Flags;
    if (!rwl_ex_valid(Lock, api, site))
    {
        LockState->LockState = RWL_STATE_NONE;
        return;
    }
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    LockState->LockState = rwl_acquire(&Lock->core, write, api, site);
}

VOID NdisAcquireRWLockRead(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags)
{
    rwl_ex_acquire(Lock, LockState, Flags, false, "NdisAcquireRWLockRead", VF_SITE());
}

VOID NdisAcquireRWLockWrite(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags)
{
    rwl_ex_acquire(Lock, LockState, Flags, true, "NdisAcquireRWLockWrite", VF_SITE());
}

VOID NdisReleaseRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState)
{
    void *site = VF_SITE();
    vf_check_irql_eq(DISPATCH_LEVEL, "NdisReleaseRWLock", site);
    if (LockState->LockState != RWL_STATE_NONE && rwl_ex_valid(Lock, "NdisReleaseRWLock", site))
        rwl_release(&Lock->core, LockState->LockState, "NdisReleaseRWLock", site);
    if (LockState->OldIrql <= vf_irql())
        vf_set_irql(LockState->OldIrql);
}

/* ---- NDIS_EVENT ----------------------------------------------------------------------------------- */

VOID NdisInitializeEvent(PNDIS_EVENT Event)
{
    void *site = VF_SITE();
    if (!Event)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisInitializeEvent with a NULL event");
        return;
    }
    memset(Event, 0, sizeof *Event);
    InitializeListHead(&Event->Event.Header.WaitListHead);
    /* A notification event, initially not signalled (KeInitializeEvent's type 0 and state 0). */
}

VOID NdisSetEvent(PNDIS_EVENT Event)
{
    vf_check_irql_max(DISPATCH_LEVEL, "NdisSetEvent", VF_SITE());
    kernel_event_set(&Event->Event);
}

VOID NdisResetEvent(PNDIS_EVENT Event)
{
    vf_check_irql_max(DISPATCH_LEVEL, "NdisResetEvent", VF_SITE());
    __atomic_store_n((uint32_t *)&Event->Event.Header.SignalState, 0u, __ATOMIC_SEQ_CST);
}

BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait)
{
    void *site = VF_SITE();
    /* Windows: 0x7C/0x14 (WAIT_EVENT_HIGH_IRQL). Policy: after the IQ-01 report the wait
     * degrades to a poll, so that a DPC thread never blocks on work only it could do. */
    int64_t timeout = MsToWait == 0 ? -1 : (int64_t)MsToWait * 1000000;
    if (!vf_check_irql_eq(PASSIVE_LEVEL, "NdisWaitEvent", site))
        timeout = 0;
    return kernel_event_wait(&Event->Event, timeout) ? TRUE : FALSE;
}

/* ---- sleeping, stalling, time -------------------------------------------------------------------- */

VOID NdisMSleep(ULONG MicrosecondsToSleep)
{
    void *site = VF_SITE();
    /* Policy: at DISPATCH_LEVEL or above the call is reported (IQ-01) and still sleeps: it only
     * delays this thread, so it cannot deadlock the host. */
    vf_check_irql_max(APC_LEVEL, "NdisMSleep", site);
    exec_sleep_ns((uint64_t)MicrosecondsToSleep * 1000u);
}

VOID NdisStallExecution(UINT MicrosecondsToStall)
{
    void *site = VF_SITE();
    if (MicrosecondsToStall > 50)
        vf_report("IQ-02", NULL, VF_CB_NONE, site, "NdisStallExecution(%u): more than 50 microseconds",
                  (unsigned)MicrosecondsToStall);
    exec_stall_ns((uint64_t)MicrosecondsToStall * 1000u);
}

VOID NdisGetSystemUpTime(PULONG pSystemUpTime)
{
    *pSystemUpTime = (ULONG)(KeQueryInterruptTime() / 10000u);
}

VOID NdisGetSystemUpTimeEx(PLARGE_INTEGER pSystemUpTime)
{
    pSystemUpTime->QuadPart = (LONGLONG)(KeQueryInterruptTime() / 10000u);
}

VOID NdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime)
{
    pSystemTime->QuadPart = exec_system_time();
}

/* ---- processors ---------------------------------------------------------------------------------- */

ULONG NdisGetSharedDataAlignment(void)
{
    vf_check_irql_max(DISPATCH_LEVEL, "NdisGetSharedDataAlignment", VF_SITE());
    return 64; /* the x64 cache line */
}

CCHAR NdisSystemProcessorCount(void)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisSystemProcessorCount", VF_SITE());
    return (CCHAR)exec_processor_count();
}

ULONG NdisSystemActiveProcessorCount(void)
{
    return exec_processor_count();
}

ULONG NdisGroupActiveProcessorCount(USHORT Group)
{
    return KeQueryActiveProcessorCountEx(Group);
}

ULONG NdisGroupMaxProcessorCount(USHORT Group)
{
    return KeQueryMaximumProcessorCountEx(Group);
}

KAFFINITY NdisGroupActiveProcessorMask(USHORT Group)
{
    return KeQueryGroupAffinity(Group);
}

USHORT NdisActiveGroupCount(void)
{
    return 1;
}

USHORT NdisMaxGroupCount(void)
{
    return 1;
}

ULONG NdisCurrentProcessorIndex(void)
{
    return kernel_current_processor();
}

ULONG NdisCurrentGroupAndProcessor(PPROCESSOR_NUMBER ProcNum)
{
    return KeGetCurrentProcessorNumberEx(ProcNum);
}

ULONG NdisProcessorNumberToIndex(PROCESSOR_NUMBER ProcNum)
{
    return KeGetProcessorIndexFromNumber(&ProcNum);
}

NTSTATUS NdisProcessorIndexToNumber(ULONG ProcIndex, PPROCESSOR_NUMBER ProcNum)
{
    return KeGetProcessorNumberFromIndex(ProcIndex, ProcNum);
}

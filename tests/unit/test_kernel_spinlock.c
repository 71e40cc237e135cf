/* Spin locks: real mutual exclusion between threads, a real try-lock, IRQL raising and
 * restoring, and IQ-03 findings (never a hang) for recursive acquires and bad releases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

#define ROUNDS 100000

static KSPIN_LOCK g_lock;
static volatile long g_counter; /* deliberately not atomic: the lock must protect it */

static void incrementer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++)
    {
        KIRQL old;
        KeAcquireSpinLock(&g_lock, &old);
        long v = g_counter;
        g_counter = v + 1;
        KeReleaseSpinLock(&g_lock, old);
    }
}

static void test_mutual_exclusion_between_two_threads(void **state)
{
    (void)state;
    KeInitializeSpinLock(&g_lock);
    g_counter = 0;
    exec_thread *a, *b;
    assert_int_equal(exec_thread_start(&a, "inc-a", incrementer, NULL), 0);
    assert_int_equal(exec_thread_start(&b, "inc-b", incrementer, NULL), 0);
    exec_thread_join(a);
    exec_thread_join(b);
    assert_int_equal(g_counter, 2 * ROUNDS);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_acquire_raises_and_release_restores_irql(void **state)
{
    (void)state;
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KIRQL old;
    KeAcquireSpinLock(&l, &old);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_false(KeTestSpinLock(&l));
    assert_int_equal(kernel_spinlocks_held(), 1);
    KeReleaseSpinLock(&l, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_true(KeTestSpinLock(&l));
    assert_int_equal(kernel_spinlocks_held(), 0);
    KLOCK_QUEUE_HANDLE h;
    KeAcquireInStackQueuedSpinLock(&l, &h);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeReleaseInStackQueuedSpinLock(&h);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(vf_findings_count(), 0);
}

typedef struct try_result
{
    KSPIN_LOCK *lock;
    BOOLEAN got;
} try_result;

static void try_thread(void *arg)
{
    try_result *r = arg;
    KIRQL old = KeRaiseIrqlToDpcLevel();
    r->got = KeTryToAcquireSpinLockAtDpcLevel(r->lock);
    if (r->got)
        KeReleaseSpinLockFromDpcLevel(r->lock);
    KeLowerIrql(old);
}

static void test_try_acquire_fails_when_held(void **state)
{
    (void)state;
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KIRQL old;
    KeAcquireSpinLock(&l, &old);
    try_result r = {.lock = &l};
    exec_thread *th;
    assert_int_equal(exec_thread_start(&th, "try", try_thread, &r), 0);
    exec_thread_join(th);
    assert_false(r.got);
    KeReleaseSpinLock(&l, old);
    assert_int_equal(exec_thread_start(&th, "try", try_thread, &r), 0);
    exec_thread_join(th);
    assert_true(r.got);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_recursive_acquire_is_iq03_not_a_hang(void **state)
{
    (void)state;
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KIRQL old, old2;
    KeAcquireSpinLock(&l, &old);
    KeAcquireSpinLock(&l, &old2);
    assert_int_equal(count_rule("IQ-03"), 1);
    KeReleaseSpinLock(&l, old2);
    assert_false(KeTestSpinLock(&l)); /* the inner release did not free the outer hold */
    KeReleaseSpinLock(&l, old);
    assert_true(KeTestSpinLock(&l));
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-03"), 1);
}

static void test_release_of_free_lock_is_iq03(void **state)
{
    (void)state;
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    KeReleaseSpinLockFromDpcLevel(&l);
    KeLowerIrql(old);
    assert_int_equal(count_rule("IQ-03"), 1);
}

static void test_dpc_level_acquire_at_passive_is_iq01(void **state)
{
    (void)state;
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KeAcquireSpinLockAtDpcLevel(&l);
    KeReleaseSpinLockFromDpcLevel(&l);
    assert_int_equal(count_rule("IQ-01"), 2);
    assert_true(KeTestSpinLock(&l));
}

static void test_lower_irql_to_higher_is_iq01(void **state)
{
    (void)state;
    KeLowerIrql(DISPATCH_LEVEL);
    assert_int_equal(count_rule("IQ-01"), 1);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeRaiseIrql(PASSIVE_LEVEL, &old); /* raising to a lower level */
    assert_int_equal(count_rule("IQ-01"), 2);
    KeLowerIrql(PASSIVE_LEVEL);
}

static void test_ndis_spin_lock(void **state)
{
    (void)state;
    NDIS_SPIN_LOCK l;
    NdisAllocateSpinLock(&l);
    assert_int_equal(vf_ledger_count(NULL, VF_RES_SPIN_LOCK), 0); /* charged to no owner outside callbacks */
    NdisAcquireSpinLock(&l);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    NdisReleaseSpinLock(&l);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    NdisDprAcquireSpinLock(&l);
    assert_false(KeTestSpinLock(&l.SpinLock));
    NdisDprReleaseSpinLock(&l);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);
    NdisFreeSpinLock(&l);
    assert_int_equal(vf_findings_count(), 0);
    NdisFreeSpinLock(&l); /* never allocated (again): a warning */
    assert_int_equal(count_rule("HA-10"), 1);
    assert_int_equal(vf_findings_get(0)->severity, VF_SEV_WARNING);
}

static void test_ndis_spin_lock_charged_to_owner(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter spin");
    vf_frame f;
    vf_enter(&f, VF_CB_INITIALIZE, o);
    NDIS_SPIN_LOCK l;
    NdisAllocateSpinLock(&l);
    vf_leave(&f);
    assert_int_equal(vf_ledger_count(o, VF_RES_SPIN_LOCK), 1);
    NdisFreeSpinLock(&l);
    assert_int_equal(vf_ledger_count(o, VF_RES_SPIN_LOCK), 0);
    vf_owner_destroy(o);
}

static void test_interlocked_lists(void **state)
{
    (void)state;
    NDIS_SPIN_LOCK l;
    NdisAllocateSpinLock(&l);
    LIST_ENTRY head, a, b;
    NdisInitializeListHead(&head);
    assert_null(NdisInterlockedRemoveHeadList(&head, &l));
    assert_null(NdisInterlockedInsertTailList(&head, &a, &l));
    assert_ptr_equal(NdisInterlockedInsertHeadList(&head, &b, &l), &a);
    assert_ptr_equal(NdisInterlockedRemoveHeadList(&head, &l), &b);
    assert_ptr_equal(NdisInterlockedRemoveHeadList(&head, &l), &a);
    assert_true(IsListEmpty(&head));
    ULONG v = 5;
    NdisInterlockedAddUlong(&v, 3, &l);
    assert_int_equal(v, 8);
    LONG c = 0;
    assert_int_equal(NdisInterlockedIncrement(&c), 1);
    assert_int_equal(NdisInterlockedDecrement(&c), 0);
    assert_int_equal(InterlockedCompareExchange(&c, 7, 0), 0);
    assert_int_equal(InterlockedExchange(&c, 9), 7);
    assert_int_equal(InterlockedExchangeAdd(&c, 1), 9);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    NdisFreeSpinLock(&l);
    assert_int_equal(vf_findings_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_mutual_exclusion_between_two_threads, ts_setup_passive),
        cmocka_unit_test_setup(test_acquire_raises_and_release_restores_irql, ts_setup_passive),
        cmocka_unit_test_setup(test_try_acquire_fails_when_held, ts_setup_passive),
        cmocka_unit_test_setup(test_recursive_acquire_is_iq03_not_a_hang, ts_setup_passive),
        cmocka_unit_test_setup(test_release_of_free_lock_is_iq03, ts_setup_passive),
        cmocka_unit_test_setup(test_dpc_level_acquire_at_passive_is_iq01, ts_setup_passive),
        cmocka_unit_test_setup(test_lower_irql_to_higher_is_iq01, ts_setup_passive),
        cmocka_unit_test_setup(test_ndis_spin_lock, ts_setup_passive),
        cmocka_unit_test_setup(test_ndis_spin_lock_charged_to_owner, ts_setup_passive),
        cmocka_unit_test_setup(test_interlocked_lists, ts_setup_passive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* NDIS read/write locks, both generations: readers share, a writer excludes everyone, the IRQL
 * is raised to DISPATCH_LEVEL and restored, write re-entry works, read-to-write promotion and
 * bad handles are reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "ndis/handles.h"
#include "ndis/ndis_internal.h"
#include "test_support.h"

static ndis_driver g_drv;
static uint32_t g_seq;

static int setup(void **state)
{
    (void)state;
    ts_driver_setup(&g_drv, "driver rwlock-test");
    g_seq = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_driver_teardown(&g_drv);
    return 0;
}

/* A thread that takes the lock (read or write), signals, waits for a gate, records, releases. */
typedef struct holder
{
    PNDIS_RW_LOCK_EX lock;
    bool write;
    NDIS_EVENT acquired, gate;
    uint32_t acquired_seq, released_seq;
} holder;

static void holder_init(holder *h, PNDIS_RW_LOCK_EX l, bool write)
{
    memset(h, 0, sizeof *h);
    h->lock = l;
    h->write = write;
    NdisInitializeEvent(&h->acquired);
    NdisInitializeEvent(&h->gate);
}

static void holder_thread(void *arg)
{
    holder *h = arg;
    LOCK_STATE_EX st;
    if (h->write)
        NdisAcquireRWLockWrite(h->lock, &st, 0);
    else
        NdisAcquireRWLockRead(h->lock, &st, 0);
    h->acquired_seq = __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
    NdisSetEvent(&h->acquired);
    kernel_event_wait(&h->gate.Event, -1);
    h->released_seq = __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
    NdisReleaseRWLock(h->lock, &st);
}

static void test_readers_share(void **state)
{
    (void)state;
    PNDIS_RW_LOCK_EX l = NdisAllocateRWLock(&g_drv);
    assert_non_null(l);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_RW_LOCK), 1);
    holder a, b;
    holder_init(&a, l, false);
    holder_init(&b, l, false);
    exec_thread *ta, *tb;
    exec_thread_start(&ta, "reader-a", holder_thread, &a);
    assert_true(NdisWaitEvent(&a.acquired, 10000));
    exec_thread_start(&tb, "reader-b", holder_thread, &b);
    /* B gets the read lock while A still holds it. */
    assert_true(NdisWaitEvent(&b.acquired, 10000));
    NdisSetEvent(&a.gate);
    NdisSetEvent(&b.gate);
    exec_thread_join(ta);
    exec_thread_join(tb);
    NdisFreeRWLock(l);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_RW_LOCK), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_writer_excludes_readers(void **state)
{
    (void)state;
    PNDIS_RW_LOCK_EX l = NdisAllocateRWLock(&g_drv);
    holder r, w;
    holder_init(&r, l, false);
    holder_init(&w, l, true);
    exec_thread *tr, *tw;
    exec_thread_start(&tr, "reader", holder_thread, &r);
    assert_true(NdisWaitEvent(&r.acquired, 10000));
    exec_thread_start(&tw, "writer", holder_thread, &w);
    NdisMSleep(20000); /* a writer that does not wait would get in now */
    NdisSetEvent(&r.gate);
    assert_true(NdisWaitEvent(&w.acquired, 10000));
    assert_true(r.released_seq < w.acquired_seq);
    /* And a reader waits for the writer. */
    holder r2;
    holder_init(&r2, l, false);
    exec_thread *tr2;
    exec_thread_start(&tr2, "reader2", holder_thread, &r2);
    NdisMSleep(20000);
    NdisSetEvent(&w.gate);
    assert_true(NdisWaitEvent(&r2.acquired, 10000));
    assert_true(w.released_seq < r2.acquired_seq);
    NdisSetEvent(&r2.gate);
    exec_thread_join(tr);
    exec_thread_join(tw);
    exec_thread_join(tr2);
    NdisFreeRWLock(l);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_irql_and_reentry(void **state)
{
    (void)state;
    PNDIS_RW_LOCK_EX l = NdisAllocateRWLock(&g_drv);
    LOCK_STATE_EX s1, s2, s3;
    NdisAcquireRWLockWrite(l, &s1, 0);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    NdisAcquireRWLockWrite(l, &s2, NDIS_RWL_AT_DISPATCH_LEVEL); /* documented: write re-entry */
    NdisAcquireRWLockRead(l, &s3, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(l, &s3);
    NdisReleaseRWLock(l, &s2);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    NdisReleaseRWLock(l, &s1);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    /* Read re-entry. */
    NdisAcquireRWLockRead(l, &s1, 0);
    NdisAcquireRWLockRead(l, &s2, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(l, &s2);
    NdisReleaseRWLock(l, &s1);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(vf_findings_count(), 0);
    NdisFreeRWLock(l);
}

static void test_promotion_is_reported_not_a_deadlock(void **state)
{
    (void)state;
    PNDIS_RW_LOCK_EX l = NdisAllocateRWLock(&g_drv);
    LOCK_STATE_EX r, w;
    NdisAcquireRWLockRead(l, &r, 0);
    NdisAcquireRWLockWrite(l, &w, NDIS_RWL_AT_DISPATCH_LEVEL);
    assert_int_equal(count_rule("AP-02"), 1);
    NdisReleaseRWLock(l, &w);
    NdisReleaseRWLock(l, &r);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    NdisFreeRWLock(l);
}

static void test_dispatch_flag_at_passive_is_iq01(void **state)
{
    (void)state;
    PNDIS_RW_LOCK_EX l = NdisAllocateRWLock(&g_drv);
    LOCK_STATE_EX s;
    NdisAcquireRWLockRead(l, &s, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(l, &s);
    assert_int_equal(count_rule("IQ-01"), 1);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    NdisFreeRWLock(l);
}

static void test_bad_handles(void **state)
{
    (void)state;
    PNDIS_RW_LOCK_EX l = NdisAllocateRWLock(&g_drv);
    NdisFreeRWLock(l);
    NdisFreeRWLock(l);
    assert_int_equal(count_rule("AP-01"), 1);
    int local;
    assert_null(NdisAllocateRWLock(&local));
    assert_int_equal(count_rule("AP-01"), 2);
    NdisAllocateRWLock(&g_drv);
    assert_int_equal(vf_ledger_report_leftovers(g_drv.owner, NULL, "test"), 1);
    assert_int_equal(count_rule("HA-10"), 1);
}

/* ---- NDIS 6.0 NDIS_RW_LOCK ------------------------------------------------------------------------ */

static NDIS_RW_LOCK g_legacy;
static long g_shared;

static void legacy_writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 50000; i++)
    {
        LOCK_STATE st;
        NdisAcquireReadWriteLock(&g_legacy, TRUE, &st);
        long v = g_shared;
        g_shared = v + 1;
        NdisReleaseReadWriteLock(&g_legacy, &st);
    }
}

static void test_legacy_lock_excludes_writers(void **state)
{
    (void)state;
    NdisInitializeReadWriteLock(&g_legacy);
    g_shared = 0;
    exec_thread *a, *b;
    exec_thread_start(&a, "w-a", legacy_writer, NULL);
    exec_thread_start(&b, "w-b", legacy_writer, NULL);
    exec_thread_join(a);
    exec_thread_join(b);
    assert_int_equal(g_shared, 100000);
    LOCK_STATE st;
    NdisAcquireReadWriteLock(&g_legacy, FALSE, &st);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    NdisReleaseReadWriteLock(&g_legacy, &st);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    NdisDprAcquireReadWriteLock(&g_legacy, TRUE, &st);
    NdisDprReleaseReadWriteLock(&g_legacy, &st);
    KeLowerIrql(old);
    assert_int_equal(vf_findings_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_readers_share, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_excludes_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_irql_and_reentry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_promotion_is_reported_not_a_deadlock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_flag_at_passive_is_iq01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_lock_excludes_writers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

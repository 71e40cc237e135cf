/* EX_SPIN_LOCK (src/kernel/ex_spin_lock.c): readers share, a writer excludes readers and other
 * writers (real mutual exclusion between threads), acquisition raises to DISPATCH_LEVEL and
 * release restores the caller's IRQL, the AtDpcLevel/Try/Convert variants, and IQ-03 / IQ-01
 * findings instead of deadlocks for recursion, bad releases and wrong IRQLs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_ex.h"
#include "kernel/kernel_internal.h"
#include "test_support.h"

#define ROUNDS 50000

static EX_SPIN_LOCK g_lock;
static volatile long g_a, g_b; /* written together under the exclusive lock, never apart */
static volatile int g_torn;

static void writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++)
    {
        KIRQL old = ExAcquireSpinLockExclusive(&g_lock);
        long v = g_a;
        g_a = v + 1;
        g_b = v + 1;
        ExReleaseSpinLockExclusive(&g_lock, old);
    }
}

static void reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++)
    {
        KIRQL old = ExAcquireSpinLockShared(&g_lock);
        if (g_a != g_b)
            g_torn = 1;
        ExReleaseSpinLockShared(&g_lock, old);
    }
}

static void test_writers_exclude_each_other_and_readers(void **state)
{
    g_lock = 0;
    g_a = g_b = 0;
    g_torn = 0;
    exec_thread *w1, *w2, *r1;
    assert_int_equal(exec_thread_start(&w1, "ex-w1", writer, NULL), 0);
    assert_int_equal(exec_thread_start(&w2, "ex-w2", writer, NULL), 0);
    assert_int_equal(exec_thread_start(&r1, "ex-r1", reader, NULL), 0);
    exec_thread_join(w1);
    exec_thread_join(w2);
    exec_thread_join(r1);
    assert_int_equal(g_a, 2 * ROUNDS);
    assert_int_equal(g_torn, 0);
    assert_int_equal(g_lock, 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_irql_raised_and_restored(void **state)
{
    EX_SPIN_LOCK l = 0;
    KIRQL old = ExAcquireSpinLockShared(&l);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_int_equal(kernel_ex_spin_locks_held(), 1);
    ExReleaseSpinLockShared(&l, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    old = ExAcquireSpinLockExclusive(&l);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_int_not_equal(l, 0);
    ExReleaseSpinLockExclusive(&l, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(l, 0);
    assert_int_equal(kernel_ex_spin_locks_held(), 0);
    assert_int_equal(vf_findings_count(), 0);
}

/* Another thread's attempt, for the Try variants. */
typedef struct try_arg
{
    EX_SPIN_LOCK *l;
    bool exclusive;
    LOGICAL got;
} try_arg;

static void try_other(void *arg)
{
    try_arg *t = arg;
    vf_set_irql(DISPATCH_LEVEL);
    t->got = t->exclusive ? ExTryAcquireSpinLockExclusiveAtDpcLevel(t->l) : ExTryAcquireSpinLockSharedAtDpcLevel(t->l);
    if (t->got)
    {
        if (t->exclusive)
            ExReleaseSpinLockExclusiveFromDpcLevel(t->l);
        else
            ExReleaseSpinLockSharedFromDpcLevel(t->l);
    }
    vf_set_irql(PASSIVE_LEVEL);
}

static LOGICAL other_thread_tries(EX_SPIN_LOCK *l, bool exclusive)
{
    try_arg t = {l, exclusive, 99};
    exec_thread *th;
    assert_int_equal(exec_thread_start(&th, "ex-try", try_other, &t), 0);
    exec_thread_join(th);
    return t.got;
}

static void test_try_and_convert_at_dpc_level(void **state)
{
    EX_SPIN_LOCK l = 0;
    vf_set_irql(DISPATCH_LEVEL);
    ExAcquireSpinLockSharedAtDpcLevel(&l);
    assert_true(other_thread_tries(&l, false)); /* readers share */
    assert_false(other_thread_tries(&l, true)); /* a writer does not get in */
    /* The only reader converts to exclusive. */
    assert_true(ExTryConvertSharedSpinLockExclusive(&l));
    assert_false(other_thread_tries(&l, false));
    ExReleaseSpinLockExclusiveFromDpcLevel(&l);
    assert_int_equal(l, 0);
    /* With a second reader, converting fails. */
    ExAcquireSpinLockSharedAtDpcLevel(&l);
    EX_SPIN_LOCK *lp = &l;
    __atomic_add_fetch((LONG *)lp, 1, __ATOMIC_SEQ_CST); /* another reader, as far as the word says */
    assert_false(ExTryConvertSharedSpinLockExclusive(&l));
    __atomic_sub_fetch((LONG *)lp, 1, __ATOMIC_SEQ_CST);
    ExReleaseSpinLockSharedFromDpcLevel(&l);
    assert_true(ExTryAcquireSpinLockExclusiveAtDpcLevel(&l));
    assert_false(other_thread_tries(&l, true));
    ExReleaseSpinLockExclusiveFromDpcLevel(&l);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(l, 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_recursion_and_bad_release_are_findings(void **state)
{
    EX_SPIN_LOCK l = 0;
    KIRQL old = ExAcquireSpinLockExclusive(&l);
    /* Recursive acquisition deadlocks on Windows: reported, not taken, and the matching
     * release undoes nothing. */
    KIRQL inner = ExAcquireSpinLockShared(&l);
    assert_int_equal(count_rule("IQ-03"), 1);
    ExReleaseSpinLockShared(&l, inner);
    assert_int_not_equal(l, 0);
    ExReleaseSpinLockExclusive(&l, old);
    assert_int_equal(l, 0);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    /* Releasing a lock the thread does not hold: reported, word and IRQL untouched. */
    ExReleaseSpinLockExclusive(&l, PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-03"), 2);
    assert_int_equal(l, 0);
    /* Released in the wrong mode: reported, and what was held is released. */
    old = ExAcquireSpinLockShared(&l);
    ExReleaseSpinLockExclusive(&l, old);
    assert_int_equal(count_rule("IQ-03"), 3);
    assert_int_equal(l, 0);
    assert_int_equal(kernel_ex_spin_locks_held(), 0);
    vf_set_irql(PASSIVE_LEVEL);
}

static void test_irql_rules(void **state)
{
    EX_SPIN_LOCK l = 0;
    /* AtDpcLevel from PASSIVE_LEVEL. */
    ExAcquireSpinLockExclusiveAtDpcLevel(&l);
    assert_int_equal(count_rule("IQ-01"), 1);
    ExReleaseSpinLockExclusiveFromDpcLevel(&l);
    /* Acquire above DISPATCH_LEVEL. */
    vf_set_irql(HIGH_LEVEL);
    KIRQL old = ExAcquireSpinLockShared(&l);
    assert_true(count_rule("IQ-01") >= 2);
    ExReleaseSpinLockShared(&l, old);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(l, 0);
}

/* A callback that returns holding an EX spin lock it acquired: IQ-03 at the exit check, the lock
 * released; one held from before the callback (an outer frame's) is not the callback's. */
static void test_callback_exit_counts_ex_spin_locks(void **state)
{
    EX_SPIN_LOCK outer = 0, inner = 0;
    vf_owner *o = vf_owner_create(VF_OWNER_DRIVER, NULL, "driver");
    KIRQL old_outer = ExAcquireSpinLockShared(&outer);
    vf_frame f;
    vf_enter(&f, VF_CB_DPC, o);
    unsigned held = kernel_spinlocks_held();
    KIRQL irql = KeGetCurrentIrql();
    (void)ExAcquireSpinLockExclusiveAtDpcLevel(&inner);
    assert_false(kernel_check_callback_exit(held, irql, o, VF_CB_DPC, "DPC routine"));
    vf_leave(&f);
    assert_int_equal(count_rule("IQ-03"), 1);
    assert_int_equal(inner, 0);
    assert_int_equal(kernel_ex_spin_locks_held(), 1);
    ExReleaseSpinLockShared(&outer, old_outer);
    assert_int_equal(outer, 0);
    assert_int_equal(kernel_ex_spin_locks_held(), 0);
    assert_int_equal(count_rule("IQ-03"), 1);
    vf_owner_destroy(o);
    vf_set_irql(PASSIVE_LEVEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_writers_exclude_each_other_and_readers, ts_setup_passive),
        cmocka_unit_test_setup(test_irql_raised_and_restored, ts_setup_passive),
        cmocka_unit_test_setup(test_try_and_convert_at_dpc_level, ts_setup_passive),
        cmocka_unit_test_setup(test_recursion_and_bad_release_are_findings, ts_setup_passive),
        cmocka_unit_test_setup(test_irql_rules, ts_setup_passive),
        cmocka_unit_test_setup(test_callback_exit_counts_ex_spin_locks, ts_setup_passive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* KTIMER: KeSetTimer(Ex) with relative and absolute due times queues the timer's DPC and
 * signals the timer; KeSetTimer on a set timer returns TRUE and re-arms; KeCancelTimer returns
 * whether it was set; periodic timers repeat; waits on timer objects; time queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

typedef struct probe
{
    KEVENT fired;
    uint32_t calls;
    KIRQL irql;
    vf_owner *owner;
} probe;

static VOID timer_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    (void)dpc;
    (void)a1;
    (void)a2;
    probe *p = ctx;
    p->irql = KeGetCurrentIrql();
    p->owner = vf_current_owner();
    __atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
    KeSetEvent(&p->fired, 0, FALSE);
}

static NTSTATUS wait_ms(PVOID obj, LONGLONG ms)
{
    LARGE_INTEGER t = {.QuadPart = -ms * 10000};
    return KeWaitForSingleObject(obj, Executive, KernelMode, FALSE, &t);
}

static LARGE_INTEGER rel_ms(LONGLONG ms)
{
    LARGE_INTEGER li = {.QuadPart = -ms * 10000};
    return li;
}

static void test_relative_timer_queues_dpc_charged_to_setter(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter ktimer");
    probe p = {0};
    KeInitializeEvent(&p.fired, NotificationEvent, FALSE);
    KTIMER t;
    KDPC d;
    KeInitializeTimer(&t);
    KeInitializeDpc(&d, timer_dpc, &p);
    assert_false(KeReadStateTimer(&t));
    vf_frame f;
    vf_enter(&f, VF_CB_INITIALIZE, o);
    assert_false(KeSetTimer(&t, rel_ms(5), &d));
    vf_leave(&f);
    assert_int_equal(wait_ms(&p.fired, 10000), STATUS_SUCCESS);
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.irql, DISPATCH_LEVEL);
    assert_ptr_equal(p.owner, o);
    assert_true(KeReadStateTimer(&t));
    assert_false(KeCancelTimer(&t));
    vf_owner_destroy(o);
}

static void test_set_on_set_timer_returns_true_and_cancel(void **state)
{
    (void)state;
    probe p = {0};
    KeInitializeEvent(&p.fired, NotificationEvent, FALSE);
    KTIMER t;
    KDPC d;
    KeInitializeTimerEx(&t, NotificationTimer);
    KeInitializeDpc(&d, timer_dpc, &p);
    assert_false(KeSetTimer(&t, rel_ms(60000), &d));
    assert_true(KeSetTimer(&t, rel_ms(60000), &d));
    assert_true(KeCancelTimer(&t));
    assert_false(KeCancelTimer(&t));
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 0);
    assert_false(KeReadStateTimer(&t));
}

static void test_absolute_due_time_and_wait_on_timer(void **state)
{
    (void)state;
    KTIMER t;
    KeInitializeTimerEx(&t, SynchronizationTimer);
    LARGE_INTEGER due;
    KeQuerySystemTime(&due);
    due.QuadPart += 10 * 10000;
    KeSetTimer(&t, due, NULL);
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    /* A synchronization timer is reset by the satisfied wait. */
    assert_false(KeReadStateTimer(&t));
    assert_int_equal(wait_ms(&t, 0), STATUS_TIMEOUT);
}

static void test_periodic_timer(void **state)
{
    (void)state;
    probe p = {0};
    KeInitializeEvent(&p.fired, SynchronizationEvent, FALSE);
    KTIMER t;
    KDPC d;
    KeInitializeTimer(&t);
    KeInitializeDpc(&d, timer_dpc, &p);
    KeSetTimerEx(&t, rel_ms(1), 2, &d);
    for (int i = 0; i < 3; i++)
        assert_int_equal(wait_ms(&p.fired, 10000), STATUS_SUCCESS);
    assert_true(KeCancelTimer(&t)); /* a periodic timer stays set */
    KeFlushQueuedDpcs();
    assert_true(p.calls >= 3);
}

static void test_time_queries(void **state)
{
    (void)state;
    LARGE_INTEGER freq, a, b, sys;
    a = KeQueryPerformanceCounter(&freq);
    assert_true(freq.QuadPart > 0);
    KeStallExecutionProcessor(10);
    b = KeQueryPerformanceCounter(NULL);
    assert_true(b.QuadPart >= a.QuadPart + 100); /* 10 us at 10 MHz */
    KeQuerySystemTime(&sys);
    assert_true(sys.QuadPart > 130000000000000000ll); /* after 2012 */
    assert_int_equal(KeQueryTimeIncrement(), 156250);
    LARGE_INTEGER ticks;
    KeQueryTickCount(&ticks);
    assert_true(ticks.QuadPart >= 0);
    ULONGLONG it1 = KeQueryInterruptTime();
    KeStallExecutionProcessor(5);
    assert_true(KeQueryInterruptTime() >= it1 + 50);
    TIME_FIELDS tf;
    LARGE_INTEGER known = {.QuadPart = 132223104000000000ll}; /* 2020-01-01 00:00:00 UTC */
    RtlTimeToTimeFields(&known, &tf);
    assert_int_equal(tf.Year, 2020);
    assert_int_equal(tf.Month, 1);
    assert_int_equal(tf.Day, 1);
    assert_int_equal(tf.Weekday, 3); /* Wednesday */
}

static void test_processor_queries(void **state)
{
    (void)state;
    ULONG n = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
    assert_int_equal(n, exec_processor_count());
    KAFFINITY mask;
    assert_int_equal(KeQueryActiveProcessorCount(&mask), n);
    assert_int_equal(__builtin_popcountll(mask), n);
    PROCESSOR_NUMBER pn;
    ULONG idx = KeGetCurrentProcessorNumberEx(&pn);
    assert_true(idx < n);
    assert_int_equal(pn.Group, 0);
    assert_int_equal(pn.Number, idx);
    assert_int_equal(KeGetProcessorIndexFromNumber(&pn), idx);
    assert_int_equal(KeGetProcessorNumberFromIndex(n, &pn), STATUS_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_relative_timer_queues_dpc_charged_to_setter, ts_setup_passive),
        cmocka_unit_test_setup(test_set_on_set_timer_returns_true_and_cancel, ts_setup_passive),
        cmocka_unit_test_setup(test_absolute_due_time_and_wait_on_timer, ts_setup_passive),
        cmocka_unit_test_setup(test_periodic_timer, ts_setup_passive),
        cmocka_unit_test_setup(test_time_queries, ts_setup_passive),
        cmocka_unit_test_setup(test_processor_queries, ts_setup_passive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Events and waits: notification vs synchronization (auto-reset) events, KeSetEvent /
 * KeResetEvent return values, time-outs (relative, absolute, zero), waits from another thread,
 * multi-object waits, semaphores, and the IQ-01 rule for waits at DISPATCH_LEVEL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

static NTSTATUS wait_ms(PVOID obj, LONGLONG ms)
{
    LARGE_INTEGER t = {.QuadPart = -ms * 10000};
    return KeWaitForSingleObject(obj, Executive, KernelMode, FALSE, &t);
}

static void test_event_layout_is_windows(void **state)
{
    (void)state;
    assert_int_equal(sizeof(KEVENT), 24);
    assert_int_equal(sizeof(NDIS_EVENT), 24);
}

static void test_notification_event_stays_signalled(void **state)
{
    (void)state;
    KEVENT e;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    assert_int_equal(KeReadStateEvent(&e), 0);
    assert_int_equal(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 0);
    assert_int_equal(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 1); /* previous state */
    assert_int_equal(wait_ms(&e, 0), STATUS_SUCCESS);
    assert_int_equal(wait_ms(&e, 0), STATUS_SUCCESS);
    assert_int_equal(KeReadStateEvent(&e), 1);
    assert_int_equal(KeResetEvent(&e), 1);
    assert_int_equal(KeResetEvent(&e), 0);
    assert_int_equal(wait_ms(&e, 0), STATUS_TIMEOUT);
    KeSetEvent(&e, 0, FALSE);
    KeClearEvent(&e);
    assert_int_equal(KeReadStateEvent(&e), 0);
}

static void test_synchronization_event_auto_resets(void **state)
{
    (void)state;
    KEVENT e;
    KeInitializeEvent(&e, SynchronizationEvent, TRUE);
    assert_int_equal(wait_ms(&e, 0), STATUS_SUCCESS);
    assert_int_equal(wait_ms(&e, 0), STATUS_TIMEOUT);
    KeSetEvent(&e, 0, FALSE);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_int_equal(KeReadStateEvent(&e), 0);
}

static void test_timeouts(void **state)
{
    (void)state;
    KEVENT e;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    assert_int_equal(wait_ms(&e, 10), STATUS_TIMEOUT);
    LARGE_INTEGER abs;
    KeQuerySystemTime(&abs);
    abs.QuadPart += 10 * 10000;
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &abs), STATUS_TIMEOUT);
    abs.QuadPart = 1; /* long past */
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &abs), STATUS_TIMEOUT);
    assert_int_equal(vf_findings_count(), 0);
}

static void set_later(void *arg)
{
    exec_sleep_ns(20 * 1000 * 1000);
    KeSetEvent(arg, 0, FALSE);
}

static void test_wait_forever_is_woken_by_another_thread(void **state)
{
    (void)state;
    KEVENT e;
    KeInitializeEvent(&e, SynchronizationEvent, FALSE);
    exec_thread *th;
    assert_int_equal(exec_thread_start(&th, "setter", set_later, &e), 0);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    exec_thread_join(th);
}

static void test_wait_at_dispatch_with_timeout_is_iq01(void **state)
{
    (void)state;
    KEVENT e;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_int_equal(wait_ms(&e, 0), STATUS_TIMEOUT); /* a zero time-out is allowed */
    assert_int_equal(count_rule("IQ-01"), 0);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL), STATUS_TIMEOUT);
    KeLowerIrql(old);
    assert_int_equal(count_rule("IQ-01"), 1);
}

static void test_wait_any_and_wait_all(void **state)
{
    (void)state;
    KEVENT a, b;
    KeInitializeEvent(&a, NotificationEvent, FALSE);
    KeInitializeEvent(&b, SynchronizationEvent, FALSE);
    PVOID objs[2] = {&a, &b};
    LARGE_INTEGER zero = {.QuadPart = 0};
    assert_int_equal(KeWaitForMultipleObjects(2, objs, WaitAny, Executive, KernelMode, FALSE, &zero, NULL),
                     STATUS_TIMEOUT);
    KeSetEvent(&b, 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(2, objs, WaitAny, Executive, KernelMode, FALSE, &zero, NULL),
                     STATUS_WAIT_0 + 1);
    assert_int_equal(KeReadStateEvent(&b), 0); /* the satisfied synchronization event reset */
    KeSetEvent(&b, 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(2, objs, WaitAll, Executive, KernelMode, FALSE, &zero, NULL),
                     STATUS_TIMEOUT);
    assert_int_equal(KeReadStateEvent(&b), 1); /* given back */
    KeSetEvent(&a, 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(2, objs, WaitAll, Executive, KernelMode, FALSE, NULL, NULL),
                     STATUS_SUCCESS);
}

static void test_wait_any_woken_by_another_thread(void **state)
{
    (void)state;
    KEVENT a, b;
    KeInitializeEvent(&a, NotificationEvent, FALSE);
    KeInitializeEvent(&b, NotificationEvent, FALSE);
    PVOID objs[2] = {&a, &b};
    exec_thread *th;
    assert_int_equal(exec_thread_start(&th, "setter", set_later, &b), 0);
    assert_int_equal(KeWaitForMultipleObjects(2, objs, WaitAny, Executive, KernelMode, FALSE, NULL, NULL),
                     STATUS_WAIT_0 + 1);
    exec_thread_join(th);
}

static void test_semaphore(void **state)
{
    (void)state;
    KSEMAPHORE s;
    KeInitializeSemaphore(&s, 1, 2);
    assert_int_equal(wait_ms(&s, 0), STATUS_SUCCESS);
    assert_int_equal(wait_ms(&s, 0), STATUS_TIMEOUT);
    assert_int_equal(KeReleaseSemaphore(&s, 0, 2, FALSE), 0);
    assert_int_equal(KeReadStateSemaphore(&s), 2);
    assert_int_equal(KeReleaseSemaphore(&s, 0, 1, FALSE), 2); /* over the limit: reported */
    assert_int_equal(count_rule("AP-02"), 1);
    assert_int_equal(KeReadStateSemaphore(&s), 2);
}

static void test_ndis_event(void **state)
{
    (void)state;
    NDIS_EVENT e;
    NdisInitializeEvent(&e);
    assert_false(NdisWaitEvent(&e, 10)); /* time-out */
    NdisSetEvent(&e);
    assert_true(NdisWaitEvent(&e, 0));  /* 0: no time-out, already signalled */
    assert_true(NdisWaitEvent(&e, 10)); /* notification: stays signalled */
    NdisResetEvent(&e);
    assert_false(NdisWaitEvent(&e, 1));
    assert_int_equal(vf_findings_count(), 0);
}

static void test_ndis_wait_event_above_passive_is_iq01(void **state)
{
    (void)state;
    NDIS_EVENT e;
    NdisInitializeEvent(&e);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_false(NdisWaitEvent(&e, 0)); /* degrades to a poll after the report */
    KeLowerIrql(old);
    assert_int_equal(count_rule("IQ-01"), 1);
}

static void test_delay_execution(void **state)
{
    (void)state;
    LARGE_INTEGER t = {.QuadPart = -10000}; /* 1 ms */
    uint64_t before = exec_now_ns();
    assert_int_equal(KeDelayExecutionThread(KernelMode, FALSE, &t), STATUS_SUCCESS);
    assert_true(exec_now_ns() - before >= 1000000u); /* slept at least as asked */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_event_layout_is_windows, ts_setup_passive),
        cmocka_unit_test_setup(test_notification_event_stays_signalled, ts_setup_passive),
        cmocka_unit_test_setup(test_synchronization_event_auto_resets, ts_setup_passive),
        cmocka_unit_test_setup(test_timeouts, ts_setup_passive),
        cmocka_unit_test_setup(test_wait_forever_is_woken_by_another_thread, ts_setup_passive),
        cmocka_unit_test_setup(test_wait_at_dispatch_with_timeout_is_iq01, ts_setup_passive),
        cmocka_unit_test_setup(test_wait_any_and_wait_all, ts_setup_passive),
        cmocka_unit_test_setup(test_wait_any_woken_by_another_thread, ts_setup_passive),
        cmocka_unit_test_setup(test_semaphore, ts_setup_passive),
        cmocka_unit_test_setup(test_ndis_event, ts_setup_passive),
        cmocka_unit_test_setup(test_ndis_wait_event_above_passive_is_iq01, ts_setup_passive),
        cmocka_unit_test_setup(test_delay_execution, ts_setup_passive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* DPCs: routines run at DISPATCH_LEVEL in a DPC frame charged to the owner that queued them;
 * KeInsertQueueDpc / KeRemoveQueueDpc report whether the DPC was queued; KeFlushQueuedDpcs
 * really waits for running and queued DPCs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

static uint32_t g_seq;

static int setup(void **state)
{
    (void)state;
    ts_reset_context();
    g_seq = 0;
    return 0;
}

typedef struct probe
{
    KEVENT started, gate;
    bool block;
    uint32_t calls, finished_seq;
    KIRQL irql;
    vf_callback cb;
    vf_owner *owner;
    void *a1, *a2;
    int requeue; /* times the routine queues itself again */
    BOOLEAN requeue_result;
} probe;

static void probe_init(probe *p)
{
    memset(p, 0, sizeof *p);
    KeInitializeEvent(&p->started, NotificationEvent, FALSE);
    KeInitializeEvent(&p->gate, NotificationEvent, FALSE);
}

static VOID probe_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    probe *p = ctx;
    p->irql = KeGetCurrentIrql();
    p->cb = vf_current_callback();
    p->owner = vf_current_owner();
    p->a1 = a1;
    p->a2 = a2;
    __atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
    KeSetEvent(&p->started, 0, FALSE);
    if (p->block)
        while (!kernel_event_wait(&p->gate, -1))
        {
        }
    if (p->requeue > 0)
    {
        p->requeue--;
        p->requeue_result = KeInsertQueueDpc(dpc, a1, a2);
    }
    p->finished_seq = __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
}

static void wait_started(probe *p)
{
    LARGE_INTEGER t = {.QuadPart = -100000000}; /* 10 s */
    assert_int_equal(KeWaitForSingleObject(&p->started, Executive, KernelMode, FALSE, &t), STATUS_SUCCESS);
}

static void test_routine_runs_at_dispatch_charged_to_queuer(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_DRIVER, NULL, "driver dpc-test");
    probe p;
    probe_init(&p);
    KDPC d;
    KeInitializeDpc(&d, probe_dpc, &p);
    vf_frame f;
    vf_enter(&f, VF_CB_INITIALIZE, o);
    assert_true(KeInsertQueueDpc(&d, (PVOID)1, (PVOID)2));
    vf_leave(&f);
    wait_started(&p);
    KeFlushQueuedDpcs();
    assert_int_equal(p.irql, DISPATCH_LEVEL);
    assert_int_equal(p.cb, VF_CB_DPC);
    assert_ptr_equal(p.owner, o);
    assert_ptr_equal(p.a1, (PVOID)1);
    assert_ptr_equal(p.a2, (PVOID)2);
    assert_int_equal(vf_findings_count(), 0);
    vf_owner_destroy(o);
}

static void test_insert_when_queued_returns_false_and_remove(void **state)
{
    (void)state;
    probe blocker, p;
    probe_init(&blocker);
    probe_init(&p);
    blocker.block = true;
    KDPC b, d;
    KeInitializeDpc(&b, probe_dpc, &blocker);
    KeInitializeDpc(&d, probe_dpc, &p);
    KeSetTargetProcessorDpc(&b, 0);
    KeSetTargetProcessorDpc(&d, 0);
    assert_true(KeInsertQueueDpc(&b, NULL, NULL));
    wait_started(&blocker);
    assert_true(KeInsertQueueDpc(&d, NULL, NULL));
    assert_false(KeInsertQueueDpc(&d, NULL, NULL));
    assert_true(KeRemoveQueueDpc(&d));
    assert_false(KeRemoveQueueDpc(&d));
    KeSetEvent(&blocker.gate, 0, FALSE);
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 0);
    assert_int_equal(blocker.calls, 1);
}

typedef struct flusher
{
    uint32_t returned_seq;
} flusher;

static void flush_thread(void *arg)
{
    flusher *f = arg;
    KeFlushQueuedDpcs();
    f->returned_seq = __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
}

static void test_flush_waits_for_running_and_queued(void **state)
{
    (void)state;
    probe blocker, p;
    probe_init(&blocker);
    probe_init(&p);
    blocker.block = true;
    KDPC b, d;
    KeInitializeDpc(&b, probe_dpc, &blocker);
    KeInitializeDpc(&d, probe_dpc, &p);
    KeSetTargetProcessorDpc(&b, 0);
    KeSetTargetProcessorDpc(&d, 0);
    KeInsertQueueDpc(&b, NULL, NULL);
    wait_started(&blocker);
    KeInsertQueueDpc(&d, NULL, NULL);
    flusher fl = {0};
    exec_thread *th;
    assert_int_equal(exec_thread_start(&th, "flush", flush_thread, &fl), 0);
    exec_sleep_ns(20000ull * 1000u); /* a flush that does not wait would return now */
    KeSetEvent(&blocker.gate, 0, FALSE);
    exec_thread_join(th);
    assert_int_equal(p.calls, 1);
    assert_true(blocker.finished_seq < fl.returned_seq);
    assert_true(p.finished_seq < fl.returned_seq);
}

static void test_routine_may_requeue_itself(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    p.requeue = 1;
    KDPC d;
    KeInitializeDpc(&d, probe_dpc, &p);
    KeInsertQueueDpc(&d, NULL, NULL);
    for (int i = 0; i < 5000 && __atomic_load_n(&p.calls, __ATOMIC_SEQ_CST) < 2; i++)
        exec_sleep_ns(1000ull * 1000u);
    KeFlushQueuedDpcs();
    assert_true(p.requeue_result);
    assert_int_equal(p.calls, 2);
}

static void test_high_importance_goes_first(void **state)
{
    (void)state;
    probe blocker, lo, hi;
    probe_init(&blocker);
    probe_init(&lo);
    probe_init(&hi);
    blocker.block = true;
    KDPC b, l, h;
    KeInitializeDpc(&b, probe_dpc, &blocker);
    KeInitializeDpc(&l, probe_dpc, &lo);
    KeInitializeDpc(&h, probe_dpc, &hi);
    KeSetTargetProcessorDpc(&b, 0);
    KeSetTargetProcessorDpc(&l, 0);
    KeSetTargetProcessorDpc(&h, 0);
    KeSetImportanceDpc(&h, HighImportance);
    KeInsertQueueDpc(&b, NULL, NULL);
    wait_started(&blocker);
    KeInsertQueueDpc(&l, NULL, NULL);
    KeInsertQueueDpc(&h, NULL, NULL);
    KeSetEvent(&blocker.gate, 0, FALSE);
    KeFlushQueuedDpcs();
    assert_true(hi.finished_seq < lo.finished_seq);
}

static void test_target_processor_ex(void **state)
{
    (void)state;
    KDPC d;
    probe p;
    probe_init(&p);
    KeInitializeDpc(&d, probe_dpc, &p);
    PROCESSOR_NUMBER pn = {.Group = 0, .Number = 0};
    assert_int_equal(KeSetTargetProcessorDpcEx(&d, &pn), STATUS_SUCCESS);
    pn.Number = (UCHAR)exec_processor_count();
    assert_int_equal(KeSetTargetProcessorDpcEx(&d, &pn), STATUS_INVALID_PARAMETER);
    pn.Number = 0;
    pn.Group = 1;
    assert_int_equal(KeSetTargetProcessorDpcEx(&d, &pn), STATUS_INVALID_PARAMETER);
}

static void test_flush_above_passive_is_iq01(void **state)
{
    (void)state;
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeFlushQueuedDpcs();
    KeLowerIrql(old);
    assert_int_equal(count_rule("IQ-01"), 1);
}

static VOID leaky_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    (void)dpc;
    (void)a1;
    (void)a2;
    KeAcquireSpinLockAtDpcLevel(ctx);
}

static void test_spin_lock_left_held_is_iq03_and_released(void **state)
{
    (void)state;
    static KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    KDPC d;
    KeInitializeDpc(&d, leaky_dpc, &lock);
    KeInsertQueueDpc(&d, NULL, NULL);
    for (int i = 0; i < 5000 && count_rule("IQ-03") == 0; i++)
        exec_sleep_ns(1000ull * 1000u);
    KeFlushQueuedDpcs();
    assert_int_equal(count_rule("IQ-03"), 1);
    assert_true(KeTestSpinLock(&lock)); /* the host released it after reporting */
}

static void test_watchdog_information_is_disabled(void **state)
{
    (void)state;
    KDPC_WATCHDOG_INFORMATION w;
    memset(&w, 0xAB, sizeof w);
    KeQueryDpcWatchdogInformation(&w);
    assert_int_equal(w.DpcWatchdogLimit, 0);
    assert_int_equal(w.DpcTimeLimit, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_routine_runs_at_dispatch_charged_to_queuer, setup),
        cmocka_unit_test_setup(test_insert_when_queued_returns_false_and_remove, setup),
        cmocka_unit_test_setup(test_flush_waits_for_running_and_queued, setup),
        cmocka_unit_test_setup(test_routine_may_requeue_itself, setup),
        cmocka_unit_test_setup(test_high_importance_goes_first, setup),
        cmocka_unit_test_setup(test_target_processor_ex, setup),
        cmocka_unit_test_setup(test_flush_above_passive_is_iq01, setup),
        cmocka_unit_test_setup(test_spin_lock_left_held_is_iq03_and_released, setup),
        cmocka_unit_test_setup(test_watchdog_information_is_disabled, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

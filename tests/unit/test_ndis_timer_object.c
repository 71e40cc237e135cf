/* NDIS timer objects: the documented set/cancel/free semantics (TM-01..TM-05), including the two
 * cancel flavours the halt contract depends on: a one-shot cancel does not wait for a callback
 * that already started, a periodic cancel does. Orderings are checked with sequence numbers,
 * never with elapsed times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "ndis/handles.h"
#include "ndis/ndis_internal.h"
#include "ndis/ndis_kernel.h"
#include "test_support.h"

static ndis_driver g_drv;
static uint32_t g_seq;

static int setup(void **state)
{
    (void)state;
    ts_driver_setup(&g_drv, "driver timer-test");
    g_seq = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    KeFlushQueuedDpcs();
    ts_driver_teardown(&g_drv);
    return 0;
}

/* ---- a callback with hooks the tests can steer ------------------------------------------------- */

typedef struct probe
{
    NDIS_EVENT started; /* set when the callback starts */
    NDIS_EVENT gate;    /* the callback waits for it when `block` */
    bool block;
    uint32_t calls;
    uint32_t finished_seq;
    KIRQL irql;
    vf_callback cb;
    vf_owner *owner;
    void *context_seen;
    NDIS_HANDLE free_self; /* freed from inside the callback when set */
} probe;

static void probe_init(probe *p)
{
    memset(p, 0, sizeof *p);
    NdisInitializeEvent(&p->started);
    NdisInitializeEvent(&p->gate);
}

static VOID probe_timer(PVOID s1, PVOID ctx, PVOID s2, PVOID s3)
{
    (void)s1;
    (void)s2;
    (void)s3;
    probe *p = ctx;
    p->irql = KeGetCurrentIrql();
    p->cb = vf_current_callback();
    p->owner = vf_current_owner();
    p->context_seen = ctx;
    __atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
    NdisSetEvent(&p->started);
    if (p->block)
    {
        /* Wait at DISPATCH the host way (a real driver would spin on a flag). */
        while (!kernel_event_wait(&p->gate.Event, -1))
        {
        }
    }
    if (p->free_self)
        NdisFreeTimerObject(p->free_self);
    p->finished_seq = __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
}

static NDIS_HANDLE alloc_timer(probe *p)
{
    NDIS_TIMER_CHARACTERISTICS c = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = 0x74736554, /* 'tseT' */
        .TimerFunction = probe_timer,
        .FunctionContext = p,
    };
    NDIS_HANDLE t = NULL;
    assert_int_equal(NdisAllocateTimerObject(&g_drv, &c, &t), NDIS_STATUS_SUCCESS);
    assert_non_null(t);
    return t;
}

static LARGE_INTEGER rel_ms(LONGLONG ms)
{
    LARGE_INTEGER li;
    li.QuadPart = -ms * 10000;
    return li;
}

/* ---- tests ---------------------------------------------------------------------------------------- */

static void test_callback_runs_at_dispatch_in_timer_frame(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_TIMER), 1);
    assert_false(NdisSetTimerObject(t, rel_ms(5), 0, NULL));
    assert_true(NdisWaitEvent(&p.started, 10000));
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.irql, DISPATCH_LEVEL);
    assert_int_equal(p.cb, VF_CB_TIMER);
    assert_ptr_equal(p.owner, g_drv.owner);
    assert_ptr_equal(p.context_seen, &p); /* NULL FunctionContext: the characteristics' default */
    NdisFreeTimerObject(t);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_TIMER), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static probe g_other;

static void test_function_context_overrides_default(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    probe_init(&g_other);
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(0), 0, &g_other);
    assert_true(NdisWaitEvent(&g_other.started, 10000));
    KeFlushQueuedDpcs();
    assert_int_equal(g_other.calls, 1);
    assert_int_equal(p.calls, 0);
    NdisFreeTimerObject(t);
}

static void test_set_on_queued_timer_returns_true_and_rearms(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    assert_false(NdisSetTimerObject(t, rel_ms(60000), 0, NULL));
    assert_true(NdisSetTimerObject(t, rel_ms(1), 0, NULL));
    assert_true(NdisWaitEvent(&p.started, 10000));
    KeFlushQueuedDpcs();
    /* The 60 s setting was replaced: nothing is queued any more, and there was one callback. */
    assert_false(NdisCancelTimerObject(t));
    assert_int_equal(p.calls, 1);
    NdisFreeTimerObject(t);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_cancel_of_set_timer_returns_true_and_no_callback(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(60000), 0, NULL);
    assert_true(NdisCancelTimerObject(t));
    assert_false(NdisCancelTimerObject(t));
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 0);
    NdisFreeTimerObject(t);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_absolute_due_time(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    LARGE_INTEGER due;
    KeQuerySystemTime(&due);
    due.QuadPart += 20 * 10000; /* 20 ms from now, absolute */
    NdisSetTimerObject(t, due, 0, NULL);
    assert_true(NdisWaitEvent(&p.started, 10000));
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 1);
    /* An absolute time in the past fires at once. */
    probe_init(&p);
    due.QuadPart = 1;
    NdisSetTimerObject(t, due, 0, NULL);
    assert_true(NdisWaitEvent(&p.started, 10000));
    KeFlushQueuedDpcs();
    NdisFreeTimerObject(t);
}

/* Cancels from a PASSIVE host thread and records when the cancel returned. */
typedef struct canceller
{
    NDIS_HANDLE timer;
    BOOLEAN result;
    uint32_t returned_seq;
} canceller;

static void cancel_thread(void *arg)
{
    canceller *c = arg;
    c->result = NdisCancelTimerObject(c->timer);
    c->returned_seq = __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
}

static void test_one_shot_cancel_does_not_wait_for_running_callback(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    p.block = true;
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(0), 0, NULL);
    assert_true(NdisWaitEvent(&p.started, 10000));
    /* The callback is running (and blocked): the one-shot cancel returns FALSE at once. */
    canceller c = {.timer = t};
    exec_thread *th;
    assert_int_equal(exec_thread_start(&th, "cancel", cancel_thread, &c), 0);
    exec_thread_join(th);
    assert_false(c.result);
    NdisSetEvent(&p.gate);
    KeFlushQueuedDpcs();
    assert_true(c.returned_seq < p.finished_seq);
    NdisFreeTimerObject(t);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_periodic_cancel_waits_for_running_callback(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    p.block = true;
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(0), 10, NULL);
    assert_true(NdisWaitEvent(&p.started, 10000));
    canceller c = {.timer = t};
    exec_thread *th;
    assert_int_equal(exec_thread_start(&th, "cancel", cancel_thread, &c), 0);
    NdisMSleep(20000); /* give a wrong, non-waiting cancel the chance to return first */
    NdisSetEvent(&p.gate);
    exec_thread_join(th);
    assert_true(c.result); /* the periodic timer was still set */
    assert_true(p.finished_seq != 0);
    assert_true(p.finished_seq < c.returned_seq);
    uint32_t calls = p.calls;
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, calls); /* none ran after the cancel returned */
    NdisFreeTimerObject(t);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_periodic_timer_repeats(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(1), 1, NULL);
    for (int i = 0; i < 1000 && __atomic_load_n(&p.calls, __ATOMIC_SEQ_CST) < 3; i++)
        NdisMSleep(2000);
    assert_true(NdisCancelTimerObject(t));
    assert_true(p.calls >= 3);
    NdisFreeTimerObject(t);
}

static void test_periodic_cancel_above_passive_is_tm03(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(60000), 100, NULL);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_true(NdisCancelTimerObject(t));
    KeLowerIrql(old);
    assert_int_equal(count_rule("TM-03"), 1);
    assert_int_equal(count_rule("IQ-01"), 0);
    NdisFreeTimerObject(t);
}

static void test_bad_characteristics_is_tm01(void **state)
{
    (void)state;
    NDIS_TIMER_CHARACTERISTICS c = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT, .Revision = 1, .Size = sizeof c},
        .TimerFunction = probe_timer,
    };
    NDIS_HANDLE t = (NDIS_HANDLE)1;
    assert_int_equal(NdisAllocateTimerObject(&g_drv, &c, &t), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_null(t);
    c.Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
    c.TimerFunction = NULL;
    assert_int_equal(NdisAllocateTimerObject(&g_drv, &c, &t), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_int_equal(count_rule("TM-01"), 2);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_TIMER), 0);
}

static void test_allocation_fault_injection(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_TIMER_CHARACTERISTICS c = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .TimerFunction = probe_timer,
    };
    NDIS_HANDLE t = NULL;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_int_equal(NdisAllocateTimerObject(&g_drv, &c, &t), NDIS_STATUS_RESOURCES);
    vf_fault_disarm();
    assert_null(t);
}

static void test_free_while_set_is_tm04_and_safe(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(60000), 0, NULL);
    NdisFreeTimerObject(t);
    assert_int_equal(count_rule("TM-04"), 1);
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 0);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_TIMER), 0);
}

/* Opens the probe's gate when TM-04 is reported, i.e. after the free decided and before it waits. */
static void open_gate_on_finding(const vf_finding *f, void *arg)
{
    if (!strcmp(f->rule, "TM-04"))
        NdisSetEvent(&((probe *)arg)->gate);
}

static void test_free_while_callback_runs_is_tm04_and_waits(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    p.block = true;
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(0), 0, NULL);
    assert_true(NdisWaitEvent(&p.started, 10000));
    vf_set_finding_hook(open_gate_on_finding, &p);
    NdisFreeTimerObject(t);
    uint32_t freed_seq = __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
    vf_set_finding_hook(NULL, NULL);
    assert_int_equal(count_rule("TM-04"), 1);
    assert_true(p.finished_seq != 0);
    assert_true(p.finished_seq < freed_seq);
}

static void test_free_inside_own_callback_is_allowed(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    p.free_self = t;
    NdisSetTimerObject(t, rel_ms(0), 0, NULL);
    assert_true(NdisWaitEvent(&p.started, 10000));
    KeFlushQueuedDpcs();
    assert_int_equal(count_rule("TM-04"), 0);
    assert_int_equal(count_rule("AP-01"), 0);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_TIMER), 0);
}

static void test_stale_handle_is_ap01(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    NdisFreeTimerObject(t);
    assert_false(NdisSetTimerObject(t, rel_ms(1), 0, NULL));
    assert_false(NdisCancelTimerObject(t));
    NdisFreeTimerObject(t);
    int local;
    NdisFreeTimerObject(&local);
    assert_int_equal(count_rule("AP-01"), 4);
}

/* Keeps every DPC processor busy so that a timer that expires stays queued. */
static KDPC g_blockers[64];
static NDIS_EVENT g_block_gate;
static NDIS_EVENT g_block_started[64];

static VOID blocker_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    (void)dpc;
    (void)a1;
    (void)a2;
    NdisSetEvent(ctx);
    while (!kernel_event_wait(&g_block_gate.Event, -1))
    {
    }
}

static void block_all_dpcs(void)
{
    NdisInitializeEvent(&g_block_gate);
    for (unsigned i = 0; i < exec_processor_count(); i++)
    {
        NdisInitializeEvent(&g_block_started[i]);
        KeInitializeDpc(&g_blockers[i], blocker_dpc, &g_block_started[i]);
        KeSetTargetProcessorDpc(&g_blockers[i], (CCHAR)i);
        assert_true(KeInsertQueueDpc(&g_blockers[i], NULL, NULL));
    }
    for (unsigned i = 0; i < exec_processor_count(); i++)
        assert_true(NdisWaitEvent(&g_block_started[i], 10000));
}

static void unblock_all_dpcs(void)
{
    NdisSetEvent(&g_block_gate);
}

static void test_callback_after_owner_died_is_tm05(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    block_all_dpcs();
    NdisSetTimerObject(t, rel_ms(0), 0, NULL);
    vf_owner_set_dead(g_drv.owner, true);
    unblock_all_dpcs();
    for (int i = 0; i < 5000 && count_rule("TM-05") == 0; i++)
        NdisMSleep(1000);
    KeFlushQueuedDpcs();
    assert_int_equal(count_rule("TM-05"), 1);
    assert_int_equal(p.calls, 0);
    /* A dead owner's timer is not set again (LC-03). */
    assert_false(NdisSetTimerObject(t, rel_ms(1), 0, NULL));
    assert_int_equal(count_rule("LC-03"), 1);
    vf_owner_set_dead(g_drv.owner, false);
    NdisFreeTimerObject(t);
}

static void test_cancel_after_expiry_returns_false_and_callback_still_runs(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    block_all_dpcs();
    NdisSetTimerObject(t, rel_ms(0), 0, NULL);
    /* Wait until the timer left the timer queue (its DPC is queued behind the blockers). */
    ndis_timer_counts c;
    for (int i = 0; i < 5000; i++)
    {
        ndis_timer_objects_count(g_drv.owner, &c);
        if (!c.armed)
            break;
        NdisMSleep(1000);
    }
    assert_int_equal(c.armed, 0);
    assert_int_equal(c.callback_in_flight, 1);
    assert_false(NdisCancelTimerObject(t)); /* documented: the callback can still run */
    unblock_all_dpcs();
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 1);
    NdisFreeTimerObject(t);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_instance_end_reports_set_timer_and_reclaims(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE t = alloc_timer(&p);
    NdisSetTimerObject(t, rel_ms(60000), 0, NULL);
    ndis_timer_counts counts;
    ndis_timer_objects_count(g_drv.owner, &counts);
    assert_int_equal(counts.armed, 1);
    size_t n = ndis_timer_objects_report_in_flight(g_drv.owner, "HA-04", "MiniportHaltEx returned");
    assert_int_equal(n, 1);
    assert_int_equal(count_rule("HA-04"), 1);
    /* The leftover report reclaims the object: cancelled and freed, no callback. */
    vf_ledger_report_leftovers(g_drv.owner, NULL, "MiniportHaltEx returned");
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_TIMER), 0);
    ndis_timer_objects_count(g_drv.owner, &counts);
    assert_int_equal(counts.armed, 0);
    assert_int_equal(p.calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_callback_runs_at_dispatch_in_timer_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_function_context_overrides_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_on_queued_timer_returns_true_and_rearms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_of_set_timer_returns_true_and_no_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absolute_due_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_shot_cancel_does_not_wait_for_running_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periodic_cancel_waits_for_running_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periodic_timer_repeats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periodic_cancel_above_passive_is_tm03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_characteristics_is_tm01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_fault_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_while_set_is_tm04_and_safe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_while_callback_runs_is_tm04_and_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_inside_own_callback_is_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_handle_is_ap01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback_after_owner_died_is_tm05, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_after_expiry_returns_false_and_callback_still_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_instance_end_reports_set_timer_and_reclaims, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

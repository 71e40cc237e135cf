/* NDIS IO work items: the routine runs at PASSIVE_LEVEL on a worker thread, in a work-item
 * frame charged to the handle's owner, with (WorkItemContext, NdisIoWorkItemHandle); it may be
 * queued at DISPATCH_LEVEL and freed inside its own routine; misuse is reported. */
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

static int setup(void **state)
{
    (void)state;
    ts_driver_setup(&g_drv, "driver workitem-test");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ndis_work_items_wait_idle(NULL);
    ts_driver_teardown(&g_drv);
    return 0;
}

typedef struct probe
{
    NDIS_EVENT done, gate;
    bool block;
    bool free_self;
    uint32_t calls;
    KIRQL irql;
    vf_callback cb;
    vf_owner *owner;
    NDIS_HANDLE handle_seen;
    bool on_worker;
} probe;

static void probe_init(probe *p)
{
    memset(p, 0, sizeof *p);
    NdisInitializeEvent(&p->done);
    NdisInitializeEvent(&p->gate);
}

static VOID probe_routine(PVOID ctx, NDIS_HANDLE item)
{
    probe *p = ctx;
    p->irql = KeGetCurrentIrql();
    p->cb = vf_current_callback();
    p->owner = vf_current_owner();
    p->handle_seen = item;
    p->on_worker = kernel_on_worker_thread();
    if (p->block)
        NdisWaitEvent(&p->gate, 0);
    __atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
    if (p->free_self)
        NdisFreeIoWorkItem(item);
    NdisSetEvent(&p->done);
}

static void test_routine_runs_at_passive_with_documented_arguments(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE w = NdisAllocateIoWorkItem(&g_drv);
    assert_non_null(w);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_WORK_ITEM), 1);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old); /* queueing at DISPATCH is allowed */
    NdisQueueIoWorkItem(w, probe_routine, &p);
    KeLowerIrql(old);
    assert_true(NdisWaitEvent(&p.done, 10000));
    ndis_work_items_wait_idle(g_drv.owner);
    assert_int_equal(p.irql, PASSIVE_LEVEL);
    assert_int_equal(p.cb, VF_CB_WORK_ITEM);
    assert_ptr_equal(p.owner, g_drv.owner);
    assert_ptr_equal(p.handle_seen, w);
    assert_true(p.on_worker);
    assert_int_equal(ndis_work_items_in_flight(g_drv.owner), 0);
    NdisFreeIoWorkItem(w);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_WORK_ITEM), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_item_can_be_requeued_after_it_ran(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    NDIS_HANDLE w = NdisAllocateIoWorkItem(&g_drv);
    for (int i = 0; i < 3; i++)
    {
        NdisResetEvent(&p.done);
        NdisQueueIoWorkItem(w, probe_routine, &p);
        assert_true(NdisWaitEvent(&p.done, 10000));
        ndis_work_items_wait_idle(g_drv.owner);
    }
    assert_int_equal(p.calls, 3);
    NdisFreeIoWorkItem(w);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_free_inside_own_routine(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    p.free_self = true;
    NDIS_HANDLE w = NdisAllocateIoWorkItem(&g_drv);
    NdisQueueIoWorkItem(w, probe_routine, &p);
    assert_true(NdisWaitEvent(&p.done, 10000));
    ndis_work_items_wait_idle(g_drv.owner);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_WORK_ITEM), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_queue_twice_and_free_while_queued_are_reported(void **state)
{
    (void)state;
    probe blockers[2], p;
    NDIS_HANDLE b[2];
    for (int i = 0; i < 2; i++)
    {
        probe_init(&blockers[i]);
        blockers[i].block = true;
        b[i] = NdisAllocateIoWorkItem(&g_drv);
        NdisQueueIoWorkItem(b[i], probe_routine, &blockers[i]);
    }
    /* Both workers are now busy (or about to be) with the blockers; this item stays queued. */
    probe_init(&p);
    NDIS_HANDLE w = NdisAllocateIoWorkItem(&g_drv);
    NdisQueueIoWorkItem(w, probe_routine, &p);
    NdisQueueIoWorkItem(w, probe_routine, &p);
    assert_int_equal(count_rule("AP-02"), 1);
    NdisFreeIoWorkItem(w);
    assert_int_equal(count_rule("AP-02"), 2);
    for (int i = 0; i < 2; i++)
        NdisSetEvent(&blockers[i].gate);
    ndis_work_items_wait_idle(g_drv.owner);
    assert_int_equal(p.calls, 0);
    for (int i = 0; i < 2; i++)
        NdisFreeIoWorkItem(b[i]);
}

static void test_in_flight_report_and_wait_idle(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    p.block = true;
    NDIS_HANDLE w = NdisAllocateIoWorkItem(&g_drv);
    NdisQueueIoWorkItem(w, probe_routine, &p);
    assert_int_equal(ndis_work_items_in_flight(g_drv.owner), 1);
    assert_int_equal(ndis_work_items_report_in_flight(g_drv.owner, "HA-10", "MiniportHaltEx returned"), 1);
    assert_int_equal(count_rule("HA-10"), 1);
    NdisSetEvent(&p.gate);
    ndis_work_items_wait_idle(g_drv.owner);
    assert_int_equal(ndis_work_items_in_flight(g_drv.owner), 0);
    assert_int_equal(p.calls, 1);
    NdisFreeIoWorkItem(w);
}

static void test_bad_handle_and_dead_owner(void **state)
{
    (void)state;
    probe p;
    probe_init(&p);
    int local;
    NdisQueueIoWorkItem(&local, probe_routine, &p);
    NdisFreeIoWorkItem(NULL);
    assert_int_equal(count_rule("AP-01"), 2);
    assert_null(NdisAllocateIoWorkItem(&local));
    assert_int_equal(count_rule("AP-01"), 3);
    NDIS_HANDLE w = NdisAllocateIoWorkItem(&g_drv);
    vf_owner_set_dead(g_drv.owner, true);
    NdisQueueIoWorkItem(w, probe_routine, &p);
    vf_owner_set_dead(g_drv.owner, false);
    assert_int_equal(count_rule("LC-03"), 1);
    assert_int_equal(ndis_work_items_in_flight(g_drv.owner), 0);
    NdisFreeIoWorkItem(w);
}

static void test_leftover_is_reported_and_reclaimed(void **state)
{
    (void)state;
    NdisAllocateIoWorkItem(&g_drv);
    assert_int_equal(vf_ledger_report_leftovers(g_drv.owner, NULL, "MiniportHaltEx returned"), 1);
    assert_int_equal(count_rule("HA-10"), 1);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_WORK_ITEM), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_routine_runs_at_passive_with_documented_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_item_can_be_requeued_after_it_ran, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_inside_own_routine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_twice_and_free_while_queued_are_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_flight_report_and_wait_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_handle_and_dead_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leftover_is_reported_and_reclaimed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

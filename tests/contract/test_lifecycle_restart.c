/* MiniportRestart and NdisMRestartComplete (LC-07, LC-08): pending restarts are waited for,
 * early completions accepted, failures leave the adapter Paused, double or unexpected
 * completions and a missing completion are findings. */
#include "contract_util.h"

#include <string.h>

static ndis_driver *d;
static ndis_adapter *a;

static int setup(void **state)
{
    ct_adapter_setup(state, &d, &a, NDIS_ADAPTER_PAUSED);
    return 0;
}

static int teardown(void **state)
{
    return ct_adapter_teardown(state, &d, &a);
}

typedef struct observation
{
    int state_at_complete;
    int host_returned_at_complete;
    int host_returned;
} observation;

static observation obs;

static void observe(char what, void *arg)
{
    observation *o = arg;
    o->state_at_complete = ndis_adapter_get_state(a);
    o->host_returned_at_complete = __atomic_load_n(&o->host_returned, __ATOMIC_SEQ_CST);
}

static void watch(void)
{
    memset(&obs, 0, sizeof obs);
    obs.state_at_complete = -1;
    ct.ctl->observe = observe;
    ct.ctl->observe_arg = &obs;
}

static void test_restart_sync(void **state)
{
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_assert_irql('R', PASSIVE_LEVEL);
    ct_expect_no_findings();
}

/* PENDING, then NdisMRestartComplete(SUCCESS) from a driver thread after a delay: the host is
 * still in Restarting when it arrives and returns only after it. */
static void test_restart_pending_success(void **state)
{
    watch();
    ct.ctl->restart = (sc_async){.mode = SC_PENDING_THREAD,
                                 .delay_us = 20000,
                                 .complete_irql = DISPATCH_LEVEL,
                                 .complete_status = NDIS_STATUS_SUCCESS};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    unsigned ret_seq = ct_seq();
    __atomic_store_n(&obs.host_returned, 1, __ATOMIC_SEQ_CST);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    assert_int_equal(obs.state_at_complete, NDIS_ADAPTER_RESTARTING);
    assert_int_equal(obs.host_returned_at_complete, 0);
    const sc_event *c = ct_event('C', 0);
    assert_non_null(c);
    assert_true(c->seq < ret_seq);
    assert_int_equal(c->irql, DISPATCH_LEVEL);
    assert_string_equal(ct_log(), "DOIRC");
    ct_expect_no_findings();
}

/* LC-08: a restart that completes with FAILURE leaves the adapter Paused, without a finding;
 * it can be restarted later. */
static void test_restart_pending_failure(void **state)
{
    watch();
    ct.ctl->restart = (sc_async){.mode = SC_PENDING_THREAD, .delay_us = 5000, .complete_status = NDIS_STATUS_FAILURE};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_FAILURE);
    __atomic_store_n(&obs.host_returned, 1, __ATOMIC_SEQ_CST);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    assert_int_equal(obs.state_at_complete, NDIS_ADAPTER_RESTARTING);
    assert_int_equal(obs.host_returned_at_complete, 0);
    ct_expect_no_findings();

    ct.ctl->restart = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_SUCCESS};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_no_findings();
}

static void test_restart_sync_failures(void **state)
{
    static const NDIS_STATUS statuses[] = {NDIS_STATUS_FAILURE, NDIS_STATUS_RESOURCES};
    for (unsigned i = 0; i < 2; i++)
    {
        ct.ctl->restart = (sc_async){.mode = SC_SYNC, .status = statuses[i]};
        assert_int_equal(ndis_adapter_restart(a), statuses[i]);
        assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    }
    /* Halt from the Paused state a failed restart left. */
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_string_equal(ct_log(), "DOIRRH");
    ct_expect_no_findings();
}

/* LC-08: only SUCCESS, PENDING, RESOURCES and FAILURE are documented. */
static void test_restart_undocumented_status(void **state)
{
    ct.ctl->restart = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_NOT_ACCEPTED};
    assert_int_not_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("LC-08");
}

static void test_restart_complete_before_return_inline(void **state)
{
    ct.ctl->restart = (sc_async){.mode = SC_PENDING_INLINE, .complete_status = NDIS_STATUS_SUCCESS};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_no_findings();
}

static void test_restart_complete_before_return_thread(void **state)
{
    ct.ctl->restart =
        (sc_async){.mode = SC_PENDING_EARLY, .complete_status = NDIS_STATUS_SUCCESS, .complete_irql = DISPATCH_LEVEL};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_no_findings();
}

/* An early completion carries its status: FAILURE before the handler returned PENDING. */
static void test_restart_early_failure(void **state)
{
    ct.ctl->restart = (sc_async){.mode = SC_PENDING_INLINE, .complete_status = NDIS_STATUS_RESOURCES};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_RESOURCES);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_no_findings();
}

/* LC-07: a second NdisMRestartComplete. */
static void test_restart_completed_twice(void **state)
{
    ct.ctl->restart = (sc_async){.mode = SC_PENDING_THREAD, .completions = 2, .complete_status = NDIS_STATUS_SUCCESS};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    ct.wait_threads();
    assert_int_equal(ct.ctl->completions_done, 2);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_findings("LC-07");
}

/* LC-07: NdisMRestartComplete although MiniportRestart returned SUCCESS. */
static void test_restart_sync_and_complete(void **state)
{
    ct.ctl->restart =
        (sc_async){.mode = SC_SYNC_AND_COMPLETE, .status = NDIS_STATUS_SUCCESS, .complete_status = NDIS_STATUS_SUCCESS};
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_findings("LC-07");
}

/* LC-07 watchdog: the restart never completes; the adapter stays Paused. A late completion
 * is reported too. */
static void test_restart_never_completes(void **state)
{
    ct_short_timeouts(50LL * 1000000LL);
    ct.ctl->restart = (sc_async){.mode = SC_PENDING_NEVER, .complete_status = NDIS_STATUS_SUCCESS};
    assert_int_not_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("LC-07");
    ct.complete_late(0, 'R');
    ct_expect_findings("LC-07", "LC-07");
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_restart_sync),
        T(test_restart_pending_success),
        T(test_restart_pending_failure),
        T(test_restart_sync_failures),
        T(test_restart_undocumented_status),
        T(test_restart_complete_before_return_inline),
        T(test_restart_complete_before_return_thread),
        T(test_restart_early_failure),
        T(test_restart_completed_twice),
        T(test_restart_sync_and_complete),
        T(test_restart_never_completes),
    };
    return cmocka_run_group_tests(tests, ct_group_setup, ct_group_teardown);
}

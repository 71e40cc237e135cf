/* MiniportPause and NdisMPauseComplete (LC-05, LC-06, LC-10): a pending pause is really waited
 * for, a completion before the handler returns is accepted, a completion without PENDING or a
 * second one is a finding, the watchdog fires when the completion never comes. */
#include "contract_util.h"

#include <string.h>

static ndis_driver *d;
static ndis_adapter *a;

static int setup(void **state)
{
    ct_adapter_setup(state, &d, &a, NDIS_ADAPTER_RUNNING);
    return 0;
}

static int teardown(void **state)
{
    return ct_adapter_teardown(state, &d, &a);
}

/* What the driver's completing thread saw just before NdisMPauseComplete. */
typedef struct observation
{
    sem_t gate; /* the driver thread waits here when `gated` */
    bool gated;
    int state_at_complete;
    int host_returned_at_complete;
    int host_returned;    /* set by the test after ndis_adapter_pause returned */
    unsigned started_seq; /* when on_pause_started ran */
    int state_at_started;
    unsigned completions_at_started;
} observation;

static observation obs;

static void observe(char what, void *arg)
{
    observation *o = arg;
    if (o->gated)
        sem_wait(&o->gate);
    o->state_at_complete = ndis_adapter_get_state(a);
    o->host_returned_at_complete = __atomic_load_n(&o->host_returned, __ATOMIC_SEQ_CST);
}

static void on_pause_started(void *arg, ndis_adapter *ad)
{
    observation *o = arg;
    assert_ptr_equal(ad, a);
    o->started_seq = ct_seq();
    o->state_at_started = ndis_adapter_get_state(ad);
    o->completions_at_started = __atomic_load_n(&ct.ctl->completions_done, __ATOMIC_SEQ_CST);
    if (o->gated)
        sem_post(&o->gate);
}

static const ndis_pause_hooks hooks = {.started = on_pause_started, .arg = &obs};

static void watch(bool gated)
{
    memset(&obs, 0, sizeof obs);
    sem_init(&obs.gate, 0, 0);
    obs.gated = gated;
    obs.state_at_complete = -1;
    ct.ctl->observe = observe;
    ct.ctl->observe_arg = &obs;
}

static void test_pause_sync(void **state)
{
    watch(false);
    assert_int_equal(ndis_adapter_pause(a, &hooks), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    /* The protocol edge's pause runs after MiniportPause returned. */
    assert_true(obs.started_seq > ct_event('P', 0)->seq);
    ct_assert_irql('P', PASSIVE_LEVEL);
    ct_expect_no_findings();
}

/* The completion is held back until the host has entered its wait (on_pause_started): the host
 * must get there without the completion, and must not return before it. */
static void test_pause_pending_gated(void **state)
{
    watch(true);
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_THREAD, .complete_irql = DISPATCH_LEVEL};
    assert_int_equal(ndis_adapter_pause(a, &hooks), NDIS_STATUS_SUCCESS);
    unsigned ret_seq = ct_seq();
    __atomic_store_n(&obs.host_returned, 1, __ATOMIC_SEQ_CST);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);

    assert_int_equal(obs.state_at_started, NDIS_ADAPTER_PAUSING);
    assert_int_equal(obs.completions_at_started, 0);
    assert_int_equal(obs.state_at_complete, NDIS_ADAPTER_PAUSING);
    assert_int_equal(obs.host_returned_at_complete, 0);
    const sc_event *c = ct_event('C', 0);
    assert_non_null(c);
    assert_true(c->seq > obs.started_seq);
    assert_true(c->seq < ret_seq);
    /* NdisMPauseComplete is legal at DISPATCH_LEVEL: no IQ-01. */
    assert_int_equal(c->irql, DISPATCH_LEVEL);
    assert_string_equal(ct_log(), "DOIRPC");
    ct_expect_no_findings();
}

/* Completion from a driver thread after a delay, without a handshake. */
static void test_pause_pending_delayed(void **state)
{
    watch(false);
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_THREAD, .delay_us = 20000, .complete_irql = PASSIVE_LEVEL};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    unsigned ret_seq = ct_seq();
    __atomic_store_n(&obs.host_returned, 1, __ATOMIC_SEQ_CST);
    assert_int_equal(obs.state_at_complete, NDIS_ADAPTER_PAUSING);
    assert_int_equal(obs.host_returned_at_complete, 0);
    assert_true(ct_event('C', 0)->seq < ret_seq);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_no_findings();
}

/* NdisMPauseComplete inside MiniportPause, before it returns PENDING: accepted. */
static void test_pause_complete_before_return_inline(void **state)
{
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_INLINE};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    assert_string_equal(ct_log(), "DOIRPC");
    ct_expect_no_findings();
}

/* ... and from another thread while MiniportPause is still running. */
static void test_pause_complete_before_return_thread(void **state)
{
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_EARLY, .complete_irql = DISPATCH_LEVEL};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_no_findings();
}

/* LC-06: NdisMPauseComplete although MiniportPause returned SUCCESS. */
static void test_pause_sync_and_complete(void **state)
{
    ct.ctl->pause = (sc_async){.mode = SC_SYNC_AND_COMPLETE, .status = NDIS_STATUS_SUCCESS};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("LC-06");
}

/* LC-06: a second NdisMPauseComplete. */
static void test_pause_completed_twice(void **state)
{
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_THREAD, .completions = 2};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ct.wait_threads();
    assert_int_equal(ct.ctl->completions_done, 2);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("LC-06");
}

/* LC-05: a pause cannot fail; the adapter is Paused anyway. */
static void test_pause_returns_failure(void **state)
{
    ct.ctl->pause = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_FAILURE};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("LC-05");
}

/* LC-10 watchdog: the pause never completes; a late NdisMPauseComplete is LC-06. */
static void test_pause_never_completes(void **state)
{
    ct_short_timeouts(50LL * 1000000LL);
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_NEVER};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("LC-10");
    ct.complete_late(0, 'P');
    ct_expect_findings("LC-10", "LC-06");
}

/* The protocol's pause watchdog hook: when the pause times out, the protocol gives back what it
 * holds (here the driver then completes) and the host waits once more: no LC-10. */
static unsigned watchdog_calls;

static size_t watchdog_releases(void *arg, ndis_adapter *ad)
{
    watchdog_calls++;
    ct.complete_late(0, 'P');
    return 1;
}

static size_t watchdog_holds_nothing(void *arg, ndis_adapter *ad)
{
    watchdog_calls++;
    return 0;
}

static void test_pause_watchdog_hook_releases(void **state)
{
    ct_short_timeouts(20LL * 1000000LL);
    watchdog_calls = 0;
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_NEVER};
    const ndis_pause_hooks h = {.watchdog = watchdog_releases};
    assert_int_equal(ndis_adapter_pause(a, &h), NDIS_STATUS_SUCCESS);
    assert_int_equal(watchdog_calls, 1);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_no_findings();
}

static void test_pause_watchdog_hook_holds_nothing(void **state)
{
    ct_short_timeouts(20LL * 1000000LL);
    watchdog_calls = 0;
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_NEVER};
    const ndis_pause_hooks h = {.watchdog = watchdog_holds_nothing};
    assert_int_equal(ndis_adapter_pause(a, &h), NDIS_STATUS_SUCCESS);
    assert_int_equal(watchdog_calls, 1);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("LC-10");
}

/* IQ-01: NdisMPauseComplete is callable at IRQL <= DISPATCH_LEVEL only. */
static void test_pause_complete_above_dispatch(void **state)
{
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_THREAD, .complete_irql = HIGH_LEVEL};
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("IQ-01");
}

/* LC-12: an OID issued while the pause is pending (Pausing) reaches the driver. */
static NDIS_STATUS oid_in_pausing_status;
static int state_at_oid;

static void issue_oid(void *arg, ndis_adapter *ad)
{
    UCHAR buf[4];
    state_at_oid = ndis_adapter_get_state(ad);
    oid_in_pausing_status =
        ndis_adapter_oid(ad, NdisRequestQueryInformation, SC_OID_QUERY, buf, sizeof buf, NULL, NULL);
    sem_post(&obs.gate);
}

static void test_oid_while_pausing(void **state)
{
    watch(true);
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_THREAD};
    const ndis_pause_hooks h = {.started = issue_oid};
    assert_int_equal(ndis_adapter_pause(a, &h), NDIS_STATUS_SUCCESS);
    assert_int_equal(state_at_oid, NDIS_ADAPTER_PAUSING);
    assert_int_equal(oid_in_pausing_status, NDIS_STATUS_SUCCESS);
    assert_string_equal(ct_log(), "DOIRPQC");
    ct_expect_no_findings();
}

/* The adapter can restart and pause again after a pending pause (the pending state is reset). */
static void test_pause_restart_pause_pending(void **state)
{
    ct.ctl->pause = (sc_async){.mode = SC_PENDING_THREAD, .delay_us = 1000};
    for (int i = 0; i < 3; i++)
    {
        assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
        assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
        ct.wait_threads();
        if (i < 2)
            assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    }
    assert_string_equal(ct_log(), "DOIRPCRPCRPC");
    ct_expect_no_findings();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_pause_sync),
        T(test_pause_pending_gated),
        T(test_pause_pending_delayed),
        T(test_pause_complete_before_return_inline),
        T(test_pause_complete_before_return_thread),
        T(test_pause_sync_and_complete),
        T(test_pause_completed_twice),
        T(test_pause_returns_failure),
        T(test_pause_never_completes),
        T(test_pause_watchdog_hook_releases),
        T(test_pause_watchdog_hook_holds_nothing),
        T(test_pause_complete_above_dispatch),
        T(test_oid_while_pausing),
        T(test_pause_restart_pause_pending),
    };
    return cmocka_run_group_tests(tests, ct_group_setup, ct_group_teardown);
}

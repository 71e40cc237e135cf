/* Nothing after halt or shutdown: the host calls no callback once MiniportHaltEx or
 * MiniportShutdownEx ran, and a driver that keeps using the adapter handle afterwards is
 * reported (LC-03 after halt or a failed initialize, LC-04 after shutdown); invalid handles are
 * AP-01. */
#include "contract_util.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>

static ndis_driver *d;
static ndis_adapter *a;

static int setup(void **state)
{
    ct_adapter_setup(state, &d, &a, NDIS_ADAPTER_HALTED);
    return 0;
}

static int teardown(void **state)
{
    return ct_adapter_teardown(state, &d, &a);
}

static void bring_up(void)
{
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
}

/* A status indication while the adapter lives is fine; the same call after halt is LC-03. */
static void test_indication_after_halt(void **state)
{
    bring_up();
    ct.indicate_status(0);
    ct_expect_no_findings();
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ct.indicate_status(0); /* Paused: status indications are still allowed (LC-09) */
    ct_expect_no_findings();
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ct.indicate_status(0);
    ct_expect_findings("LC-03");
}

/* A completion with a halted adapter's handle is LC-03, not a pause-protocol finding. */
static void test_completion_after_halt(void **state)
{
    bring_up();
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ct.complete_late(0, 'P');
    ct_expect_findings("LC-03");
}

/* No callback reaches the driver after halt. */
static void test_nothing_called_after_halt(void **state)
{
    bring_up();
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    UCHAR buf[4];
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, SC_OID_QUERY, buf, sizeof buf, NULL, NULL),
                     NDIS_STATUS_INVALID_STATE);
    assert_string_equal(ct_log(), "DOIRPH");
    ct_expect_no_findings();
}

/* The handle of an adapter whose initialize failed is not usable either. */
static void test_indication_after_failed_initialize(void **state)
{
    ct.ctl->init.status = NDIS_STATUS_FAILURE;
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_FAILURE);
    ct.indicate_status(0);
    ct_expect_findings("LC-03");
}

/* The handle is valid again in the next instance. */
static void test_handle_valid_again_after_reinitialize(void **state)
{
    bring_up();
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceStopped, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    ct.indicate_status(0);
    ct_expect_no_findings();
}

/* LC-04: shutdown (PowerOff at PASSIVE_LEVEL) is terminal; the driver's later use of the handle
 * is reported and no callback follows. */
static void test_shutdown_power_off(void **state)
{
    bring_up();
    ndis_adapter_shutdown(a, NdisShutdownPowerOff);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_SHUTDOWN);
    const sc_event *s = ct_event('S', 0);
    assert_non_null(s);
    assert_int_equal(s->arg, NdisShutdownPowerOff);
    assert_int_equal(s->irql, PASSIVE_LEVEL);
    ct_expect_no_findings();

    UCHAR buf[4];
    assert_int_not_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, SC_OID_QUERY, buf, sizeof buf, NULL, NULL),
                         NDIS_STATUS_SUCCESS);
    ct.indicate_status(0);
    ct_expect_findings("LC-04");
    assert_string_equal(ct_log(), "DOIRS");
}

/* SD-02: BugCheck shutdown runs at HIGH_LEVEL. */
static void test_shutdown_bugcheck_irql(void **state)
{
    bring_up();
    ndis_adapter_shutdown(a, NdisShutdownBugCheck);
    const sc_event *s = ct_event('S', 0);
    assert_int_equal(s->arg, NdisShutdownBugCheck);
    assert_int_equal(s->irql, HIGH_LEVEL);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_SHUTDOWN);
    ct_expect_no_findings();
}

/* SD-02: since NDIS 6.30 a bug check reaches only drivers that registered for it; the state is
 * terminal either way. */
static void test_shutdown_bugcheck_needs_registration(void **state)
{
    ct.ctl->init.no_bugcheck_callback = TRUE;
    bring_up();
    assert_false(ndis_adapter_shutdown(a, NdisShutdownBugCheck));
    ct.ctl->init.no_bugcheck_callback = FALSE;
    assert_null(ct_event('S', 0));
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_SHUTDOWN);
    ct_expect_no_findings();
}

/* Shutdown is allowed from Paused as well; a completion afterwards is LC-04. */
static void test_shutdown_from_paused(void **state)
{
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    ndis_adapter_shutdown(a, NdisShutdownPowerOff);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_SHUTDOWN);
    ct.complete_late(0, 'R');
    ct_expect_findings("LC-04");
    /* only the driver's own late completion (C) follows; no callback */
    assert_string_equal(ct_log(), "DOISC");
}

/* TM-05: a timer callback (here of a driver-level timer that outlives the adapter) uses the
 * handle of an adapter whose MiniportHaltEx returned. The callback signals the test when done. */
static sem_t timer_done;

static void on_timer(char what, void *arg)
{
    if (what == 'T')
        sem_post(&timer_done);
}

static void test_timer_uses_handle_after_halt(void **state)
{
    sem_init(&timer_done, 0, 0);
    ct.ctl->observe = on_timer;
    bring_up();
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(ct.arm_driver_timer(0), NDIS_STATUS_SUCCESS);
    sem_wait(&timer_done);
    ct.ctl->observe = NULL;
    const sc_event *t = ct_event('T', 0);
    assert_non_null(t);
    assert_int_equal(t->irql, DISPATCH_LEVEL);
    ct_expect_findings("TM-05");
    assert_string_equal(vf_findings_get(0)->callback, vf_callback_name(VF_CB_TIMER));
    sem_destroy(&timer_done);
}

/* The same timer while the adapter lives: no finding. */
static void test_timer_uses_handle_while_running(void **state)
{
    sem_init(&timer_done, 0, 0);
    ct.ctl->observe = on_timer;
    bring_up();
    assert_int_equal(ct.arm_driver_timer(0), NDIS_STATUS_SUCCESS);
    sem_wait(&timer_done);
    ct.ctl->observe = NULL;
    ct_expect_no_findings();
    sem_destroy(&timer_done);
}

/* A driver thread indicating status while the host shuts the adapter down: every indication
 * is either accepted (before) or LC-04 (after); nothing else, no crash, no data race (TSan). */
static int stop_indicating;
static unsigned indications;

static void *indicator(void *arg)
{
    while (!__atomic_load_n(&stop_indicating, __ATOMIC_ACQUIRE))
    {
        ct.indicate_status(0);
        __atomic_add_fetch(&indications, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void test_indications_racing_shutdown(void **state)
{
    bring_up();
    stop_indicating = 0;
    indications = 0;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, indicator, NULL), 0);
    while (__atomic_load_n(&indications, __ATOMIC_ACQUIRE) < 10)
        sched_yield();
    ndis_adapter_shutdown(a, NdisShutdownPowerOff);
    unsigned at_shutdown = __atomic_load_n(&indications, __ATOMIC_ACQUIRE);
    while (__atomic_load_n(&indications, __ATOMIC_ACQUIRE) < at_shutdown + 10)
        sched_yield();
    __atomic_store_n(&stop_indicating, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    assert_true(vf_findings_count() >= 1);
    for (size_t i = 0; i < vf_findings_count(); i++)
        assert_string_equal(vf_findings_get(i)->rule, "LC-04");
}

/* AP-01: a NULL adapter handle (a slot the driver never initialized). */
static void test_null_handle(void **state)
{
    bring_up();
    ct.indicate_status(1);
    ct_expect_findings("AP-01");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_indication_after_halt),
        T(test_completion_after_halt),
        T(test_nothing_called_after_halt),
        T(test_indication_after_failed_initialize),
        T(test_handle_valid_again_after_reinitialize),
        T(test_shutdown_power_off),
        T(test_shutdown_bugcheck_irql),
        T(test_shutdown_bugcheck_needs_registration),
        T(test_shutdown_from_paused),
        T(test_timer_uses_handle_after_halt),
        T(test_timer_uses_handle_while_running),
        T(test_indications_racing_shutdown),
        T(test_null_handle),
    };
    return cmocka_run_group_tests(tests, ct_group_setup, ct_group_teardown);
}

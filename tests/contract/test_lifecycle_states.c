/* The adapter state machine (ndis-contract.md section 2) and initialization (IN-02, IN-04,
 * IN-05, LC-15): the state after each step, the callbacks the driver saw with their IRQL, and
 * the findings a broken initialize produces. */
#include "contract_util.h"

#include <string.h>

static ndis_driver *d;

static int setup(void **state)
{
    ct_setup(state);
    d = ct_load();
    return 0;
}

static int teardown(void **state)
{
    if (d)
        ndis_driver_unload(d);
    d = NULL;
    return ct_teardown(state);
}

static void test_full_cycle_correct(void **state)
{
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    UCHAR buf[4] = {0};
    ULONG bytes = 0, needed = 0;
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, SC_OID_QUERY, buf, sizeof buf, &bytes, &needed),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);

    assert_string_equal(ct_log(), "DOIRQPH");
    const char *passive = "IRPH";
    for (const char *p = passive; *p; p++)
        ct_assert_irql(*p, PASSIVE_LEVEL);
    /* MiniportOidRequest runs at <= DISPATCH_LEVEL; the host issues it at PASSIVE_LEVEL. */
    assert_true(ct_event('Q', 0)->irql <= DISPATCH_LEVEL);
    assert_int_equal(ct_event('H', 0)->arg, NdisHaltDeviceDisabled);
    /* Every callback names the adapter slot the context points to. */
    assert_int_equal(ct_event('R', 0)->adapter, 0);
    assert_int_equal(ct_event('H', 0)->adapter, 0);
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

/* LC-15: halt straight after a successful initialize is legal. */
static void test_initialize_then_halt(void **state)
{
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceInitializationFailed, NULL);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_string_equal(ct_log(), "DOIH");
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

/* The adapter block persists across initialize/halt cycles (the same MiniportAdapterHandle each
 * time, as the device object on Windows). */
static void test_cycles_reuse_adapter_block(void **state)
{
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    for (int i = 0; i < 3; i++)
    {
        assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
        assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
        assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
        ndis_adapter_halt(a, NdisHaltDeviceStopped, NULL);
        assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    }
    assert_string_equal(ct_log(), "DOIRPHIRPHIRPH");
    assert_true(ct.ctl->adapters[0].used);
    assert_false(ct.ctl->adapters[1].used); /* one handle for all three instances */
    assert_ptr_equal(ct.ctl->adapters[0].handle, a);
    assert_int_equal(ct.ctl->adapters[0].inits, 3);
    assert_int_equal(ct.ctl->adapters[0].halts, 3);
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

/* HA-13 / section 2.4: every halt action reaches MiniportHaltEx unchanged. */
static void test_halt_actions_reach_driver(void **state)
{
    static const NDIS_HALT_ACTION actions[] = {
        NdisHaltDeviceDisabled,    NdisHaltDeviceInstanceDeInitialized,
        NdisHaltDevicePoweredDown, NdisHaltDeviceSurpriseRemoved,
        NdisHaltDeviceFailed,      NdisHaltDeviceInitializationFailed,
        NdisHaltDeviceStopped,
    };
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    for (unsigned i = 0; i < sizeof actions / sizeof actions[0]; i++)
    {
        assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
        ndis_adapter_halt(a, actions[i], NULL);
        const sc_event *h = ct_event('H', i);
        assert_non_null(h);
        assert_int_equal(h->arg, actions[i]);
        assert_int_equal(h->irql, PASSIVE_LEVEL);
    }
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

/* IN-04/IN-05: the documented failure statuses leave the adapter Halted without findings; the
 * status reaches the caller and the block can be initialized again. */
static void test_initialize_failure_statuses(void **state)
{
    static const NDIS_STATUS statuses[] = {NDIS_STATUS_NOT_ACCEPTED, NDIS_STATUS_RESOURCES, NDIS_STATUS_FAILURE};
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    for (unsigned i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
    {
        ct.ctl->init.status = statuses[i];
        assert_int_equal(ndis_adapter_initialize(a), statuses[i]);
        assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    }
    /* NDIS never halts an adapter whose initialize failed. */
    assert_string_equal(ct_log(), "DOIII");
    ct_expect_no_findings();

    ct.ctl->init.status = NDIS_STATUS_SUCCESS;
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

/* IN-05: initialize cannot pend. */
static void test_initialize_pending(void **state)
{
    ct.ctl->init.status = NDIS_STATUS_PENDING;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    NDIS_STATUS st = ndis_adapter_initialize(a);
    assert_int_not_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_string_equal(ct_log(), "DOI");
    ndis_adapter_destroy(a);
    ct_expect_findings("IN-05");
}

static void test_initialize_undocumented_status(void **state)
{
    ct.ctl->init.status = NDIS_STATUS_ADAPTER_NOT_FOUND;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_ADAPTER_NOT_FOUND);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    ndis_adapter_destroy(a);
    ct_expect_findings("IN-05");
}

/* IN-02: SUCCESS without general attributes: NDIS halts the adapter at once with
 * NdisHaltDeviceInitializationFailed and the initialize fails. */
static void test_initialize_without_general_attributes(void **state)
{
    ct.ctl->init.skip_general = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_FAILURE);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_string_equal(ct_log(), "DOIH");
    assert_int_equal(ct_event('H', 0)->arg, NdisHaltDeviceInitializationFailed);
    assert_int_equal(ct_event('H', 0)->irql, PASSIVE_LEVEL);
    ct_expect_findings("IN-02");

    /* The block is reusable after that forced halt. */
    vf_findings_clear();
    ct.ctl->init.skip_general = FALSE;
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

/* IN-02 without registration attributes: the general attributes are refused (set before the
 * registration) and the successful initialize is then undone with a forced halt. */
static void test_initialize_without_registration_attributes(void **state)
{
    ct.ctl->init.skip_registration = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_FAILURE);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_string_equal(ct_log(), "DOIH");
    assert_int_equal(ct_event('H', 0)->arg, NdisHaltDeviceInitializationFailed);
    ct_expect_findings("IN-02", "IN-02");
    ndis_adapter_destroy(a);
}

/* IN-02: general before registration is refused; the driver then sets both in order and the
 * adapter comes up. */
static void test_general_before_registration(void **state)
{
    ct.ctl->init.general_first = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_PAUSED);
    ct_expect_findings("IN-02");
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
}

static void test_registration_twice(void **state)
{
    ct.ctl->init.registration_twice = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    ct_expect_findings("IN-02");
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
}

static void test_offload_before_general(void **state)
{
    ct.ctl->init.offload_before_general = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    ct_expect_findings("IN-02");
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
}

/* NdisMSetMiniportAttributes belongs to MiniportInitializeEx. */
static void test_attributes_outside_initialize(void **state)
{
    ct.ctl->restart_sets_attributes = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_findings("IN-02");
    assert_string_equal(vf_findings_get(0)->callback, vf_callback_name(VF_CB_RESTART));
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
}

/* IN-04: a failed initialize must release what it acquired. */
static void test_failed_initialize_leaks(void **state)
{
    ct.ctl->init.status = NDIS_STATUS_RESOURCES;
    ct.ctl->init.leak_pool = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_RESOURCES);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    ct_expect_findings("IN-04");
    assert_true(vf_findings_get(0)->leak);
    ndis_adapter_destroy(a);
}

/* HA-05: halt must free the pool memory initialize allocated. */
static void test_halt_leaks(void **state)
{
    ct.ctl->init.leak_pool = TRUE;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    ct_expect_no_findings();
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ct_expect_findings("HA-05");
    assert_true(vf_findings_get(0)->leak);
    ndis_adapter_destroy(a);
}

/* Two adapters of one driver move independently. */
static void test_two_adapters(void **state)
{
    ndis_adapter *a0 = ndis_adapter_create(d, NULL);
    ndis_adapter *a1 = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a0), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_initialize(a1), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_restart(a0), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_get_state(a0), NDIS_ADAPTER_RUNNING);
    assert_int_equal(ndis_adapter_get_state(a1), NDIS_ADAPTER_PAUSED);
    assert_int_equal(ct_event('R', 0)->adapter, 0);
    ndis_adapter_halt(a1, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(ct_event('H', 0)->adapter, 1);
    assert_int_equal(ndis_adapter_get_state(a0), NDIS_ADAPTER_RUNNING);
    assert_int_equal(ndis_adapter_pause(a0, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a0, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a0);
    ndis_adapter_destroy(a1);
    ct_expect_no_findings();
}

/* MiniportDevicePnPEventNotify at PASSIVE_LEVEL; the state does not change. */
static void test_pnp_event(void **state)
{
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    ndis_adapter_pnp_event(a, NdisDevicePnPEventSurpriseRemoved);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    assert_int_equal(ct_event('E', 0)->arg, NdisDevicePnPEventSurpriseRemoved);
    ct_assert_irql('E', PASSIVE_LEVEL);
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceSurpriseRemoved, NULL);
    assert_string_equal(ct_log(), "DOIREPH");
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

/* LC-12: OIDs are legal in Paused; none reach the driver while Halted. */
static void test_oid_states(void **state)
{
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    UCHAR buf[4];
    ULONG bytes = 0;
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, SC_OID_QUERY, buf, sizeof buf, &bytes, NULL),
                     NDIS_STATUS_INVALID_STATE);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, SC_OID_QUERY, buf, sizeof buf, &bytes, NULL),
                     NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, SC_OID_QUERY, buf, sizeof buf, &bytes, NULL),
                     NDIS_STATUS_INVALID_STATE);
    assert_string_equal(ct_log(), "DOIQH");
    ndis_adapter_destroy(a);
    ct_expect_no_findings();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_full_cycle_correct),
        T(test_initialize_then_halt),
        T(test_cycles_reuse_adapter_block),
        T(test_halt_actions_reach_driver),
        T(test_initialize_failure_statuses),
        T(test_initialize_pending),
        T(test_initialize_undocumented_status),
        T(test_initialize_without_general_attributes),
        T(test_initialize_without_registration_attributes),
        T(test_general_before_registration),
        T(test_registration_twice),
        T(test_offload_before_general),
        T(test_attributes_outside_initialize),
        T(test_failed_initialize_leaks),
        T(test_halt_leaks),
        T(test_two_adapters),
        T(test_pnp_event),
        T(test_oid_states),
    };
    return cmocka_run_group_tests(tests, ct_group_setup, ct_group_teardown);
}

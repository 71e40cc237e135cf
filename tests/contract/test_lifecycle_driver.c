/* Driver-level lifecycle: DriverEntry, NdisMRegisterMiniportDriver (with MiniportSetOptions and
 * characteristics validation), MiniportDriverUnload (UL-01, UL-02, UL-03). */
#include "contract_util.h"

#include <string.h>

static void test_load_unload_correct(void **state)
{
    ndis_driver *d = ct_load();
    assert_int_equal(ct.ctl->register_status, NDIS_STATUS_SUCCESS);
    assert_ptr_equal(ct.ctl->driver_handle, d);
    /* MiniportSetOptions runs inside the registration, i.e. inside DriverEntry. */
    assert_string_equal(ct_log(), "DO");
    ndis_driver_unload(d);
    assert_string_equal(ct_log(), "DOU");
    ct_assert_irql('D', PASSIVE_LEVEL);
    ct_assert_irql('O', PASSIVE_LEVEL);
    ct_assert_irql('U', PASSIVE_LEVEL);
    ct_expect_no_findings();
}

static void test_driver_context_reaches_initialize(void **state)
{
    ndis_driver *d = ct_load();
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
    /* arg of 'I' is 1 when MiniportDriverContext is the context given at registration. */
    assert_int_equal(ct_event('I', 0)->arg, 1);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
    ndis_driver_unload(d);
    ct_expect_no_findings();
}

/* UL-01: DriverEntry fails after a successful registration without deregistering. */
static void test_entry_fails_without_deregister(void **state)
{
    ct.ctl->entry_status = STATUS_UNSUCCESSFUL;
    ct_load_expect(NDIS_LOAD_DRIVER_ENTRY_FAILED);
    assert_int_equal(ct.ctl->register_status, NDIS_STATUS_SUCCESS);
    assert_string_equal(ct_log(), "DO"); /* no unload for a driver whose DriverEntry failed */
    ct_expect_findings("UL-01");
    assert_string_equal(vf_findings_get(0)->callback, vf_callback_name(VF_CB_DRIVER_ENTRY));
}

/* The correct failure path: deregister, then fail. */
static void test_entry_fails_after_deregister(void **state)
{
    ct.ctl->entry_status = STATUS_UNSUCCESSFUL;
    ct.ctl->entry_deregister_on_failure = TRUE;
    ct_load_expect(NDIS_LOAD_DRIVER_ENTRY_FAILED);
    assert_string_equal(ct_log(), "DO");
    ct_expect_no_findings();
}

static void test_entry_without_register(void **state)
{
    ct.ctl->entry_skip_register = TRUE;
    ct_load_expect(NDIS_LOAD_NOT_REGISTERED);
    assert_string_equal(ct_log(), "D");
    ct_expect_no_findings();
}

static void test_entry_without_register_failing(void **state)
{
    ct.ctl->entry_skip_register = TRUE;
    ct.ctl->entry_status = STATUS_UNSUCCESSFUL;
    ct_load_expect(NDIS_LOAD_DRIVER_ENTRY_FAILED);
    ct_expect_no_findings();
}

/* UL-02: MiniportDriverUnload must deregister. */
static void test_unload_without_deregister(void **state)
{
    ct.ctl->unload_skip_deregister = TRUE;
    ndis_driver *d = ct_load();
    ndis_driver_unload(d);
    assert_string_equal(ct_log(), "DOU");
    ct_expect_findings("UL-02");
}

/* UL-03: a required handler missing is NDIS_STATUS_BAD_CHARACTERISTICS; the driver's DriverEntry
 * returns that status and the load fails. MiniportSetOptions is not called. */
static void test_register_without_pause_handler(void **state)
{
    ct.ctl->chars_omit_pause = TRUE;
    ct_load_expect(NDIS_LOAD_DRIVER_ENTRY_FAILED);
    assert_int_equal(ct.ctl->register_status, NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_string_equal(ct_log(), "D");
    ct_expect_findings("UL-03");
}

static void test_register_bad_major_version(void **state)
{
    ct.ctl->chars_major_version = 5;
    ct_load_expect(NDIS_LOAD_DRIVER_ENTRY_FAILED);
    assert_int_equal(ct.ctl->register_status, NDIS_STATUS_BAD_VERSION);
    ct_expect_findings("UL-03");
}

/* The driver block is released on unload and a new load registers again from scratch. */
static void test_reload(void **state)
{
    for (int i = 0; i < 3; i++)
    {
        ndis_driver *d = ct_load();
        ndis_adapter *a = ndis_adapter_create(d, NULL);
        assert_int_equal(ndis_adapter_initialize(a), NDIS_STATUS_SUCCESS);
        ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
        ndis_adapter_destroy(a);
        ndis_driver_unload(d);
    }
    ct_expect_no_findings();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_unload_correct, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_driver_context_reaches_initialize, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_entry_fails_without_deregister, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_entry_fails_after_deregister, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_entry_without_register, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_entry_without_register_failing, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_unload_without_deregister, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_register_without_pause_handler, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_register_bad_major_version, ct_setup, ct_teardown),
        cmocka_unit_test_setup_teardown(test_reload, ct_setup, ct_teardown),
    };
    return cmocka_run_group_tests(tests, ct_group_setup, ct_group_teardown);
}

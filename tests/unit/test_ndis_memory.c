/* NDIS memory: NdisAllocateMemoryWithTagPriority charged to the NdisHandle's owner, ME-01 for
 * missing or default tags, ME-02 for bad frees (flags, unknown pointers, handle or tag
 * mismatches), AP-01 for bad handles, fault injection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "ndis/handles.h"
#include "ndis/ndis_internal.h"
#include "test_support.h"

#define TAG 0x74736554u /* 'Test' */

static ndis_driver g_drv, g_drv2;

static int setup(void **state)
{
    (void)state;
    ts_driver_open(&g_drv, "driver mem-a");
    ts_driver_setup(&g_drv2, "driver mem-b");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_driver_teardown(&g_drv);
    ts_driver_teardown(&g_drv2);
    return 0;
}

static void test_allocation_is_charged_to_handle_owner(void **state)
{
    (void)state;
    void *p = NdisAllocateMemoryWithTagPriority(&g_drv, 128, TAG, NormalPoolPriority);
    assert_non_null(p);
    memset(p, 0x5A, 128);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_POOL), 1);
    assert_int_equal(vf_ledger_count(g_drv2.owner, VF_RES_POOL), 0);
    NdisFreeMemory(p, 128, 0);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_POOL), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_zero_and_default_tags_are_me01_warnings(void **state)
{
    (void)state;
    void *a = NdisAllocateMemoryWithTagPriority(&g_drv, 8, 0, NormalPoolPriority);
    void *b = NdisAllocateMemoryWithTagPriority(&g_drv, 8, 0x6D61444Eu /* 'maDN' */, NormalPoolPriority);
    assert_int_equal(count_rule("ME-01"), 2);
    assert_int_equal(first_rule("ME-01")->severity, VF_SEV_WARNING);
    NdisFreeMemory(a, 0, 0);
    NdisFreeMemory(b, 0, 0);
}

static void test_free_with_flags_is_me02(void **state)
{
    (void)state;
    void *p = NdisAllocateMemoryWithTagPriority(&g_drv, 8, TAG, NormalPoolPriority);
    NdisFreeMemory(p, 8, NDIS_MEMORY_NONCACHED);
    assert_int_equal(count_rule("ME-02"), 1);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_POOL), 0); /* still freed */
}

static void test_double_free_and_unknown_pointer_are_me02(void **state)
{
    (void)state;
    void *p = NdisAllocateMemoryWithTagPriority(&g_drv, 8, TAG, NormalPoolPriority);
    NdisFreeMemory(p, 8, 0);
    NdisFreeMemory(p, 8, 0);
    int local;
    NdisFreeMemory(&local, sizeof local, 0);
    assert_int_equal(count_rule("ME-02"), 2);
}

static void test_free_with_tag_priority_checks_handle_and_tag(void **state)
{
    (void)state;
    void *p = NdisAllocateMemoryWithTagPriority(&g_drv, 8, TAG, NormalPoolPriority);
    NdisFreeMemoryWithTagPriority(&g_drv, p, TAG);
    assert_int_equal(vf_findings_count(), 0);
    p = NdisAllocateMemoryWithTagPriority(&g_drv, 8, TAG, NormalPoolPriority);
    NdisFreeMemoryWithTagPriority(&g_drv2, p, TAG + 1);
    assert_int_equal(count_rule("ME-02"), 2); /* handle mismatch and tag mismatch */
    assert_int_equal(first_rule("ME-02")->severity, VF_SEV_WARNING);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_POOL), 0);
}

static void test_bad_handle_is_ap01(void **state)
{
    (void)state;
    int local;
    assert_null(NdisAllocateMemoryWithTagPriority(&local, 8, TAG, NormalPoolPriority));
    assert_null(NdisAllocateMemoryWithTagPriority(NULL, 8, TAG, NormalPoolPriority));
    assert_int_equal(count_rule("AP-01"), 2);
}

static void test_fault_injection(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_null(NdisAllocateMemoryWithTagPriority(&g_drv, 8, TAG, NormalPoolPriority));
    vf_fault_disarm();
    PVOID p = NULL;
    assert_int_equal(NdisAllocateMemoryWithTag(&p, 16, TAG), NDIS_STATUS_SUCCESS);
    assert_non_null(p);
    NdisFreeMemory(p, 16, 0);
}

static void test_allocation_above_dispatch_is_iq01(void **state)
{
    (void)state;
    vf_set_irql(HIGH_LEVEL);
    void *p = NdisAllocateMemoryWithTagPriority(&g_drv, 8, TAG, NormalPoolPriority);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-01"), 1);
    NdisFreeMemory(p, 8, 0);
}

static void test_leftover_is_ha05(void **state)
{
    (void)state;
    NdisAllocateMemoryWithTagPriority(&g_drv, 8, TAG, NormalPoolPriority);
    assert_int_equal(vf_ledger_report_leftovers(g_drv.owner, NULL, "MiniportHaltEx returned"), 1);
    assert_int_equal(count_rule("HA-05"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allocation_is_charged_to_handle_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_and_default_tags_are_me01_warnings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_with_flags_is_me02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_free_and_unknown_pointer_are_me02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_with_tag_priority_checks_handle_and_tag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_handle_is_ap01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_above_dispatch_is_iq01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leftover_is_ha05, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

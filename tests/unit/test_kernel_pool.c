/* Pool: ExAllocatePool2 flags (zeroing, cache alignment, invalid flags), the ledger, fault
 * injection, and ME-02 findings (not crashes) for double frees, foreign pointers and guard-area
 * corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

#define TAG 0x6C6F6F50u /* 'Pool' */

static vf_owner *g_owner;
static vf_frame g_frame;

static int setup(void **state)
{
    (void)state;
    g_owner = ts_frame_setup(&g_frame, "driver pool-test");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_frame_teardown(&g_frame, g_owner);
    return 0;
}

static void test_pool2_zeroes_and_is_charged(void **state)
{
    (void)state;
    unsigned char *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, TAG);
    assert_non_null(p);
    for (int i = 0; i < 100; i++)
        assert_int_equal(p[i], 0);
    assert_int_equal((uintptr_t)p % MEMORY_ALLOCATION_ALIGNMENT, 0);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_POOL), 1);
    ExFreePoolWithTag(p, TAG);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_POOL), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_uninitialized_and_cache_aligned(void **state)
{
    (void)state;
    unsigned char *p =
        ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED | POOL_FLAG_CACHE_ALIGNED, 64, TAG);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 64, 0);
    assert_int_equal(p[0], 0xCD); /* host policy: uninitialized memory is patterned */
    ExFreePool(p);
    void *q = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, 10, TAG);
    assert_int_equal((uintptr_t)q % 64, 0);
    ExFreePool(q);
    unsigned char *z = ExAllocatePoolZero(NonPagedPoolNx, 10, TAG);
    assert_int_equal(z[9], 0);
    ExFreePool(z);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_invalid_flags_fail(void **state)
{
    (void)state;
    assert_null(ExAllocatePool2(0, 10, TAG));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 10, TAG));
    assert_int_equal(count_rule("AP-02"), 2);
}

static void test_double_free_is_me02_not_a_crash(void **state)
{
    (void)state;
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
    ExFreePool(p);
    ExFreePool(p);
    assert_int_equal(count_rule("ME-02"), 1);
}

static void test_foreign_pointer_is_me02(void **state)
{
    (void)state;
    char local[64];
    ExFreePool(local + 16);
    void *m = malloc(32);
    ExFreePool(m);
    free(m);
    ExFreePool(NULL);
    assert_int_equal(count_rule("ME-02"), 3);
}

static void test_interior_pointer_is_me02(void **state)
{
    (void)state;
    char *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG);
    ExFreePool(p + 8);
    assert_int_equal(count_rule("ME-02"), 1);
    ExFreePool(p);
    assert_int_equal(count_rule("ME-02"), 1);
}

static void test_overrun_and_underrun_detected_at_free(void **state)
{
    (void)state;
    char *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, TAG);
    p[16] = 'X'; /* one past the end */
    ExFreePool(p);
    assert_int_equal(count_rule("ME-02"), 1);
    const vf_finding *f = first_rule("ME-02");
    assert_non_null(strstr(f->message, "after"));
    assert_non_null(strstr(f->message, "allocated at"));
    char *q = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, TAG);
    q[-1] = 'Y';
    ExFreePool(q);
    assert_int_equal(count_rule("ME-02"), 2);
}

static void test_free_with_wrong_tag_is_warning(void **state)
{
    (void)state;
    void *p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TAG);
    ExFreePoolWithTag(p, TAG + 1);
    assert_int_equal(count_rule("ME-02"), 1);
    assert_int_equal(first_rule("ME-02")->severity, VF_SEV_WARNING);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_POOL), 0);
}

static void test_fault_injection_returns_null(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG));
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG);
    vf_fault_disarm();
    assert_non_null(p);
    ExFreePool(p);
}

static void test_leftover_is_reported_and_reclaimed(void **state)
{
    (void)state;
    ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG);
    assert_int_equal(vf_ledger_report_leftovers(g_owner, NULL, "test"), 1);
    assert_int_equal(count_rule("HA-05"), 1);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_POOL), 0);
}

static void test_allocation_above_dispatch_is_iq01(void **state)
{
    (void)state;
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG); /* fine at DISPATCH */
    void *q = ExAllocatePool2(POOL_FLAG_PAGED, 8, TAG);     /* paged: at most APC_LEVEL */
    KeLowerIrql(old);
    assert_int_equal(count_rule("IQ-01"), 1);
    ExFreePool(p);
    ExFreePool(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pool2_zeroes_and_is_charged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uninitialized_and_cache_aligned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_flags_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_free_is_me02_not_a_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_pointer_is_me02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interior_pointer_is_me02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overrun_and_underrun_detected_at_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_with_wrong_tag_is_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection_returns_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leftover_is_reported_and_reclaimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_above_dispatch_is_iq01, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

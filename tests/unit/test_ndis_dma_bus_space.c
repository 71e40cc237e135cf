/* The bus address space behind shared memory and scatter/gather lists: distinct page-based bus
 * addresses below 4 GB that keep the host page offset, a guard page after each mapping, resolution
 * only inside one live mapping of the same adapter, the graveyard of freed ranges (reported once,
 * at the free's site), and reuse of freed addresses once the window wraps (the graveyard entry it
 * covers is forgotten). Mappings never touch the host memory they name, so the large ones here
 * use made-up host addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/dma_internal.h"
#include "test_support.h"

static ndis_driver g_drv;
static ndis_adapter *g_a;

static int setup(void **state)
{
    (void)state;
    ts_driver_open(&g_drv, "driver bus");
    g_a = ts_dp_adapter_open(&g_drv);
    ts_reset_context();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(ndis_bus_live_count(g_a), 0);
    ndis_dma_adapter_destroy(g_a);
    ts_dp_adapter_close(g_a);
    ts_driver_close(&g_drv);
    vf_findings_clear();
    return 0;
}

static void test_addresses_are_distinct_keep_the_page_offset_and_fit_32_bits(void **state)
{
    (void)state;
    static uint8_t buf[3 * 4096] __attribute__((aligned(4096)));
    uint64_t b1 = ndis_bus_map(g_a, buf + 100, 200, NDIS_BUS_SG_LIST, NULL, VF_CB_NONE);
    uint64_t b2 = ndis_bus_map(g_a, buf + 4096, 4096, NDIS_BUS_SHARED_MEMORY, NULL, VF_CB_NONE);
    assert_int_not_equal(b1, 0);
    assert_int_not_equal(b2, 0);
    assert_int_equal(b1 & 4095, 100);
    assert_int_equal(b2 & 4095, 0);
    assert_true(b1 < 0x100000000ull && b2 < 0x100000000ull);
    assert_true(b2 >= b1 + 200 + 4096); /* a guard page in between */
    assert_ptr_equal(ndis_bus_resolve(g_a, b1 + 10, 50, true), buf + 110);
    assert_ptr_equal(ndis_bus_resolve(g_a, b2, 4096, false), buf + 4096);
    assert_int_equal(vf_findings_count(), 0);
    /* Just past the first mapping: the guard page, no memory of anyone's. */
    assert_null(ndis_bus_resolve(g_a, b1 + 200, 1, true));
    assert_int_equal(count_rule("AP-01"), 1);
    assert_true(ndis_bus_unmap(b1, "test free", NULL, VF_CB_NONE));
    assert_true(ndis_bus_unmap(b2, "test free", NULL, VF_CB_NONE));
    /* Only the exact start of a live mapping unmaps it. */
    assert_false(ndis_bus_unmap(b2, "test free", NULL, VF_CB_NONE));
}

static void test_freed_range_is_reported_once_with_the_free_site(void **state)
{
    (void)state;
    static uint8_t buf[4096] __attribute__((aligned(4096)));
    uint64_t b = ndis_bus_map(g_a, buf, 4096, NDIS_BUS_SHARED_MEMORY, NULL, VF_CB_INITIALIZE);
    void *free_site = (void *)&test_freed_range_is_reported_once_with_the_free_site;
    assert_true(ndis_bus_unmap(b, "NdisMFreeSharedMemory", free_site, VF_CB_HALT));
    assert_null(ndis_bus_resolve(g_a, b + 8, 8, true));
    assert_null(ndis_bus_resolve(g_a, b + 16, 8, true));
    assert_int_equal(count_rule("SM-03"), 1);
    const vf_finding *f = first_rule("SM-03");
    assert_ptr_equal(f->pc, free_site);
    assert_string_equal(f->callback, vf_callback_name(VF_CB_HALT));
}

static void test_freed_addresses_are_reused_after_the_window_wraps(void **state)
{
    (void)state;
    /* Three quarters of the window, then what is left cannot hold another large mapping. */
    size_t big = (size_t)((NDIS_BUS_END - NDIS_BUS_BASE) / 8 * 3);
    void *fake = (void *)(uintptr_t)0x100000000000ull;
    uint64_t a = ndis_bus_map(g_a, fake, big, NDIS_BUS_SHARED_MEMORY, NULL, VF_CB_NONE);
    uint64_t b = ndis_bus_map(g_a, fake, big, NDIS_BUS_SHARED_MEMORY, NULL, VF_CB_NONE);
    assert_int_not_equal(a, 0);
    assert_int_not_equal(b, 0);
    assert_true(ndis_bus_unmap(a, "test free", NULL, VF_CB_NONE));
    /* It fits only where `a` was. */
    uint64_t c = ndis_bus_map(g_a, fake, big, NDIS_BUS_SHARED_MEMORY, NULL, VF_CB_NONE);
    assert_int_not_equal(c, 0);
    assert_true(c <= a && a < c + big);
    /* The graveyard entry it covers is gone: the address resolves to the new mapping. */
    assert_non_null(ndis_bus_resolve(g_a, a, 16, false));
    /* The window is full now. */
    assert_int_equal(ndis_bus_map(g_a, fake, big, NDIS_BUS_SHARED_MEMORY, NULL, VF_CB_NONE), 0);
    assert_true(ndis_bus_unmap(b, "test free", NULL, VF_CB_NONE));
    assert_true(ndis_bus_unmap(c, "test free", NULL, VF_CB_NONE));
    assert_int_equal(vf_findings_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_addresses_are_distinct_keep_the_page_offset_and_fit_32_bits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_freed_range_is_reported_once_with_the_free_site, setup, teardown),
        cmocka_unit_test_setup_teardown(test_freed_addresses_are_reused_after_the_window_wraps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

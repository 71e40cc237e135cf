/* NET_BUFFER_LIST / NET_BUFFER pools: PO-01 parameter validation, allocation and free, and the
 * findings for double frees (PO-04), foreign NBLs (PO-02), preallocated children (PO-03), writes
 * after free (PO-04) and pools freed with items outstanding (HA-07). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/handles.h"
#include "ndis/nbl_pool.h"
#include "test_support.h"

static ndis_driver g_drv;

static int setup(void **state)
{
    (void)state;
    ts_driver_open(&g_drv, "driver test");
    vf_findings_clear();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_driver_close(&g_drv);
    vf_findings_clear();
    return 0;
}

static NET_BUFFER_LIST_POOL_PARAMETERS good_params(void)
{
    NET_BUFFER_LIST_POOL_PARAMETERS p = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEFAULT,
                   .Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   .Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .ProtocolId = NDIS_PROTOCOL_ID_DEFAULT,
        .fAllocateNetBuffer = TRUE,
        .ContextSize = 0,
        .PoolTag = 0x54736554,
        .DataSize = 0,
    };
    return p;
}

static void test_layout_is_pinned(void **state)
{
    (void)state;
    assert_int_equal(sizeof(NET_BUFFER), 176);
    assert_int_equal(sizeof(NET_BUFFER_LIST), 368);
    assert_int_equal(offsetof(NET_BUFFER_LIST, NetBufferListInfo), 144);
    assert_int_equal(offsetof(NET_BUFFER_LIST, SourceHandle), 120);
    assert_int_equal(NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1, 16);
}

static void expect_po01_null(NET_BUFFER_LIST_POOL_PARAMETERS p)
{
    vf_findings_clear();
    assert_null(NdisAllocateNetBufferListPool(&g_drv, &p));
    assert_int_equal(count_rule("PO-01"), 1);
}

static void test_po01_header_type(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    expect_po01_null(p);
}

static void test_po01_revision(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.Header.Revision = 7;
    expect_po01_null(p);
}

static void test_po01_size(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.Header.Size = 8;
    expect_po01_null(p);
    p = good_params();
    p.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_2; /* needs the Flags field */
    expect_po01_null(p);
}

static void test_po01_datasize_without_nb(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.fAllocateNetBuffer = FALSE;
    p.DataSize = 1514;
    expect_po01_null(p);
}

static void test_po01_context_alignment(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.ContextSize = 20;
    expect_po01_null(p);
}

static void test_po01_protocol_id_reported_but_allowed(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.ProtocolId = NDIS_PROTOCOL_ID_TCP_IP;
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    assert_non_null(pool);
    assert_int_equal(count_rule("PO-01"), 1);
    NdisFreeNetBufferListPool(pool);
}

static void test_po01_wrong_allocation_api(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.fAllocateNetBuffer = FALSE;
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    assert_non_null(pool);
    assert_null(NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0));
    assert_int_equal(count_rule("PO-01"), 1);
    NdisFreeNetBufferListPool(pool);
}

static void test_alloc_free_and_ledger(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    p.ContextSize = 32;
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    assert_non_null(pool);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_NBL_POOL), 1);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(pool, 16, 0, NULL, 0, 0);
    assert_non_null(nbl);
    assert_ptr_equal(NdisGetPoolFromNetBufferList(nbl), pool);
    assert_non_null(NET_BUFFER_LIST_FIRST_NB(nbl));
    assert_null(NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(nbl)));
    assert_int_equal(NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl), 16);
    assert_int_equal((uintptr_t)NET_BUFFER_LIST_CONTEXT_DATA_START(nbl) % 16, 0);
    /* Context allocation beyond the preallocated space, then freeing it. */
    assert_int_equal(NdisAllocateNetBufferListContext(nbl, 64, 16, 0x43637478), NDIS_STATUS_SUCCESS);
    assert_int_equal(NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl), 64);
    NdisFreeNetBufferListContext(nbl, 64);
    assert_int_equal(NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl), 16);
    NdisFreeNetBufferList(nbl);
    NdisFreeNetBufferListPool(pool);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_NBL_POOL), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_double_free_is_po04(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    NdisFreeNetBufferList(nbl);
    assert_int_equal(vf_findings_count(), 0);
    NdisFreeNetBufferList(nbl);
    const vf_finding *f = first_rule("PO-04");
    assert_non_null(f);
    assert_int_equal(f->severity, VF_SEV_ERROR);
    NdisFreeNetBufferListPool(pool);
}

static void test_foreign_nbl_is_po02(void **state)
{
    (void)state;
    PNET_BUFFER_LIST fake = calloc(1, sizeof *fake);
    NdisFreeNetBufferList(fake);
    assert_int_equal(count_rule("PO-02"), 1);
    free(fake);
}

static void test_free_prealloc_nb_is_po03(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    NdisFreeNetBuffer(NET_BUFFER_LIST_FIRST_NB(nbl));
    assert_int_equal(count_rule("PO-03"), 1);
    NdisFreeNetBufferList(nbl);
    NdisFreeNetBufferListPool(pool);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_pool_freed_with_live_nbl_is_ha07(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    NdisFreeNetBufferListPool(pool);
    const vf_finding *f = first_rule("HA-07");
    assert_non_null(f);
    assert_int_equal(f->severity, VF_SEV_ERROR);
    /* The zombie pool still accepts the late free, without a second finding. */
    NdisFreeNetBufferList(nbl);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_nb_pool_freed_with_live_nb_is_warning(void **state)
{
    (void)state;
    NET_BUFFER_POOL_PARAMETERS p = {
        .Header = {NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_POOL_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1},
        .PoolTag = 0x74204e62,
        .DataSize = 256,
    };
    NDIS_HANDLE pool = NdisAllocateNetBufferPool(&g_drv, &p);
    assert_non_null(pool);
    PNET_BUFFER nb = NdisAllocateNetBufferMdlAndData(pool);
    assert_non_null(nb);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 256);
    assert_non_null(NET_BUFFER_FIRST_MDL(nb));
    NdisFreeNetBufferPool(pool);
    const vf_finding *f = first_rule("HA-07");
    assert_non_null(f);
    assert_int_equal(f->severity, VF_SEV_WARNING);
    NdisFreeNetBuffer(nb);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_write_after_free_caught_on_reuse(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    PNET_BUFFER_LIST first = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    NdisFreeNetBufferList(first);
    first->Status = 0x1234; /* use after free: the slot is in the quarantine */
    PNET_BUFFER_LIST v[64];
    for (int i = 0; i < 64; i++)
        v[i] = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    for (int i = 0; i < 64; i++)
        NdisFreeNetBufferList(v[i]);
    for (int i = 0; i < 64; i++)
        v[i] = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    assert_int_equal(count_rule("PO-04"), 1);
    for (int i = 0; i < 64; i++)
        NdisFreeNetBufferList(v[i]);
    NdisFreeNetBufferListPool(pool);
}

static void test_leak_count_in_ledger_size(void **state)
{
    (void)state;
    NET_BUFFER_LIST_POOL_PARAMETERS p = good_params();
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(&g_drv, &p);
    PNET_BUFFER_LIST a = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    PNET_BUFFER_LIST b = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    vf_res *r = vf_ledger_find(VF_RES_NBL_POOL, pool);
    assert_non_null(r);
    assert_int_equal(r->size, 2);
    NdisFreeNetBufferList(a);
    NdisFreeNetBufferList(b);
    assert_int_equal(r->size, 0);
    NdisFreeNetBufferListPool(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_is_pinned),
        cmocka_unit_test_setup_teardown(test_po01_header_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_po01_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_po01_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_po01_datasize_without_nb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_po01_context_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_po01_protocol_id_reported_but_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_po01_wrong_allocation_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_free_and_ledger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_free_is_po04, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_nbl_is_po02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_prealloc_nb_is_po03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_freed_with_live_nbl_is_ha07, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nb_pool_freed_with_live_nb_is_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_after_free_caught_on_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leak_count_in_ledger_size, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

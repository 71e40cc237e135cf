/* NET_BUFFER data access: NdisGetDataBuffer (contiguous pointer, copy into Storage, NULL),
 * NdisAdvance/RetreatNetBufferDataStart (within the unused space and with new storage), copies
 * between NET_BUFFERs, and NdisAllocateMdl / NdisFreeMdl. */
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
static NDIS_HANDLE g_pool;

static int setup(void **state)
{
    (void)state;
    ts_driver_open(&g_drv, "driver data");
    g_pool = ts_nbl_pool(&g_drv, 0);
    vf_findings_clear();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    NdisFreeNetBufferListPool(g_pool);
    ts_driver_close(&g_drv);
    vf_findings_clear();
    return 0;
}

/* Two MDLs over one 64-byte buffer split at 10: bytes 0..9 and 10..63, values 0..63. */
static unsigned char g_buf[64] __attribute__((aligned(16)));

static PNET_BUFFER_LIST two_mdl_nbl(PMDL *m1, PMDL *m2, ULONG offset)
{
    for (int i = 0; i < 64; i++)
        g_buf[i] = (unsigned char)i;
    *m1 = NdisAllocateMdl(&g_drv, g_buf, 10);
    *m2 = NdisAllocateMdl(&g_drv, g_buf + 10, 54);
    assert_non_null(*m1);
    assert_non_null(*m2);
    NDIS_MDL_LINKAGE(*m1) = *m2;
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(g_pool, 0, 0, *m1, offset, 64 - offset);
    assert_non_null(nbl);
    return nbl;
}

static void free_two(PNET_BUFFER_LIST nbl, PMDL m1, PMDL m2)
{
    NdisFreeNetBufferList(nbl);
    NdisFreeMdl(m1);
    NdisFreeMdl(m2);
}

static void test_current_mdl_follows_offset(void **state)
{
    (void)state;
    PMDL m1, m2;
    PNET_BUFFER_LIST nbl = two_mdl_nbl(&m1, &m2, 12);
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
    assert_ptr_equal(NET_BUFFER_CURRENT_MDL(nb), m2);
    assert_int_equal(NET_BUFFER_CURRENT_MDL_OFFSET(nb), 2);
    free_two(nbl, m1, m2);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_get_data_buffer_contiguous_returns_mdl_pointer(void **state)
{
    (void)state;
    PMDL m1, m2;
    PNET_BUFFER_LIST nbl = two_mdl_nbl(&m1, &m2, 12);
    unsigned char storage[16];
    unsigned char *p = NdisGetDataBuffer(NET_BUFFER_LIST_FIRST_NB(nbl), 8, storage, 1, 0);
    assert_ptr_equal(p, g_buf + 12);
    free_two(nbl, m1, m2);
}

static void test_get_data_buffer_split_copies_to_storage(void **state)
{
    (void)state;
    PMDL m1, m2;
    PNET_BUFFER_LIST nbl = two_mdl_nbl(&m1, &m2, 4);
    unsigned char storage[16];
    unsigned char *p = NdisGetDataBuffer(NET_BUFFER_LIST_FIRST_NB(nbl), 14, storage, 1, 0);
    assert_ptr_equal(p, storage);
    for (int i = 0; i < 14; i++)
        assert_int_equal(storage[i], 4 + i);
    /* Without storage the split data cannot be returned. */
    assert_null(NdisGetDataBuffer(NET_BUFFER_LIST_FIRST_NB(nbl), 14, NULL, 1, 0));
    /* More than DataLength: NULL even with storage. */
    unsigned char big[128];
    assert_null(NdisGetDataBuffer(NET_BUFFER_LIST_FIRST_NB(nbl), 61, big, 1, 0));
    free_two(nbl, m1, m2);
}

static void test_get_data_buffer_alignment(void **state)
{
    (void)state;
    PMDL m1, m2;
    PNET_BUFFER_LIST nbl = two_mdl_nbl(&m1, &m2, 11); /* g_buf + 11: odd address */
    unsigned char storage[8] __attribute__((aligned(8)));
    void *p = NdisGetDataBuffer(NET_BUFFER_LIST_FIRST_NB(nbl), 4, storage, 4, 0);
    assert_ptr_equal(p, storage);
    p = NdisGetDataBuffer(NET_BUFFER_LIST_FIRST_NB(nbl), 4, storage, 4, 3); /* 11 = 8 + 3 */
    assert_ptr_equal(p, g_buf + 11);
    free_two(nbl, m1, m2);
}

static void test_advance_and_retreat_within_unused_space(void **state)
{
    (void)state;
    PMDL m1, m2;
    PNET_BUFFER_LIST nbl = two_mdl_nbl(&m1, &m2, 12);
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
    assert_int_equal(NdisRetreatNetBufferDataStart(nb, 8, 0, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(NET_BUFFER_DATA_OFFSET(nb), 4);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 60);
    assert_ptr_equal(NET_BUFFER_CURRENT_MDL(nb), m1);
    assert_int_equal(NET_BUFFER_CURRENT_MDL_OFFSET(nb), 4);
    NdisAdvanceNetBufferDataStart(nb, 8, FALSE, NULL);
    assert_int_equal(NET_BUFFER_DATA_OFFSET(nb), 12);
    assert_ptr_equal(NET_BUFFER_CURRENT_MDL(nb), m2);
    free_two(nbl, m1, m2);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_retreat_allocates_new_storage(void **state)
{
    (void)state;
    PMDL m1, m2;
    PNET_BUFFER_LIST nbl = two_mdl_nbl(&m1, &m2, 12);
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
    assert_int_equal(NdisRetreatNetBufferDataStart(nb, 20, 6, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 72);
    assert_ptr_not_equal(NET_BUFFER_FIRST_MDL(nb), m1);
    unsigned char *hdr = NdisGetDataBuffer(nb, 20, NULL, 1, 0);
    assert_non_null(hdr);
    memset(hdr, 0xAA, 20);
    unsigned char out[24];
    assert_int_equal(ndis_nb_copy_out(nb, 0, out, 24), 24);
    assert_int_equal(out[19], 0xAA);
    assert_int_equal(out[20], 12); /* the old data follows the new header */
    assert_int_equal(out[23], 15);
    NdisAdvanceNetBufferDataStart(nb, 20, TRUE, NULL);
    assert_ptr_equal(NET_BUFFER_FIRST_MDL(nb), m1);
    assert_int_equal(NET_BUFFER_DATA_OFFSET(nb), 12);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 52);
    assert_ptr_equal(NET_BUFFER_CURRENT_MDL(nb), m2);
    free_two(nbl, m1, m2);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_copy_between_net_buffers(void **state)
{
    (void)state;
    PMDL m1, m2;
    PNET_BUFFER_LIST src = two_mdl_nbl(&m1, &m2, 0);
    static unsigned char dbuf[32];
    PMDL dm = NdisAllocateMdl(&g_drv, dbuf, sizeof dbuf);
    PNET_BUFFER_LIST dst = NdisAllocateNetBufferAndNetBufferList(g_pool, 0, 0, dm, 0, sizeof dbuf);
    ULONG copied = 0;
    assert_int_equal(NdisCopyFromNetBufferToNetBuffer(NET_BUFFER_LIST_FIRST_NB(dst), 2, 20,
                                                      NET_BUFFER_LIST_FIRST_NB(src), 5, &copied),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(copied, 20);
    assert_int_equal(dbuf[2], 5);
    assert_int_equal(dbuf[21], 24);
    NdisFreeNetBufferList(dst);
    NdisFreeMdl(dm);
    free_two(src, m1, m2);
}

static void test_mdl_double_free_is_reported(void **state)
{
    (void)state;
    PMDL m = NdisAllocateMdl(&g_drv, g_buf, 16);
    assert_non_null(m);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_MDL), 1);
    assert_int_equal(MmGetMdlByteCount(m), 16);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(m, NormalPagePriority), g_buf);
    NdisFreeMdl(m);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_MDL), 0);
    NdisFreeMdl(m);
    assert_int_equal(count_rule("HA-10"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_current_mdl_follows_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_data_buffer_contiguous_returns_mdl_pointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_data_buffer_split_copies_to_storage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_data_buffer_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_advance_and_retreat_within_unused_space, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retreat_allocates_new_storage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_between_net_buffers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mdl_double_free_is_reported, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

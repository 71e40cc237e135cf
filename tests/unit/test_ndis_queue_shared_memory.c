/* Shared memory for receive queues: NdisAllocateSharedMemory / NdisFreeSharedMemory (NDIS 6.20).
 * The block and its scatter/gather description, the ledger entry (HA-06 when left at halt),
 * parameter checks (AP-02), bad and double frees (AP-01), the PASSIVE_LEVEL limit (IQ-01) and
 * fault injection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/handles.h"
#include "ndis/ndis_internal.h"
#include "test_support.h"

static ndis_driver g_drv;

static int setup(void **state)
{
    (void)state;
    ts_driver_setup(&g_drv, "driver qshm");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_driver_teardown(&g_drv);
    return 0;
}

static void params_init(PNDIS_SHARED_MEMORY_PARAMETERS p, ULONG len, PSCATTER_GATHER_LIST sg, ULONG sg_len)
{
    memset(p, 0, sizeof *p);
    p->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    p->Header.Revision = NDIS_SHARED_MEMORY_PARAMETERS_REVISION_1;
    p->Header.Size = NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1;
    p->QueueId = 1;
    p->PreferredNode = MM_ANY_NODE_OK;
    p->Usage = NdisSharedMemoryUsageReceive;
    p->Length = len;
    p->SGListBuffer = sg;
    p->SGListBufferLength = sg_len;
}

static PSCATTER_GATHER_LIST sg_alloc(ULONG elements, ULONG *len)
{
    *len = (ULONG)(sizeof(SCATTER_GATHER_LIST) + elements * sizeof(SCATTER_GATHER_ELEMENT));
    PSCATTER_GATHER_LIST sg = calloc(1, *len);
    assert_non_null(sg);
    return sg;
}

static void test_block_is_described_page_by_page_and_charged(void **state)
{
    (void)state;
    ULONG sg_len;
    PSCATTER_GATHER_LIST sg = sg_alloc(3, &sg_len);
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 3 * 4096 - 100, sg, sg_len);
    NDIS_HANDLE h = (NDIS_HANDLE)1;
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_SUCCESS);
    assert_non_null(h);
    assert_non_null(p.VirtualAddress);
    assert_non_null(p.SharedMemoryHandle);
    assert_int_equal((uintptr_t)p.VirtualAddress % 4096, 0);
    memset(p.VirtualAddress, 0x11, p.Length); /* the whole block is writable */
    assert_int_equal(sg->NumberOfElements, 3);
    ULONG total = 0;
    for (ULONG i = 0; i < sg->NumberOfElements; i++)
    {
        assert_int_equal((uintptr_t)sg->Elements[i].Address.QuadPart, (uintptr_t)p.VirtualAddress + i * 4096);
        total += sg->Elements[i].Length;
    }
    assert_int_equal(total, p.Length);
    assert_int_equal(sg->Elements[2].Length, 4096 - 100);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_SHARED_MEMORY), 1);

    NdisFreeSharedMemory(&g_drv, h);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_SHARED_MEMORY), 0);
    assert_int_equal(vf_findings_count(), 0);
    free(sg);
}

static void test_contiguous_block_is_one_element(void **state)
{
    (void)state;
    ULONG sg_len;
    PSCATTER_GATHER_LIST sg = sg_alloc(1, &sg_len);
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 5 * 4096, sg, sg_len);
    p.Flags = NDIS_SHARED_MEM_PARAMETERS_CONTIGOUS;
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_SUCCESS);
    assert_int_equal(sg->NumberOfElements, 1);
    assert_int_equal(sg->Elements[0].Length, 5 * 4096);
    assert_int_equal((uintptr_t)sg->Elements[0].Address.QuadPart, (uintptr_t)p.VirtualAddress);
    NdisFreeSharedMemory(&g_drv, h);
    assert_int_equal(vf_findings_count(), 0);
    free(sg);
}

static void test_short_list_buffer_and_bad_parameters_are_ap02(void **state)
{
    (void)state;
    ULONG sg_len;
    PSCATTER_GATHER_LIST sg = sg_alloc(1, &sg_len);
    NDIS_SHARED_MEMORY_PARAMETERS p;
    NDIS_HANDLE h = (NDIS_HANDLE)1;

    params_init(&p, 2 * 4096, sg, sg_len); /* two pages, room for one element */
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_INVALID_PARAMETER);
    assert_null(h);
    assert_int_equal(count_rule("AP-02"), 1);

    params_init(&p, 4096, sg, sg_len);
    p.Header.Size = 8;
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_INVALID_PARAMETER);
    params_init(&p, 0, sg, sg_len);
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_INVALID_PARAMETER);
    params_init(&p, 4096, sg, sg_len);
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, NULL), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, NULL, &h), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(count_rule("AP-02"), 5);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_SHARED_MEMORY), 0);
    free(sg);
}

static void test_no_list_buffer_asks_for_no_description(void **state)
{
    (void)state;
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 100, NULL, 0);
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_SUCCESS);
    NdisFreeSharedMemory(&g_drv, h);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_bad_and_double_free_are_ap01(void **state)
{
    (void)state;
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 64, NULL, 0);
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_SUCCESS);
    NdisFreeSharedMemory(&g_drv, h);
    NdisFreeSharedMemory(&g_drv, h);
    int not_a_block;
    NdisFreeSharedMemory(&g_drv, &not_a_block);
    assert_int_equal(count_rule("AP-01"), 2);
}

static void test_bad_handle_is_ap01(void **state)
{
    (void)state;
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 64, NULL, 0);
    NDIS_HANDLE h = (NDIS_HANDLE)1;
    int bogus;
    assert_int_not_equal(NdisAllocateSharedMemory(&bogus, &p, &h), NDIS_STATUS_SUCCESS);
    assert_null(h);
    assert_int_equal(count_rule("AP-01"), 1);
}

static void test_dispatch_level_is_iq01(void **state)
{
    (void)state;
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 64, NULL, 0);
    NDIS_HANDLE h = NULL;
    vf_set_irql(DISPATCH_LEVEL);
    NdisAllocateSharedMemory(&g_drv, &p, &h);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-01"), 1);
    if (h)
        NdisFreeSharedMemory(&g_drv, h);
}

static void test_block_left_at_halt_is_ha06_and_reclaimed(void **state)
{
    (void)state;
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 4096, NULL, 0);
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_SUCCESS);
    assert_int_equal(vf_ledger_report_leftovers(g_drv.owner, NULL, "MiniportHaltEx returned"), 1);
    assert_int_equal(count_rule("HA-06"), 1);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_SHARED_MEMORY), 0);
}

static void test_fault_injection_fails_with_resources(void **state)
{
    (void)state;
    NDIS_SHARED_MEMORY_PARAMETERS p;
    params_init(&p, 64, NULL, 0);
    NDIS_HANDLE h = (NDIS_HANDLE)1;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_int_equal(NdisAllocateSharedMemory(&g_drv, &p, &h), NDIS_STATUS_RESOURCES);
    vf_fault_disarm();
    assert_null(h);
    assert_int_equal(vf_ledger_count(g_drv.owner, VF_RES_SHARED_MEMORY), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_block_is_described_page_by_page_and_charged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contiguous_block_is_one_element, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_list_buffer_and_bad_parameters_are_ap02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_list_buffer_asks_for_no_description, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_and_double_free_are_ap01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_handle_is_ap01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_level_is_iq01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_left_at_halt_is_ha06_and_reclaimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection_fails_with_resources, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

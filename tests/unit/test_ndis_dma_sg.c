/* Scatter/gather DMA: NdisMRegisterScatterGatherDma (NOT_SUPPORTED without a bus master, IN-03;
 * description checks; the list size it returns; HA-09 ledger entry), NdisMAllocateNetBufferSGList
 * (the documented coverage from the start of CurrentMdl, one bus address per page piece that the
 * device resolves to exactly the NET_BUFFER's bytes, MiniportProcessSGList at DISPATCH_LEVEL, the
 * caller's buffer or NDIS's own), NdisMFreeNetBufferSGList (unmaps; a second free is AP-01), and
 * lists left at halt (HA-09) or at deregistration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_ndis_hw_adapter.h"

static ndis_driver g_drv;
static ndis_adapter *g_a;
static ts_init_frame g_init;

/* What MiniportProcessSGList saw. */
static unsigned g_sg_calls;
static KIRQL g_sg_irql;
static PSCATTER_GATHER_LIST g_sg_list;
static PVOID g_sg_context;

static VOID process_sg(PDEVICE_OBJECT pdo, PVOID reserved, PSCATTER_GATHER_LIST sgl, PVOID context)
{
    (void)reserved;
    assert_non_null(pdo);
    g_sg_calls++;
    g_sg_irql = vf_irql();
    g_sg_list = sgl;
    g_sg_context = context;
}

/* An adapter inside MiniportInitializeEx with its registration attributes set. */
static void open_adapter(ULONG attribute_flags)
{
    g_a = ts_hw_adapter_open(&g_drv, "driver dma", attribute_flags);
    ts_initialize_enter(&g_init, g_a);
    g_sg_calls = 0;
    g_sg_list = NULL;
}

static void leave_initialize(void)
{
    ts_initialize_leave(&g_init, g_a);
}

static int setup(void **state)
{
    (void)state;
    open_adapter(NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_hw_halt_begin(&g_init, g_a);
    ndis_dma_instance_end(g_a, "test end");
    ts_hw_adapter_close(&g_drv, g_a);
    return 0;
}

static NDIS_SG_DMA_DESCRIPTION desc(ULONG max)
{
    NDIS_SG_DMA_DESCRIPTION d;
    memset(&d, 0, sizeof d);
    d.Header.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION;
    d.Header.Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1;
    d.Header.Size = NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1;
    d.Flags = NDIS_SG_DMA_64_BIT_ADDRESS;
    d.MaximumPhysicalMapping = max;
    d.ProcessSGListHandler = process_sg;
    return d;
}

static NDIS_HANDLE register_dma(void)
{
    NDIS_SG_DMA_DESCRIPTION d = desc(16384);
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_SUCCESS);
    assert_non_null(h);
    return h;
}

/* A NET_BUFFER over two MDLs: 200 bytes at page offset 4000 (so it crosses a page) and 100 bytes. */
typedef struct nb_fixture
{
    uint8_t *page;  /* 2 pages */
    uint8_t *other; /* 1 page */
    MDL m1, m2;
    NET_BUFFER nb;
} nb_fixture;

static void nb_open(nb_fixture *f, ULONG offset, ULONG data_length)
{
    memset(f, 0, sizeof *f);
    f->page = aligned_alloc(4096, 8192);
    f->other = aligned_alloc(4096, 4096);
    assert_non_null(f->page);
    assert_non_null(f->other);
    for (unsigned i = 0; i < 8192; i++)
        f->page[i] = (uint8_t)i;
    for (unsigned i = 0; i < 4096; i++)
        f->other[i] = (uint8_t)(0xA0 + i);
    MmInitializeMdl(&f->m1, f->page + 4000, 200);
    MmInitializeMdl(&f->m2, f->other + 16, 100);
    f->m1.Next = &f->m2;
    f->nb.CurrentMdl = &f->m1;
    f->nb.MdlChain = &f->m1;
    f->nb.CurrentMdlOffset = offset;
    f->nb.DataOffset = offset;
    f->nb.DataLength = data_length;
}

static void nb_close(nb_fixture *f)
{
    free(f->page);
    free(f->other);
}

/* ---- registration ------------------------------------------------------------------------------ */

static void test_register_returns_list_size_and_is_ledgered(void **state)
{
    (void)state;
    NDIS_SG_DMA_DESCRIPTION d = desc(65536);
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_SUCCESS);
    assert_non_null(h);
    /* Enough for 64 KiB starting anywhere in a page: 17 page pieces at least. */
    assert_true(d.ScatterGatherListSize >= sizeof(SCATTER_GATHER_LIST) + 17 * sizeof(SCATTER_GATHER_ELEMENT));
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_DMA), 1);
    assert_true(ndis_dma_registered(g_a));
    NdisMDeregisterScatterGatherDma(h);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_DMA), 0);
    assert_false(ndis_dma_registered(g_a));
    assert_int_equal(vf_findings_count(), 0);
}

static void test_register_without_bus_master_is_not_supported(void **state)
{
    (void)state;
    g_a->reg_attrs.AttributeFlags = 0;
    NDIS_SG_DMA_DESCRIPTION d = desc(4096);
    NDIS_HANDLE h = (NDIS_HANDLE)1;
    assert_int_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_NOT_SUPPORTED);
    assert_null(h);
    assert_int_equal(count_rule("IN-03"), 1);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_DMA), 0);
}

static void test_register_checks_the_description(void **state)
{
    (void)state;
    NDIS_HANDLE h = NULL;
    NDIS_SG_DMA_DESCRIPTION d = desc(4096);
    d.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    assert_int_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_BAD_VERSION);
    d = desc(4096);
    d.Header.Size = 8;
    assert_int_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_BAD_VERSION);
    d = desc(4096);
    d.ProcessSGListHandler = NULL;
    assert_int_not_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_SUCCESS);
    d = desc(0);
    assert_int_not_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("AP-02"), 4);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_DMA), 0);
}

static void test_register_at_dispatch_is_iq01(void **state)
{
    (void)state;
    NDIS_SG_DMA_DESCRIPTION d = desc(4096);
    NDIS_HANDLE h = NULL;
    vf_set_irql(DISPATCH_LEVEL);
    NdisMRegisterScatterGatherDma(g_a, &d, &h);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-01"), 1);
    if (h)
        NdisMDeregisterScatterGatherDma(h);
}

static void test_deregister_twice_is_ap01(void **state)
{
    (void)state;
    NDIS_HANDLE h = register_dma();
    NdisMDeregisterScatterGatherDma(h);
    assert_int_equal(count_rule("AP-01"), 0);
    NdisMDeregisterScatterGatherDma(h);
    assert_int_equal(count_rule("AP-01"), 1);
}

static void test_registration_left_at_halt_is_ha09(void **state)
{
    (void)state;
    register_dma();
    leave_initialize();
    g_a->halt_started = true;
    ndis_dma_instance_end(g_a, "MiniportHaltEx returned");
    assert_int_equal(vf_ledger_report_leftovers(g_a->owner, NULL, "MiniportHaltEx returned"), 1);
    assert_int_equal(count_rule("HA-09"), 1);
    assert_false(ndis_dma_registered(g_a));
}

/* ---- scatter/gather lists ---------------------------------------------------------------------- */

static void test_sg_list_maps_the_documented_range(void **state)
{
    (void)state;
    NDIS_HANDLE h = register_dma();
    leave_initialize();
    nb_fixture f;
    nb_open(&f, 10, 290); /* CurrentMdlOffset + DataLength = the 300 bytes of both MDLs */
    int ctx;
    vf_set_irql(DISPATCH_LEVEL);
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, &ctx, NDIS_SG_LIST_WRITE_TO_DEVICE, NULL, 0),
                     NDIS_STATUS_SUCCESS);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(g_sg_calls, 1);
    assert_int_equal(g_sg_irql, DISPATCH_LEVEL);
    assert_ptr_equal(g_sg_context, &ctx);
    PSCATTER_GATHER_LIST l = g_sg_list;
    assert_non_null(l);
    /* From the start of CurrentMdl: 96 bytes up to the page end, 104 after it, then 100. */
    assert_int_equal(l->NumberOfElements, 3);
    assert_int_equal(l->Elements[0].Length, 96);
    assert_int_equal(l->Elements[1].Length, 104);
    assert_int_equal(l->Elements[2].Length, 100);
    const uint8_t *expect[3] = {f.page + 4000, f.page + 4096, f.other + 16};
    for (unsigned i = 0; i < 3; i++)
    {
        uint64_t bus = (uint64_t)l->Elements[i].Address.QuadPart;
        assert_true(bus >= NDIS_BUS_BASE && bus < NDIS_BUS_END);
        assert_ptr_equal(ndis_shared_memory_dma_map(g_a, bus, l->Elements[i].Length, false), expect[i]);
        /* One byte past an element is no longer this NET_BUFFER's memory. */
        assert_null(ndis_shared_memory_dma_map(g_a, bus, l->Elements[i].Length + 1, false));
    }
    assert_int_equal(count_rule("AP-01"), 3);
    /* Distinct elements, distinct bus pages. */
    assert_int_not_equal(l->Elements[0].Address.QuadPart & ~0xFFFll, l->Elements[1].Address.QuadPart & ~0xFFFll);
    assert_int_equal(ndis_bus_live_count(g_a), 3);
    NdisMFreeNetBufferSGList(h, l, &f.nb);
    assert_int_equal(ndis_bus_live_count(g_a), 0);
    NdisMDeregisterScatterGatherDma(h);
    nb_close(&f);
}

static void test_sg_list_uses_the_callers_buffer_when_it_fits(void **state)
{
    (void)state;
    NDIS_SG_DMA_DESCRIPTION d = desc(16384);
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_SUCCESS);
    leave_initialize();
    nb_fixture f;
    nb_open(&f, 0, 300);
    void *buf = malloc(d.ScatterGatherListSize);
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, buf, d.ScatterGatherListSize),
                     NDIS_STATUS_SUCCESS);
    assert_ptr_equal(g_sg_list, buf);
    NdisMFreeNetBufferSGList(h, g_sg_list, &f.nb);
    /* Too small: NDIS allocates; the driver must use the list MiniportProcessSGList gets. */
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, buf, 8), NDIS_STATUS_SUCCESS);
    assert_ptr_not_equal(g_sg_list, buf);
    assert_int_equal(g_sg_list->NumberOfElements, 3);
    NdisMFreeNetBufferSGList(h, g_sg_list, &f.nb);
    assert_int_equal(vf_findings_count(), 0);
    free(buf);
    NdisMDeregisterScatterGatherDma(h);
    nb_close(&f);
}

static void test_device_access_after_free_and_double_free(void **state)
{
    (void)state;
    NDIS_HANDLE h = register_dma();
    leave_initialize();
    nb_fixture f;
    nb_open(&f, 0, 300);
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, NDIS_SG_LIST_WRITE_TO_DEVICE, NULL, 0),
                     NDIS_STATUS_SUCCESS);
    PSCATTER_GATHER_LIST l = g_sg_list;
    uint64_t bus = (uint64_t)l->Elements[0].Address.QuadPart;
    NdisMFreeNetBufferSGList(h, l, &f.nb);
    assert_int_equal(vf_findings_count(), 0);
    /* The device still reads the element: refused and reported once for that freed range. */
    assert_null(ndis_shared_memory_dma_map(g_a, bus, 16, false));
    assert_null(ndis_shared_memory_dma_map(g_a, bus + 16, 16, false));
    assert_int_equal(count_rule("AP-01"), 1);
    const vf_finding *fd = first_rule("AP-01");
    assert_non_null(strstr(fd->message, "NdisMFreeNetBufferSGList"));
    assert_non_null(fd->pc); /* the free's call site */
    /* Freeing it again: not a live list any more. */
    NdisMFreeNetBufferSGList(h, l, &f.nb);
    assert_int_equal(count_rule("AP-01"), 2);
    NdisMDeregisterScatterGatherDma(h);
    nb_close(&f);
}

static void test_sg_list_left_at_halt_is_ha09(void **state)
{
    (void)state;
    NDIS_HANDLE h = register_dma();
    leave_initialize();
    nb_fixture f;
    nb_open(&f, 0, 300);
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, NULL, 0), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, NULL, 0), NDIS_STATUS_SUCCESS);
    NdisMDeregisterScatterGatherDma(h);
    /* Deregistration with two lists outstanding: one finding, both unmapped. */
    assert_int_equal(count_rule("HA-09"), 1);
    assert_int_equal(ndis_bus_live_count(g_a), 0);

    h = register_dma();
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, NULL, 0), NDIS_STATUS_SUCCESS);
    NdisMDeregisterScatterGatherDma(h);
    assert_int_equal(count_rule("HA-09"), 2);
    vf_findings_clear();

    h = register_dma();
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, NULL, 0), NDIS_STATUS_SUCCESS);
    g_a->halt_started = true;
    ndis_dma_instance_end(g_a, "MiniportHaltEx returned");
    /* The list (HA-09, reported here) and the registration (the ledger's leftover). */
    assert_int_equal(count_rule("HA-09"), 1);
    assert_int_equal(ndis_bus_live_count(g_a), 0);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_DMA), 1);
    nb_close(&f);
}

static void test_sg_list_fault_injection_fails_with_resources(void **state)
{
    (void)state;
    NDIS_HANDLE h = register_dma();
    leave_initialize();
    nb_fixture f;
    nb_open(&f, 0, 300);
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_int_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, NULL, 0), NDIS_STATUS_RESOURCES);
    vf_fault_disarm();
    assert_int_equal(g_sg_calls, 0);
    assert_int_equal(ndis_bus_live_count(g_a), 0);
    NdisMDeregisterScatterGatherDma(h);
    nb_close(&f);
}

static void test_sg_list_on_a_short_mdl_chain_is_ap02(void **state)
{
    (void)state;
    NDIS_HANDLE h = register_dma();
    leave_initialize();
    nb_fixture f;
    nb_open(&f, 0, 301); /* one byte more than the chain holds */
    assert_int_not_equal(NdisMAllocateNetBufferSGList(h, &f.nb, NULL, 0, NULL, 0), NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("AP-02"), 1);
    assert_int_equal(g_sg_calls, 0);
    NdisMDeregisterScatterGatherDma(h);
    nb_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_register_returns_list_size_and_is_ledgered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_without_bus_master_is_not_supported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_checks_the_description, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_at_dispatch_is_iq01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deregister_twice_is_ap01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_left_at_halt_is_ha09, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_list_maps_the_documented_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_list_uses_the_callers_buffer_when_it_fits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_access_after_free_and_double_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_list_left_at_halt_is_ha09, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_list_fault_injection_fails_with_resources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_list_on_a_short_mdl_chain_is_ap02, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Shared memory: NdisMAllocateSharedMemory (page-aligned zeroed block with a bus address the device
 * resolves; IN-03 without a DMA registration; SM-01 at DISPATCH_LEVEL; NULL on an injected fault,
 * with IN-08 when the driver does not log it), NdisMFreeSharedMemory (SM-03: mismatched parameters,
 * sub-range, double free, damaged guard area; SD-03 from MiniportShutdownEx), the device side
 * (SM-03 at the free's site for DMA into a freed block; AP-01 for an overrun or an unknown address),
 * NdisMAllocateSharedMemoryAsyncEx (SM-02 without a completion handler; PENDING then
 * MiniportSharedMemoryAllocateComplete at PASSIVE_LEVEL on another thread; NULL on a fault;
 * delivered before halt), and HA-06 for a block left at halt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "test_ndis_hw_adapter.h"

static ndis_driver g_drv;
static ndis_adapter *g_a;
static ts_init_frame g_init;
static NDIS_HANDLE g_dma;

/* What MiniportSharedMemoryAllocateComplete saw. */
typedef struct completion
{
    uint32_t calls; /* futex word */
    PVOID va;
    LONGLONG pa;
    ULONG length;
    PVOID context;
    KIRQL irql;
    vf_callback cb;
    bool on_worker;
    bool free_it; /* free the block from the completion (the driver's trimming path) */
} completion;
static completion g_c;

static VOID shared_mem_complete(NDIS_HANDLE ctx, PVOID va, PNDIS_PHYSICAL_ADDRESS pa, ULONG length, PVOID context)
{
    (void)ctx;
    g_c.va = va;
    g_c.pa = pa->QuadPart;
    g_c.length = length;
    g_c.context = context;
    g_c.irql = vf_irql();
    g_c.cb = vf_current_callback();
    g_c.on_worker = kernel_on_worker_thread();
    if (g_c.free_it && va)
        NdisMFreeSharedMemory(g_a, length, FALSE, va, *pa);
    __atomic_add_fetch(&g_c.calls, 1, __ATOMIC_SEQ_CST);
    exec_wake_u32(&g_c.calls, INT32_MAX);
}

static VOID process_sg(PDEVICE_OBJECT pdo, PVOID reserved, PSCATTER_GATHER_LIST sgl, PVOID context)
{
    (void)pdo;
    (void)reserved;
    (void)sgl;
    (void)context;
}

static NDIS_HANDLE register_dma(bool with_complete_handler)
{
    NDIS_SG_DMA_DESCRIPTION d;
    memset(&d, 0, sizeof d);
    d.Header.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION;
    d.Header.Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1;
    d.Header.Size = NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1;
    d.MaximumPhysicalMapping = 4096;
    d.ProcessSGListHandler = process_sg;
    d.SharedMemAllocateCompleteHandler = with_complete_handler ? shared_mem_complete : NULL;
    NDIS_HANDLE h = NULL;
    assert_int_equal(NdisMRegisterScatterGatherDma(g_a, &d, &h), NDIS_STATUS_SUCCESS);
    return h;
}

static void leave_initialize(void)
{
    ts_initialize_leave(&g_init, g_a);
}

static int setup_common(bool dma)
{
    g_a = ts_hw_adapter_open(&g_drv, "driver shared-memory", NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER);
    ts_initialize_enter(&g_init, g_a);
    memset(&g_c, 0, sizeof g_c);
    g_dma = dma ? register_dma(true) : NULL;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    return setup_common(true);
}

static int setup_no_dma(void **state)
{
    (void)state;
    return setup_common(false);
}

static int teardown(void **state)
{
    (void)state;
    ts_hw_halt_begin(&g_init, g_a);
    ndis_shared_memory_before_halt(g_a);
    vf_owner_set_dead(g_a->owner, true);
    ndis_dma_instance_end(g_a, "test end");
    ts_hw_adapter_close(&g_drv, g_a);
    return 0;
}

static void *alloc_block(ULONG length, NDIS_PHYSICAL_ADDRESS *pa)
{
    PVOID va = (PVOID)1;
    NdisMAllocateSharedMemory(g_a, length, FALSE, &va, pa);
    return va;
}

static void wait_completions(uint32_t n)
{
    for (;;)
    {
        uint32_t v = __atomic_load_n(&g_c.calls, __ATOMIC_SEQ_CST);
        if (v >= n)
            return;
        exec_wait_u32(&g_c.calls, v, -1);
    }
}

/* ---- NdisMAllocateSharedMemory ------------------------------------------------------------------ */

static void test_allocate_gives_a_mapped_zeroed_page_aligned_block(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    uint8_t *va = alloc_block(6000, &pa);
    assert_non_null(va);
    assert_int_equal((uintptr_t)va & 4095, 0);
    assert_true((uint64_t)pa.QuadPart >= NDIS_BUS_BASE && (uint64_t)pa.QuadPart < NDIS_BUS_END);
    for (unsigned i = 0; i < 6000; i++)
        assert_int_equal(va[i], 0);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 1);
    /* The device reaches it through its bus address, and what it writes the driver sees. */
    uint8_t *dev = ndis_shared_memory_dma_map(g_a, (uint64_t)pa.QuadPart + 100, 50, true);
    assert_ptr_equal(dev, va + 100);
    memset(dev, 0x5A, 50);
    assert_int_equal(va[120], 0x5A);
    assert_non_null(ndis_shared_memory_dma_map(g_a, (uint64_t)pa.QuadPart, 6000, false));
    NdisMFreeSharedMemory(g_a, 6000, FALSE, va, pa);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_allocate_without_dma_registration_is_in03(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    assert_null(alloc_block(4096, &pa));
    assert_int_equal(pa.QuadPart, 0);
    assert_int_equal(count_rule("IN-03"), 1);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 0);
}

static void test_allocate_at_dispatch_is_sm01_only(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    vf_set_irql(DISPATCH_LEVEL);
    void *va = alloc_block(4096, &pa);
    vf_set_irql(PASSIVE_LEVEL);
    assert_null(va);
    assert_int_equal(count_rule("SM-01"), 1);
    assert_int_equal(count_rule("IQ-01"), 0);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_failed_allocation_not_logged_is_in08(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_null(alloc_block(4096, &pa));
    vf_fault_disarm();
    assert_int_equal(vf_findings_count(), 0);
    leave_initialize();
    ndis_dma_initialize_returned(g_a);
    assert_int_equal(count_rule("IN-08"), 1);
    assert_int_equal(first_rule("IN-08")->severity, VF_SEV_WARNING);
    /* Checked once. */
    ndis_dma_initialize_returned(g_a);
    assert_int_equal(count_rule("IN-08"), 1);
}

static void test_failed_allocation_logged_is_fine(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_null(alloc_block(4096, &pa));
    vf_fault_disarm();
    NdisWriteErrorLogEntry(g_a, NDIS_ERROR_CODE_OUT_OF_RESOURCES, 0);
    leave_initialize();
    ndis_dma_initialize_returned(g_a);
    assert_int_equal(count_rule("IN-08"), 0);
}

static void test_failed_allocation_in08_without_the_return_hook(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_null(alloc_block(4096, &pa));
    vf_fault_disarm();
    leave_initialize();
    /* The initialize failed: the instance end is the check. */
    ndis_dma_instance_end(g_a, "MiniportInitializeEx failed");
    assert_int_equal(count_rule("IN-08"), 1);
}

/* ---- NdisMFreeSharedMemory ------------------------------------------------------------------------ */

static void test_free_with_other_parameters_is_sm03_and_frees(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    void *va = alloc_block(4096, &pa);
    assert_non_null(va);
    NdisMFreeSharedMemory(g_a, 2048, TRUE, va, pa);
    assert_int_equal(count_rule("SM-03"), 1);
    assert_non_null(strstr(first_rule("SM-03")->message, "Length 2048"));
    assert_non_null(strstr(first_rule("SM-03")->message, "Cached TRUE"));
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 0);
}

static void test_double_free_is_sm03(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    void *va = alloc_block(4096, &pa);
    NdisMFreeSharedMemory(g_a, 4096, FALSE, va, pa);
    assert_int_equal(vf_findings_count(), 0);
    NdisMFreeSharedMemory(g_a, 4096, FALSE, va, pa);
    assert_int_equal(count_rule("SM-03"), 1);
    assert_non_null(strstr(first_rule("SM-03")->message, "already freed"));
    assert_non_null(strstr(first_rule("SM-03")->message, "0x7C/0x03"));
}

static void test_sub_range_free_is_sm03_and_frees_nothing(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    uint8_t *va = alloc_block(8192, &pa);
    NDIS_PHYSICAL_ADDRESS sub = {.QuadPart = pa.QuadPart + 4096};
    NdisMFreeSharedMemory(g_a, 4096, FALSE, va + 4096, sub);
    assert_int_equal(count_rule("SM-03"), 1);
    assert_non_null(strstr(first_rule("SM-03")->message, "sub-range"));
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 1);
    NdisMFreeSharedMemory(g_a, 8192, FALSE, va, pa);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 0);
    assert_int_equal(count_rule("SM-03"), 1);
}

static void test_guard_damage_is_found_at_free(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    uint8_t *va = alloc_block(100, &pa);
    va[100] = 1; /* one byte past the end */
    NdisMFreeSharedMemory(g_a, 100, FALSE, va, pa);
    assert_int_equal(count_rule("SM-03"), 1);
    assert_non_null(strstr(first_rule("SM-03")->message, "0x7C/0x02"));
    assert_non_null(strstr(first_rule("SM-03")->message, "after"));
}

static void test_free_from_shutdown_is_sd03(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    void *va = alloc_block(4096, &pa);
    leave_initialize();
    vf_frame f;
    vf_enter(&f, VF_CB_SHUTDOWN, g_a->owner);
    NdisMFreeSharedMemory(g_a, 4096, FALSE, va, pa);
    vf_leave(&f);
    assert_int_equal(count_rule("SD-03"), 1);
    assert_int_equal(count_rule("SM-03"), 0);
}

/* ---- the device side ------------------------------------------------------------------------------- */

static void test_device_dma_into_freed_block_is_sm03_at_the_free(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    void *va = alloc_block(2048, &pa);
    NdisMFreeSharedMemory(g_a, 2048, FALSE, va, pa);
    assert_null(ndis_shared_memory_dma_map(g_a, (uint64_t)pa.QuadPart + 64, 60, true));
    assert_int_equal(count_rule("SM-03"), 1);
    const vf_finding *f = first_rule("SM-03");
    assert_non_null(strstr(f->message, "freed at this call"));
    assert_non_null(strstr(f->message, "NdisMFreeSharedMemory"));
    assert_non_null(strstr(f->message, "wrote 60 bytes"));
    assert_string_equal(f->callback, vf_callback_name(VF_CB_INITIALIZE));
    assert_non_null(f->pc);
    /* Once per freed block. */
    assert_null(ndis_shared_memory_dma_map(g_a, (uint64_t)pa.QuadPart, 4, false));
    assert_int_equal(count_rule("SM-03"), 1);
}

static void test_device_overrun_and_unknown_address_are_ap01(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    void *va = alloc_block(1000, &pa);
    assert_null(ndis_shared_memory_dma_map(g_a, (uint64_t)pa.QuadPart + 990, 20, true));
    assert_int_equal(count_rule("AP-01"), 1);
    assert_non_null(strstr(first_rule("AP-01")->message, "past the end"));
    assert_null(ndis_shared_memory_dma_map(g_a, 0x12345678ull, 4, false));
    assert_null(ndis_shared_memory_dma_map(g_a, 0, 4, false));
    assert_int_equal(count_rule("AP-01"), 3);
    NdisMFreeSharedMemory(g_a, 1000, FALSE, va, pa);
}

static void test_device_cannot_reach_another_adapters_memory(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    void *va = alloc_block(4096, &pa);
    ndis_adapter other;
    memset(&other, 0, sizeof other);
    other.owner = vf_owner_create(VF_OWNER_ADAPTER, g_drv.owner, "adapter 1");
    snprintf(other.name, sizeof other.name, "adapter 1");
    assert_null(ndis_shared_memory_dma_map(&other, (uint64_t)pa.QuadPart, 4, false));
    assert_int_equal(count_rule("AP-01"), 1);
    ndis_dma_adapter_destroy(&other);
    vf_owner_destroy(other.owner);
    NdisMFreeSharedMemory(g_a, 4096, FALSE, va, pa);
}

static void test_block_left_at_halt_is_ha06_and_unmapped(void **state)
{
    (void)state;
    NDIS_PHYSICAL_ADDRESS pa;
    assert_non_null(alloc_block(4096, &pa));
    leave_initialize();
    g_a->halt_started = true;
    ndis_dma_instance_end(g_a, "MiniportHaltEx returned");
    vf_ledger_report_leftovers(g_a->owner, NULL, "MiniportHaltEx returned");
    assert_int_equal(count_rule("HA-06"), 1);
    assert_int_equal(ndis_bus_live_count(g_a), 0);
    /* A device still running after the halt reaches reclaimed memory: refused. */
    assert_null(ndis_shared_memory_dma_map(g_a, (uint64_t)pa.QuadPart, 4, true));
    assert_int_equal(count_rule("AP-01"), 1);
}

/* ---- NdisMAllocateSharedMemoryAsyncEx ------------------------------------------------------------- */

static void test_async_completes_at_passive_on_a_worker(void **state)
{
    (void)state;
    leave_initialize();
    int ctx;
    vf_set_irql(DISPATCH_LEVEL);
    assert_int_equal(NdisMAllocateSharedMemoryAsyncEx(g_dma, 3000, FALSE, &ctx), NDIS_STATUS_PENDING);
    vf_set_irql(PASSIVE_LEVEL);
    wait_completions(1);
    assert_non_null(g_c.va);
    assert_int_equal(g_c.length, 3000);
    assert_ptr_equal(g_c.context, &ctx);
    assert_int_equal(g_c.irql, PASSIVE_LEVEL);
    assert_int_equal(g_c.cb, VF_CB_SHARED_MEM_COMPLETE);
    assert_true(g_c.on_worker);
    assert_ptr_equal(ndis_shared_memory_dma_map(g_a, (uint64_t)g_c.pa, 3000, true), g_c.va);
    NDIS_PHYSICAL_ADDRESS pa = {.QuadPart = g_c.pa};
    NdisMFreeSharedMemory(g_a, 3000, FALSE, g_c.va, pa);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_async_fault_completes_with_null(void **state)
{
    (void)state;
    leave_initialize();
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_int_equal(NdisMAllocateSharedMemoryAsyncEx(g_dma, 3000, FALSE, NULL), NDIS_STATUS_PENDING);
    vf_fault_disarm();
    wait_completions(1);
    assert_null(g_c.va);
    assert_int_equal(g_c.pa, 0);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 0);
}

static void test_async_without_complete_handler_is_sm02(void **state)
{
    (void)state;
    NDIS_HANDLE h = register_dma(false);
    leave_initialize();
    assert_int_equal(NdisMAllocateSharedMemoryAsyncEx(h, 3000, FALSE, NULL), NDIS_STATUS_FAILURE);
    assert_int_equal(count_rule("SM-02"), 1);
    NdisMDeregisterScatterGatherDma(h);
}

/* Both worker threads wait on this word, so that queued completions cannot start. */
static uint32_t g_gate;
static uint32_t g_blocked;
static void blocker(kernel_work *w)
{
    (void)w;
    __atomic_add_fetch(&g_blocked, 1, __ATOMIC_SEQ_CST);
    exec_wake_u32(&g_blocked, INT32_MAX);
    while (!__atomic_load_n(&g_gate, __ATOMIC_SEQ_CST))
        exec_wait_u32(&g_gate, 0, -1);
}

static void test_pending_async_is_delivered_before_halt(void **state)
{
    (void)state;
    leave_initialize();
    kernel_work b1 = {.fn = blocker}, b2 = {.fn = blocker};
    g_gate = 0;
    g_blocked = 0;
    kernel_work_queue(&b1);
    kernel_work_queue(&b2);
    for (uint32_t v; (v = __atomic_load_n(&g_blocked, __ATOMIC_SEQ_CST)) < 2;)
        exec_wait_u32(&g_blocked, v, -1);
    assert_int_equal(NdisMAllocateSharedMemoryAsyncEx(g_dma, 512, FALSE, NULL), NDIS_STATUS_PENDING);
    assert_int_equal(__atomic_load_n(&g_c.calls, __ATOMIC_SEQ_CST), 0);
    g_a->halt_started = true;
    ndis_shared_memory_before_halt(g_a);
    /* Delivered by the halt path itself, before MiniportHaltEx would be called. */
    assert_int_equal(__atomic_load_n(&g_c.calls, __ATOMIC_SEQ_CST), 1);
    assert_false(g_c.on_worker);
    assert_int_equal(g_c.cb, VF_CB_SHARED_MEM_COMPLETE);
    assert_non_null(g_c.va);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 1);
    __atomic_store_n(&g_gate, 1, __ATOMIC_SEQ_CST);
    exec_wake_u32(&g_gate, INT32_MAX);
    NDIS_PHYSICAL_ADDRESS pa = {.QuadPart = g_c.pa};
    NdisMFreeSharedMemory(g_a, 512, FALSE, g_c.va, pa);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_async_block_freed_from_the_completion(void **state)
{
    (void)state;
    leave_initialize();
    g_c.free_it = true;
    assert_int_equal(NdisMAllocateSharedMemoryAsyncEx(g_dma, 700, FALSE, NULL), NDIS_STATUS_PENDING);
    wait_completions(1);
    assert_non_null(g_c.va);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_SHARED_MEMORY), 0);
    assert_int_equal(vf_findings_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allocate_gives_a_mapped_zeroed_page_aligned_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocate_without_dma_registration_is_in03, setup_no_dma, teardown),
        cmocka_unit_test_setup_teardown(test_allocate_at_dispatch_is_sm01_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_allocation_not_logged_is_in08, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_allocation_logged_is_fine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_allocation_in08_without_the_return_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_with_other_parameters_is_sm03_and_frees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_free_is_sm03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sub_range_free_is_sm03_and_frees_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guard_damage_is_found_at_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_from_shutdown_is_sd03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_dma_into_freed_block_is_sm03_at_the_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_overrun_and_unknown_address_are_ap01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_cannot_reach_another_adapters_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_left_at_halt_is_ha06_and_unmapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_completes_at_passive_on_a_worker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_fault_completes_with_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_without_complete_handler_is_sm02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_async_is_delivered_before_halt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_block_freed_from_the_completion, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

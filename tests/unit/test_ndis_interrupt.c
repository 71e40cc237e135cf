/* Interrupts: NdisMRegisterInterruptEx and friends against a real simulated NIC, through the real
 * adapter state machine. Covered: the registration-time ISR (IN-06) and what it may not use yet,
 * line-based grant, the ISR -> DPC path from the NIC's line, deregistration waiting for a running
 * DPC, nothing running after deregistration (IT-02 for a late synchronize or DPC request),
 * synchronize-with-interrupt exclusion, NdisMQueueDpcEx's processor bitmap, spurious ISR calls while
 * halt runs, the interrupt-storm detector, leaks (HA-03) and the registration rules (IT-01, IN-02,
 * IN-07). Orderings are checked with sequence numbers and events, never with elapsed times. */
#include <pthread.h>

#include "test_ndis_interrupt_hw.h"

typedef struct probe
{
    NDIS_HANDLE intr;
    volatile UCHAR *regs; /* mapped BAR0 */
    bool map_after_register;
    bool registering; /* set by the driver around its NdisMRegisterInterruptEx call */
    bool handle_nic;  /* the ISR services the NIC: masks, DPC acknowledges and unmasks */
    bool stopping;    /* halt began: the DPC leaves interrupts masked */
    BOOLEAN claim;    /* what the ISR returns for an interrupt that is not the NIC's */
    BOOLEAN queue_default;
    bool use_handle_in_isr;
    bool sync_in_isr;
    bool dpc_block;
    bool in_halt;
    BOOLEAN msi;
    bool omit_dpc_handler;
    NDIS_STATUS reg_status;
    NDIS_INTERRUPT_TYPE granted;
    void *message_table;
    uint32_t isr_calls, dpc_calls, dpc_started, sync_calls, sync_started;
    uint32_t isr_before_return, dpc_before_return, isr_in_halt;
    uint32_t gate;
    uint32_t latched;
    KIRQL isr_irql, dpc_irql, sync_irql;
    vf_callback isr_cb, dpc_cb, sync_cb;
    ULONG throttle_max;
    PVOID dpc_ctx_seen;
    uint32_t isr_seq, dpc_seq, release_seq, dereg_seq;
} probe;

static probe p;
static uint32_t g_seq;

/* The interrupt code reads the steering flags on other threads: every access is atomic. */
#define LD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static uint32_t next_seq(void)
{
    return __atomic_add_fetch(&g_seq, 1, __ATOMIC_SEQ_CST);
}

/* The gate the blocking DPC and synchronize function wait on. */
static void wait_gate(probe *q)
{
    while (!__atomic_load_n(&q->gate, __ATOMIC_ACQUIRE))
        exec_wait_u32(&q->gate, 0, -1);
}

static void open_gate(void)
{
    __atomic_store_n(&p.gate, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&p.gate, INT32_MAX);
}

/* Opens the gate a while later (which makes it likely that the waiter is already waiting), after
 * taking the sequence number the test orders the release by. */
static void open_gate_later(void)
{
    exec_sleep_ns(30ull * 1000000ull);
    p.release_seq = next_seq();
    open_gate();
}

static int setup(void **state)
{
    (void)state;
    memset(&p, 0, sizeof p);
    g_seq = 0;
    ts_reset_context();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ndis_interrupt_set_storm_limits(1000, 500ull * 1000000ull);
    vf_findings_clear();
    return 0;
}

/* ---- the test miniport's interrupt code ------------------------------------------------------------ */

static ULONG reg_get(ULONG reg)
{
    ULONG v;
    NdisReadRegisterUlong((volatile ULONG *)(p.regs + reg), &v);
    return v;
}

static void reg_set(ULONG reg, ULONG v)
{
    NdisWriteRegisterUlong((volatile ULONG *)(p.regs + reg), v);
}

static BOOLEAN sync_noop(NDIS_HANDLE ctx)
{
    (void)ctx;
    hw_bump(&p.sync_calls);
    return TRUE;
}

static BOOLEAN t_isr(NDIS_HANDLE ctx, PBOOLEAN queue_default, PULONG targets)
{
    probe *q = ctx;
    q->isr_irql = KeGetCurrentIrql();
    q->isr_cb = vf_current_callback();
    *queue_default = FALSE;
    *targets = 0;
    if (__atomic_load_n(&q->registering, __ATOMIC_ACQUIRE))
        q->isr_before_return++;
    if (__atomic_load_n(&q->in_halt, __ATOMIC_ACQUIRE))
        hw_bump(&q->isr_in_halt);
    if (LD(q->use_handle_in_isr))
    {
        GROUP_AFFINITY ga = {.Mask = 1};
        NdisMQueueDpcEx(q->intr, 0, &ga, NULL);
    }
    if (LD(q->sync_in_isr))
        NdisMSynchronizeWithInterruptEx(q->intr, 0, sync_noop, q);
    BOOLEAN claimed = LD(q->claim);
    if (LD(q->handle_nic) || LD(q->map_after_register))
    {
        ULONG icr = reg_get(SIMNIC_REG_ICR);
        if (LD(q->handle_nic) && (icr & reg_get(SIMNIC_REG_IMR)))
        {
            reg_set(SIMNIC_REG_IMR, 0);
            __atomic_or_fetch(&q->latched, icr, __ATOMIC_RELAXED);
            *queue_default = TRUE;
            claimed = TRUE;
            q->isr_seq = next_seq();
        }
    }
    if (LD(q->queue_default))
        *queue_default = TRUE;
    hw_bump(&q->isr_calls);
    return claimed;
}

static VOID t_dpc(NDIS_HANDLE ctx, PVOID dpc_ctx, PVOID throttle, PVOID reserved)
{
    (void)reserved;
    probe *q = ctx;
    /* NdisMQueueDpcEx may run this DPC on several processors at once: the probe is written atomically. */
    __atomic_store_n(&q->dpc_irql, KeGetCurrentIrql(), __ATOMIC_RELEASE);
    __atomic_store_n(&q->dpc_cb, vf_current_callback(), __ATOMIC_RELEASE);
    __atomic_store_n(&q->dpc_ctx_seen, dpc_ctx, __ATOMIC_RELEASE);
    __atomic_store_n(&q->throttle_max, ((PNDIS_RECEIVE_THROTTLE_PARAMETERS)throttle)->MaxNblsToIndicate,
                     __ATOMIC_RELEASE);
    if (__atomic_load_n(&q->registering, __ATOMIC_ACQUIRE))
        __atomic_add_fetch(&q->dpc_before_return, 1, __ATOMIC_ACQ_REL);
    hw_bump(&q->dpc_started);
    if (LD(q->dpc_block))
        wait_gate(q);
    if (LD(q->handle_nic))
    {
        reg_set(SIMNIC_REG_ICR, __atomic_exchange_n(&q->latched, 0, __ATOMIC_RELAXED));
        if (!__atomic_load_n(&q->stopping, __ATOMIC_ACQUIRE))
            reg_set(SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    }
    __atomic_store_n(&q->dpc_seq, next_seq(), __ATOMIC_RELEASE);
    hw_bump(&q->dpc_calls);
}

static VOID t_disable(NDIS_HANDLE ctx)
{
    (void)ctx;
}

static VOID t_enable(NDIS_HANDLE ctx)
{
    (void)ctx;
}

static BOOLEAN t_msi_isr(NDIS_HANDLE ctx, ULONG id, PBOOLEAN qd, PULONG tp)
{
    (void)id;
    return t_isr(ctx, qd, tp);
}

static VOID t_msi_dpc(NDIS_HANDLE ctx, ULONG id, PVOID dctx, PVOID a, PVOID b)
{
    (void)id;
    t_dpc(ctx, dctx, a, b);
}

static VOID t_msi_disable(NDIS_HANDLE ctx, ULONG id)
{
    (void)ctx;
    (void)id;
}

static VOID t_msi_enable(NDIS_HANDLE ctx, ULONG id)
{
    (void)ctx;
    (void)id;
}

static void map_bar(NDIS_HANDLE h)
{
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *mem = hw_resource(CmResourceTypeMemory);
    assert_non_null(mem);
    PVOID va = NULL;
    assert_int_equal(NdisMMapIoSpace(&va, h, mem->u.Memory.Start, mem->u.Memory.Length), NDIS_STATUS_SUCCESS);
    p.regs = va;
}

static NDIS_STATUS do_register(NDIS_HANDLE h)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS c = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT,
                   .Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1,
                   .Size = NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1},
        .InterruptHandler = t_isr,
        .InterruptDpcHandler = p.omit_dpc_handler ? NULL : t_dpc,
        .DisableInterruptHandler = t_disable,
        .EnableInterruptHandler = t_enable,
    };
    if (p.msi)
    {
        c.MsiSupported = TRUE;
        c.MessageInterruptHandler = t_msi_isr;
        c.MessageInterruptDpcHandler = t_msi_dpc;
        c.DisableMessageInterruptHandler = t_msi_disable;
        c.EnableMessageInterruptHandler = t_msi_enable;
        c.InterruptType = NDIS_CONNECT_MESSAGE_BASED;
    }
    __atomic_store_n(&p.registering, true, __ATOMIC_RELEASE);
    NDIS_STATUS st = NdisMRegisterInterruptEx(h, &p, &c, &p.intr);
    __atomic_store_n(&p.registering, false, __ATOMIC_RELEASE);
    p.granted = c.InterruptType;
    p.message_table = c.MessageInfoTable;
    p.reg_status = st;
    return st;
}

/* MiniportInitializeEx: map BAR0 and register (in the order the probe says). */
static NDIS_STATUS init_hw(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    if (!p.map_after_register)
        map_bar(h);
    do_register(h);
    if (p.map_after_register)
        map_bar(h);
    if (p.handle_nic)
        reg_set(SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    return NDIS_STATUS_SUCCESS;
}

/* Halt begins: the DPC leaves the NIC's interrupts masked from now on, and they are masked. */
static void stop_nic_interrupts(void)
{
    __atomic_store_n(&p.stopping, true, __ATOMIC_RELEASE);
    reg_set(SIMNIC_REG_IMR, 0);
}

/* MiniportHaltEx of a correct driver: stop the NIC's interrupts, deregister, unmap. */
static void halt_hw(NDIS_HANDLE h)
{
    stop_nic_interrupts();
    if (p.intr)
        NdisMDeregisterInterruptEx(p.intr);
    p.dereg_seq = next_seq();
    NdisMUnmapIoSpace(h, (PVOID)p.regs, SIMNIC_BAR0_LENGTH);
}

static void open_up(hw_dev *dev)
{
    hw_dev_open(dev, false);
    hw.init = init_hw;
    hw.halt = halt_hw;
    assert_int_equal(ndis_adapter_initialize(dev->a), NDIS_STATUS_SUCCESS);
}

/* ---- registration ------------------------------------------------------------------------------------ */

static void test_registration_grants_line_based_and_calls_isr_before_return(void **state)
{
    (void)state;
    hw_dev dev;
    p.msi = TRUE;
    p.queue_default = TRUE;
    open_up(&dev);
    assert_int_equal(p.reg_status, NDIS_STATUS_SUCCESS);
    assert_non_null(p.intr);
    assert_int_equal(p.granted, NDIS_CONNECT_LINE_BASED);
    assert_null(p.message_table);
    /* One injected interrupt, and the DPC it asked for, before the call returned. */
    assert_int_equal(p.isr_before_return, 1);
    assert_int_equal(LD(p.dpc_before_return), 1);
    assert_true(p.isr_irql > DISPATCH_LEVEL);
    assert_int_equal(p.isr_irql, NDIS_IRQ_DIRQL);
    assert_int_equal(p.isr_cb, VF_CB_ISR);
    assert_int_equal(LD(p.dpc_irql), DISPATCH_LEVEL);
    assert_int_equal(LD(p.dpc_cb), VF_CB_INTERRUPT_DPC);
    assert_null(LD(p.dpc_ctx_seen));
    assert_int_equal(LD(p.throttle_max), NDIS_INDICATE_ALL_NBLS);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_INTERRUPT), 1);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_missing_dpc_handler_is_it01(void **state)
{
    (void)state;
    hw_dev dev;
    p.omit_dpc_handler = true;
    open_up(&dev);
    assert_int_equal(p.reg_status, NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_null(p.intr);
    assert_int_equal(count_rule("IT-01"), 1);
    assert_int_equal(p.isr_calls, 0);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_INTERRUPT), 0);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

/* A hook that registers and succeeds whatever the registration returned (the test checks it). */
static NDIS_STATUS register_and_succeed(NDIS_HANDLE h)
{
    do_register(h);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS init_register_only(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    return register_and_succeed(h);
}

static void test_virtual_adapter_gets_resources_failure(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, true);
    hw.init = init_register_only;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(p.reg_status, NDIS_STATUS_RESOURCES);
    assert_null(p.intr);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_register_before_attributes_is_in02_and_fails(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.init_before_attributes = register_and_succeed;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(p.reg_status, NDIS_STATUS_FAILURE);
    assert_int_equal(count_rule("IN-02"), 1);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_INTERRUPT), 0);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

static void halt_deregister(NDIS_HANDLE h)
{
    (void)h;
    if (p.intr)
        NdisMDeregisterInterruptEx(p.intr);
}

static void test_register_from_restart_is_in07(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.restart = register_and_succeed;
    hw.halt = halt_deregister;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_restart(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(p.reg_status, NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("IN-07"), 1);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

/* ---- the ISR -> DPC path ----------------------------------------------------------------------------- */

static void test_line_interrupt_runs_isr_then_dpc(void **state)
{
    (void)state;
    hw_dev dev;
    p.handle_nic = true;
    open_up(&dev);
    uint32_t before = __atomic_load_n(&p.dpc_calls, __ATOMIC_ACQUIRE);
    simnic_set_link(dev.nic, false);
    assert_true(hw_wait_at_least(&p.dpc_calls, before + 1));
    assert_true(p.isr_seq != 0 && p.isr_seq < LD(p.dpc_seq));
    assert_true(p.isr_irql > DISPATCH_LEVEL);
    assert_int_equal(LD(p.dpc_irql), DISPATCH_LEVEL);
    assert_int_equal(LD(p.dpc_cb), VF_CB_INTERRUPT_DPC);
    assert_false(simnic_irq_pending(dev.nic)); /* acknowledged by the DPC */
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void *release_later(void *arg)
{
    (void)arg;
    open_gate_later();
    return NULL;
}

static void test_deregistration_waits_for_running_dpc(void **state)
{
    (void)state;
    hw_dev dev;
    p.handle_nic = true;
    p.dpc_block = true;
    open_up(&dev);
    simnic_set_link(dev.nic, false);
    assert_true(hw_wait_at_least(&p.dpc_started, 1)); /* the DPC runs and blocks */
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, release_later, NULL), 0);
    hw_dev_close(&dev); /* halt deregisters while the DPC is blocked */
    pthread_join(t, NULL);
    assert_true(p.release_seq < LD(p.dpc_seq));
    assert_true(LD(p.dpc_seq) < p.dereg_seq);
    assert_int_equal(vf_findings_count(), 0);
}

static hw_dev *g_dev;

static void halt_deregister_then_misuse(NDIS_HANDLE h)
{
    stop_nic_interrupts();
    NdisMDeregisterInterruptEx(p.intr);
    uint32_t isr = __atomic_load_n(&p.isr_calls, __ATOMIC_ACQUIRE);
    uint32_t dpc = __atomic_load_n(&p.dpc_calls, __ATOMIC_ACQUIRE);
    /* The NIC raises its line again: nobody is connected to it any more. */
    simnic_mmio_write(g_dev->nic, SIMNIC_REG_IMR, 4, SIMNIC_INT_LINK);
    simnic_set_link(g_dev->nic, false);
    assert_false(NdisMSynchronizeWithInterruptEx(p.intr, 0, sync_noop, &p));
    GROUP_AFFINITY ga = {.Mask = 1};
    assert_int_equal(NdisMQueueDpcEx(p.intr, 0, &ga, NULL), 0);
    exec_sleep_ns(20ull * 1000000ull);
    KeFlushQueuedDpcs();
    assert_int_equal(__atomic_load_n(&p.isr_calls, __ATOMIC_ACQUIRE), isr);
    assert_int_equal(__atomic_load_n(&p.dpc_calls, __ATOMIC_ACQUIRE), dpc);
    assert_int_equal(p.sync_calls, 0);
    simnic_mmio_write(g_dev->nic, SIMNIC_REG_IMR, 4, 0);
    NdisMUnmapIoSpace(h, (PVOID)p.regs, SIMNIC_BAR0_LENGTH);
}

static void test_nothing_runs_after_deregistration(void **state)
{
    (void)state;
    hw_dev dev;
    p.handle_nic = true;
    open_up(&dev);
    g_dev = &dev;
    hw.halt = halt_deregister_then_misuse;
    hw_dev_close(&dev);
    /* The synchronize and the DPC request after deregistration: IT-02 each. */
    assert_int_equal(count_rule("IT-02"), 2);
    assert_int_equal(vf_findings_count(), 2);
}

/* ---- synchronize ---------------------------------------------------------------------------------------- */

static BOOLEAN sync_blocking(NDIS_HANDLE ctx)
{
    probe *q = ctx;
    q->sync_irql = KeGetCurrentIrql();
    q->sync_cb = vf_current_callback();
    hw_bump(&q->sync_started);
    wait_gate(q);
    hw_bump(&q->sync_calls);
    return TRUE;
}

static hw_dev *g_sync_dev;

static void *raise_then_release(void *arg)
{
    (void)arg;
    hw_wait_at_least(&p.sync_started, 1);
    simnic_set_link(g_sync_dev->nic, false); /* the ISR must wait for the synchronize function */
    open_gate_later();
    return NULL;
}

static void test_synchronize_excludes_isr(void **state)
{
    (void)state;
    hw_dev dev;
    p.handle_nic = true;
    open_up(&dev);
    g_sync_dev = &dev;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, raise_then_release, NULL), 0);
    assert_true(NdisMSynchronizeWithInterruptEx(p.intr, 0, sync_blocking, &p));
    pthread_join(t, NULL);
    assert_int_equal(p.sync_irql, NDIS_IRQ_DIRQL);
    assert_int_equal(p.sync_cb, VF_CB_SYNC_INTERRUPT);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL); /* restored */
    assert_true(hw_wait_at_least(&p.dpc_calls, 1));
    assert_true(p.isr_seq > p.release_seq);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_synchronize_from_own_isr_is_iq03(void **state)
{
    (void)state;
    hw_dev dev;
    p.handle_nic = true;
    open_up(&dev);
    ST(p.sync_in_isr, true);
    simnic_set_link(dev.nic, false);
    assert_true(hw_wait_at_least(&p.sync_calls, 1)); /* still run, without deadlocking */
    assert_true(hw_wait_at_least(&p.dpc_calls, 1));
    ST(p.sync_in_isr, false);
    hw_dev_close(&dev);
    assert_true(count_rule("IQ-03") >= 1);
    assert_int_equal(count_rule("IQ-03"), vf_findings_count());
}

/* ---- NdisMQueueDpc(Ex) ----------------------------------------------------------------------------------- */

static NDIS_STATUS init_queue_dpcs(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    map_bar(h);
    assert_int_equal(do_register(h), NDIS_STATUS_SUCCESS);
    ST(p.dpc_block, true);
    static int ctx_a;
    GROUP_AFFINITY ga = {.Mask = 1, .Group = 0};
    assert_int_equal(NdisMQueueDpcEx(p.intr, 0, &ga, &ctx_a), 1);
    assert_true(hw_wait_at_least(&p.dpc_started, 1)); /* running (no longer queued) on processor 0 */
    assert_ptr_equal(LD(p.dpc_ctx_seen), &ctx_a);
    assert_int_equal(NdisMQueueDpcEx(p.intr, 0, &ga, NULL), 1);       /* queued again */
    assert_int_equal(NdisMQueueDpcEx(p.intr, 0, &ga, NULL), 0);       /* already queued there */
    assert_int_equal(NdisMQueueDpc(p.intr, 0, 0x80000000u, NULL), 0); /* no such processor */
    open_gate();
    assert_true(hw_wait_at_least(&p.dpc_calls, 2));
    if (exec_processor_count() >= 2)
    {
        uint32_t before = __atomic_load_n(&p.dpc_calls, __ATOMIC_ACQUIRE);
        KeFlushQueuedDpcs();
        assert_int_equal(NdisMQueueDpc(p.intr, 0, 0x3, NULL), 0x3);
        assert_true(hw_wait_at_least(&p.dpc_calls, before + 2));
    }
    return NDIS_STATUS_SUCCESS;
}

static void test_queue_dpc_returns_the_processors_queued(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.init = init_queue_dpcs;
    hw.halt = halt_hw;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

/* ---- IN-06 ---------------------------------------------------------------------------------------------- */

static void test_handle_used_before_registration_returns_is_in06(void **state)
{
    (void)state;
    hw_dev dev;
    p.use_handle_in_isr = true;
    open_up(&dev);
    ST(p.use_handle_in_isr, false);
    assert_int_equal(p.reg_status, NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("IN-06"), 1);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_registers_read_before_mapping_is_in06(void **state)
{
    (void)state;
    hw_dev dev;
    p.map_after_register = true;
    open_up(&dev);
    assert_int_equal(count_rule("IN-06"), 1);
    assert_int_equal(count_rule("AP-01"), 0);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

/* ---- halt --------------------------------------------------------------------------------------------- */

static uint32_t g_saw_isr_in_halt;

static void halt_waits_for_isr(NDIS_HANDLE h)
{
    __atomic_store_n(&p.in_halt, true, __ATOMIC_RELEASE);
    g_saw_isr_in_halt = hw_wait_at_least(&p.isr_in_halt, 1);
    halt_hw(h);
}

static void test_halt_gets_spurious_isr_calls_until_deregistration(void **state)
{
    (void)state;
    hw_dev dev;
    open_up(&dev);
    hw.halt = halt_waits_for_isr;
    ndis_interrupt_set_halt_injection_period(1000000ull);
    /* What ndis_adapter_halt does before MiniportHaltEx (an idempotent hook). */
    ndis_interrupt_before_halt(dev.a);
    hw_dev_close(&dev);
    ndis_interrupt_set_halt_injection_period(2000000ull);
    assert_true(g_saw_isr_in_halt);
    assert_int_equal(vf_findings_count(), 0);
}

static void halt_leaks(NDIS_HANDLE h)
{
    reg_set(SIMNIC_REG_IMR, 0);
    NdisMUnmapIoSpace(h, (PVOID)p.regs, SIMNIC_BAR0_LENGTH);
}

/* The NIC raises its line (unmasked, a link change): no ISR runs, the interrupt is gone for real. */
static void assert_line_reaches_nobody(simnic *nic)
{
    uint32_t isr = __atomic_load_n(&p.isr_calls, __ATOMIC_ACQUIRE);
    simnic_mmio_write(nic, SIMNIC_REG_IMR, 4, SIMNIC_INT_LINK);
    simnic_set_link(nic, false);
    exec_sleep_ns(20ull * 1000000ull);
    assert_int_equal(__atomic_load_n(&p.isr_calls, __ATOMIC_ACQUIRE), isr);
    simnic_mmio_write(nic, SIMNIC_REG_IMR, 4, 0);
}

static void test_interrupt_left_registered_is_ha03_and_reclaimed(void **state)
{
    (void)state;
    hw_dev dev;
    open_up(&dev);
    hw.halt = halt_leaks;
    ndis_adapter_halt(dev.a, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(count_rule("HA-03"), 1);
    assert_int_equal(first_rule("HA-03")->severity, VF_SEV_ERROR);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_INTERRUPT), 0);
    /* Reclaimed for real: the NIC's line reaches nobody. */
    assert_line_reaches_nobody(dev.nic);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

static NDIS_STATUS init_fails_registered(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    do_register(h);
    return NDIS_STATUS_FAILURE;
}

static void test_failed_initialize_leaving_interrupt_is_in04(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.init = init_fails_registered;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_FAILURE);
    assert_int_equal(p.reg_status, NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("IN-04"), 1);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_INTERRUPT), 0);
    assert_line_reaches_nobody(dev.nic);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

static void halt_deregisters_twice(NDIS_HANDLE h)
{
    halt_hw(h);
    NdisMDeregisterInterruptEx(p.intr);
}

static void test_deregistering_twice_is_it02(void **state)
{
    (void)state;
    hw_dev dev;
    open_up(&dev);
    hw.halt = halt_deregisters_twice;
    hw_dev_close(&dev);
    assert_int_equal(count_rule("IT-02"), 1);
    assert_int_equal(vf_findings_count(), 1);
}

static NDIS_STATUS restart_deregisters(NDIS_HANDLE h)
{
    (void)h;
    NdisMDeregisterInterruptEx(p.intr);
    p.intr = NULL;
    return NDIS_STATUS_SUCCESS;
}

static void test_deregistering_from_restart_is_it02(void **state)
{
    (void)state;
    hw_dev dev;
    open_up(&dev);
    hw.restart = restart_deregisters;
    assert_int_equal(ndis_adapter_restart(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("IT-02"), 1);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_INTERRUPT), 0); /* carried out */
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

static void halt_deregisters_enabled(NDIS_HANDLE h)
{
    reg_set(SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    NdisMDeregisterInterruptEx(p.intr);
    reg_set(SIMNIC_REG_IMR, 0);
    NdisMUnmapIoSpace(h, (PVOID)p.regs, SIMNIC_BAR0_LENGTH);
}

static void test_interrupts_enabled_at_deregistration_warns_ha03(void **state)
{
    (void)state;
    hw_dev dev;
    open_up(&dev);
    hw.halt = halt_deregisters_enabled;
    hw_dev_close(&dev);
    assert_int_equal(count_rule("HA-03"), 1);
    assert_int_equal(first_rule("HA-03")->severity, VF_SEV_WARNING);
    assert_int_equal(vf_findings_count(), 1);
}

/* ---- storms -------------------------------------------------------------------------------------------- */

static const char *storm_rule(void)
{
    return vf_rule_find("IT-03") ? "IT-03" : VF_RULE_HOST_ERROR;
}

static bool wait_for_rule(const char *rule)
{
    for (int i = 0; i < 10000; i++)
    {
        if (count_rule(rule))
            return true;
        exec_sleep_ns(1000000ull);
    }
    return false;
}

static void test_unclaimed_level_interrupt_is_a_storm_and_the_host_goes_on(void **state)
{
    (void)state;
    ndis_interrupt_set_storm_limits(50, 5ull * 1000000ull);
    hw_dev dev;
    open_up(&dev); /* the ISR never recognises the NIC's interrupt */
    reg_set(SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    simnic_set_link(dev.nic, false);
    assert_true(wait_for_rule(storm_rule()));
    assert_true(p.isr_calls >= 50);
    hw_dev_close(&dev); /* halt masks the NIC and deregisters: no hang */
    assert_int_equal(count_rule(storm_rule()), 1);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_isr_claiming_an_interrupt_its_nic_did_not_raise(void **state)
{
    (void)state;
    hw_dev dev;
    p.claim = TRUE; /* the injected registration-time interrupt is not the NIC's */
    open_up(&dev);
    hw_dev_close(&dev);
    /* Reported only once the rule table has IT-03; never as anything else. */
    size_t expected = vf_rule_find("IT-03") ? 1 : 0;
    assert_int_equal(count_rule("IT-03"), expected);
    assert_int_equal(vf_findings_count(), expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registration_grants_line_based_and_calls_isr_before_return, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_dpc_handler_is_it01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtual_adapter_gets_resources_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_before_attributes_is_in02_and_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_from_restart_is_in07, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_interrupt_runs_isr_then_dpc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deregistration_waits_for_running_dpc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_runs_after_deregistration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_synchronize_excludes_isr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_synchronize_from_own_isr_is_iq03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_dpc_returns_the_processors_queued, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handle_used_before_registration_returns_is_in06, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registers_read_before_mapping_is_in06, setup, teardown),
        cmocka_unit_test_setup_teardown(test_halt_gets_spurious_isr_calls_until_deregistration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_left_registered_is_ha03_and_reclaimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_initialize_leaving_interrupt_is_in04, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deregistering_twice_is_it02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deregistering_from_restart_is_it02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupts_enabled_at_deregistration_warns_ha03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unclaimed_level_interrupt_is_a_storm_and_the_host_goes_on, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_isr_claiming_an_interrupt_its_nic_did_not_raise, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

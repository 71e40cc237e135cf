/* bench_interrupt: interrupts through the simulated NIC and the NDIS interrupt APIs.
 *
 *   bench_interrupt [--json] [--count N]
 *
 * The miniport is benchmp (benchmp.h) with hardware added: its MiniportInitializeEx maps the NIC's
 * registers (NdisMMapIoSpace), registers an interrupt (NdisMRegisterInterruptEx) and unmasks the
 * link-change cause; its ISR reads the cause and mask registers, masks the NIC and asks for the
 * default DPC; its MiniportInterruptDPC acknowledges the cause and unmasks again, the way a NIC
 * driver's interrupt path goes. One interrupt at a time: the benchmark toggles the NIC's link
 * (which raises the level-triggered line), and waits for the DPC to finish before the next toggle.
 *
 * Reported:
 *   - ISR -> DPC latency: from the start of MiniportInterrupt to the start of MiniportInterruptDPC
 *     (the DPC queue, a DPC thread's wake-up), median and p99;
 *   - raise -> ISR latency: from the link toggle to the start of MiniportInterrupt (the NIC's device
 *     thread, the host's interrupt thread), median and p99;
 *   - interrupts per second: serviced interrupts (raise, ISR, DPC, unmask) per second of the loop.
 * Event-driven throughout (futex waits); benchmarks report numbers, tests assert behaviour. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmp.h"
#include "device/simnic.h"
#include "ndis/hardware.h"

typedef struct irq_bench
{
    NDIS_HANDLE interrupt;
    volatile UCHAR *regs;
    ULONG regs_len;
    volatile LONG latched;
    volatile LONG stopping;
    uint64_t isr_ns, dpc_ns; /* start of the last ISR / DPC */
    uint32_t done;           /* DPCs finished; the loop waits on it */
} irq_bench;

static irq_bench ib;
static MINIPORT_INITIALIZE_HANDLER base_initialize;
static MINIPORT_HALT_HANDLER base_halt;

static ULONG reg_read(ULONG reg)
{
    ULONG v;
    NdisReadRegisterUlong((volatile ULONG *)(ib.regs + reg), &v);
    return v;
}

static void reg_write(ULONG reg, ULONG v)
{
    NdisWriteRegisterUlong((volatile ULONG *)(ib.regs + reg), v);
}

static BOOLEAN ib_isr(NDIS_HANDLE ctx, PBOOLEAN queue_default, PULONG targets)
{
    (void)ctx;
    uint64_t now = bmp_now_ns();
    *queue_default = FALSE;
    *targets = 0;
    if (!ib.regs)
        return FALSE;
    ULONG causes = reg_read(SIMNIC_REG_ICR) & reg_read(SIMNIC_REG_IMR);
    if (!causes)
        return FALSE;
    __atomic_store_n(&ib.isr_ns, now, __ATOMIC_RELEASE);
    reg_write(SIMNIC_REG_IMR, 0);
    InterlockedOr(&ib.latched, (LONG)causes);
    *queue_default = TRUE;
    return TRUE;
}

static VOID ib_dpc(NDIS_HANDLE ctx, PVOID dpc_ctx, PVOID throttle, PVOID reserved)
{
    (void)ctx;
    (void)dpc_ctx;
    (void)throttle;
    (void)reserved;
    __atomic_store_n(&ib.dpc_ns, bmp_now_ns(), __ATOMIC_RELEASE);
    reg_write(SIMNIC_REG_ICR, (ULONG)InterlockedExchange(&ib.latched, 0));
    if (!ib.stopping)
        reg_write(SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    __atomic_add_fetch(&ib.done, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&ib.done, 1);
}

static VOID ib_disable(NDIS_HANDLE ctx)
{
    (void)ctx;
}

static VOID ib_enable(NDIS_HANDLE ctx)
{
    (void)ctx;
}

static NDIS_STATUS ib_initialize(NDIS_HANDLE handle, NDIS_HANDLE driver_ctx, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    NDIS_STATUS st = base_initialize(handle, driver_ctx, params);
    if (st != NDIS_STATUS_SUCCESS)
        return st;
    const CM_PARTIAL_RESOURCE_LIST *list = params->AllocatedResources;
    for (ULONG i = 0; list && i < list->Count; i++)
    {
        const CM_PARTIAL_RESOURCE_DESCRIPTOR *d = &list->PartialDescriptors[i];
        if (d->Type != CmResourceTypeMemory)
            continue;
        PVOID va = NULL;
        if (NdisMMapIoSpace(&va, handle, d->u.Memory.Start, d->u.Memory.Length) != NDIS_STATUS_SUCCESS)
            return NDIS_STATUS_RESOURCES;
        ib.regs = va;
        ib.regs_len = d->u.Memory.Length;
    }
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS c = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT,
                   .Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1,
                   .Size = NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1},
        .InterruptHandler = ib_isr,
        .InterruptDpcHandler = ib_dpc,
        .DisableInterruptHandler = ib_disable,
        .EnableInterruptHandler = ib_enable,
    };
    if (!ib.regs || NdisMRegisterInterruptEx(handle, &ib, &c, &ib.interrupt) != NDIS_STATUS_SUCCESS)
        return NDIS_STATUS_RESOURCES;
    reg_write(SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    return NDIS_STATUS_SUCCESS;
}

static VOID ib_halt(NDIS_HANDLE ctx, NDIS_HALT_ACTION action)
{
    InterlockedExchange(&ib.stopping, 1);
    reg_write(SIMNIC_REG_IMR, 0);
    NdisMDeregisterInterruptEx(ib.interrupt);
    NdisMUnmapIoSpace(((bmp_adapter *)ctx)->handle, (PVOID)ib.regs, ib.regs_len);
    ib.regs = NULL;
    base_halt(ctx, action);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
    bool json = false;
    int count = 20000;
    for (int i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = atoi(argv[++i]);
        else
        {
            fprintf(stderr, "usage: bench_interrupt [--json] [--count N]\n");
            return 2;
        }
    }
    if (count < 100)
        count = 100;

    ndis_driver *d = bmp_driver_open();
    base_initialize = d->chars.InitializeHandlerEx;
    base_halt = d->chars.HaltHandlerEx;
    d->chars.InitializeHandlerEx = ib_initialize;
    d->chars.HaltHandlerEx = ib_halt;
    ndis_adapter *a = ndis_adapter_create(d, NULL);
    simnic_config nc;
    memset(&nc, 0, sizeof nc);
    nc.index = 0;
    UCHAR mac[6] = {0x02, 0x00, 0x62, 0x49, 0x52, 0x51};
    memcpy(nc.mac, mac, 6);
    nc.link_up = true;
    ndis_nic_host_ops(a, &nc.ops.dma_map, &nc.ops.irq_raised);
    nc.ops.ctx = a;
    simnic *nic = simnic_create(&nc);
    if (!nic)
    {
        fprintf(stderr, "bench_interrupt: cannot create the simulated NIC\n");
        return 1;
    }
    ndis_adapter_attach_nic(a, nic);
    if (ndis_adapter_initialize(a) != NDIS_STATUS_SUCCESS || ndis_adapter_restart(a) != NDIS_STATUS_SUCCESS)
    {
        fprintf(stderr, "bench_interrupt: the adapter did not come up\n");
        return 1;
    }

    uint64_t *isr_to_dpc = calloc((size_t)count, sizeof *isr_to_dpc);
    uint64_t *raise_to_isr = calloc((size_t)count, sizeof *raise_to_isr);
    if (!isr_to_dpc || !raise_to_isr)
        return 1;
    bool link = true;
    int warmup = count / 10;
    uint64_t t0 = 0;
    int measured = 0;
    for (int i = 0; i < warmup + count; i++)
    {
        if (i == warmup)
            t0 = bmp_now_ns();
        uint32_t done = __atomic_load_n(&ib.done, __ATOMIC_ACQUIRE);
        uint64_t raised = bmp_now_ns();
        link = !link;
        simnic_set_link(nic, link);
        while (__atomic_load_n(&ib.done, __ATOMIC_ACQUIRE) == done)
            exec_wait_u32(&ib.done, done, -1);
        if (i >= warmup)
        {
            uint64_t isr = __atomic_load_n(&ib.isr_ns, __ATOMIC_ACQUIRE);
            uint64_t dpc = __atomic_load_n(&ib.dpc_ns, __ATOMIC_ACQUIRE);
            isr_to_dpc[measured] = dpc - isr;
            raise_to_isr[measured] = isr - raised;
            measured++;
        }
    }
    double seconds = (double)(bmp_now_ns() - t0) / 1e9;

    ndis_adapter_pause(a, NULL);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    simnic_destroy(nic);
    ndis_adapter_destroy(a);
    bool findings = bmp_findings_report("bench_interrupt");
    bmp_driver_close(d);

    qsort(isr_to_dpc, (size_t)measured, sizeof *isr_to_dpc, cmp_u64);
    qsort(raise_to_isr, (size_t)measured, sizeof *raise_to_isr, cmp_u64);
    double rate = (double)measured / seconds;
    if (json)
        printf("{\"isr_to_dpc_us_median\": %.1f, \"isr_to_dpc_us_p99\": %.1f, \"raise_to_isr_us_median\": %.1f, "
               "\"raise_to_isr_us_p99\": %.1f, \"interrupts_per_s\": %.0f, \"count\": %d}\n",
               pct(isr_to_dpc, (size_t)measured, .5) / 1e3, pct(isr_to_dpc, (size_t)measured, .99) / 1e3,
               pct(raise_to_isr, (size_t)measured, .5) / 1e3, pct(raise_to_isr, (size_t)measured, .99) / 1e3, rate,
               measured);
    else
    {
        printf("interrupts through the simulated NIC, one at a time (%d interrupts)\n", measured);
        printf("  %-36s %10s %10s\n", "(us)", "median", "p99");
        printf("  %-36s %10.1f %10.1f\n", "ISR start -> DPC start", pct(isr_to_dpc, (size_t)measured, .5) / 1e3,
               pct(isr_to_dpc, (size_t)measured, .99) / 1e3);
        printf("  %-36s %10.1f %10.1f\n", "line raised -> ISR start", pct(raise_to_isr, (size_t)measured, .5) / 1e3,
               pct(raise_to_isr, (size_t)measured, .99) / 1e3);
        printf("  interrupts per second (raise, ISR, DPC, unmask): %.0f\n", rate);
    }
    free(isr_to_dpc);
    free(raise_to_isr);
    return findings ? 1 : 0;
}

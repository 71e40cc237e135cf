/* Interrupts: NdisMRegisterInterruptEx, NdisMDeregisterInterruptEx, NdisMSynchronizeWithInterruptEx,
 * NdisMQueueDpc(Ex), and the host end of the simulated NIC's interrupt line.
 *
 * Each registered interrupt is a host object with its own interrupt thread (bound to the emulated
 * processor of the resource's affinity) and one KDPC per emulated processor. The NIC's line going
 * up wakes the thread, which calls MiniportInterrupt at DIRQL under the interrupt's spin lock for as
 * long as the level-triggered line stays asserted; the DPCs the ISR asks for run MiniportInterruptDPC
 * at DISPATCH_LEVEL on the processors' DPC threads (the kernel's DPC queues).
 *
 * Semantics, as documented:
 *  - NdisMRegisterInterruptEx: PASSIVE_LEVEL, from MiniportInitializeEx after the registration
 *    attributes (IN-02, IN-07); the ISR, DPC, disable and enable handlers are required, and the four
 *    MSI handlers too when MsiSupported (IT-01). NDIS may grant line-based interrupts to an MSI
 *    driver; the host always does (InterruptType = NDIS_CONNECT_LINE_BASED, MessageInfoTable NULL),
 *    which exercises that fallback. The ISR can run before the call returns (IN-06).
 *  - MiniportInterrupt: DPCs are queued as QueueDefaultInterruptDpc (the current processor) or
 *    TargetProcessors say, whatever the ISR returns.
 *  - NdisMQueueDpc(Ex): any IRQL; one DPC per processor at a time; returns the processors a DPC was
 *    queued on (a processor that already had one queued is left out).
 *  - MiniportInterruptDPC gets an NDIS_RECEIVE_THROTTLE_PARAMETERS with MaxNblsToIndicate
 *    NDIS_INDICATE_ALL_NBLS; if the DPC sets MoreNblsPending, NDIS calls it again.
 *  - NdisMSynchronizeWithInterruptEx: <= DIRQL; the function runs at DIRQL holding the interrupt's
 *    spin lock, exclusive with MiniportInterrupt, and its result is returned. Forbidden once the
 *    interrupt is deregistered (IT-02; the function is not called).
 *  - NdisMDeregisterInterruptEx: PASSIVE_LEVEL, from initialize or halt, with a handle from a
 *    successful registration (IT-02). It waits for a running ISR and for every DPC already queued;
 *    once it returns, neither is called again. An interrupt still registered when halt returns is
 *    HA-03 (IN-04 after a failed initialize); the host then deregisters it.
 *
 * Policy:
 *  - DIRQL is IRQL 11 (irq_io.h).
 *  - an adapter with no interrupt resource (a virtual miniport) gets NDIS_STATUS_RESOURCES, the
 *    documented "insufficient resources" status, and no finding: a virtual miniport has nothing to
 *    connect, and a driver that tries must cope with the failure.
 *  - invalid characteristics fail with NDIS_STATUS_BAD_CHARACTERISTICS; MSI handlers with
 *    MsiSupported FALSE ("should be NULL") are an IT-01 warning. A second registration while one is
 *    registered is IT-01 and fails with NDIS_STATUS_RESOURCE_CONFLICT (one line interrupt per NIC).
 *  - IN-06, registration-time interrupt: *NdisInterruptHandle is NULL from the start of the call and
 *    set only when it returns. Before returning, the host calls MiniportInterrupt once on the
 *    registering thread (a shared-line interrupt: the NIC did not necessarily raise it) and waits up
 *    to 5 s for the DPCs it asked for to run. The driver is "not ready" when that ISR or DPC uses
 *    what the registration has not given it yet: an NDIS interrupt call with the not-yet-returned
 *    (NULL) handle, or a port or register access outside every registered/mapped range; those are
 *    reported as IN-06 instead of AP-01/IT-02. A crash there is reported by the isolation layer as a
 *    HOST-01 in MiniportInterrupt whose backtrace runs through NdisMRegisterInterruptEx and the
 *    driver's MiniportInitializeEx (the injected call is made on the registering thread for that).
 *  - from ndis_interrupt_before_halt (called before MiniportHaltEx) until deregistration the host
 *    injects a spurious MiniportInterrupt call every 2 ms (HA-03: the ISR can preempt halt).
 *  - interrupt storm (the level-triggered line stays asserted): after 1000 consecutive ISR calls
 *    spanning at least 500 ms with the line never dropping, the host reports it (Windows stops with
 *    bug check 0xF2 HARDWARE_INTERRUPT_STORM) naming whether the ISR did not claim the interrupt, or
 *    claimed it without dismissing it, or the NIC asserts with no enabled cause; it then stops
 *    calling the ISR until the NIC raises the line again, so the host never hangs. The rule is IT-03
 *    once the rule table has it (requested), HOST-01 (a hang) until then.
 *  - an ISR that claims (returns TRUE) an injected interrupt its NIC did not raise (line down, ICR 0,
 *    no edge meanwhile) breaks "MiniportInterrupt must still return the correct value": IT-03 when
 *    the rule table has it; not reported before.
 *  - NdisMDeregisterInterruptEx at a raised IRQL is IQ-01 and does nothing (waiting for the ISR and
 *    the DPCs there could deadlock); from another callback it is IT-02 and is carried out; a handle
 *    already deregistered, or never registered, is IT-02. It warns (HA-03, [inferred]) when the NIC
 *    still has interrupts enabled (IMR != 0) unless the NIC was surprise-removed.
 *  - NdisMSynchronizeWithInterruptEx with the interrupt's spin lock already held by the caller (from
 *    the ISR or a synchronize function) is IQ-03 (a deadlock on Windows); the function is then run
 *    without taking the lock again. An unknown handle is AP-01; a deregistered one IT-02.
 *  - NdisMQueueDpc(Ex) with a deregistered handle is IT-02, an unknown one AP-01; both queue nothing.
 *    Processors beyond the emulated ones, or another processor group, are not scheduled. Requests
 *    made while a deregistration is in progress queue nothing.
 *  - after the adapter's instance ended (halt returned with the interrupt still registered, HA-03),
 *    the host no longer calls the ISR or the DPC: the driver's context is presumed freed. */
#include "irq_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../device/simnic.h"
#include "../kernel/kernel_internal.h"
#include "call_driver.h"
#include "ndis_host.h"

#define IRQ_MAGIC 0x51524e49u /* 'INRQ' */
#define IRQ_REGISTRATION_DPC_WAIT_NS (5ull * 1000000000ull)

enum
{
    IRQ_REGISTERING = 0, /* inside NdisMRegisterInterruptEx */
    IRQ_REGISTERED,
    IRQ_DEREGISTERING, /* the ISR no longer runs; queued DPCs are drained */
    IRQ_DEAD,          /* deregistered: the handle is stale, the object stays until the device goes */
};

typedef struct ndis_interrupt ndis_interrupt;

typedef struct irq_dpc
{
    KDPC kdpc;
    ndis_interrupt *it;
    unsigned cpu;
} irq_dpc;

struct ndis_interrupt
{
    uint32_t magic;
    vf_res res; /* VF_RES_INTERRUPT, key: this object (the handle the driver gets) */
    ndis_adapter *a;
    vf_owner *owner;
    NDIS_HANDLE ctx;
    MINIPORT_ISR_HANDLER isr;
    MINIPORT_INTERRUPT_DPC_HANDLER dpc;
    struct simnic *nic;
    unsigned cpu; /* processor the interrupt is delivered on */
    uint32_t phase;
    exec_mutex qlock;        /* phase changes against DPC insertion */
    exec_mutex ilock;        /* the interrupt spin lock: ISR and synchronize functions */
    const void *ilock_owner; /* the holder's thread token */
    exec_thread *thread;
    uint32_t wake_word; /* bumped by line raises, halt start and stop requests */
    uint32_t stop;
    uint32_t masked;  /* after a storm: not serviced until the next rising edge */
    uint32_t halting; /* MiniportHaltEx is about to run or running */
    uint32_t storm_reported, spurious_reported;
    unsigned ncpu;
    irq_dpc *dpcs;
    uint32_t dpc_queued, dpc_done; /* dpc_done is also a wait word */
    ndis_interrupt *next_all;      /* every object of every adapter (stale-handle recognition) */
    ndis_interrupt *next_adapter;
};

struct ndis_irq_state
{
    ndis_interrupt *live; /* the registered interrupt; NULL when none */
    ndis_interrupt *all;  /* every object of this device, dead ones included */
};

static exec_mutex g_lock = EXEC_MUTEX_INIT; /* g_all, the adapters' lists and lazy state */
static ndis_interrupt *g_all;
static __thread ndis_interrupt *tls_running; /* whose ISR, DPC or synchronize function runs here */
static __thread char tls_anchor;
static unsigned g_storm_calls = 1000;
static uint64_t g_storm_ns = 500ull * 1000000ull;
static uint64_t g_halt_period_ns = 2ull * 1000000ull;

void ndis_interrupt_set_storm_limits(unsigned calls, uint64_t ns)
{
    __atomic_store_n(&g_storm_calls, calls, __ATOMIC_RELAXED);
    __atomic_store_n(&g_storm_ns, ns, __ATOMIC_RELAXED);
}

void ndis_interrupt_set_halt_injection_period(uint64_t ns)
{
    __atomic_store_n(&g_halt_period_ns, ns, __ATOMIC_RELAXED);
}

static uint32_t phase_of(const ndis_interrupt *it)
{
    return __atomic_load_n(&it->phase, __ATOMIC_ACQUIRE);
}

static void wake_thread(ndis_interrupt *it)
{
    __atomic_add_fetch(&it->wake_word, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&it->wake_word, INT32_MAX);
}

vf_owner *ndis_irq_unready_owner(void)
{
    ndis_interrupt *it = tls_running;
    return it && phase_of(it) == IRQ_REGISTERING ? it->owner : NULL;
}

/* The instance the interrupt belongs to is still alive (the adapter state is read atomically; the
 * owner's dead flag is not meant for other threads). */
static bool instance_alive(const ndis_interrupt *it)
{
    ndis_adapter_state s = ndis_adapter_get_state(it->a);
    return s != NDIS_ADAPTER_HALTED && s != NDIS_ADAPTER_SHUTDOWN;
}

static bool isr_may_run(const ndis_interrupt *it)
{
    uint32_t ph = phase_of(it);
    return (ph == IRQ_REGISTERING || ph == IRQ_REGISTERED) && instance_alive(it);
}

/* ---- the interrupt spin lock ---------------------------------------------------------------------- */

static void irq_lock(ndis_interrupt *it)
{
    exec_mutex_lock(&it->ilock);
    __atomic_store_n(&it->ilock_owner, &tls_anchor, __ATOMIC_RELAXED);
}

static void irq_unlock(ndis_interrupt *it)
{
    __atomic_store_n(&it->ilock_owner, NULL, __ATOMIC_RELAXED);
    exec_mutex_unlock(&it->ilock);
}

static bool irq_lock_held_here(const ndis_interrupt *it)
{
    return __atomic_load_n(&it->ilock_owner, __ATOMIC_RELAXED) == &tls_anchor;
}

/* ---- DPCs ------------------------------------------------------------------------------------------- */

static bool irq_queue_dpc(ndis_interrupt *it, unsigned cpu, void *dpc_context)
{
    bool queued = false;
    exec_mutex_lock(&it->qlock);
    uint32_t ph = it->phase;
    if ((ph == IRQ_REGISTERING || ph == IRQ_REGISTERED) && cpu < it->ncpu)
    {
        queued = kernel_dpc_insert(&it->dpcs[cpu].kdpc, dpc_context, NULL, it->owner);
        if (queued)
            __atomic_add_fetch(&it->dpc_queued, 1, __ATOMIC_RELEASE);
    }
    exec_mutex_unlock(&it->qlock);
    return queued;
}

static VOID irq_dpc_routine(PKDPC kdpc, PVOID context, PVOID arg1, PVOID arg2)
{
    (void)kdpc;
    (void)arg2;
    irq_dpc *d = context;
    ndis_interrupt *it = d->it;
    if (instance_alive(it))
    {
        NDIS_RECEIVE_THROTTLE_PARAMETERS throttle;
        memset(&throttle, 0, sizeof throttle);
        throttle.MaxNblsToIndicate = NDIS_INDICATE_ALL_NBLS;
        ndis_interrupt *prev = tls_running;
        tls_running = it;
        NDIS_CALL_DRIVER(it->owner, VF_CB_INTERRUPT_DPC, DISPATCH_LEVEL, it->dpc(it->ctx, arg1, &throttle, NULL));
        tls_running = prev;
        if (throttle.MoreNblsPending)
            irq_queue_dpc(it, d->cpu, arg1);
    }
    __atomic_add_fetch(&it->dpc_done, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&it->dpc_done, INT32_MAX);
}

/* ---- calling the ISR ---------------------------------------------------------------------------------- */

static BOOLEAN irq_call_isr(ndis_interrupt *it)
{
    BOOLEAN queue_default = FALSE, claimed = FALSE;
    ULONG targets = 0;
    ndis_interrupt *prev = tls_running;
    tls_running = it;
    irq_lock(it);
    NDIS_CALL_DRIVER(it->owner, VF_CB_ISR, NDIS_IRQ_DIRQL, claimed = it->isr(it->ctx, &queue_default, &targets));
    irq_unlock(it);
    tls_running = prev;
    /* As documented: whatever the ISR returned. */
    if (queue_default)
        irq_queue_dpc(it, kernel_current_processor() % it->ncpu, NULL);
    else
        for (unsigned i = 0; i < 32 && i < it->ncpu; i++)
            if (targets & (1u << i))
                irq_queue_dpc(it, i, NULL);
    return claimed;
}

static const char *irq_storm_rule(void)
{
    return vf_rule_find("IT-03") ? "IT-03" : VF_RULE_HOST_ERROR;
}

static void irq_report_storm(ndis_interrupt *it, unsigned calls, unsigned unclaimed, uint64_t ns)
{
    if (__atomic_exchange_n(&it->storm_reported, 1, __ATOMIC_ACQ_REL))
        return;
    uint32_t icr = simnic_mmio_read(it->nic, SIMNIC_REG_ICR, 4);
    uint32_t imr = simnic_mmio_read(it->nic, SIMNIC_REG_IMR, 4);
    char why[256];
    if (unclaimed == calls)
        snprintf(why, sizeof why,
                 "MiniportInterrupt returned FALSE every time (the driver did not recognise its NIC's interrupt, so "
                 "it never dismissed it; ICR 0x%08X, IMR 0x%08X)",
                 icr, imr);
    else if ((icr & imr) != 0)
        snprintf(why, sizeof why,
                 "MiniportInterrupt claimed the interrupt %u of %u times without dismissing it (ICR 0x%08X & IMR "
                 "0x%08X still set after it returned)",
                 calls - unclaimed, calls, icr, imr);
    else
        snprintf(why, sizeof why, "the NIC kept the line asserted with no enabled cause (ICR 0x%08X, IMR 0x%08X)", icr,
                 imr);
    vf_report(irq_storm_rule(), it->owner, VF_CB_ISR, (void *)it->isr,
              "interrupt storm: the level-triggered line of %s stayed asserted through %u consecutive "
              "MiniportInterrupt calls (%.0f ms): %s. Windows stops with bug check 0xF2 HARDWARE_INTERRUPT_STORM; "
              "the host stops calling MiniportInterrupt until the NIC raises the line again",
              it->a->name, calls, (double)ns / 1e6, why);
}

/* The line is up: the ISR runs until it drops (level-triggered), or a storm is detected. */
static void irq_service_line(ndis_interrupt *it)
{
    uint64_t start = exec_now_ns();
    unsigned calls = 0, unclaimed = 0;
    unsigned limit_calls = __atomic_load_n(&g_storm_calls, __ATOMIC_RELAXED);
    uint64_t limit_ns = __atomic_load_n(&g_storm_ns, __ATOMIC_RELAXED);
    while (!__atomic_load_n(&it->stop, __ATOMIC_ACQUIRE) && isr_may_run(it))
    {
        if (!irq_call_isr(it))
            unclaimed++;
        calls++;
        if (!simnic_irq_pending(it->nic))
            return;
        uint64_t ns = exec_now_ns() - start;
        if (calls >= limit_calls && ns >= limit_ns)
        {
            __atomic_store_n(&it->masked, 1, __ATOMIC_RELEASE);
            irq_report_storm(it, calls, unclaimed, ns);
            return;
        }
        /* Let the DPC that dismisses the interrupt (another processor) get at the NIC. */
        exec_yield();
    }
}

/* Calls the ISR for an interrupt the NIC did not necessarily raise (a shared line), and judges the
 * answer when the NIC certainly had nothing to report. */
static void irq_inject_spurious(ndis_interrupt *it, const char *when)
{
    bool judge = !simnic_is_removed(it->nic) && !simnic_irq_pending(it->nic) &&
                 simnic_mmio_read(it->nic, SIMNIC_REG_ICR, 4) == 0;
    uint32_t edges = __atomic_load_n(&it->wake_word, __ATOMIC_ACQUIRE);
    BOOLEAN claimed = irq_call_isr(it);
    judge =
        judge && claimed && __atomic_load_n(&it->wake_word, __ATOMIC_ACQUIRE) == edges && !simnic_irq_pending(it->nic);
    if (judge && vf_rule_find("IT-03") && !__atomic_exchange_n(&it->spurious_reported, 1, __ATOMIC_ACQ_REL))
        vf_report("IT-03", it->owner, VF_CB_ISR, (void *)it->isr,
                  "MiniportInterrupt returned TRUE for an interrupt its NIC did not raise (line deasserted, ICR 0), "
                  "called %s: on a shared line that claims another device's interrupt",
                  when);
}

static void irq_thread_main(void *arg)
{
    ndis_interrupt *it = arg;
    kernel_processor_bind(it->cpu);
    uint64_t next_inject = 0;
    for (;;)
    {
        uint32_t w = __atomic_load_n(&it->wake_word, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&it->stop, __ATOMIC_ACQUIRE))
            return;
        bool run = isr_may_run(it);
        if (run && !__atomic_load_n(&it->masked, __ATOMIC_ACQUIRE) && simnic_irq_pending(it->nic))
        {
            irq_service_line(it);
            continue;
        }
        int64_t timeout = -1;
        if (run && phase_of(it) == IRQ_REGISTERED && __atomic_load_n(&it->halting, __ATOMIC_ACQUIRE))
        {
            uint64_t now = exec_now_ns();
            if (now >= next_inject)
            {
                irq_inject_spurious(it, "while MiniportHaltEx runs");
                next_inject = now + __atomic_load_n(&g_halt_period_ns, __ATOMIC_RELAXED);
                continue;
            }
            timeout = (int64_t)(next_inject - now);
        }
        exec_wait_u32(&it->wake_word, w, timeout);
    }
}

/* ---- objects ------------------------------------------------------------------------------------- */

static ndis_irq_state *irq_state(ndis_adapter *a)
{
    ndis_irq_state *s = __atomic_load_n(&a->irq, __ATOMIC_ACQUIRE);
    if (s)
        return s;
    exec_mutex_lock(&g_lock);
    s = a->irq;
    if (!s)
    {
        s = calloc(1, sizeof *s);
        if (!s)
            abort();
        __atomic_store_n(&a->irq, s, __ATOMIC_RELEASE);
    }
    exec_mutex_unlock(&g_lock);
    return s;
}

/* Stops the ISR, drains the DPCs, waits out a synchronize function: after this nothing of the
 * driver's interrupt code runs again. Called at PASSIVE_LEVEL on a thread that is neither the
 * interrupt thread nor a DPC thread. */
static void irq_teardown(ndis_interrupt *it)
{
    exec_mutex_lock(&it->qlock);
    if (it->phase == IRQ_DEAD)
    {
        exec_mutex_unlock(&it->qlock);
        return;
    }
    __atomic_store_n(&it->phase, IRQ_DEREGISTERING, __ATOMIC_RELEASE);
    exec_mutex_unlock(&it->qlock);
    __atomic_store_n(&it->stop, 1, __ATOMIC_RELEASE);
    wake_thread(it);
    if (it->thread)
    {
        exec_thread_join(it->thread);
        it->thread = NULL;
    }
    for (unsigned i = 0; i < it->ncpu; i++)
        kernel_dpc_wait_idle(&it->dpcs[i].kdpc);
    irq_lock(it);
    irq_unlock(it);
    exec_mutex_lock(&g_lock);
    ndis_irq_state *s = it->a->irq;
    if (s && s->live == it)
        __atomic_store_n(&s->live, NULL, __ATOMIC_RELEASE);
    exec_mutex_unlock(&g_lock);
    __atomic_store_n(&it->phase, IRQ_DEAD, __ATOMIC_RELEASE);
}

/* Leftover at halt return / failed initialize (HA-03 / IN-04 reported by the ledger). */
static void irq_reclaim(vf_res *r)
{
    irq_teardown(CONTAINING_RECORD(r, ndis_interrupt, res));
}

static void irq_free(ndis_interrupt *it)
{
    exec_mutex_lock(&g_lock);
    for (ndis_interrupt **p = &g_all; *p; p = &(*p)->next_all)
        if (*p == it)
        {
            *p = it->next_all;
            break;
        }
    exec_mutex_unlock(&g_lock);
    free(it->dpcs);
    it->magic = 0;
    free(it);
}

/* A live (registered or deregistering) interrupt, or NULL; *dead tells a stale handle from a foreign
 * one. Never dereferences a pointer the host did not hand out. */
static ndis_interrupt *irq_from_handle(NDIS_HANDLE h, bool *dead)
{
    *dead = false;
    if (!h)
        return NULL;
    vf_res *r = vf_ledger_find(VF_RES_INTERRUPT, h);
    if (r)
    {
        ndis_interrupt *it = CONTAINING_RECORD(r, ndis_interrupt, res);
        if ((void *)it == h && it->magic == IRQ_MAGIC)
            return it;
    }
    exec_mutex_lock(&g_lock);
    for (ndis_interrupt *i = g_all; i; i = i->next_all)
        if ((void *)i == h)
        {
            *dead = true;
            break;
        }
    exec_mutex_unlock(&g_lock);
    return NULL;
}

static void irq_bad_handle(NDIS_HANDLE h, bool dead, const char *api, void *site, const char *consequence)
{
    vf_owner *unready = ndis_irq_unready_owner();
    if (unready)
    {
        vf_report("IN-06", unready, VF_CB_NONE, site,
                  "%s called with interrupt handle %p from %s while NdisMRegisterInterruptEx had not yet returned "
                  "the handle: the driver's interrupt code was not ready for an interrupt during its registration%s",
                  api, h, vf_callback_name(vf_current_callback()), consequence);
        return;
    }
    if (dead)
        vf_report("IT-02", NULL, VF_CB_NONE, site, "%s with interrupt handle %p after NdisMDeregisterInterruptEx%s",
                  api, h, consequence);
    else
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "%s with %p, which is not an interrupt handle NdisMRegisterInterruptEx returned%s", api, h,
                  consequence);
}

/* ---- registration ---------------------------------------------------------------------------------- */

static void append(char *buf, size_t len, const char *name)
{
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

static bool irq_chars_valid(ndis_adapter *a, const NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS *c, void *site)
{
    static const char api[] = "NdisMRegisterInterruptEx";
    if (!c)
    {
        vf_report("IT-01", a->owner, VF_CB_NONE, site, "%s with NULL interrupt characteristics", api);
        return false;
    }
    if (c->Header.Type != NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT ||
        c->Header.Revision < NDIS_MINIPORT_INTERRUPT_REVISION_1 ||
        c->Header.Size < NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1)
    {
        vf_report("IT-01", a->owner, VF_CB_NONE, site,
                  "%s: bad NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS header (Type 0x%02X, Revision %u, Size %u): "
                  "expected Type NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT (0x%02X), Revision >= %u, Size >= %u",
                  api, c->Header.Type, c->Header.Revision, c->Header.Size, NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT,
                  NDIS_MINIPORT_INTERRUPT_REVISION_1,
                  (unsigned)NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1);
        return false;
    }
    char missing[256] = "";
    if (!c->InterruptHandler)
        append(missing, sizeof missing, "InterruptHandler (MiniportInterrupt)");
    if (!c->InterruptDpcHandler)
        append(missing, sizeof missing, "InterruptDpcHandler (MiniportInterruptDPC)");
    if (!c->DisableInterruptHandler)
        append(missing, sizeof missing, "DisableInterruptHandler (MiniportDisableInterruptEx)");
    if (!c->EnableInterruptHandler)
        append(missing, sizeof missing, "EnableInterruptHandler (MiniportEnableInterruptEx)");
    if (c->MsiSupported)
    {
        if (!c->MessageInterruptHandler)
            append(missing, sizeof missing, "MessageInterruptHandler");
        if (!c->MessageInterruptDpcHandler)
            append(missing, sizeof missing, "MessageInterruptDpcHandler");
        if (!c->DisableMessageInterruptHandler)
            append(missing, sizeof missing, "DisableMessageInterruptHandler");
        if (!c->EnableMessageInterruptHandler)
            append(missing, sizeof missing, "EnableMessageInterruptHandler");
    }
    if (missing[0])
    {
        vf_report("IT-01", a->owner, VF_CB_NONE, site,
                  "%s: NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS lacks %s; the line-based handlers are required%s; "
                  "NDIS_STATUS_BAD_CHARACTERISTICS",
                  api, missing, c->MsiSupported ? ", and with MsiSupported the four MSI handlers too" : "");
        return false;
    }
    if (!c->MsiSupported && (c->MessageInterruptHandler || c->MessageInterruptDpcHandler ||
                             c->DisableMessageInterruptHandler || c->EnableMessageInterruptHandler))
        vf_report_sev("IT-01", VF_SEV_WARNING, a->owner, VF_CB_NONE, site,
                      "%s: MsiSupported is FALSE but MSI handlers are set; they should be NULL", api);
    return true;
}

static const CM_PARTIAL_RESOURCE_DESCRIPTOR *irq_resource(const ndis_adapter *a)
{
    const CM_PARTIAL_RESOURCE_LIST *list = a->resources;
    if (!list || !a->nic)
        return NULL;
    for (ULONG i = 0; i < list->Count; i++)
        if (list->PartialDescriptors[i].Type == CmResourceTypeInterrupt)
            return &list->PartialDescriptors[i];
    return NULL;
}

/* IN-06: one interrupt before the registration returns, and the DPCs it asked for. */
static void irq_inject_at_registration(ndis_interrupt *it)
{
    irq_inject_spurious(it, "by NDIS before NdisMRegisterInterruptEx returned");
    uint32_t target = __atomic_load_n(&it->dpc_queued, __ATOMIC_ACQUIRE);
    uint64_t deadline = exec_now_ns() + IRQ_REGISTRATION_DPC_WAIT_NS;
    for (;;)
    {
        uint32_t done = __atomic_load_n(&it->dpc_done, __ATOMIC_ACQUIRE);
        if ((int32_t)(done - target) >= 0)
            return;
        uint64_t now = exec_now_ns();
        if (now >= deadline)
            return;
        exec_wait_u32(&it->dpc_done, done, (int64_t)(deadline - now));
    }
}

NDIS_STATUS NdisMRegisterInterruptEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
                                     PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS MiniportInterruptCharacteristics,
                                     PNDIS_HANDLE NdisInterruptHandle)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMRegisterInterruptEx";
    vf_check_irql_eq(PASSIVE_LEVEL, api, site);
    if (!NdisInterruptHandle)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL NdisInterruptHandle", api);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    *NdisInterruptHandle = NULL;
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return NDIS_STATUS_FAILURE;
    if (!ndis_hw_claim_check(a, api, site, NDIS_CLAIM_INIT_ONLY | NDIS_CLAIM_NEEDS_REG_ATTRS))
        return NDIS_STATUS_FAILURE;
    PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS c = MiniportInterruptCharacteristics;
    if (!irq_chars_valid(a, c, site))
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *res = irq_resource(a);
    if (!res)
        return NDIS_STATUS_RESOURCES;
    ndis_irq_state *s = irq_state(a);
    ndis_interrupt *live = __atomic_load_n(&s->live, __ATOMIC_ACQUIRE);
    if (live)
    {
        vf_report("IT-01", a->owner, VF_CB_NONE, site,
                  "%s while interrupt %p of %s is still registered: a NIC has one line interrupt; "
                  "NDIS_STATUS_RESOURCE_CONFLICT",
                  api, (void *)live, a->name);
        return NDIS_STATUS_RESOURCE_CONFLICT;
    }
    if (vf_should_fail("NdisMRegisterInterruptEx", site))
        return NDIS_STATUS_RESOURCES;

    ndis_interrupt *it = calloc(1, sizeof *it);
    unsigned ncpu = exec_processor_count();
    irq_dpc *dpcs = calloc(ncpu, sizeof *dpcs);
    if (!it || !dpcs)
    {
        free(it);
        free(dpcs);
        return NDIS_STATUS_RESOURCES;
    }
    it->magic = IRQ_MAGIC;
    it->a = a;
    it->owner = a->owner;
    it->ctx = MiniportInterruptContext;
    it->isr = c->InterruptHandler;
    it->dpc = c->InterruptDpcHandler;
    it->nic = a->nic;
    it->ncpu = ncpu;
    it->dpcs = dpcs;
    KAFFINITY affinity = res->u.Interrupt.Affinity;
    for (unsigned i = 0; i < ncpu && i < 64; i++)
        if (affinity & ((KAFFINITY)1 << i))
        {
            it->cpu = i;
            break;
        }
    for (unsigned i = 0; i < ncpu; i++)
    {
        dpcs[i].it = it;
        dpcs[i].cpu = i;
        kernel_dpc_init_host(&dpcs[i].kdpc, irq_dpc_routine, &dpcs[i]);
        dpcs[i].kdpc.Number = (USHORT)(i + 1);
    }
    it->phase = IRQ_REGISTERING;
    it->res.kind = VF_RES_INTERRUPT;
    it->res.key = it;
    it->res.reclaim = irq_reclaim;

    /* Granted: a line-based interrupt, MSI or not. */
    c->InterruptType = NDIS_CONNECT_LINE_BASED;
    c->MessageInfoTable = NULL;

    exec_mutex_lock(&g_lock);
    it->next_all = g_all;
    g_all = it;
    it->next_adapter = s->all;
    s->all = it;
    __atomic_store_n(&s->live, it, __ATOMIC_RELEASE);
    exec_mutex_unlock(&g_lock);
    vf_ledger_insert(&it->res, a->owner, site);

    char name[32];
    snprintf(name, sizeof name, "ndis-irq%u", a->index);
    if (exec_thread_start(&it->thread, name, irq_thread_main, it) != 0)
    {
        it->thread = NULL;
        irq_teardown(it);
        vf_ledger_remove(&it->res);
        return NDIS_STATUS_RESOURCES;
    }
    irq_inject_at_registration(it);

    exec_mutex_lock(&it->qlock);
    __atomic_store_n(&it->phase, IRQ_REGISTERED, __ATOMIC_RELEASE);
    exec_mutex_unlock(&it->qlock);
    *NdisInterruptHandle = it;
    return NDIS_STATUS_SUCCESS;
}

/* ---- deregistration ----------------------------------------------------------------------------------- */

VOID NdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMDeregisterInterruptEx";
    if (!vf_check_irql_eq(PASSIVE_LEVEL, api, site))
        return;
    bool dead;
    ndis_interrupt *it = irq_from_handle(NdisInterruptHandle, &dead);
    if (!it)
    {
        vf_owner *unready = ndis_irq_unready_owner();
        if (unready || !dead)
            vf_report("IT-02", unready, VF_CB_NONE, site,
                      "%s with %p, which is not an interrupt handle a successful NdisMRegisterInterruptEx returned",
                      api, NdisInterruptHandle);
        else
            vf_report("IT-02", NULL, VF_CB_NONE, site,
                      "%s with interrupt handle %p a second time: it was already deregistered", api,
                      NdisInterruptHandle);
        return;
    }
    if (phase_of(it) != IRQ_REGISTERED)
    {
        vf_report("IT-02", it->owner, VF_CB_NONE, site, "%s with interrupt handle %p while %s", api,
                  NdisInterruptHandle,
                  phase_of(it) == IRQ_REGISTERING ? "its NdisMRegisterInterruptEx has not returned"
                                                  : "another deregistration of it is in progress");
        return;
    }
    if (!vf_in_callback_mask((1ull << VF_CB_INITIALIZE) | (1ull << VF_CB_HALT)))
    {
        vf_callback cb = vf_current_callback();
        vf_report("IT-02", it->owner, VF_CB_NONE, site,
                  "%s called from %s; it may only be called from MiniportInitializeEx or MiniportHaltEx", api,
                  cb == VF_CB_NONE ? "a thread outside any miniport callback" : vf_callback_name(cb));
    }
    if (!simnic_is_removed(it->nic))
    {
        /* All ones: the register did not answer (decode off); no claim either way. */
        uint32_t imr = simnic_mmio_read(it->nic, SIMNIC_REG_IMR, 4);
        if (imr != 0 && imr != 0xFFFFFFFFu && !simnic_is_removed(it->nic))
            vf_report_sev("HA-03", VF_SEV_WARNING, it->owner, VF_CB_NONE, site,
                          "%s while the NIC still has interrupts enabled (IMR 0x%08X): stop the device raising "
                          "interrupts before deregistering",
                          api, imr);
    }
    irq_teardown(it);
    vf_ledger_remove(&it->res);
}

/* ---- synchronize, queue DPC ------------------------------------------------------------------------- */

BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                        MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction,
                                        PVOID SynchronizeContext)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMSynchronizeWithInterruptEx";
    (void)MessageId; /* line-based: ignored, as documented */
    vf_check_irql_max(NDIS_IRQ_DIRQL, api, site);
    bool dead;
    ndis_interrupt *it = irq_from_handle(NdisInterruptHandle, &dead);
    if (!it)
    {
        irq_bad_handle(NdisInterruptHandle, dead, api, site, "; the synchronize function was not called");
        return FALSE;
    }
    if (!SynchronizeFunction)
    {
        vf_report("AP-02", it->owner, VF_CB_NONE, site, "%s with a NULL SynchronizeFunction", api);
        return FALSE;
    }
    BOOLEAN r = FALSE;
    if (irq_lock_held_here(it))
    {
        vf_report("IQ-03", it->owner, VF_CB_NONE, site,
                  "%s while this thread already holds the interrupt's spin lock (from MiniportInterrupt or a "
                  "MiniportSynchronizeInterrupt of the same interrupt): a deadlock on Windows; the function ran "
                  "without taking the lock again",
                  api);
        NDIS_CALL_DRIVER(it->owner, VF_CB_SYNC_INTERRUPT, NDIS_IRQ_DIRQL, r = SynchronizeFunction(SynchronizeContext));
        return r;
    }
    ndis_interrupt *prev = tls_running;
    tls_running = it;
    irq_lock(it);
    NDIS_CALL_DRIVER(it->owner, VF_CB_SYNC_INTERRUPT, NDIS_IRQ_DIRQL, r = SynchronizeFunction(SynchronizeContext));
    irq_unlock(it);
    tls_running = prev;
    return r;
}

static KAFFINITY irq_queue_mask(NDIS_HANDLE h, KAFFINITY mask, PVOID ctx, const char *api, void *site)
{
    bool dead;
    ndis_interrupt *it = irq_from_handle(h, &dead);
    if (!it)
    {
        irq_bad_handle(h, dead, api, site, "; no DPC was queued");
        return 0;
    }
    KAFFINITY queued = 0;
    for (unsigned i = 0; i < it->ncpu && i < 64; i++)
        if ((mask & ((KAFFINITY)1 << i)) && irq_queue_dpc(it, i, ctx))
            queued |= (KAFFINITY)1 << i;
    return queued;
}

ULONG NdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors, PVOID MiniportDpcContext)
{
    void *site = VF_SITE();
    (void)MessageId;
    return (ULONG)irq_queue_mask(NdisInterruptHandle, TargetProcessors, MiniportDpcContext, "NdisMQueueDpc", site);
}

KAFFINITY NdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, PGROUP_AFFINITY TargetProcessors,
                          PVOID MiniportDpcContext)
{
    void *site = VF_SITE();
    (void)MessageId;
    if (!TargetProcessors)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisMQueueDpcEx with NULL TargetProcessors");
        return 0;
    }
    if (TargetProcessors->Group != 0)
        return 0; /* one processor group */
    return irq_queue_mask(NdisInterruptHandle, TargetProcessors->Mask, MiniportDpcContext, "NdisMQueueDpcEx", site);
}

/* ---- hooks for the adapter and the NIC (hardware.h) ---------------------------------------------------- */

static ndis_interrupt *live_of(ndis_adapter *a)
{
    ndis_irq_state *s = __atomic_load_n(&a->irq, __ATOMIC_ACQUIRE);
    return s ? __atomic_load_n(&s->live, __ATOMIC_ACQUIRE) : NULL;
}

void ndis_interrupt_line_raised(ndis_adapter *a)
{
    ndis_interrupt *it = live_of(a);
    if (!it)
        return;
    __atomic_store_n(&it->masked, 0, __ATOMIC_RELEASE);
    wake_thread(it);
}

void ndis_interrupt_before_halt(ndis_adapter *a)
{
    ndis_interrupt *it = live_of(a);
    if (!it)
        return;
    __atomic_store_n(&it->halting, 1, __ATOMIC_RELEASE);
    wake_thread(it);
}

void ndis_interrupt_adapter_destroy(ndis_adapter *a)
{
    ndis_irq_state *s = a->irq;
    if (!s)
        return;
    for (;;)
    {
        exec_mutex_lock(&g_lock);
        ndis_interrupt *it = s->all;
        if (it)
            s->all = it->next_adapter;
        exec_mutex_unlock(&g_lock);
        if (!it)
            break;
        if (phase_of(it) != IRQ_DEAD)
        {
            irq_teardown(it);
            vf_ledger_remove(&it->res);
        }
        irq_free(it);
    }
    free(s);
    a->irq = NULL;
}

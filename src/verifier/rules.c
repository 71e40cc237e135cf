/* The rule table: every rule of the NDIS contract catalog (shared/docs/ndis-contract.md section 1)
 * as data. Ids never change meaning. `checked` says whether this host detects the rule today:
 * flip it here, and in docs/rules.md, when a check lands (test_verifier_rules_doc compares them).
 * Titles are paraphrases; `doc` is the public page of the catalog's first source for the rule. */
#include "verifier/vf_internal.h"

#include <string.h>

/* clang-format off */
static const vf_rule rules[] = {
    {"LC-01", VF_SEV_ERROR, "MiniportHaltEx is called only for a Paused adapter",
     "https://learn.microsoft.com/windows-hardware/drivers/network/miniport-adapter-states-and-operations", true},
    {"LC-02", VF_SEV_ERROR, "no OID request or send is outstanding when MiniportHaltEx is called",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halting-a-miniport-adapter", true},
    {"LC-03", VF_SEV_ERROR, "no callback and no NDIS call with the adapter handle after MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_halt", true},
    {"LC-04", VF_SEV_ERROR, "MiniportShutdownEx is terminal: no callback or NDIS call follows it",
     "https://learn.microsoft.com/windows-hardware/drivers/network/adapter-states-of-a-miniport-driver", true},
    {"LC-05", VF_SEV_ERROR, "MiniportPause returns only NDIS_STATUS_SUCCESS or NDIS_STATUS_PENDING",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/ndis-miniportpause-return", true},
    {"LC-06", VF_SEV_ERROR, "NdisMPauseComplete only once, and only after MiniportPause returned PENDING",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismpausecomplete", true},
    {"LC-07", VF_SEV_ERROR, "NdisMRestartComplete only once, and only after MiniportRestart returned PENDING",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismrestartcomplete", true},
    {"LC-08", VF_SEV_ERROR, "a failed MiniportRestart leaves the adapter Paused with nothing started",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_restart", true},
    {"LC-09", VF_SEV_ERROR, "a Paused adapter indicates no receives and completes every send with NDIS_STATUS_PAUSED",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_pause", true},
    {"LC-10", VF_SEV_ERROR, "a pause completes only when all receive indications have returned and all sends are completed",
     "https://learn.microsoft.com/windows-hardware/drivers/network/pausing-an-adapter", true},
    {"LC-11", VF_SEV_WARNING, "receives may be indicated once MiniportRestart is called; sends are accepted once it completes",
     "https://learn.microsoft.com/windows-hardware/drivers/network/starting-an-adapter", true},
    {"LC-12", VF_SEV_ERROR, "OIDs are valid from Paused to Pausing; send and receive only in Running and Pausing",
     "https://learn.microsoft.com/windows-hardware/drivers/network/miniport-adapter-states-and-operations", true},
    {"LC-13", VF_SEV_ERROR, "no other PnP operation starts while a pause or restart is in progress",
     "https://learn.microsoft.com/windows-hardware/drivers/network/pausing-an-adapter", true},
    {"LC-14", VF_SEV_WARNING, "reset does not change the adapter state; NdisMResetComplete needs a pending reset",
     "https://learn.microsoft.com/windows-hardware/drivers/network/adapter-states-of-a-miniport-driver", true},
    {"LC-15", VF_SEV_ERROR, "MiniportHaltEx may follow a successful MiniportInitializeEx directly, with no restart",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_halt", true},
    {"LC-16", VF_SEV_WARNING, "after a surprise-removal notification, sends and OIDs fail and dead hardware is not polled forever",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_device_pnp_event_notify", true},
    {"IN-01", VF_SEV_ERROR, "MiniportInitializeEx runs at PASSIVE_LEVEL and gets no request before it returns",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_initialize", true},
    {"IN-02", VF_SEV_ERROR, "registration attributes are set first, general attributes next, and general attributes are mandatory",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismsetminiportattributes", true},
    {"IN-03", VF_SEV_ERROR, "scatter-gather DMA is registered before shared memory is allocated",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_initialize", true},
    {"IN-04", VF_SEV_ERROR, "a failing MiniportInitializeEx releases everything it acquired before returning",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_initialize", true},
    {"IN-05", VF_SEV_WARNING, "MiniportInitializeEx returns a documented status (SUCCESS, NOT_ACCEPTED, RESOURCES, FAILURE)",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_initialize", true},
    {"IN-06", VF_SEV_ERROR, "the interrupt handler is ready before NdisMRegisterInterruptEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismregisterinterruptex", true},
    {"IN-07", VF_SEV_ERROR, "initialization-only calls (map I/O space, sync shared memory, registrations) come from MiniportInitializeEx",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/ndis-ndismmapiospace", true},
    {"IN-08", VF_SEV_WARNING, "a failed NdisMAllocateSharedMemory in initialization is logged with NdisWriteErrorLogEntry",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/ndis-writeerrorlog", true},
    {"IN-09", VF_SEV_WARNING, "the result of every allocation call is checked",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/ddi-usage-rule-set--ndis-", true},
    {"HA-01", VF_SEV_ERROR, "MiniportHaltEx may block at PASSIVE_LEVEL but must finish",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_halt", true},
    {"HA-02", VF_SEV_ERROR, "MiniportHaltEx releases every resource acquired for the adapter",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-03", VF_SEV_ERROR, "the interrupt is deregistered before MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_halt", true},
    {"HA-04", VF_SEV_ERROR, "every timer is cancelled (waiting for a running callback) and freed before MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-05", VF_SEV_ERROR, "every pool memory block is freed before MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-06", VF_SEV_ERROR, "every shared memory block is freed before MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-07", VF_SEV_ERROR, "every NET_BUFFER and NET_BUFFER_LIST, then their pools, are freed before MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-08", VF_SEV_ERROR, "every port the driver allocated is deactivated and freed before MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/network/freeing-an-ndis-port", true},
    {"HA-09", VF_SEV_ERROR, "I/O port ranges, mapped I/O space and DMA are released, with matching parameters, before MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-10", VF_SEV_ERROR, "work items, configuration handles, MDLs, generic objects, locks and lookaside lists are released",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/memory-usage-rule-set--ndis-", true},
    {"HA-11", VF_SEV_ERROR, "MiniportHaltEx does not return while an indicated receive is still outstanding",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-12", VF_SEV_WARNING, "MiniportHaltEx stops the NIC (interrupts and DMA off)",
     "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler", true},
    {"HA-13", VF_SEV_ERROR, "MiniportHaltEx handles every HaltAction, including surprise removal with absent hardware",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_halt", true},
    {"SD-01", VF_SEV_ERROR, "MiniportShutdownEx only quiesces the hardware and frees nothing on a bug check",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_shutdown", true},
    {"SD-02", VF_SEV_ERROR, "MiniportShutdownEx for a bug check runs at high IRQL and calls only any-IRQL functions",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_shutdown", true},
    {"SD-03", VF_SEV_ERROR, "NdisMFreeSharedMemory is not called from MiniportShutdownEx",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/ndis-ndismfreesharedmemory", true},
    {"SD-04", VF_SEV_WARNING, "a MiniportShutdownEx nested in MiniportHaltEx returns at once",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_shutdown", true},
    {"SD-05", VF_SEV_WARNING, "MiniportShutdownEx should call no Ndis functions other than register and port access",
     "https://learn.microsoft.com/windows-hardware/drivers/network/miniport-adapter-shutdown", true},
    {"UL-01", VF_SEV_ERROR, "DriverEntry registers with NdisMRegisterMiniportDriver and undoes its work when it fails",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismregisterminiportdriver", true},
    {"UL-02", VF_SEV_ERROR, "MiniportDriverUnload deregisters the driver and releases everything DriverEntry acquired",
     "https://learn.microsoft.com/windows-hardware/drivers/network/unloading-a-miniport-driver", true},
    {"UL-03", VF_SEV_ERROR, "NDIS_MINIPORT_DRIVER_CHARACTERISTICS has a valid header, version and required handlers",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_miniport_driver_characteristics", true},
    {"IT-01", VF_SEV_ERROR, "NdisMRegisterInterruptEx gets valid characteristics and the granted interrupt type is honoured",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismregisterinterruptex", true},
    {"IT-02", VF_SEV_ERROR, "NdisMDeregisterInterruptEx only with a registered handle, from initialize or halt, and no sync afterwards",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismderegisterinterruptex", true},
    {"IT-03", VF_SEV_ERROR, "MiniportInterrupt claims only its NIC's interrupts and dismisses the ones it claims (no interrupt storm); a host addition to the catalog, after Windows' bug check 0xF2",
     "https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xf2--hardware-interrupt-storm", true},
    {"TM-01", VF_SEV_ERROR, "NdisAllocateTimerObject gets valid timer characteristics",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatetimerobject", true},
    {"TM-02", VF_SEV_ERROR, "NdisSetTimerObject due time and period are valid",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndissettimerobject", true},
    {"TM-03", VF_SEV_ERROR, "a periodic timer is cancelled at PASSIVE_LEVEL; a one-shot cancel may race a running callback",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscanceltimerobject", true},
    {"TM-04", VF_SEV_ERROR, "every timer object is freed with NdisFreeTimerObject, and only when not queued or running",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreetimerobject", true},
    {"TM-05", VF_SEV_ERROR, "no timer callback runs, or touches the adapter, after MiniportHaltEx returns",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscanceltimerobject", true},
    {"ME-01", VF_SEV_ERROR, "NdisAllocateMemoryWithTagPriority is called with a driver-specific tag",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatememorywithtagpriority", true},
    {"ME-02", VF_SEV_ERROR, "NdisFreeMemory gets a block the driver allocated, once, with MemoryFlags 0",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreememory", true},
    {"SM-01", VF_SEV_ERROR, "NdisMAllocateSharedMemory is called at PASSIVE_LEVEL from initialization after DMA registration",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismallocatesharedmemory", true},
    {"SM-02", VF_SEV_ERROR, "NdisMAllocateSharedMemoryAsyncEx needs scatter-gather DMA and a completion handler",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismallocatesharedmemoryasyncex", true},
    {"SM-03", VF_SEV_ERROR, "NdisMFreeSharedMemory gets exactly the parameters of the allocation, once",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismfreesharedmemory", true},
    {"PO-01", VF_SEV_ERROR, "NET_BUFFER_LIST and NET_BUFFER pool parameters are valid and allocations match the pool type",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/ns-nblapi-net_buffer_list_pool_parameters", true},
    {"PO-02", VF_SEV_ERROR, "NET_BUFFER and NET_BUFFER_LIST structures come from NDIS pools",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/nf-nblapi-ndisallocatenetbufferpool", true},
    {"PO-03", VF_SEV_ERROR, "buffers preallocated with a NET_BUFFER_LIST are freed only together with it",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/nf-nblapi-ndisallocatenetbufferlistpool", true},
    {"PO-04", VF_SEV_WARNING, "freed NET_BUFFER_LISTs are not used again",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/ns-nblapi-net_buffer_list_pool_parameters", true},
    {"RX-01", VF_SEV_ERROR, "receive indications carry well-formed NET_BUFFER_LISTs from the adapter on an active port",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismindicatereceivenetbufferlists", true},
    {"RX-02", VF_SEV_ERROR, "an indicated NET_BUFFER_LIST belongs to NDIS until it is returned (unless indicated with RESOURCES)",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismindicatereceivenetbufferlists", true},
    {"RX-03", VF_SEV_ERROR, "DISPATCH_LEVEL flags are set only when the caller runs at DISPATCH_LEVEL",
     "https://learn.microsoft.com/windows-hardware/drivers/network/dispatch-irql-tracking", true},
    {"RX-04", VF_SEV_ERROR, "MiniportReturnNetBufferLists accepts chains that mix several indications",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_return_net_buffer_lists", true},
    {"TX-01", VF_SEV_ERROR, "every sent NET_BUFFER_LIST is completed exactly once with a documented status",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_send_net_buffer_lists", true},
    {"TX-02", VF_SEV_ERROR, "sends and OID requests complete within the NDIS time limits",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/ndis-wifi-verification-rule-set", true},
    {"PT-01", VF_SEV_ERROR, "NdisMAllocatePort is called after the registration attributes and before halt",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismallocateport", true},
    {"PT-02", VF_SEV_ERROR, "port activation lists only allocated ports and the port is unused until activation returns",
     "https://learn.microsoft.com/windows-hardware/drivers/network/activating-an-ndis-port", true},
    {"PT-03", VF_SEV_ERROR, "a port has no outstanding indications when it is deactivated and gets none afterwards",
     "https://learn.microsoft.com/windows-hardware/drivers/network/deactivating-an-ndis-port", true},
    {"PT-04", VF_SEV_ERROR, "NdisMFreePort only for an allocated, inactive, non-default port",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismfreeport", true},
    {"IQ-01", VF_SEV_ERROR, "every NDIS call is made at or below its documented maximum IRQL",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/irql-rule-set--ndis-", true},
    {"IQ-02", VF_SEV_WARNING, "NdisStallExecution stalls for at most 50 microseconds",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/warning-rule-set--ndis-", true},
    {"IQ-03", VF_SEV_ERROR, "spin locks are acquired and released in pairs and released before the handler returns",
     "https://learn.microsoft.com/windows-hardware/drivers/devtest/locking-rule-set--ndis-", true},
    {"OI-01", VF_SEV_ERROR, "every OID request is completed exactly once",
     "https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver", true},
    /* API usage (AP): generic argument checks made by every NDIS entry point. */
    {"AP-01", VF_SEV_ERROR, "every handle passed to an NDIS function is one NDIS gave the driver and is still valid",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/", true},
    {"AP-02", VF_SEV_ERROR, "parameters and structures passed to an NDIS function are valid as documented",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/", true},
    /* Driver self-checks (AS): the driver's own debug hooks fired. */
    {"AS-01", VF_SEV_ERROR, "a driver assertion (ASSERT, NT_ASSERT, RtlAssert) does not fail",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlassert", true},
    {"AS-02", VF_SEV_WARNING, "the driver does not break into the debugger or bug-check (DbgBreakPoint, __debugbreak, KeBugCheckEx)",
     "https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-kebugcheckex", true},
    /* Host-level id, outside the NDIS families. */
    {VF_RULE_HOST_ERROR, VF_SEV_ERROR, "the host could not carry out a step of the run (internal error, crash or hang)",
     NULL, true},
};
/* clang-format on */

size_t vf_rule_count(void)
{
    return sizeof rules / sizeof rules[0];
}

const vf_rule *vf_rule_at(size_t i)
{
    return i < vf_rule_count() ? &rules[i] : NULL;
}

const vf_rule *vf_rule_find(const char *id)
{
    if (!id)
        return NULL;
    /* ~80 entries: a linear scan costs less than the formatting of the finding that follows. */
    for (size_t i = 0; i < vf_rule_count(); i++)
        if (strcmp(rules[i].id, id) == 0)
            return &rules[i];
    return NULL;
}

const char *vf_severity_name(vf_severity sev)
{
    return sev == VF_SEV_WARNING ? "warning" : "error";
}

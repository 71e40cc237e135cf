/* The driver's side of the asynchronous lifecycle operations: NdisMPauseComplete,
 * NdisMRestartComplete, NdisMResetComplete (LC-06, LC-07, LC-14). */
#include "datapath.h"
#include "ndis_internal.h"

static bool complete(ndis_adapter *a, pending_op *op, NDIS_STATUS st, const char *api, const char *rule,
                     const char *what, void *site)
{
    switch (pending_op_complete(op, st, site))
    {
    case PENDING_COMPLETE_OK:
        return true;
    case PENDING_COMPLETE_TWICE:
        vf_report(rule, a->owner, VF_CB_NONE, site, "%s called twice for one %s (0x7C/0x1F)", api, what);
        return false;
    case PENDING_COMPLETE_NOT_PENDING:
        vf_report(rule, a->owner, VF_CB_NONE, site, "%s called with no %s pending on %s (0x7C/0x1F)", api, what,
                  a->name);
        return false;
    }
    return false;
}

VOID NdisMPauseComplete(NDIS_HANDLE MiniportAdapterHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMPauseComplete", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMPauseComplete", site);
    /* LC-10 holds at the moment of the completion: later returns do not make it right. */
    if (a && complete(a, &a->pause_op, NDIS_STATUS_SUCCESS, "NdisMPauseComplete", "LC-06", "pause", site))
        ndis_dp_check_pause_complete(a, site);
}

VOID NdisMRestartComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMRestartComplete", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMRestartComplete", site);
    if (a)
        complete(a, &a->restart_op, Status, "NdisMRestartComplete", "LC-07", "restart", site);
}

VOID NdisMResetComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status, BOOLEAN AddressingReset)
{
    void *site = VF_SITE();
    (void)AddressingReset;
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMResetComplete", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMResetComplete", site);
    if (a)
        complete(a, &a->reset_op, Status, "NdisMResetComplete", "LC-14", "reset", site);
}

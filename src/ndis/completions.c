/* The driver's side of the asynchronous lifecycle operations: NdisMPauseComplete,
 * NdisMRestartComplete, NdisMResetComplete (LC-06, LC-07, LC-14). */
#include "datapath.h"
#include "ndis_internal.h"

static void report_bad_completion(ndis_adapter *a, pending_complete_result r, const char *api, const char *rule,
                                  const char *what, void *site)
{
    switch (r)
    {
    case PENDING_COMPLETE_OK:
        return;
    case PENDING_COMPLETE_TWICE:
        vf_report(rule, a->owner, VF_CB_NONE, site, "%s called twice for one %s (0x7C/0x1F)", api, what);
        return;
    case PENDING_COMPLETE_NOT_PENDING:
        vf_report(rule, a->owner, VF_CB_NONE, site, "%s called with no %s pending on %s (0x7C/0x1F)", api, what,
                  a->name);
        return;
    }
}

VOID NdisMPauseComplete(NDIS_HANDLE MiniportAdapterHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMPauseComplete", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMPauseComplete", site);
    if (!a)
        return;
    /* LC-10 holds at the moment of the completion (later returns do not make it right), and it must
     * be checked before the host is woken: once signalled, the host moves on to halt or restart. */
    pending_complete_result r = pending_op_claim(&a->pause_op, NDIS_STATUS_SUCCESS, site);
    if (r == PENDING_COMPLETE_OK)
    {
        ndis_dp_check_pause_complete(a, site);
        pending_op_signal(&a->pause_op);
        return;
    }
    report_bad_completion(a, r, "NdisMPauseComplete", "LC-06", "pause", site);
}

VOID NdisMRestartComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMRestartComplete", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMRestartComplete", site);
    if (a)
        report_bad_completion(a, pending_op_complete(&a->restart_op, Status, site), "NdisMRestartComplete", "LC-07",
                              "restart", site);
}

VOID NdisMResetComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status, BOOLEAN AddressingReset)
{
    void *site = VF_SITE();
    (void)AddressingReset;
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMResetComplete", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMResetComplete", site);
    if (a)
        report_bad_completion(a, pending_op_complete(&a->reset_op, Status, site), "NdisMResetComplete", "LC-14",
                              "reset", site);
}

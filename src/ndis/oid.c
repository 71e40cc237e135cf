/* OID requests as a bound protocol issues them, and their completion (OI-01). */
#include <stdlib.h>
#include <string.h>

#include "call_driver.h"
#include "ndis_host.h"

const ndis_timeouts *ndis_get_timeouts(void);

static bool oid_allowed_state(ndis_adapter_state s)
{
    /* LC-12: OIDs are legal in Paused, Restarting, Running and Pausing. */
    return s == NDIS_ADAPTER_PAUSED || s == NDIS_ADAPTER_RESTARTING || s == NDIS_ADAPTER_RUNNING ||
           s == NDIS_ADAPTER_PAUSING;
}

static ULONG *oid_bytes_field(NDIS_OID_REQUEST *r, ULONG **needed)
{
    switch (r->RequestType)
    {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
        *needed = &r->DATA.QUERY_INFORMATION.BytesNeeded;
        return &r->DATA.QUERY_INFORMATION.BytesWritten;
    case NdisRequestSetInformation:
        *needed = &r->DATA.SET_INFORMATION.BytesNeeded;
        return &r->DATA.SET_INFORMATION.BytesRead;
    default:
        *needed = &r->DATA.METHOD_INFORMATION.BytesNeeded;
        return &r->DATA.METHOD_INFORMATION.BytesWritten;
    }
}

NDIS_STATUS ndis_adapter_oid(ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, void *buf, ULONG len, ULONG *bytes,
                             ULONG *needed)
{
    ndis_driver *d = a->driver;
    if (!oid_allowed_state(ndis_adapter_get_state(a)) || !d->chars.OidRequestHandler)
        return NDIS_STATUS_INVALID_STATE;

    /* The request lives on the heap and the host keeps its own copy of the buffer: a driver that
     * completes late (after the host gave up waiting) writes into memory that is still valid. */
    NDIS_OID_REQUEST *r = calloc(1, sizeof *r);
    void *ibuf = len ? calloc(1, len) : NULL;
    if (!r || (len && !ibuf))
        abort();
    if (len && buf)
        memcpy(ibuf, buf, len);
    r->Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r->Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r->Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r->RequestType = type;
    r->PortNumber = NDIS_DEFAULT_PORT_NUMBER;
    r->Timeout = 0;
    r->RequestId = (PVOID)(uintptr_t)(++a->oid_next_id);
    r->RequestHandle = a; /* the handle NDIS would give an overlying driver */
    switch (type)
    {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
        r->DATA.QUERY_INFORMATION.Oid = oid;
        r->DATA.QUERY_INFORMATION.InformationBuffer = ibuf;
        r->DATA.QUERY_INFORMATION.InformationBufferLength = len;
        break;
    case NdisRequestSetInformation:
        r->DATA.SET_INFORMATION.Oid = oid;
        r->DATA.SET_INFORMATION.InformationBuffer = ibuf;
        r->DATA.SET_INFORMATION.InformationBufferLength = len;
        break;
    default:
        r->DATA.METHOD_INFORMATION.Oid = oid;
        r->DATA.METHOD_INFORMATION.InformationBuffer = ibuf;
        r->DATA.METHOD_INFORMATION.InputBufferLength = len;
        r->DATA.METHOD_INFORMATION.OutputBufferLength = len;
        break;
    }

    exec_mutex_lock(&a->lock);
    void *stale_buf = NULL;
    if (a->oid_request)
    {
        /* The previous request timed out; the driver never completed it. Retire it now. */
        stale_buf = a->oid_request->DATA.QUERY_INFORMATION.InformationBuffer;
        free(a->oid_request);
    }
    a->oid_request = r;
    exec_mutex_unlock(&a->lock);
    free(stale_buf);

    pending_op_begin(&a->oid_op);
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    NDIS_CALL_DRIVER(a->owner, VF_CB_OID_REQUEST, PASSIVE_LEVEL, st = d->chars.OidRequestHandler(a->context, r));
    if (pending_op_returned(&a->oid_op, st, NDIS_STATUS_PENDING))
        vf_report("OI-01", a->owner, VF_CB_OID_REQUEST, a->oid_op.first_site,
                  "NdisMOidRequestComplete called for OID 0x%08X although MiniportOidRequest returned 0x%08X, not "
                  "NDIS_STATUS_PENDING",
                  (unsigned)oid, (unsigned)st);
    bool completed = true;
    if (st == NDIS_STATUS_PENDING)
    {
        int cst;
        const ndis_timeouts *t = ndis_get_timeouts();
        if (pending_op_wait(&a->oid_op, t->oid_ns, &cst))
            st = cst;
        else
        {
            completed = false;
            vf_report("TX-02", a->owner, VF_CB_OID_REQUEST, (void *)d->chars.OidRequestHandler,
                      "OID 0x%08X pended and was not completed within %.1f s (NdisTimedOidComplete)", (unsigned)oid,
                      (double)(t->oid_ns) / 1e9);
            st = NDIS_STATUS_REQUEST_ABORTED;
        }
    }
    pending_op_end(&a->oid_op);

    ULONG *need_field;
    ULONG *bytes_field = oid_bytes_field(r, &need_field);
    if (completed)
    {
        if (*bytes_field > len)
            vf_report("OI-01", a->owner, VF_CB_OID_REQUEST, (void *)d->chars.OidRequestHandler,
                      "OID 0x%08X completed with %u bytes written/read for a %u-byte buffer (0x7C/0x1D)", (unsigned)oid,
                      (unsigned)*bytes_field, (unsigned)len);
        if (bytes)
            *bytes = *bytes_field;
        if (needed)
            *needed = *need_field;
        if (buf && len && st == NDIS_STATUS_SUCCESS && type != NdisRequestSetInformation)
            memcpy(buf, ibuf, len);
        exec_mutex_lock(&a->lock);
        a->oid_request = NULL;
        exec_mutex_unlock(&a->lock);
        free(ibuf);
        free(r);
    }
    return st;
}

VOID NdisMOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMOidRequestComplete", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMOidRequestComplete", site);
    if (!a)
        return;
    exec_mutex_lock(&a->lock);
    bool ours = OidRequest && OidRequest == a->oid_request;
    exec_mutex_unlock(&a->lock);
    if (!ours)
    {
        vf_report(
            "OI-01", a->owner, VF_CB_NONE, site,
            "NdisMOidRequestComplete called with request %p, which is not an OID request pending on %s (0x7C/0x26)",
            (void *)OidRequest, a->name);
        return;
    }
    switch (pending_op_complete(&a->oid_op, Status, site))
    {
    case PENDING_COMPLETE_OK:
        break;
    case PENDING_COMPLETE_TWICE:
        vf_report("OI-01", a->owner, VF_CB_NONE, site,
                  "OID request completed twice (NdisOidDoubleComplete, 0x7C/0x26)");
        break;
    case PENDING_COMPLETE_NOT_PENDING:
        vf_report("OI-01", a->owner, VF_CB_NONE, site,
                  "NdisMOidRequestComplete called for a request that is not pending");
        break;
    }
}

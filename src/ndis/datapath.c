/* The data path: NdisMIndicateReceiveNetBufferLists / return, send / NdisMSendNetBufferListsComplete.
 *
 * Ownership of each NBL is the state word in its host header (nbl_pool.h), moved by compare-and-
 * swap: OWNED -> INDICATED (or LENT for a RESOURCES indication) -> OWNED on return; OWNED/COMPLETED
 * -> SENT -> COMPLETED on send completion. A transition that does not start from the expected state
 * is exactly a broken ownership contract (double indication, double completion, completion of an
 * NBL never sent) and is reported with the offending call's site. Per-adapter counters are atomics
 * that waiters sleep on; the hot path takes no lock.
 *
 * With the verifier off (vf_enabled() false) the calls skip what only verification needs: the IRQL,
 * state and port checks, the per-NBL contract checks and the pools' "indicated" tally. Ownership
 * states, the generation and the counts stay: pause, halt and late returns depend on them, and
 * keeping the states means the verifier can be switched on again at any time. */
#include "datapath.h"

#include <stdlib.h>
#include <string.h>

#include "nbl_pool.h"
#include "ndis_host.h"

struct ndis_dp_state
{
    uint32_t rx_outstanding;   /* indicated without RESOURCES, not yet returned */
    uint32_t tx_pending;       /* sent, not yet completed */
    uint32_t in_progress;      /* NdisMIndicateReceiveNetBufferLists calls not yet returned */
    uint32_t generation;       /* bumped when an adapter instance ends */
    void *first_indicate_site; /* site of the indicate that made rx_outstanding leave 0 */
    uint32_t return_missing_reported;
    uint32_t waiters; /* threads in wait_zero: a count reaching 0 wakes only when there are some */
};

int ndis_dp_adapter_init(ndis_adapter *a)
{
    a->dp = calloc(1, sizeof *a->dp);
    return a->dp ? 0 : -1;
}

void ndis_dp_adapter_fini(ndis_adapter *a)
{
    free(a->dp);
    a->dp = NULL;
}

uint32_t ndis_dp_rx_outstanding(const ndis_adapter *a)
{
    return __atomic_load_n(&a->dp->rx_outstanding, __ATOMIC_ACQUIRE);
}

uint32_t ndis_dp_tx_pending(const ndis_adapter *a)
{
    return __atomic_load_n(&a->dp->tx_pending, __ATOMIC_ACQUIRE);
}

uint32_t ndis_dp_indications_in_progress(const ndis_adapter *a)
{
    return __atomic_load_n(&a->dp->in_progress, __ATOMIC_ACQUIRE);
}

/* A count reaching 0 wakes its waiters. The futex wake is a system call, and with the immediate
 * return policy the counts reach 0 on every indication, so it is made only when a thread waits:
 * the waiter announces itself before it reads the count, the decrement is ordered before the
 * waker reads the announcement (both sequentially consistent), so one of them sees the other. */
static void counter_sub(ndis_dp_state *dp, uint32_t *word, uint32_t k)
{
    if (!k)
        return;
    uint32_t cur = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    uint32_t next;
    do
    {
        next = cur >= k ? cur - k : 0; /* a reset at halt return may have zeroed it meanwhile */
    } while (!__atomic_compare_exchange_n(word, &cur, next, true, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE));
    if (next == 0 && __atomic_load_n(&dp->waiters, __ATOMIC_SEQ_CST))
        exec_wake_u32(word, INT32_MAX);
}

static bool wait_zero(ndis_dp_state *dp, uint32_t *word, int64_t timeout_ns)
{
    int64_t deadline = timeout_ns < 0 ? -1 : (int64_t)exec_now_ns() + timeout_ns;
    bool reached = false;
    __atomic_add_fetch(&dp->waiters, 1, __ATOMIC_SEQ_CST);
    for (;;)
    {
        uint32_t v = __atomic_load_n(word, __ATOMIC_SEQ_CST);
        if (v == 0)
        {
            reached = true;
            break;
        }
        int64_t rem = -1;
        if (deadline >= 0)
        {
            rem = deadline - (int64_t)exec_now_ns();
            if (rem <= 0)
                break;
        }
        exec_wait_u32(word, v, rem);
    }
    __atomic_sub_fetch(&dp->waiters, 1, __ATOMIC_SEQ_CST);
    return reached;
}

bool ndis_dp_wait_rx_returned(ndis_adapter *a, int64_t timeout_ns)
{
    return wait_zero(a->dp, &a->dp->rx_outstanding, timeout_ns);
}

bool ndis_dp_wait_tx_completed(ndis_adapter *a, int64_t timeout_ns)
{
    return wait_zero(a->dp, &a->dp->tx_pending, timeout_ns);
}

/* Calls driver code with the emulated IRQL raised to DISPATCH_LEVEL when the flag says so. */
#define DP_CALL_DRIVER(a, cb, dispatch, expr)                                                                          \
    do                                                                                                                 \
    {                                                                                                                  \
        vf_frame f_;                                                                                                   \
        uint8_t saved_ = vf_irql();                                                                                    \
        vf_enter(&f_, (cb), (a)->owner);                                                                               \
        if ((dispatch) && saved_ < DISPATCH_LEVEL)                                                                     \
            vf_set_irql(DISPATCH_LEVEL);                                                                               \
        expr;                                                                                                          \
        vf_set_irql(saved_);                                                                                           \
        vf_leave(&f_);                                                                                                 \
    } while (0)

/* ---- receive ---------------------------------------------------------------------------------- */

#define CHAIN_LIMIT (1u << 24)

/* Item flag (nbl_pool.h's flags word; 0x1 and 0x2 are taken there): the NBL is counted in its
 * pool's `indicated` tally. Written only by the thread that moved the NBL's state. */
#define DP_ITEM_F_POOL_TALLIED 0x8000u
#define DP_ITEM_F_AFTER_REMOVAL 0x4000u /* sent after the surprise-removal notification (LC-16) */

/* Ports (port.c): the indication check (PT-02, PT-03) and the per-port count of outstanding
 * receives. An NBL indicated on a tracked port carries the port's tag in NdisReserved (NDIS's own
 * field) until it is returned; the default port NDIS controls has no tag (the fast path). */
#define DP_PORT_TAG_SLOT 1
void ndis_port_check_indication(ndis_adapter *a, NDIS_PORT_NUMBER port, const char *api, void *site);
void *ndis_port_rx_tag(ndis_adapter *a, NDIS_PORT_NUMBER port);
void ndis_port_rx_add(ndis_adapter *a, void *tag, uint32_t n);
void ndis_port_rx_returned(ndis_adapter *a, void *tag);

VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                        NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists, ULONG ReceiveFlags)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMIndicateReceiveNetBufferLists";
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return;
    ndis_dp_state *dp = a->dp;
    const bool verify = vf_enabled();
    if (verify)
    {
        vf_check_irql_max(DISPATCH_LEVEL, api, site);
        if ((ReceiveFlags & NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL) && vf_irql() < DISPATCH_LEVEL)
            vf_report("RX-03", a->owner, VF_CB_NONE, site,
                      "%s with NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL while the IRQL is %s", api, vf_irql_name(vf_irql()));

        ndis_adapter_state st = ndis_adapter_get_state(a);
        if (st == NDIS_ADAPTER_SHUTDOWN)
            vf_report("LC-04", a->owner, VF_CB_NONE, site, "%s after MiniportShutdownEx", api);
        else if (st != NDIS_ADAPTER_RUNNING && st != NDIS_ADAPTER_PAUSING && st != NDIS_ADAPTER_RESTARTING)
            /* Policy (open question 10): receives in Pausing are allowed; Restarting is allowed (LC-11). */
            vf_report("LC-09", a->owner, VF_CB_NONE, site,
                      "%s while the adapter is %s; receives are indicated only in "
                      "Restarting (after MiniportRestart was called), Running and Pausing",
                      api, ndis_adapter_state_name(st));
        ndis_port_check_indication(a, PortNumber, api, site); /* PT-02, PT-03 */
    }

    const bool resources = (ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES) != 0;
    const uint32_t gen = __atomic_load_n(&dp->generation, __ATOMIC_ACQUIRE);
    void *const port_tag = resources ? NULL : ndis_port_rx_tag(a, PortNumber);
    ndis_item_hdr *lent_small[64];
    ndis_item_hdr **lent = lent_small;
    size_t lent_cap = 64, n_lent = 0;

    PNET_BUFFER_LIST head = NULL, *tail = &head;
    ULONG count = 0, delivered = 0, tracked = 0;
    bool bad_source = false, no_nb = false;
    for (PNET_BUFFER_LIST nbl = NetBufferLists, next; nbl; nbl = next)
    {
        next = nbl->Next;
        if (++count > CHAIN_LIMIT)
        {
            vf_report("RX-01", a->owner, VF_CB_NONE, site, "%s: the NET_BUFFER_LIST chain does not end (a cycle?)",
                      api);
            break;
        }
        if (verify)
        {
            bad_source |= nbl->SourceHandle != MiniportAdapterHandle;
            no_nb |= !nbl->FirstNetBuffer;
        }
        ndis_item_hdr *h = ndis_item_lookup(nbl, NDIS_ITEM_NBL);
        if (!h)
        {
            /* Policy: delivered untracked, so that the protocol still returns it to the driver. */
            vf_report("PO-02", a->owner, VF_CB_NONE, site,
                      "%s: NET_BUFFER_LIST %p (#%u in the chain) was not allocated from an NDIS pool", api, (void *)nbl,
                      count);
            *tail = nbl;
            tail = &nbl->Next;
            delivered++;
            continue;
        }
        uint32_t to = resources ? NDIS_ITEM_LENT : NDIS_ITEM_INDICATED;
        if (!ndis_item_state_cas(h, NDIS_ITEM_OWNED, to))
        {
            uint32_t s = ndis_item_state_get(h);
            if (s == NDIS_ITEM_FREE)
                vf_report_sev("PO-04", VF_SEV_ERROR, a->owner, VF_CB_NONE, site,
                              "%s: NET_BUFFER_LIST %p (#%u in the chain) was already freed; it is not delivered", api,
                              (void *)nbl, count);
            else
                vf_report("RX-02", a->owner, VF_CB_NONE, site,
                          "%s: NET_BUFFER_LIST %p (#%u in the chain) is %s; NDIS still owns it, so it is not "
                          "delivered again",
                          api, (void *)nbl, count, ndis_item_state_name(s));
            continue;
        }
        h->adapter = a;
        h->site = site;
        h->generation = gen;
        if (resources)
        {
            if (n_lent == lent_cap)
            {
                size_t ncap = lent_cap * 2;
                ndis_item_hdr **nl = malloc(ncap * sizeof *nl);
                if (!nl)
                    abort();
                memcpy(nl, lent, n_lent * sizeof *nl);
                if (lent != lent_small)
                    free(lent);
                lent = nl;
                lent_cap = ncap;
            }
            lent[n_lent++] = h;
        }
        else
        {
            /* The pool's tally only serves HA-07's message at pool free; the header remembers
             * whether this NBL is in it, so that switching the verifier keeps the tally right. */
            if (verify)
            {
                __atomic_add_fetch(&h->pool->indicated, 1, __ATOMIC_ACQ_REL);
                h->flags |= DP_ITEM_F_POOL_TALLIED;
            }
            nbl->NdisReserved[DP_PORT_TAG_SLOT] = port_tag;
            tracked++;
        }
        *tail = nbl;
        tail = &nbl->Next;
        delivered++;
    }
    *tail = NULL;

    if (bad_source)
        vf_report("RX-01", a->owner, VF_CB_NONE, site,
                  "%s: a NET_BUFFER_LIST's SourceHandle is not the MiniportAdapterHandle of the indicating adapter",
                  api);
    if (no_nb)
        vf_report("RX-01", a->owner, VF_CB_NONE, site, "%s: a NET_BUFFER_LIST has no NET_BUFFER", api);
    if (verify && count != NumberOfNetBufferLists)
        vf_report("RX-01", a->owner, VF_CB_NONE, site,
                  "%s: NumberOfNetBufferLists is %u but the chain holds %u NET_BUFFER_LISTs", api,
                  (unsigned)NumberOfNetBufferLists, (unsigned)count);

    if (tracked && port_tag)
        ndis_port_rx_add(a, port_tag, tracked);
    if (tracked)
    {
        uint32_t prev = __atomic_fetch_add(&dp->rx_outstanding, tracked, __ATOMIC_ACQ_REL);
        if (prev == 0)
            __atomic_store_n(&dp->first_indicate_site, site, __ATOMIC_RELEASE);
    }
    __atomic_add_fetch(&dp->in_progress, 1, __ATOMIC_ACQ_REL);
    if (head)
    {
        if (a->proto.receive)
            a->proto.receive(a->proto.ctx, a, head, PortNumber, delivered, ReceiveFlags);
        else if (!resources)
            /* Policy: with no protocol bound, NDIS gives the NBLs back at once, from this call. */
            ndis_return_nbls(a, head, vf_irql() >= DISPATCH_LEVEL ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
    }
    /* With RESOURCES the NBLs are the driver's again as soon as this call returns. */
    for (size_t i = 0; i < n_lent; i++)
        ndis_item_state_cas(lent[i], NDIS_ITEM_LENT, NDIS_ITEM_OWNED);
    if (lent != lent_small)
        free(lent);
    counter_sub(dp, &dp->in_progress, 1);
}

void ndis_return_nbls(ndis_adapter *a, PNET_BUFFER_LIST chain, ULONG return_flags)
{
    ndis_dp_state *dp = a->dp;
    const uint32_t gen = __atomic_load_n(&dp->generation, __ATOMIC_ACQUIRE);
    PNET_BUFFER_LIST head = NULL, *tail = &head;
    uint32_t k = 0;
    for (PNET_BUFFER_LIST nbl = chain, next; nbl; nbl = next)
    {
        next = nbl->Next;
        ndis_item_hdr *h = ndis_item_lookup(nbl, NDIS_ITEM_NBL);
        if (!h)
        {
            *tail = nbl; /* delivered untracked (PO-02 at the indicate): back to the driver as is */
            tail = &nbl->Next;
            continue;
        }
        if (h->adapter != a || !ndis_item_state_cas(h, NDIS_ITEM_INDICATED, NDIS_ITEM_OWNED))
            continue; /* not an outstanding indication of this adapter: a host-side mistake, ignored */
        if (nbl->NdisReserved[DP_PORT_TAG_SLOT])
        {
            ndis_port_rx_returned(a, nbl->NdisReserved[DP_PORT_TAG_SLOT]);
            nbl->NdisReserved[DP_PORT_TAG_SLOT] = NULL;
        }
        if (h->flags & DP_ITEM_F_POOL_TALLIED)
        {
            h->flags &= (uint16_t)~DP_ITEM_F_POOL_TALLIED;
            __atomic_sub_fetch(&h->pool->indicated, 1, __ATOMIC_ACQ_REL);
        }
        if (h->generation != gen)
            continue; /* its instance ended (HA-11 reported): the driver's again, without a call */
        *tail = nbl;
        tail = &nbl->Next;
        k++;
    }
    *tail = NULL;
    /* Counted back before the driver runs: its return handler may complete a pending pause. */
    counter_sub(dp, &dp->rx_outstanding, k);
    if (!head)
        return;
    ndis_driver *d = a->driver;
    if (!d->chars.ReturnNetBufferListsHandler)
    {
        if (!__atomic_exchange_n(&dp->return_missing_reported, 1, __ATOMIC_ACQ_REL))
            vf_report("RX-04", a->owner, VF_CB_NONE, NULL,
                      "the driver indicates receives but registered no MiniportReturnNetBufferLists handler");
        return;
    }
    DP_CALL_DRIVER(a, VF_CB_RETURN, (return_flags & NDIS_RETURN_FLAGS_DISPATCH_LEVEL) != 0,
                   d->chars.ReturnNetBufferListsHandler(a->context, head, return_flags));
}

/* ---- send ------------------------------------------------------------------------------------- */

static bool send_status_documented(NDIS_STATUS s)
{
    return s == NDIS_STATUS_SUCCESS || s == NDIS_STATUS_INVALID_LENGTH || s == NDIS_STATUS_RESOURCES ||
           s == NDIS_STATUS_FAILURE || s == NDIS_STATUS_SEND_ABORTED || s == NDIS_STATUS_RESET_IN_PROGRESS ||
           s == NDIS_STATUS_PAUSED || s == NDIS_STATUS_NOT_ACCEPTED || s == NDIS_STATUS_INVALID_DATA ||
           s == NDIS_STATUS_MEDIA_DISCONNECTED || s == NDIS_STATUS_LOW_POWER_STATE;
}

void ndis_send_nbls(ndis_adapter *a, PNET_BUFFER_LIST chain, NDIS_PORT_NUMBER port, ULONG send_flags)
{
    ndis_dp_state *dp = a->dp;
    ndis_driver *d = a->driver;
    ndis_adapter_state st = ndis_adapter_get_state(a);
    bool callable = (st == NDIS_ADAPTER_RUNNING || st == NDIS_ADAPTER_PAUSING || st == NDIS_ADAPTER_PAUSED ||
                     st == NDIS_ADAPTER_RESTARTING) &&
                    d->chars.SendNetBufferListsHandler;
    if (!callable)
    {
        NDIS_STATUS s = st == NDIS_ADAPTER_SHUTDOWN ? NDIS_STATUS_NOT_ACCEPTED : NDIS_STATUS_PAUSED;
        for (PNET_BUFFER_LIST nbl = chain; nbl; nbl = nbl->Next)
        {
            nbl->Status = s;
            ndis_item_hdr *h = ndis_item_lookup(nbl, NDIS_ITEM_NBL);
            if (h)
                ndis_item_state_set(h, NDIS_ITEM_COMPLETED);
        }
        if (chain && a->proto.send_complete)
            a->proto.send_complete(a->proto.ctx, a, chain, 0);
        return;
    }

    const bool paused = st == NDIS_ADAPTER_PAUSED && vf_enabled(); /* only LC-09's check needs the list */
    ndis_item_hdr *small[64];
    ndis_item_hdr **rec = small;
    size_t cap = 64, n = 0;
    uint32_t k = 0;
    for (PNET_BUFFER_LIST nbl = chain; nbl; nbl = nbl->Next)
    {
        ndis_item_hdr *h = ndis_item_lookup(nbl, NDIS_ITEM_NBL);
        if (!h)
            continue;
        h->adapter = a;
        h->site = NULL;
        uint32_t from = ndis_item_state_get(h);
        if ((from != NDIS_ITEM_OWNED && from != NDIS_ITEM_COMPLETED) || !ndis_item_state_cas(h, from, NDIS_ITEM_SENT))
            continue;
        if (__builtin_expect(a->surprise_removed, 0))
            h->flags |= DP_ITEM_F_AFTER_REMOVAL;
        else
            h->flags &= (uint16_t)~DP_ITEM_F_AFTER_REMOVAL;
        k++;
        if (paused)
        {
            if (n == cap)
            {
                size_t ncap = cap * 2;
                ndis_item_hdr **nr = malloc(ncap * sizeof *nr);
                if (!nr)
                    abort();
                memcpy(nr, rec, n * sizeof *nr);
                if (rec != small)
                    free(rec);
                rec = nr;
                cap = ncap;
            }
            rec[n++] = h;
        }
    }
    __atomic_add_fetch(&dp->tx_pending, k, __ATOMIC_ACQ_REL);
    DP_CALL_DRIVER(a, VF_CB_SEND, (send_flags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) != 0,
                   d->chars.SendNetBufferListsHandler(a->context, chain, port, send_flags));
    if (paused)
    {
        size_t held = 0;
        for (size_t i = 0; i < n; i++)
            if (ndis_item_state_get(rec[i]) == NDIS_ITEM_SENT && rec[i]->adapter == a)
                held++;
        if (held)
            vf_report_sev("LC-09", VF_SEV_WARNING, a->owner, VF_CB_SEND, (void *)d->chars.SendNetBufferListsHandler,
                          "MiniportSendNetBufferLists returned in the Paused state still holding %zu of %zu "
                          "NET_BUFFER_LISTs; a paused miniport completes every send at once with NDIS_STATUS_PAUSED",
                          held, n);
    }
    if (rec != small)
        free(rec);
}

VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferList,
                                     ULONG SendCompleteFlags)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMSendNetBufferListsComplete";
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return;
    ndis_dp_state *dp = a->dp;
    const bool verify = vf_enabled();
    if (verify)
        vf_check_irql_max(DISPATCH_LEVEL, api, site);
    if (verify && (SendCompleteFlags & NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL) && vf_irql() < DISPATCH_LEVEL)
        vf_report("RX-03", a->owner, VF_CB_NONE, site,
                  "%s with NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL while the IRQL is %s", api, vf_irql_name(vf_irql()));

    PNET_BUFFER_LIST head = NULL, *tail = &head;
    uint32_t k = 0, index = 0;
    for (PNET_BUFFER_LIST nbl = NetBufferList, next; nbl; nbl = next)
    {
        if (++index > CHAIN_LIMIT)
        {
            vf_report("TX-01", a->owner, VF_CB_NONE, site, "%s: the NET_BUFFER_LIST chain does not end (a cycle?)",
                      api);
            break;
        }
        ndis_item_hdr *h = ndis_item_lookup(nbl, NDIS_ITEM_NBL);
        if (!h)
        {
            vf_report("PO-02", a->owner, VF_CB_NONE, site,
                      "%s: NET_BUFFER_LIST %p (#%u) was not allocated from an NDIS pool; skipped", api, (void *)nbl,
                      index);
            next = nbl->Next; /* the driver's own memory: readable */
            continue;
        }
        uint32_t s = ndis_item_state_get(h);
        if (h->adapter != a || s != NDIS_ITEM_SENT || !ndis_item_state_cas(h, NDIS_ITEM_SENT, NDIS_ITEM_COMPLETED))
        {
            /* The NBL is not the driver's to complete: the protocol may already have freed or reused
             * it, so neither it nor the chain behind it can be trusted. */
            const char *why = (h->adapter == a && (s == NDIS_ITEM_COMPLETED || s == NDIS_ITEM_FREE))
                                  ? "was already completed (completed twice)"
                                  : "was never sent to this miniport";
            vf_report("TX-01", a->owner, VF_CB_NONE, site,
                      "%s: NET_BUFFER_LIST %p (#%u) %s; it and the rest of the chain are ignored", api, (void *)nbl,
                      index, why);
            break;
        }
        next = nbl->Next;
        if (__builtin_expect(h->flags & DP_ITEM_F_AFTER_REMOVAL, 0))
        {
            h->flags &= (uint16_t)~DP_ITEM_F_AFTER_REMOVAL;
            if (nbl->Status == NDIS_STATUS_SUCCESS)
                vf_report("LC-16", a->owner, VF_CB_NONE, site,
                          "%s: a send that arrived after the surprise-removal notification completed with "
                          "NDIS_STATUS_SUCCESS; the hardware is gone, complete it with NDIS_STATUS_NOT_ACCEPTED",
                          api);
        }
        if (verify && !send_status_documented(nbl->Status))
            vf_report("TX-01", a->owner, VF_CB_NONE, site,
                      "%s: NET_BUFFER_LIST %p completed with status 0x%08X, which is not a documented send status", api,
                      (void *)nbl, (unsigned)nbl->Status);
        *tail = nbl;
        tail = &nbl->Next;
        k++;
    }
    *tail = NULL;
    counter_sub(dp, &dp->tx_pending, k);
    if (head && a->proto.send_complete)
        a->proto.send_complete(a->proto.ctx, a, head, SendCompleteFlags);
}

/* ---- checks for the state machine ------------------------------------------------------------- */

void ndis_dp_check_pause_complete(ndis_adapter *a, void *site)
{
    ndis_dp_state *dp = a->dp;
    uint32_t rx = ndis_dp_rx_outstanding(a), tx = ndis_dp_tx_pending(a), ip = ndis_dp_indications_in_progress(a);
    if (rx || tx || ip)
        vf_report("LC-10", a->owner, VF_CB_PAUSE, site,
                  "the pause completed with %u received NET_BUFFER_LIST(s) not yet returned, %u send(s) not yet "
                  "completed and %u NdisMIndicateReceiveNetBufferLists call(s) not yet returned",
                  rx, tx, ip);
    (void)dp;
}

void ndis_dp_check_halt_return(ndis_adapter *a)
{
    ndis_dp_state *dp = a->dp;
    uint32_t rx = ndis_dp_rx_outstanding(a);
    if (rx)
        vf_report("HA-11", a->owner, VF_CB_HALT, __atomic_load_n(&dp->first_indicate_site, __ATOMIC_ACQUIRE),
                  "MiniportHaltEx returned while %u received NET_BUFFER_LIST(s) indicated without "
                  "NDIS_RECEIVE_FLAGS_RESOURCES were not yet returned (site: the first outstanding indication)",
                  rx);
    /* The next instance starts from zero; late returns of this instance's NBLs are recognised by the
     * generation and never reach the driver. */
    __atomic_add_fetch(&dp->generation, 1, __ATOMIC_ACQ_REL);
    __atomic_store_n(&dp->rx_outstanding, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&dp->first_indicate_site, NULL, __ATOMIC_RELEASE);
    exec_wake_u32(&dp->rx_outstanding, INT32_MAX);
}

/* NDIS ports: NdisMAllocatePort, NdisMFreePort, and activation / deactivation through
 * NdisMNetPnPEvent (NetEventPortActivation, NetEventPortDeactivation); the data path asks
 * ndis_port_check_indication about every receive indication (PT-02, PT-03) and keeps a per-port
 * count of outstanding receives through the tags below (PT-03 at deactivation).
 *
 * States, as "NDIS Port States" describes them: a port NdisMAllocatePort returns is allocated
 * (inactive); activation makes it activated; deactivation makes it allocated again; only an
 * allocated port can be freed. The default port (0) belongs to NDIS: it is activated as soon as the
 * registration attributes are set, unless the driver set NDIS_MINIPORT_ATTRIBUTES_CONTROLS_DEFAULT_PORT,
 * in which case the driver activates (and, before MiniportHaltEx returns, deactivates) it.
 *
 * Each allocated port is a ledger entry (VF_RES_PORT: HA-08 at halt, IN-04 after a failed
 * initialize); an activated default port the driver controls is checked by ndis_ports_instance_end.
 *
 * Outstanding receives per port: the data path stores a port's tag in NdisReserved[1] of each
 * NET_BUFFER_LIST it indicates on a tracked port (NDIS's own field of the structure) and hands it
 * back when the protocol returns the NBL; a tag is a port record's serial number, never reused, so a
 * late return for a port freed meanwhile finds nothing to count. */
#include <stdlib.h>
#include <string.h>

#include "dma_internal.h"

#define PORT_MAGIC 0x54524f50u    /* 'PORT' */
#define PORT_NUMBER_MAX 0xFFFFFFu /* NDIS_PORT_NUMBER values 1..0xffffff name allocated ports */
#define PORT_LIST_LIMIT 65536u    /* activation list entries walked before calling the list cyclic */

typedef struct ndis_port
{
    vf_res res; /* VF_RES_PORT, key: this record */
    uint32_t magic;
    ndis_adapter *a;
    NDIS_PORT_NUMBER number;
    uint64_t serial;
    bool active;
    void *activate_site;
    uint32_t rx_outstanding; /* atomic */
    NDIS_PORT_CHARACTERISTICS chars;
    struct ndis_port *next;
} ndis_port;

struct ndis_port_state
{
    exec_mutex lock;
    ndis_port *ports;
    NDIS_PORT_NUMBER next_number;
    /* The default port, when the driver controls it (CONTROLS_DEFAULT_PORT) or changed its state. */
    bool default_explicit; /* the driver activated or deactivated it in this instance */
    bool default_active;   /* valid when default_explicit */
    void *default_site;    /* the activation's call site */
    vf_callback default_cb;
    uint64_t default_serial;
    uint32_t default_rx; /* atomic */
    uint32_t tracking;   /* atomic: a driver port exists or the default port is driver-controlled */
};

static uint64_t g_serial;

static ndis_port_state *port_state(ndis_adapter *a)
{
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (s)
        return s;
    ndis_port_state *n = calloc(1, sizeof *n);
    if (!n)
        abort();
    n->next_number = 1;
    n->default_serial = __atomic_add_fetch(&g_serial, 1, __ATOMIC_RELAXED);
    if (!__atomic_compare_exchange_n(&a->ports, &s, n, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    {
        free(n);
        return s;
    }
    return n;
}

static bool controls_default(const ndis_adapter *a)
{
    return a->reg_attrs_set && (a->reg_attrs.AttributeFlags & NDIS_MINIPORT_ATTRIBUTES_CONTROLS_DEFAULT_PORT);
}

/* Lock held. */
static bool default_active_locked(const ndis_adapter *a, const ndis_port_state *s)
{
    return s->default_explicit ? s->default_active : !controls_default(a);
}

/* Lock held. */
static ndis_port *find_locked(ndis_port_state *s, NDIS_PORT_NUMBER n)
{
    for (ndis_port *p = s->ports; p; p = p->next)
        if (p->number == n)
            return p;
    return NULL;
}

static void update_tracking_locked(ndis_adapter *a, ndis_port_state *s)
{
    __atomic_store_n(&s->tracking, (s->ports || controls_default(a) || s->default_explicit) ? 1u : 0u,
                     __ATOMIC_RELEASE);
}

/* ---- the data path's questions --------------------------------------------------------------------- */

bool ndis_port_is_activated(ndis_adapter *a, NDIS_PORT_NUMBER port)
{
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (port == NDIS_DEFAULT_PORT_NUMBER && !controls_default(a) && (!s || !s->default_explicit))
        return true;
    if (!s)
        return false;
    exec_mutex_lock(&s->lock);
    bool r;
    if (port == NDIS_DEFAULT_PORT_NUMBER)
        r = default_active_locked(a, s);
    else
    {
        ndis_port *p = find_locked(s, port);
        r = p && p->active;
    }
    exec_mutex_unlock(&s->lock);
    return r;
}

/* PT-02: a port is used in a receive indication only while it is activated; PT-03: not after it
 * was deactivated. Called by the data path for every indication the verifier checks. */
void ndis_port_check_indication(ndis_adapter *a, NDIS_PORT_NUMBER port, const char *api, void *site)
{
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (port == NDIS_DEFAULT_PORT_NUMBER && !controls_default(a) && (!s || !s->default_explicit))
        return;
    const char *what = NULL;
    bool deactivated = false;
    if (!s)
        what = "which NdisMAllocatePort never allocated";
    else
    {
        exec_mutex_lock(&s->lock);
        if (port == NDIS_DEFAULT_PORT_NUMBER)
        {
            if (!default_active_locked(a, s))
            {
                deactivated = s->default_explicit;
                what = deactivated ? "the default port, which the driver deactivated"
                                   : "the default port, which the driver controls and has not activated";
            }
        }
        else
        {
            ndis_port *p = find_locked(s, port);
            if (!p)
                what = "which is not an allocated port of this adapter";
            else if (!p->active)
            {
                deactivated = p->activate_site != NULL;
                what = deactivated ? "which the driver deactivated" : "which is allocated but not activated";
            }
        }
        exec_mutex_unlock(&s->lock);
    }
    if (!what)
        return;
    if (deactivated)
        vf_report("PT-03", a->owner, VF_CB_NONE, site,
                  "%s on port %u, %s; after a port deactivation the driver must start no receive or status "
                  "indication on that port",
                  api, (unsigned)port, what);
    else
        vf_report("PT-02", a->owner, VF_CB_NONE, site,
                  "%s on port %u, %s; a port appears in receive and status indications only after the "
                  "NetEventPortActivation call for it has returned",
                  api, (unsigned)port, what);
}

/* Tag for NBLs indicated on `port`, or NULL when the port's receives need no count (the default port
 * NDIS controls: the fast path). */
void *ndis_port_rx_tag(ndis_adapter *a, NDIS_PORT_NUMBER port)
{
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (!s || !__atomic_load_n(&s->tracking, __ATOMIC_ACQUIRE))
        return NULL;
    if (port == NDIS_DEFAULT_PORT_NUMBER)
        return (void *)(uintptr_t)s->default_serial;
    exec_mutex_lock(&s->lock);
    ndis_port *p = find_locked(s, port);
    void *tag = p ? (void *)(uintptr_t)p->serial : NULL;
    exec_mutex_unlock(&s->lock);
    return tag;
}

/* Lock held. The counter of the port with this tag, or NULL. */
static uint32_t *counter_locked(ndis_port_state *s, void *tag)
{
    uint64_t serial = (uint64_t)(uintptr_t)tag;
    if (serial == s->default_serial)
        return &s->default_rx;
    for (ndis_port *p = s->ports; p; p = p->next)
        if (p->serial == serial)
            return &p->rx_outstanding;
    return NULL;
}

void ndis_port_rx_add(ndis_adapter *a, void *tag, uint32_t n)
{
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (!s || !tag)
        return;
    exec_mutex_lock(&s->lock);
    uint32_t *c = counter_locked(s, tag);
    if (c)
        __atomic_add_fetch(c, n, __ATOMIC_RELAXED);
    exec_mutex_unlock(&s->lock);
}

void ndis_port_rx_returned(ndis_adapter *a, void *tag)
{
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (!s || !tag)
        return;
    exec_mutex_lock(&s->lock);
    uint32_t *c = counter_locked(s, tag);
    if (c && *c)
        __atomic_sub_fetch(c, 1, __ATOMIC_RELAXED);
    exec_mutex_unlock(&s->lock);
}

/* ---- NdisMAllocatePort / NdisMFreePort ------------------------------------------------------------ */

static void port_unlink_locked(ndis_port_state *s, ndis_port *p)
{
    for (ndis_port **pp = &s->ports; *pp; pp = &(*pp)->next)
        if (*pp == p)
        {
            *pp = p->next;
            break;
        }
}

static void port_reclaim(vf_res *r)
{
    ndis_port *p = CONTAINING_RECORD(r, ndis_port, res);
    ndis_port_state *s = port_state(p->a);
    exec_mutex_lock(&s->lock);
    port_unlink_locked(s, p);
    update_tracking_locked(p->a, s);
    exec_mutex_unlock(&s->lock);
    p->magic = 0;
    free(p);
}

NDIS_STATUS NdisMAllocatePort(NDIS_HANDLE NdisMiniportHandle, PNDIS_PORT_CHARACTERISTICS PortCharacteristics)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMAllocatePort";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_adapter *a = ndis_adapter_from_handle(NdisMiniportHandle, api, site);
    if (!a)
        return NDIS_STATUS_FAILURE;
    if (__atomic_load_n(&a->halt_started, __ATOMIC_ACQUIRE))
    {
        vf_report("PT-01", a->owner, VF_CB_NONE, site,
                  "%s after NDIS called MiniportHaltEx; ports are allocated after the registration attributes and "
                  "before halt (NDIS_STATUS_CLOSING)",
                  api);
        return NDIS_STATUS_CLOSING;
    }
    /* Policy: before the registration attributes (IN-02) the call fails with NDIS_STATUS_FAILURE. */
    if (!ndis_hw_claim_check(a, api, site, NDIS_CLAIM_NEEDS_REG_ATTRS))
        return NDIS_STATUS_FAILURE;
    const NDIS_PORT_CHARACTERISTICS *c = PortCharacteristics;
    if (!c || c->Header.Type != NDIS_OBJECT_TYPE_DEFAULT || c->Header.Revision < NDIS_PORT_CHARACTERISTICS_REVISION_1 ||
        c->Header.Size < NDIS_SIZEOF_PORT_CHARACTERISTICS_REVISION_1 || (unsigned)c->Type >= (unsigned)NdisPortTypeMax)
    {
        if (!c)
            vf_report("AP-02", a->owner, VF_CB_NONE, site,
                      "%s with NULL PortCharacteristics (NDIS_STATUS_INVALID_DATA)", api);
        else
            vf_report("AP-02", a->owner, VF_CB_NONE, site,
                      "%s: NDIS_PORT_CHARACTERISTICS with header Type 0x%02x Revision %u Size %u and port Type %u; "
                      "expected Type 0x%02x, Revision >= %u, Size >= %u and a NDIS_PORT_TYPE value "
                      "(NDIS_STATUS_INVALID_DATA)",
                      api, c->Header.Type, c->Header.Revision, c->Header.Size, (unsigned)c->Type,
                      NDIS_OBJECT_TYPE_DEFAULT, NDIS_PORT_CHARACTERISTICS_REVISION_1,
                      (unsigned)NDIS_SIZEOF_PORT_CHARACTERISTICS_REVISION_1);
        return NDIS_STATUS_INVALID_DATA;
    }
    if (vf_should_fail(api, site))
        return NDIS_STATUS_RESOURCES;
    ndis_port *p = calloc(1, sizeof *p);
    if (!p)
        return NDIS_STATUS_RESOURCES;
    ndis_port_state *s = port_state(a);
    exec_mutex_lock(&s->lock);
    /* Policy: numbers are handed out in increasing order from 1 and wrap at 0xffffff, skipping the
     * ones in use, so that a freed number is not reused at once (a stale port number then fails). */
    NDIS_PORT_NUMBER n = 0;
    for (uint32_t tries = 0; tries < PORT_NUMBER_MAX; tries++)
    {
        NDIS_PORT_NUMBER cand = s->next_number;
        s->next_number = cand >= PORT_NUMBER_MAX ? 1 : cand + 1;
        if (!find_locked(s, cand))
        {
            n = cand;
            break;
        }
    }
    if (!n)
    {
        exec_mutex_unlock(&s->lock);
        free(p);
        return NDIS_STATUS_RESOURCES;
    }
    p->magic = PORT_MAGIC;
    p->a = a;
    p->number = n;
    p->serial = __atomic_add_fetch(&g_serial, 1, __ATOMIC_RELAXED);
    memcpy(&p->chars, c, sizeof p->chars);
    p->chars.PortNumber = n;
    p->res.kind = VF_RES_PORT;
    p->res.key = p;
    p->res.reclaim = port_reclaim;
    p->next = s->ports;
    s->ports = p;
    update_tracking_locked(a, s);
    exec_mutex_unlock(&s->lock);
    vf_ledger_insert(&p->res, a->owner, site);
    PortCharacteristics->PortNumber = n;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisMFreePort(NDIS_HANDLE NdisMiniportHandle, NDIS_PORT_NUMBER PortNumber)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMFreePort";
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    ndis_adapter *a = ndis_adapter_from_handle(NdisMiniportHandle, api, site);
    if (!a)
        return NDIS_STATUS_FAILURE;
    if (PortNumber == NDIS_DEFAULT_PORT_NUMBER)
    {
        vf_report("PT-04", a->owner, VF_CB_NONE, site,
                  "%s(0): the default port belongs to NDIS, which frees it after MiniportHaltEx "
                  "(NDIS_STATUS_INVALID_PORT)",
                  api);
        return NDIS_STATUS_INVALID_PORT;
    }
    /* Policy: a number outside 1..0xffffff is INVALID_DATA; one in range that names no allocated
     * port is INVALID_PORT. */
    if (PortNumber > PORT_NUMBER_MAX)
    {
        vf_report("PT-04", a->owner, VF_CB_NONE, site,
                  "%s(%u): port numbers run from 1 to 0xffffff (NDIS_STATUS_INVALID_DATA)", api, (unsigned)PortNumber);
        return NDIS_STATUS_INVALID_DATA;
    }
    ndis_port_state *s = port_state(a);
    exec_mutex_lock(&s->lock);
    ndis_port *p = find_locked(s, PortNumber);
    bool active = p && p->active;
    exec_mutex_unlock(&s->lock);
    if (!p)
    {
        vf_report("PT-04", a->owner, VF_CB_NONE, site,
                  "%s(%u): no allocated port of this adapter has that number (never allocated, or already freed) "
                  "(NDIS_STATUS_INVALID_PORT)",
                  api, (unsigned)PortNumber);
        return NDIS_STATUS_INVALID_PORT;
    }
    if (active)
    {
        vf_report("PT-04", a->owner, VF_CB_NONE, site,
                  "%s(%u): the port is still activated; deactivate it with NetEventPortDeactivation first "
                  "(NDIS_STATUS_INVALID_PORT_STATE)",
                  api, (unsigned)PortNumber);
        return NDIS_STATUS_INVALID_PORT_STATE;
    }
    vf_ledger_remove(&p->res);
    port_reclaim(&p->res);
    return NDIS_STATUS_SUCCESS;
}

/* ---- NdisMNetPnPEvent: activation and deactivation ------------------------------------------------- */

typedef enum port_verdict
{
    PORT_OK,
    PORT_BAD_STATE, /* NDIS_STATUS_INVALID_PORT_STATE */
    PORT_MISSING,   /* NDIS_STATUS_INVALID_PORT: wins over a bad state */
} port_verdict;

typedef struct port_check
{
    port_verdict verdict;
    NDIS_PORT_NUMBER culprit;
    const char *why;
} port_check;

static void note(port_check *c, port_verdict v, NDIS_PORT_NUMBER n, const char *why)
{
    if (v > c->verdict)
        *c = (port_check){v, n, why};
}

static NDIS_STATUS verdict_status(port_verdict v)
{
    return v == PORT_MISSING ? NDIS_STATUS_INVALID_PORT : NDIS_STATUS_INVALID_PORT_STATE;
}

static const char *verdict_name(port_verdict v)
{
    return v == PORT_MISSING ? "NDIS_STATUS_INVALID_PORT" : "NDIS_STATUS_INVALID_PORT_STATE";
}

static bool listed_before(const NDIS_PORT_NUMBER *v, unsigned i)
{
    for (unsigned k = 0; k < i; k++)
        if (v[k] == v[i])
            return true;
    return false;
}

/* NetEventPortActivation: Buffer is a linked list of NDIS_PORT. Every listed port must be allocated
 * and not active; the default port, if listed, alone; all of them change state, or none. */
static NDIS_STATUS activate(ndis_adapter *a, const NET_PNP_EVENT *ev, void *site)
{
    static const char api[] = "NdisMNetPnPEvent(NetEventPortActivation)";
    if (!ev->Buffer || !ev->BufferLength)
    {
        vf_report("PT-02", a->owner, VF_CB_NONE, site,
                  "%s with %s: Buffer points to a linked list of NDIS_PORT structures (NDIS_STATUS_INVALID_PARAMETER)",
                  api, !ev->Buffer ? "a NULL Buffer" : "BufferLength 0");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    unsigned n = 0, cap = 16;
    NDIS_PORT_NUMBER *v = malloc(cap * sizeof *v);
    if (!v)
        return NDIS_STATUS_RESOURCES;
    for (const NDIS_PORT *e = ev->Buffer; e; e = e->Next)
    {
        if (n == PORT_LIST_LIMIT)
        {
            free(v);
            vf_report("PT-02", a->owner, VF_CB_NONE, site,
                      "%s: the NDIS_PORT list does not end (a cycle in Next?) (NDIS_STATUS_INVALID_PARAMETER)", api);
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        if (n == cap)
        {
            NDIS_PORT_NUMBER *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv)
            {
                free(v);
                return NDIS_STATUS_RESOURCES;
            }
            v = nv;
        }
        v[n++] = e->PortCharacteristics.PortNumber;
    }
    ndis_port_state *s = port_state(a);
    port_check c = {PORT_OK, 0, NULL};
    exec_mutex_lock(&s->lock);
    for (unsigned i = 0; i < n; i++)
    {
        if (v[i] == NDIS_DEFAULT_PORT_NUMBER)
        {
            if (n > 1)
                note(&c, PORT_MISSING, 0, "the default port must be the only port of an activation list");
            else if (default_active_locked(a, s))
                note(&c, PORT_BAD_STATE, 0,
                     controls_default(a) ? "the default port is already activated"
                                         : "NDIS activated the default port itself (the driver did not set "
                                           "NDIS_MINIPORT_ATTRIBUTES_CONTROLS_DEFAULT_PORT)");
            continue;
        }
        ndis_port *p = find_locked(s, v[i]);
        if (!p)
            note(&c, PORT_MISSING, v[i], "no allocated port of this adapter has that number");
        else if (p->active || listed_before(v, i))
            note(&c, PORT_BAD_STATE, v[i], p->active ? "the port is already activated" : "the port is listed twice");
    }
    if (c.verdict == PORT_OK)
        for (unsigned i = 0; i < n; i++)
        {
            if (v[i] == NDIS_DEFAULT_PORT_NUMBER)
            {
                s->default_explicit = true;
                s->default_active = true;
                s->default_site = site;
                s->default_cb = vf_current_callback();
                update_tracking_locked(a, s);
                continue;
            }
            ndis_port *p = find_locked(s, v[i]);
            if (!p)
                continue; /* cannot happen: every number was checked above, under the lock */
            p->active = true;
            p->activate_site = site;
        }
    exec_mutex_unlock(&s->lock);
    free(v);
    if (c.verdict == PORT_OK)
        return NDIS_STATUS_SUCCESS;
    vf_report("PT-02", a->owner, VF_CB_NONE, site,
              "%s: port %u: %s; every listed port must be allocated and inactive, and no port changed state (%s)", api,
              (unsigned)c.culprit, c.why, verdict_name(c.verdict));
    return verdict_status(c.verdict);
}

/* NetEventPortDeactivation: Buffer is an array of NDIS_PORT_NUMBER, BufferLength its size. */
static NDIS_STATUS deactivate(ndis_adapter *a, const NET_PNP_EVENT *ev, void *site)
{
    static const char api[] = "NdisMNetPnPEvent(NetEventPortDeactivation)";
    unsigned n = ev->Buffer ? ev->BufferLength / (ULONG)sizeof(NDIS_PORT_NUMBER) : 0;
    if (!ev->Buffer || !ev->BufferLength || !n)
    {
        vf_report("PT-03", a->owner, VF_CB_NONE, site,
                  "%s with %s: Buffer points to an array of NDIS_PORT_NUMBER and BufferLength is its size in bytes "
                  "(NDIS_STATUS_INVALID_PARAMETER)",
                  api, !ev->Buffer ? "a NULL Buffer" : "a BufferLength that holds no port number");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    const NDIS_PORT_NUMBER *v = ev->Buffer;
    ndis_port_state *s = port_state(a);
    port_check c = {PORT_OK, 0, NULL};
    typedef struct busy
    {
        NDIS_PORT_NUMBER n;
        uint32_t rx;
    } busy;
    busy busy_ports[8];
    unsigned nbusy = 0, more_busy = 0;
    exec_mutex_lock(&s->lock);
    for (unsigned i = 0; i < n; i++)
    {
        if (v[i] == NDIS_DEFAULT_PORT_NUMBER)
        {
            if (n > 1)
                note(&c, PORT_MISSING, 0, "the default port must be the only port of a deactivation array");
            else if (!default_active_locked(a, s))
                note(&c, PORT_BAD_STATE, 0, "the default port is not activated");
            continue;
        }
        ndis_port *p = find_locked(s, v[i]);
        if (!p)
            note(&c, PORT_MISSING, v[i], "no allocated port of this adapter has that number");
        else if (!p->active || listed_before(v, i))
            note(&c, PORT_BAD_STATE, v[i], !p->active ? "the port is not activated" : "the port is listed twice");
    }
    if (c.verdict == PORT_OK)
        for (unsigned i = 0; i < n; i++)
        {
            uint32_t rx;
            if (v[i] == NDIS_DEFAULT_PORT_NUMBER)
            {
                rx = __atomic_load_n(&s->default_rx, __ATOMIC_RELAXED);
                s->default_explicit = true;
                s->default_active = false;
                update_tracking_locked(a, s);
            }
            else
            {
                ndis_port *p = find_locked(s, v[i]);
                if (!p)
                    continue; /* cannot happen: every number was checked above, under the lock */
                rx = __atomic_load_n(&p->rx_outstanding, __ATOMIC_RELAXED);
                p->active = false;
            }
            if (rx && nbusy < 8)
                busy_ports[nbusy++] = (busy){v[i], rx};
            else if (rx)
                more_busy++;
        }
    exec_mutex_unlock(&s->lock);
    if (c.verdict != PORT_OK)
    {
        vf_report("PT-03", a->owner, VF_CB_NONE, site,
                  "%s: port %u: %s; every listed port must be activated, and no port changed state (%s)", api,
                  (unsigned)c.culprit, c.why, verdict_name(c.verdict));
        return verdict_status(c.verdict);
    }
    /* Policy: NDIS does not fail the deactivation; the ports are deactivated and the receives
     * still outstanding are reported (the driver must have had none). */
    for (unsigned i = 0; i < nbusy; i++)
        vf_report("PT-03", a->owner, VF_CB_NONE, site,
                  "%s: port %u still has %u received NET_BUFFER_LIST(s) indicated and not yet returned; a port has no "
                  "outstanding receive or status indication when the driver deactivates it%s",
                  api, (unsigned)busy_ports[i].n, (unsigned)busy_ports[i].rx,
                  more_busy ? " (more ports of the array too)" : "");
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisMNetPnPEvent(NDIS_HANDLE MiniportAdapterHandle, PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMNetPnPEvent";
    vf_check_irql_eq(PASSIVE_LEVEL, api, site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return NDIS_STATUS_INVALID_PARAMETER;
    const NET_PNP_EVENT_NOTIFICATION *n = NetPnPEventNotification;
    if (!n || n->Header.Size < NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with %s (NDIS_STATUS_INVALID_PARAMETER)", api,
                  !n ? "a NULL NetPnPEventNotification"
                     : "a NET_PNP_EVENT_NOTIFICATION whose Header.Size is too small");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    switch (n->NetPnPEvent.NetEvent)
    {
    case NetEventPortActivation:
        return activate(a, &n->NetPnPEvent, site);
    case NetEventPortDeactivation:
        return deactivate(a, &n->NetPnPEvent, site);
    default:
        /* Policy: only intermediate drivers originate the other events; the host has no overlying
         * driver that would act on them, so they are accepted and dropped (NDIS_STATUS_SUCCESS, the
         * documented status for every event that is not a query). */
        return NDIS_STATUS_SUCCESS;
    }
}

/* ---- instance end, adapter destruction ------------------------------------------------------------ */

void ndis_ports_instance_end(ndis_adapter *a, const char *when)
{
    /* Until adapter.c calls the DMA file's own hook, it runs from here (both precede the ledger's
     * leftover report). */
    ndis_dma_instance_end(a, when);
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (!s)
        return;
    exec_mutex_lock(&s->lock);
    bool leftover = controls_default(a) && s->default_explicit && s->default_active;
    void *dsite = s->default_site;
    vf_callback dcb = s->default_cb;
    s->default_explicit = false;
    s->default_active = false;
    s->default_site = NULL;
    __atomic_store_n(&s->default_rx, 0, __ATOMIC_RELAXED);
    /* Late returns of this instance's receives must not count against the next one's. */
    s->default_serial = __atomic_add_fetch(&g_serial, 1, __ATOMIC_RELAXED);
    s->next_number = 1;
    update_tracking_locked(a, s);
    exec_mutex_unlock(&s->lock);
    if (leftover)
        vf_report(a->halt_started ? "HA-08" : "IN-04", a->owner, dcb, dsite,
                  "the driver controls the default port and activated it here, but did not deactivate it (a "
                  "NetEventPortDeactivation for port 0) before %s",
                  when ? when : "the adapter instance ended");
}

void ndis_ports_adapter_destroy(ndis_adapter *a)
{
    ndis_port_state *s = __atomic_load_n(&a->ports, __ATOMIC_ACQUIRE);
    if (!s)
        return;
    /* After a shutdown nothing was reclaimed: take what is left off the ledger before it is freed. */
    for (;;)
    {
        exec_mutex_lock(&s->lock);
        ndis_port *p = s->ports;
        if (p)
            s->ports = p->next;
        exec_mutex_unlock(&s->lock);
        if (!p)
            break;
        vf_ledger_remove(&p->res);
        p->magic = 0;
        free(p);
    }
    a->ports = NULL;
    free(s);
}

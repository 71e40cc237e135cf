/* I/O port ranges (NdisMRegisterIoPortRange / NdisMDeregisterIoPortRange), the port accessors
 * (NdisRawRead/WritePort*, READ_PORT_* / WRITE_PORT_*), and what mapped_io.c shares with them: the
 * range lookup, the claim checks, claiming and releasing a range, and the access helpers.
 *
 * Semantics, as documented:
 *  - registration: PASSIVE_LEVEL, from MiniportInitializeEx after the registration attributes
 *    (IN-02, IN-07 through ndis_hw_claim_check). The range must lie inside the adapter's
 *    CmResourceTypePort resource; PortOffset is the port number itself, as on x86 where I/O ports
 *    need no mapping.
 *  - deregistration: PASSIVE_LEVEL, from initialize or halt, with exactly the InitialPort,
 *    NumberOfPorts and PortOffset of the registration (no sub-range): anything else is HA-09.
 *    Afterwards the range is no longer accessible.
 *  - a range left registered at halt return (or after a failed initialize) is HA-09 (IN-04); the
 *    host then deregisters it.
 *
 * Policy:
 *  - a range outside the adapter's port resource (or any range on an adapter without hardware) is
 *    AP-02 and fails with NDIS_STATUS_RESOURCE_CONFLICT, as a claim of ports another device owns
 *    would; NumberOfPorts 0 is AP-02 and NDIS_STATUS_FAILURE.
 *  - registering an overlapping range again is allowed; each registration needs its own
 *    deregistration.
 *  - a deregistration whose InitialPort or PortOffset names a registered range but whose other
 *    parameters differ is reported (HA-09) and releases that range, as the driver meant to: one
 *    finding per mistake. A deregistration from another callback is reported (HA-09) and carried
 *    out.
 *  - a port access no registered range covers (never registered, already deregistered, or past the
 *    end of the range) is AP-01: the port number is a value NDIS handed the driver (PortOffset),
 *    and using one that is not, or no longer, valid breaks "a handle NDIS gave the driver and still
 *    valid". Reads return all ones (a master abort), writes are dropped. From an interrupt handler
 *    running before NdisMRegisterInterruptEx returned it is IN-06 instead. */
#include "irq_io.h"

#include <stdlib.h>

#include "../device/simnic.h"

/* ---- the lookup table ------------------------------------------------------------------------- */

#define IO_SLOTS 4096

typedef struct io_slot
{
    uint32_t seq; /* odd while a writer changes the slot */
    uint32_t live;
    uint64_t start, end;
    struct simnic *nic;
    uint32_t dev_offset;
} io_slot;

static io_slot io_table[NDIS_IO_SPACES][IO_SLOTS];
static uint32_t io_hwm[NDIS_IO_SPACES]; /* slots below this index may be live */
static exec_mutex io_lock = EXEC_MUTEX_INIT;
static __thread int tls_last[NDIS_IO_SPACES] = {-1, -1};

static void slot_write(io_slot *s, uint32_t live, uint64_t start, uint64_t end, struct simnic *nic, uint32_t off)
{
    uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
    __atomic_store_n(&s->seq, seq + 1, __ATOMIC_RELAXED);
    /* Release stores: a reader that sees any new field also sees the odd sequence word. */
    __atomic_store_n(&s->start, start, __ATOMIC_RELEASE);
    __atomic_store_n(&s->end, end, __ATOMIC_RELEASE);
    __atomic_store_n(&s->nic, nic, __ATOMIC_RELEASE);
    __atomic_store_n(&s->dev_offset, off, __ATOMIC_RELEASE);
    __atomic_store_n(&s->live, live, __ATOMIC_RELEASE);
    __atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
}

int ndis_io_publish(ndis_io_space space, uint64_t start, uint64_t len, struct simnic *nic, uint32_t dev_offset)
{
    exec_mutex_lock(&io_lock);
    int slot = -1;
    for (int i = 0; i < IO_SLOTS; i++)
        if (!__atomic_load_n(&io_table[space][i].live, __ATOMIC_RELAXED))
        {
            slot = i;
            break;
        }
    if (slot >= 0)
    {
        slot_write(&io_table[space][slot], 1, start, start + len, nic, dev_offset);
        if ((uint32_t)slot >= __atomic_load_n(&io_hwm[space], __ATOMIC_RELAXED))
            __atomic_store_n(&io_hwm[space], (uint32_t)slot + 1, __ATOMIC_RELEASE);
    }
    exec_mutex_unlock(&io_lock);
    return slot;
}

void ndis_io_unpublish(ndis_io_space space, int slot)
{
    if (slot < 0 || slot >= IO_SLOTS)
        return;
    exec_mutex_lock(&io_lock);
    slot_write(&io_table[space][slot], 0, 0, 0, NULL, 0);
    exec_mutex_unlock(&io_lock);
}

/* 1: hit, 0: the slot does not hold the access. */
static int slot_try(io_slot *s, uint64_t addr, unsigned width, ndis_io_hit *out)
{
    for (;;)
    {
        uint32_t s1 = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
        if (s1 & 1)
        {
            exec_yield();
            continue;
        }
        uint32_t live = __atomic_load_n(&s->live, __ATOMIC_ACQUIRE);
        uint64_t start = __atomic_load_n(&s->start, __ATOMIC_ACQUIRE);
        uint64_t end = __atomic_load_n(&s->end, __ATOMIC_ACQUIRE);
        struct simnic *nic = __atomic_load_n(&s->nic, __ATOMIC_ACQUIRE);
        uint32_t off = __atomic_load_n(&s->dev_offset, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != s1)
            continue;
        if (!live || addr < start || addr >= end || width > end - addr)
            return 0;
        out->nic = nic;
        out->offset = off + (uint32_t)(addr - start);
        return 1;
    }
}

bool ndis_io_lookup(ndis_io_space space, uint64_t addr, unsigned width, ndis_io_hit *out)
{
    int last = tls_last[space];
    if (last >= 0 && slot_try(&io_table[space][last], addr, width, out))
        return true;
    uint32_t hwm = __atomic_load_n(&io_hwm[space], __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < hwm; i++)
    {
        if ((int)i == last)
            continue;
        if (slot_try(&io_table[space][i], addr, width, out))
        {
            tls_last[space] = (int)i;
            return true;
        }
    }
    return false;
}

void ndis_io_miss(ndis_io_space space, const char *api, uint64_t addr, unsigned width, void *site)
{
    vf_owner *unready = ndis_irq_unready_owner();
    const char *what = space == NDIS_IO_PORT ? "I/O port" : "register address";
    if (unready)
    {
        vf_report("IN-06", unready, VF_CB_NONE, site,
                  "%s on %s 0x%llx from an interrupt handler NDIS called before NdisMRegisterInterruptEx returned: "
                  "no %s covers it yet, the driver was not ready for an interrupt",
                  api, what, (unsigned long long)addr,
                  space == NDIS_IO_PORT ? "registered port range" : "mapped register range");
        return;
    }
    vf_report("AP-01", NULL, VF_CB_NONE, site,
              "%s on %s 0x%llx (%u byte%s), which is not inside a range %s (never %s, or already released)", api, what,
              (unsigned long long)addr, width, width == 1 ? "" : "s",
              space == NDIS_IO_PORT ? "registered with NdisMRegisterIoPortRange" : "mapped with NdisMMapIoSpace",
              space == NDIS_IO_PORT ? "registered" : "mapped");
}

/* ---- resources and the per-adapter list --------------------------------------------------------- */

const CM_PARTIAL_RESOURCE_DESCRIPTOR *ndis_io_find_resource(const ndis_adapter *a, UCHAR type, uint64_t start,
                                                            uint64_t len)
{
    const CM_PARTIAL_RESOURCE_LIST *list = a->resources;
    if (!list)
        return NULL;
    for (ULONG i = 0; i < list->Count; i++)
    {
        const CM_PARTIAL_RESOURCE_DESCRIPTOR *d = &list->PartialDescriptors[i];
        if (d->Type != type)
            continue;
        uint64_t base = (uint64_t)d->u.Generic.Start.QuadPart, dlen = d->u.Generic.Length;
        if (start >= base && len <= dlen && start - base <= dlen - len)
            return d;
    }
    return NULL;
}

struct ndis_io_state
{
    exec_mutex lock;
    ndis_io_range *head;
};

static ndis_io_state *io_state(ndis_adapter *a)
{
    ndis_io_state *s = __atomic_load_n(&a->io, __ATOMIC_ACQUIRE);
    if (s)
        return s;
    exec_mutex_lock(&io_lock);
    s = a->io;
    if (!s)
    {
        s = calloc(1, sizeof *s);
        if (!s)
            abort();
        __atomic_store_n(&a->io, s, __ATOMIC_RELEASE);
    }
    exec_mutex_unlock(&io_lock);
    return s;
}

void ndis_io_list_add(ndis_adapter *a, ndis_io_range *r)
{
    ndis_io_state *s = io_state(a);
    exec_mutex_lock(&s->lock);
    r->next = s->head;
    s->head = r;
    exec_mutex_unlock(&s->lock);
}

bool ndis_io_list_remove(ndis_adapter *a, ndis_io_range *r)
{
    ndis_io_state *s = io_state(a);
    bool found = false;
    exec_mutex_lock(&s->lock);
    for (ndis_io_range **p = &s->head; *p; p = &(*p)->next)
        if (*p == r)
        {
            *p = r->next;
            found = true;
            break;
        }
    exec_mutex_unlock(&s->lock);
    return found;
}

ndis_io_range *ndis_io_list_find(ndis_adapter *a, ndis_io_space space,
                                 bool (*match)(const ndis_io_range *r, const void *arg), const void *arg)
{
    ndis_io_state *s = io_state(a);
    ndis_io_range *found = NULL;
    exec_mutex_lock(&s->lock);
    for (ndis_io_range *r = s->head; r && !found; r = r->next)
        if (r->space == space && match(r, arg))
            found = r;
    exec_mutex_unlock(&s->lock);
    return found;
}

/* ---- claiming and releasing ranges ----------------------------------------------------------------- */

NDIS_STATUS ndis_io_claim_check(const ndis_io_claim *c, PVOID *out, NDIS_HANDLE handle, uint64_t start, uint64_t len,
                                void *site, ndis_adapter **a_out, const CM_PARTIAL_RESOURCE_DESCRIPTOR **res_out)
{
    vf_check_irql_eq(PASSIVE_LEVEL, c->api, site);
    if (!out)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL %s", c->api, c->out_name);
        return NDIS_STATUS_FAILURE;
    }
    *out = NULL;
    ndis_adapter *a = ndis_adapter_from_handle(handle, c->api, site);
    if (!a)
        return NDIS_STATUS_FAILURE;
    if (!ndis_hw_claim_check(a, c->api, site, NDIS_CLAIM_INIT_ONLY | NDIS_CLAIM_NEEDS_REG_ATTRS))
        return NDIS_STATUS_FAILURE;
    if (len == 0)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with %s 0", c->api, c->len_name);
        return NDIS_STATUS_FAILURE;
    }
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *d = a->nic ? ndis_io_find_resource(a, c->type, start, len) : NULL;
    if (!d)
    {
        const CM_PARTIAL_RESOURCE_DESCRIPTOR *any = a->nic ? ndis_io_find_resource(a, c->type, 0, 0) : NULL;
        if (any)
            vf_report("AP-02", a->owner, VF_CB_NONE, site,
                      "%s(%s 0x%llX, %s %u) is not inside the adapter's %s 0x%llX..0x%llX; "
                      "NDIS_STATUS_RESOURCE_CONFLICT",
                      c->api, c->start_name, (unsigned long long)start, c->len_name, (unsigned)len, c->res_name,
                      (unsigned long long)any->u.Generic.Start.QuadPart,
                      (unsigned long long)any->u.Generic.Start.QuadPart + any->u.Generic.Length - 1);
        else
            vf_report("AP-02", a->owner, VF_CB_NONE, site,
                      "%s(%s 0x%llX, %s %u) on %s, which was assigned no %s; NDIS_STATUS_RESOURCE_CONFLICT", c->api,
                      c->start_name, (unsigned long long)start, c->len_name, (unsigned)len, a->name, c->none_name);
        return NDIS_STATUS_RESOURCE_CONFLICT;
    }
    if (vf_should_fail(c->api, site))
        return NDIS_STATUS_RESOURCES;
    *a_out = a;
    *res_out = d;
    return NDIS_STATUS_SUCCESS;
}

void ndis_io_range_release(ndis_io_range *r)
{
    ndis_io_unpublish(r->space, r->slot);
    ndis_io_list_remove(r->a, r);
    vf_ledger_remove(&r->res);
    if (r->space == NDIS_IO_MEMORY)
        ndis_io_reservation_retire(r->map_base, r->map_len);
    free(r);
}

/* Leftover at halt return / failed initialize: reported by the ledger, then released here. */
static void range_reclaim(vf_res *res)
{
    ndis_io_range_release(CONTAINING_RECORD(res, ndis_io_range, res));
}

bool ndis_io_range_commit(ndis_io_range *r, uint32_t dev_offset, vf_res_kind kind, void *site)
{
    r->slot = ndis_io_publish(r->space, r->start, r->len, r->a->nic, dev_offset);
    if (r->slot < 0)
        return false;
    r->res.kind = kind;
    r->res.key = r;
    r->res.size = r->len;
    r->res.reclaim = range_reclaim;
    ndis_io_list_add(r->a, r);
    vf_ledger_insert(&r->res, r->a->owner, site);
    return true;
}

/* Both releases are documented for init and halt of this adapter only. */
void ndis_io_check_release_caller(ndis_adapter *a, const char *api, void *site)
{
    if (vf_in_callback_mask((1ull << VF_CB_INITIALIZE) | (1ull << VF_CB_HALT)))
        return;
    vf_callback cb = vf_current_callback();
    vf_report("HA-09", a->owner, VF_CB_NONE, site,
              "%s called from %s; it may only be called from MiniportInitializeEx or MiniportHaltEx", api,
              cb == VF_CB_NONE ? "a thread outside any miniport callback" : vf_callback_name(cb));
}

/* ---- port ranges -------------------------------------------------------------------------------- */

static const ndis_io_claim port_claim = {
    .api = "NdisMRegisterIoPortRange",
    .out_name = "PortOffset",
    .start_name = "InitialPort",
    .len_name = "NumberOfPorts",
    .type = CmResourceTypePort,
    .res_name = "I/O port resource",
    .none_name = "I/O port resource",
};

NDIS_STATUS NdisMRegisterIoPortRange(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                     UINT NumberOfPorts)
{
    void *site = VF_SITE();
    ndis_adapter *a;
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *d;
    NDIS_STATUS st =
        ndis_io_claim_check(&port_claim, PortOffset, MiniportAdapterHandle, InitialPort, NumberOfPorts, site, &a, &d);
    if (st != NDIS_STATUS_SUCCESS)
        return st;
    ndis_io_range *r = calloc(1, sizeof *r);
    if (!r)
        return NDIS_STATUS_RESOURCES;
    r->a = a;
    r->space = NDIS_IO_PORT;
    r->start = InitialPort;
    r->len = NumberOfPorts;
    r->initial_port = InitialPort;
    r->nports = NumberOfPorts;
    r->port_offset = (PVOID)(ULONG_PTR)InitialPort;
    if (!ndis_io_range_commit(r, (uint32_t)(InitialPort - (uint64_t)d->u.Port.Start.QuadPart), VF_RES_IO_PORT, site))
    {
        free(r);
        return NDIS_STATUS_RESOURCES;
    }
    *PortOffset = r->port_offset;
    return NDIS_STATUS_SUCCESS;
}

typedef struct port_key
{
    UINT initial, count;
    PVOID offset;
} port_key;

static bool port_exact(const ndis_io_range *r, const void *arg)
{
    const port_key *k = arg;
    return r->initial_port == k->initial && r->nports == k->count && r->port_offset == k->offset;
}

static bool port_near(const ndis_io_range *r, const void *arg)
{
    const port_key *k = arg;
    return r->initial_port == k->initial || r->port_offset == k->offset;
}

VOID NdisMDeregisterIoPortRange(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort, UINT NumberOfPorts,
                                PVOID PortOffset)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMDeregisterIoPortRange";
    vf_check_irql_eq(PASSIVE_LEVEL, api, site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return;
    port_key k = {InitialPort, NumberOfPorts, PortOffset};
    ndis_io_range *r = ndis_io_list_find(a, NDIS_IO_PORT, port_exact, &k);
    if (!r)
    {
        r = ndis_io_list_find(a, NDIS_IO_PORT, port_near, &k);
        if (!r)
        {
            vf_report("HA-09", a->owner, VF_CB_NONE, site,
                      "%s(InitialPort 0x%X, NumberOfPorts %u, PortOffset %p): no such range is registered (never "
                      "registered, or already deregistered)",
                      api, InitialPort, NumberOfPorts, PortOffset);
            return;
        }
        vf_report("HA-09", a->owner, VF_CB_NONE, site,
                  "%s(InitialPort 0x%X, NumberOfPorts %u, PortOffset %p) does not match the registration "
                  "(InitialPort 0x%X, NumberOfPorts %u, PortOffset %p): a range is released only whole, with the "
                  "parameters it was registered with",
                  api, InitialPort, NumberOfPorts, PortOffset, r->initial_port, r->nports, r->port_offset);
    }
    ndis_io_check_release_caller(a, api, site);
    ndis_io_range_release(r);
}

/* ---- port access -------------------------------------------------------------------------------- */

static uint32_t all_ones(unsigned width)
{
    return width == 4 ? 0xFFFFFFFFu : (1u << (8 * width)) - 1;
}

uint32_t ndis_io_read(ndis_io_space space, uint64_t addr, unsigned width, const char *api, void *site)
{
    ndis_io_hit h;
    if (ndis_io_lookup(space, addr, width, &h))
    {
        uint32_t v =
            space == NDIS_IO_PORT ? simnic_io_read(h.nic, h.offset, width) : simnic_mmio_read(h.nic, h.offset, width);
        if (v == all_ones(width) && simnic_is_removed(h.nic))
            ndis_hw_removed_read(NULL, site); /* HA-13 */
        return v;
    }
    ndis_io_miss(space, api, addr, width, site);
    return all_ones(width);
}

void ndis_io_write(ndis_io_space space, uint64_t addr, unsigned width, uint32_t value, const char *api, void *site)
{
    ndis_io_hit h;
    if (!ndis_io_lookup(space, addr, width, &h))
    {
        ndis_io_miss(space, api, addr, width, site);
        return;
    }
    if (space == NDIS_IO_PORT)
        simnic_io_write(h.nic, h.offset, width, value);
    else
        simnic_mmio_write(h.nic, h.offset, width, value);
    if (h.offset == SIMNIC_REG_CTRL || h.offset == SIMNIC_REG_IMR)
        ndis_hw_note_start(h.offset, value, site); /* HA-12 names the write that started the NIC */
}

bool ndis_io_data_ok(const void *data, const char *api, void *site)
{
    if (data)
        return true;
    vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL Data pointer", api);
    return false;
}

bool ndis_io_buffer_ok(const void *buf, ULONG count, const char *api, void *site)
{
    if (buf || !count)
        return true;
    vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL Buffer and %u items", api, (unsigned)count);
    return false;
}

uint32_t ndis_io_item_get(const void *buf, ULONG i, unsigned width)
{
    return width == 1 ? ((const UCHAR *)buf)[i] : width == 2 ? ((const USHORT *)buf)[i] : ((const ULONG *)buf)[i];
}

void ndis_io_item_set(void *buf, ULONG i, unsigned width, uint32_t v)
{
    if (width == 1)
        ((UCHAR *)buf)[i] = (UCHAR)v;
    else if (width == 2)
        ((USHORT *)buf)[i] = (USHORT)v;
    else
        ((ULONG *)buf)[i] = v;
}

static uint32_t port_read(ULONG_PTR port, unsigned width, const char *api, void *site)
{
    return ndis_io_read(NDIS_IO_PORT, port, width, api, site);
}

static void port_write(ULONG_PTR port, unsigned width, uint32_t value, const char *api, void *site)
{
    ndis_io_write(NDIS_IO_PORT, port, width, value, api, site);
}

VOID NdisRawReadPortUchar(ULONG_PTR Port, PUCHAR Data)
{
    void *site = VF_SITE();
    if (ndis_io_data_ok(Data, "NdisRawReadPortUchar", site))
        *Data = (UCHAR)port_read(Port, 1, "NdisRawReadPortUchar", site);
}

VOID NdisRawReadPortUshort(ULONG_PTR Port, PUSHORT Data)
{
    void *site = VF_SITE();
    if (ndis_io_data_ok(Data, "NdisRawReadPortUshort", site))
        *Data = (USHORT)port_read(Port, 2, "NdisRawReadPortUshort", site);
}

VOID NdisRawReadPortUlong(ULONG_PTR Port, PULONG Data)
{
    void *site = VF_SITE();
    if (ndis_io_data_ok(Data, "NdisRawReadPortUlong", site))
        *Data = port_read(Port, 4, "NdisRawReadPortUlong", site);
}

VOID NdisRawWritePortUchar(ULONG_PTR Port, UCHAR Data)
{
    void *site = VF_SITE();
    port_write(Port, 1, Data, "NdisRawWritePortUchar", site);
}

VOID NdisRawWritePortUshort(ULONG_PTR Port, USHORT Data)
{
    void *site = VF_SITE();
    port_write(Port, 2, Data, "NdisRawWritePortUshort", site);
}

VOID NdisRawWritePortUlong(ULONG_PTR Port, ULONG Data)
{
    void *site = VF_SITE();
    port_write(Port, 4, Data, "NdisRawWritePortUlong", site);
}

/* The buffer variants move `count` items of `width` bytes through one port, one access each. */
static void port_read_buffer(ULONG_PTR port, unsigned width, void *buf, ULONG count, const char *api, void *site)
{
    if (!ndis_io_buffer_ok(buf, count, api, site))
        return;
    ndis_io_hit h;
    bool hit = ndis_io_lookup(NDIS_IO_PORT, port, width, &h);
    if (!hit && count)
        ndis_io_miss(NDIS_IO_PORT, api, port, width, site);
    for (ULONG i = 0; i < count; i++)
        ndis_io_item_set(buf, i, width, hit ? simnic_io_read(h.nic, h.offset, width) : 0xFFFFFFFFu);
}

static void port_write_buffer(ULONG_PTR port, unsigned width, const void *buf, ULONG count, const char *api, void *site)
{
    if (!ndis_io_buffer_ok(buf, count, api, site))
        return;
    ndis_io_hit h;
    if (!ndis_io_lookup(NDIS_IO_PORT, port, width, &h))
    {
        if (count)
            ndis_io_miss(NDIS_IO_PORT, api, port, width, site);
        return;
    }
    for (ULONG i = 0; i < count; i++)
        simnic_io_write(h.nic, h.offset, width, ndis_io_item_get(buf, i, width));
}

VOID NdisRawReadPortBufferUchar(ULONG_PTR Port, PUCHAR Buffer, ULONG Length)
{
    void *site = VF_SITE();
    port_read_buffer(Port, 1, Buffer, Length, "NdisRawReadPortBufferUchar", site);
}

VOID NdisRawReadPortBufferUshort(ULONG_PTR Port, PUSHORT Buffer, ULONG Length)
{
    void *site = VF_SITE();
    port_read_buffer(Port, 2, Buffer, Length, "NdisRawReadPortBufferUshort", site);
}

VOID NdisRawReadPortBufferUlong(ULONG_PTR Port, PULONG Buffer, ULONG Length)
{
    void *site = VF_SITE();
    port_read_buffer(Port, 4, Buffer, Length, "NdisRawReadPortBufferUlong", site);
}

VOID NdisRawWritePortBufferUchar(ULONG_PTR Port, PUCHAR Buffer, ULONG Length)
{
    void *site = VF_SITE();
    port_write_buffer(Port, 1, Buffer, Length, "NdisRawWritePortBufferUchar", site);
}

VOID NdisRawWritePortBufferUshort(ULONG_PTR Port, PUSHORT Buffer, ULONG Length)
{
    void *site = VF_SITE();
    port_write_buffer(Port, 2, Buffer, Length, "NdisRawWritePortBufferUshort", site);
}

VOID NdisRawWritePortBufferUlong(ULONG_PTR Port, PULONG Buffer, ULONG Length)
{
    void *site = VF_SITE();
    port_write_buffer(Port, 4, Buffer, Length, "NdisRawWritePortBufferUlong", site);
}

/* The WDM port accessors: the pointer is the port number, as on x86/x64. */
UCHAR READ_PORT_UCHAR(PUCHAR Port)
{
    void *site = VF_SITE();
    return (UCHAR)port_read((ULONG_PTR)Port, 1, "READ_PORT_UCHAR", site);
}

USHORT READ_PORT_USHORT(PUSHORT Port)
{
    void *site = VF_SITE();
    return (USHORT)port_read((ULONG_PTR)Port, 2, "READ_PORT_USHORT", site);
}

ULONG READ_PORT_ULONG(PULONG Port)
{
    void *site = VF_SITE();
    return port_read((ULONG_PTR)Port, 4, "READ_PORT_ULONG", site);
}

VOID WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value)
{
    void *site = VF_SITE();
    port_write((ULONG_PTR)Port, 1, Value, "WRITE_PORT_UCHAR", site);
}

VOID WRITE_PORT_USHORT(PUSHORT Port, USHORT Value)
{
    void *site = VF_SITE();
    port_write((ULONG_PTR)Port, 2, Value, "WRITE_PORT_USHORT", site);
}

VOID WRITE_PORT_ULONG(PULONG Port, ULONG Value)
{
    void *site = VF_SITE();
    port_write((ULONG_PTR)Port, 4, Value, "WRITE_PORT_ULONG", site);
}

VOID READ_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count)
{
    void *site = VF_SITE();
    port_read_buffer((ULONG_PTR)Port, 1, Buffer, Count, "READ_PORT_BUFFER_UCHAR", site);
}

VOID READ_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count)
{
    void *site = VF_SITE();
    port_read_buffer((ULONG_PTR)Port, 2, Buffer, Count, "READ_PORT_BUFFER_USHORT", site);
}

VOID READ_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count)
{
    void *site = VF_SITE();
    port_read_buffer((ULONG_PTR)Port, 4, Buffer, Count, "READ_PORT_BUFFER_ULONG", site);
}

VOID WRITE_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count)
{
    void *site = VF_SITE();
    port_write_buffer((ULONG_PTR)Port, 1, Buffer, Count, "WRITE_PORT_BUFFER_UCHAR", site);
}

VOID WRITE_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count)
{
    void *site = VF_SITE();
    port_write_buffer((ULONG_PTR)Port, 2, Buffer, Count, "WRITE_PORT_BUFFER_USHORT", site);
}

VOID WRITE_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count)
{
    void *site = VF_SITE();
    port_write_buffer((ULONG_PTR)Port, 4, Buffer, Count, "WRITE_PORT_BUFFER_ULONG", site);
}

/* ---- the adapter goes away ------------------------------------------------------------------------ */

/* What is still registered when the device goes away (after MiniportShutdownEx nothing is reclaimed
 * at the end of the instance) is released without a report. */
void ndis_io_adapter_destroy(ndis_adapter *a)
{
    ndis_io_state *s = a->io;
    if (!s)
        return;
    for (;;)
    {
        exec_mutex_lock(&s->lock);
        ndis_io_range *r = s->head;
        exec_mutex_unlock(&s->lock);
        if (!r)
            break;
        ndis_io_range_release(r);
    }
    free(s);
    a->io = NULL;
}

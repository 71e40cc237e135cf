/* The host's bus address space: what an IOMMU gives a DMA device. Every shared-memory block and
 * every scatter/gather element gets a fake bus address of its own, and a device can reach host
 * memory only through a live mapping of its own adapter. Freed ranges stay in a bounded graveyard
 * with the call that freed them, so that a device still reaching one is reported with that call's
 * site: the bug is the free, the device access only shows it.
 *
 * Addresses are handed out by a bump pointer with one unmapped guard page after each mapping, so a
 * device overrunning a buffer lands in no mapping; when the window is used up, the search wraps and
 * takes the first gap, and graveyard entries the new mapping covers are forgotten.
 *
 * Policy (rules for device accesses that do not resolve; the device then counts a DMA error):
 *   - into shared memory the driver freed: SM-03, at the free's call site (NdisMFreeSharedMemory
 *     while the device could still reach the block);
 *   - into a scatter/gather element unmapped by NdisMFreeNetBufferSGList, into memory the host
 *     reclaimed after a leak, into another adapter's mapping, past the end of a mapping, or to an
 *     address NDIS never handed out: AP-01. A bus address is a value NDIS gives the driver, like a
 *     handle (PhysicalAddress of NdisMAllocateSharedMemory, an SG element's Address); programming
 *     the device with one that is not, or no longer, valid is AP-01's "a handle NDIS gave the
 *     driver and still valid".
 * Each freed range is reported once; other device-access findings at most 16 times per adapter
 * instance, so that a NIC spinning on a bad descriptor does not flood the report. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dma_internal.h"

typedef struct bus_map
{
    uint64_t base;    /* first reserved bus page */
    uint64_t reserve; /* reserved bytes: the mapped pages plus the guard page */
    uint64_t bus;     /* first mapped bus address (base + the host address's page offset) */
    size_t len;
    void *host;
    ndis_adapter *a;
    ndis_bus_kind kind;
    void *site;
    vf_callback cb;
} bus_map;

typedef struct bus_grave
{
    uint64_t bus;
    size_t len; /* 0: empty or forgotten */
    ndis_adapter *a;
    ndis_bus_kind kind;
    void *alloc_site;
    vf_callback alloc_cb;
    const char *free_api;
    void *free_site; /* NULL: reclaimed by the host */
    vf_callback free_cb;
    bool reported;
} bus_grave;

static exec_mutex g_lock = EXEC_MUTEX_INIT;
static bus_map *g_maps; /* sorted by base */
static size_t g_n, g_cap;
static uint64_t g_next = NDIS_BUS_BASE;
static bus_grave g_graves[NDIS_BUS_GRAVEYARD];
static unsigned g_grave_next;
static bool g_wrapped; /* addresses are reused: a new mapping may cover a graveyard entry */

#define BAD_DMA_REPORT_LIMIT 16u

static uint64_t round_up(uint64_t v, uint64_t to)
{
    return (v + to - 1) / to * to;
}

/* Index of the first mapping whose reservation ends after `addr`. */
static size_t first_ending_after(uint64_t addr)
{
    size_t lo = 0, hi = g_n;
    while (lo < hi)
    {
        size_t mid = lo + (hi - lo) / 2;
        if (g_maps[mid].base + g_maps[mid].reserve <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First fit of `need` bytes in [from, to); 0 when none. */
static uint64_t find_gap(uint64_t from, uint64_t to, uint64_t need)
{
    uint64_t c = from;
    for (size_t i = first_ending_after(c); c + need <= to; i++)
    {
        if (i == g_n || g_maps[i].base >= c + need)
            return c;
        c = g_maps[i].base + g_maps[i].reserve;
    }
    return 0;
}

static void forget_graves_in(uint64_t base, uint64_t reserve)
{
    for (unsigned i = 0; i < NDIS_BUS_GRAVEYARD; i++)
    {
        bus_grave *g = &g_graves[i];
        if (g->len && g->bus < base + reserve && base < g->bus + g->len)
            g->len = 0;
    }
}

uint64_t ndis_bus_map(ndis_adapter *a, void *host, size_t len, ndis_bus_kind kind, void *site, vf_callback cb)
{
    if (!len)
        len = 1;
    uint64_t off = (uintptr_t)host & (NDIS_BUS_PAGE - 1);
    if (len > NDIS_BUS_END - NDIS_BUS_BASE)
        return 0;
    uint64_t reserve = round_up(off + len, NDIS_BUS_PAGE) + NDIS_BUS_PAGE;
    exec_mutex_lock(&g_lock);
    uint64_t base = find_gap(g_next, NDIS_BUS_END, reserve);
    if (!base)
    {
        base = find_gap(NDIS_BUS_BASE, NDIS_BUS_END, reserve);
        g_wrapped = true;
    }
    if (!base)
    {
        exec_mutex_unlock(&g_lock);
        return 0;
    }
    if (g_n == g_cap)
    {
        size_t ncap = g_cap ? g_cap * 2 : 256;
        bus_map *nm = realloc(g_maps, ncap * sizeof *nm);
        if (!nm)
        {
            exec_mutex_unlock(&g_lock);
            return 0;
        }
        g_maps = nm;
        g_cap = ncap;
    }
    size_t i = first_ending_after(base);
    memmove(&g_maps[i + 1], &g_maps[i], (g_n - i) * sizeof *g_maps);
    g_maps[i] = (bus_map){base, reserve, base + off, len, host, a, kind, site, cb};
    g_n++;
    g_next = base + reserve;
    if (g_wrapped)
        forget_graves_in(base, reserve);
    exec_mutex_unlock(&g_lock);
    return base + off;
}

/* Index of the mapping containing `addr`, or SIZE_MAX. Lock held. */
static size_t find_containing(uint64_t addr)
{
    size_t i = first_ending_after(addr);
    if (i < g_n && g_maps[i].bus <= addr && addr < g_maps[i].bus + g_maps[i].len)
        return i;
    return SIZE_MAX;
}

bool ndis_bus_unmap(uint64_t bus, const char *free_api, void *free_site, vf_callback free_cb)
{
    exec_mutex_lock(&g_lock);
    size_t i = find_containing(bus);
    if (i == SIZE_MAX || g_maps[i].bus != bus)
    {
        exec_mutex_unlock(&g_lock);
        return false;
    }
    bus_map m = g_maps[i];
    memmove(&g_maps[i], &g_maps[i + 1], (g_n - i - 1) * sizeof *g_maps);
    g_n--;
    g_graves[g_grave_next] = (bus_grave){m.bus, m.len, m.a, m.kind, m.site, m.cb, free_api, free_site, free_cb, false};
    g_grave_next = (g_grave_next + 1) % NDIS_BUS_GRAVEYARD;
    exec_mutex_unlock(&g_lock);
    return true;
}

static const char *kind_name(ndis_bus_kind k)
{
    return k == NDIS_BUS_SHARED_MEMORY ? "shared memory" : "a scatter/gather element";
}

/* Rate limit of the findings that are not tied to one freed range. */
static bool may_report(ndis_adapter *a)
{
    ndis_dma_state *d = ndis_dma_state_get(a);
    return __atomic_fetch_add(&d->bad_dma_reports, 1, __ATOMIC_RELAXED) < BAD_DMA_REPORT_LIMIT;
}

void *ndis_bus_resolve(ndis_adapter *a, uint64_t bus, size_t len, bool writing)
{
    if (!len)
        len = 1;
    const char *verb = writing ? "wrote" : "read";
    exec_mutex_lock(&g_lock);
    size_t i = find_containing(bus);
    if (i != SIZE_MAX && g_maps[i].a == a && len <= g_maps[i].bus + g_maps[i].len - bus)
    {
        void *p = (char *)g_maps[i].host + (bus - g_maps[i].bus);
        exec_mutex_unlock(&g_lock);
        return p;
    }
    if (i != SIZE_MAX)
    {
        bus_map m = g_maps[i];
        exec_mutex_unlock(&g_lock);
        if (!may_report(a))
            return NULL;
        if (m.a != a)
            vf_report("AP-01", a->owner, VF_CB_NONE, NULL,
                      "the device's DMA engine %s %zu bytes at bus address 0x%" PRIx64
                      ", which is %s of %s, not of %s: a bus address NDIS did not give this adapter",
                      verb, len, bus, kind_name(m.kind), m.a ? m.a->name : "another adapter", a->name);
        else
            vf_report("AP-01", a->owner, m.cb, m.site,
                      "the device's DMA engine %s %zu bytes at bus address 0x%" PRIx64 ", running past the end of %s "
                      "(%zu bytes at bus 0x%" PRIx64 ", allocated here) by %zu bytes",
                      verb, len, bus, kind_name(m.kind), m.len, m.bus, (size_t)(bus + len - (m.bus + m.len)));
        return NULL;
    }
    /* Newest graveyard entry first: the most recent free of an address is the one that matters. */
    for (unsigned k = 1; k <= NDIS_BUS_GRAVEYARD; k++)
    {
        bus_grave *g = &g_graves[(g_grave_next + NDIS_BUS_GRAVEYARD - k) % NDIS_BUS_GRAVEYARD];
        if (!g->len || bus < g->bus || bus >= g->bus + g->len)
            continue;
        bus_grave c = *g;
        bool first = !g->reported;
        g->reported = true;
        exec_mutex_unlock(&g_lock);
        if (!first)
            return NULL;
        const char *whose = c.a == a ? "" : " of another adapter";
        if (!c.free_site)
            vf_report("AP-01", a->owner, c.alloc_cb, c.alloc_site,
                      "the device's DMA engine %s %zu bytes at bus address 0x%" PRIx64
                      " inside %s%s (%zu bytes at bus 0x%" PRIx64
                      ", allocated here) that the host reclaimed after the driver left it allocated: the device was "
                      "still running after the adapter instance ended",
                      verb, len, bus, kind_name(c.kind), whose, c.len, c.bus);
        else
            vf_report(c.kind == NDIS_BUS_SHARED_MEMORY ? "SM-03" : "AP-01", a->owner, c.free_cb, c.free_site,
                      "device DMA into %s freed at this call (%s in %s): the device's DMA engine %s %zu bytes at bus "
                      "address 0x%" PRIx64 ", inside the freed range of %zu bytes at bus 0x%" PRIx64
                      "%s; the driver freed it while the device could still reach it (stop the device's DMA, or take "
                      "the buffer out of its descriptors, first)",
                      kind_name(c.kind), c.free_api ? c.free_api : "free", vf_callback_name(c.free_cb), verb, len, bus,
                      c.len, c.bus, whose);
        return NULL;
    }
    exec_mutex_unlock(&g_lock);
    if (may_report(a))
        vf_report(
            "AP-01", a->owner, VF_CB_NONE, NULL,
            "the device's DMA engine %s %zu bytes at bus address 0x%" PRIx64
            ", which NDIS never handed out (no shared memory or scatter/gather element, live or freed, is there): "
            "the driver programmed the device with a bad address",
            verb, len, bus);
    return NULL;
}

void ndis_bus_forget_adapter(ndis_adapter *a)
{
    exec_mutex_lock(&g_lock);
    for (unsigned i = 0; i < NDIS_BUS_GRAVEYARD; i++)
        if (g_graves[i].a == a)
            g_graves[i].len = 0;
    exec_mutex_unlock(&g_lock);
}

size_t ndis_bus_live_count(const ndis_adapter *a)
{
    size_t n = 0;
    exec_mutex_lock(&g_lock);
    for (size_t i = 0; i < g_n; i++)
        if (!a || g_maps[i].a == a)
            n++;
    exec_mutex_unlock(&g_lock);
    return n;
}

/* Handle validation for everything NDIS gives a driver: driver handles and adapter handles.
 *
 * A driver can pass NDIS any pointer. Dereferencing a foreign one would crash the host, so live
 * handles are kept in a small open-addressing pointer set and checked before the magic word is
 * read. Halted adapters stay in the set (the device object persists across initialize/halt
 * cycles, as on Windows), so a call made with a halted adapter's handle is recognised and
 * reported as LC-03 rather than as a foreign pointer. */
#include "handles.h"

#include <stdlib.h>
#include <string.h>

#include "ndis_internal.h"

typedef struct handle_set
{
    exec_mutex lock;
    const void **slots; /* NULL = empty, TOMBSTONE = deleted */
    size_t cap, used;
} handle_set;

static const void *const TOMBSTONE = (const void *)(uintptr_t)1;
static handle_set g_handles = {EXEC_MUTEX_INIT, NULL, 0, 0};

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void set_grow(handle_set *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64;
    const void **nslots = calloc(ncap, sizeof(*nslots));
    if (!nslots)
        abort();
    for (size_t i = 0; i < s->cap; i++)
    {
        const void *p = s->slots[i];
        if (!p || p == TOMBSTONE)
            continue;
        size_t j = ptr_hash(p) & (ncap - 1);
        while (nslots[j])
            j = (j + 1) & (ncap - 1);
        nslots[j] = p;
    }
    free(s->slots);
    s->slots = nslots;
    s->cap = ncap;
}

void ndis_handle_register(const void *h)
{
    exec_mutex_lock(&g_handles.lock);
    if ((g_handles.used + 1) * 2 > g_handles.cap)
        set_grow(&g_handles);
    size_t j = ptr_hash(h) & (g_handles.cap - 1);
    while (g_handles.slots[j] && g_handles.slots[j] != TOMBSTONE)
        j = (j + 1) & (g_handles.cap - 1);
    g_handles.slots[j] = h;
    g_handles.used++;
    exec_mutex_unlock(&g_handles.lock);
}

static size_t set_find(const handle_set *s, const void *h)
{
    if (!s->cap)
        return SIZE_MAX;
    size_t j = ptr_hash(h) & (s->cap - 1);
    for (size_t n = 0; n < s->cap && s->slots[j]; n++)
    {
        if (s->slots[j] == h)
            return j;
        j = (j + 1) & (s->cap - 1);
    }
    return SIZE_MAX;
}

void ndis_handle_unregister(const void *h)
{
    exec_mutex_lock(&g_handles.lock);
    size_t j = set_find(&g_handles, h);
    if (j != SIZE_MAX)
        g_handles.slots[j] = TOMBSTONE; /* `used` keeps counting tombstones until the next grow */
    exec_mutex_unlock(&g_handles.lock);
}

bool ndis_handle_is_live(const void *h)
{
    if (!h)
        return false;
    exec_mutex_lock(&g_handles.lock);
    bool found = set_find(&g_handles, h) != SIZE_MAX;
    exec_mutex_unlock(&g_handles.lock);
    return found;
}

/* A handle whose adapter is halted (or shut down) is dead: LC-03, or TM-05 when the caller is a
 * timer callback that outlived the halt, LC-04 after MiniportShutdownEx. */
static bool adapter_handle_dead(ndis_adapter *a, const char *api, void *site)
{
    ndis_adapter_state s = (ndis_adapter_state)__atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
    if (s == NDIS_ADAPTER_SHUTDOWN)
    {
        vf_report("LC-04", a->owner, VF_CB_NONE, site, "%s called with the handle of %s after MiniportShutdownEx", api,
                  a->name);
        return true;
    }
    if (s != NDIS_ADAPTER_HALTED || __atomic_load_n(&a->in_initialize, __ATOMIC_ACQUIRE))
        return false;
    if (vf_current_callback() == VF_CB_TIMER)
        vf_report("TM-05", a->owner, VF_CB_NONE, site,
                  "a timer callback called %s with the handle of %s after MiniportHaltEx returned", api, a->name);
    else
        vf_report("LC-03", a->owner, VF_CB_NONE, site,
                  "%s called with the handle of %s, which is not initialized (MiniportHaltEx returned, or "
                  "MiniportInitializeEx failed or was never called)",
                  api, a->name);
    return true;
}

ndis_adapter *ndis_adapter_from_handle(NDIS_HANDLE h, const char *api, void *site)
{
    if (!h)
    {
        vf_report("AP-01", vf_current_owner(), VF_CB_NONE, site, "%s called with a NULL MiniportAdapterHandle", api);
        return NULL;
    }
    if (!ndis_handle_is_live(h) || ((ndis_adapter *)h)->magic != NDIS_ADAPTER_MAGIC)
    {
        vf_report("AP-01", vf_current_owner(), VF_CB_NONE, site,
                  "%s called with %p, which is not a MiniportAdapterHandle NDIS gave this driver", api, h);
        return NULL;
    }
    ndis_adapter *a = h;
    if (adapter_handle_dead(a, api, site))
        return NULL;
    return a;
}

ndis_driver *ndis_driver_from_handle(NDIS_HANDLE h, const char *api, void *site)
{
    if (!h || !ndis_handle_is_live(h) || ((ndis_driver *)h)->magic != NDIS_DRIVER_MAGIC)
    {
        vf_report("AP-01", vf_current_owner(), VF_CB_NONE, site,
                  "%s called with %p, which is not the NdisMiniportDriverHandle from NdisMRegisterMiniportDriver", api,
                  h);
        return NULL;
    }
    return h;
}

vf_owner *ndis_owner_from_handle(NDIS_HANDLE h, const char *api, void *site)
{
    if (h && ndis_handle_is_live(h))
    {
        uint32_t magic = *(const uint32_t *)h;
        if (magic == NDIS_DRIVER_MAGIC)
            return ((ndis_driver *)h)->owner;
        if (magic == NDIS_ADAPTER_MAGIC)
        {
            ndis_adapter *a = h;
            if (adapter_handle_dead(a, api, site))
                return NULL;
            return a->owner;
        }
    }
    vf_report("AP-01", vf_current_owner(), VF_CB_NONE, site,
              "%s called with NdisHandle %p, which is neither the driver handle nor an adapter handle", api, h);
    return NULL;
}

void (*ndis_log_hook)(const ndis_adapter *a, const char *fmt, ...);

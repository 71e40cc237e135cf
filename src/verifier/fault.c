/* Fault injection: decides which fallible driver calls fail (fail-nth, transient or persistent,
 * and a unique-site mode that fails each call site once across a sweep). */
#include "verifier/vf_internal.h"

#include "kernel/exec/exec.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static exec_mutex fault_lock = EXEC_MUTEX_INIT;
static atomic_bool armed; /* read without the lock: the common case is "not armed" */
static vf_fault_status status;

/* Sites already failed in unique-site mode, keyed by (interned module file name, offset) so that
 * they match across reloads of the driver and across child processes. Open addressing. */
typedef struct site_key
{
    const char *module; /* interned basename; NULL for an address in no module */
    uintptr_t offset;
} site_key;

static site_key *failed_sites;
static size_t failed_size, failed_count;

static size_t site_hash(const site_key *k)
{
    uint64_t x = (uint64_t)(uintptr_t)k->module * 0x9e3779b97f4a7c15ULL ^ (uint64_t)k->offset;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 29;
    return (size_t)x;
}

/* Slot 0 marker: an entry is used when module or offset is nonzero. */
static bool site_used(const site_key *k)
{
    return k->module || k->offset;
}

static bool site_known(const site_key *k)
{
    if (!failed_size)
        return false;
    for (size_t i = site_hash(k) & (failed_size - 1);; i = (i + 1) & (failed_size - 1))
    {
        if (!site_used(&failed_sites[i]))
            return false;
        if (failed_sites[i].module == k->module && failed_sites[i].offset == k->offset)
            return true;
    }
}

static void site_add(const site_key *k)
{
    if (site_known(k))
        return;
    if ((failed_count + 1) * 2 > failed_size)
    {
        size_t n = failed_size ? failed_size * 2 : 64;
        site_key *t = calloc(n, sizeof *t);
        if (!t)
            return;
        for (size_t i = 0; i < failed_size; i++)
        {
            if (!site_used(&failed_sites[i]))
                continue;
            size_t j = site_hash(&failed_sites[i]) & (n - 1);
            while (site_used(&t[j]))
                j = (j + 1) & (n - 1);
            t[j] = failed_sites[i];
        }
        free(failed_sites);
        failed_sites = t;
        failed_size = n;
    }
    size_t j = site_hash(k) & (failed_size - 1);
    while (site_used(&failed_sites[j]))
        j = (j + 1) & (failed_size - 1);
    failed_sites[j] = *k;
    failed_count++;
}

static site_key key_of(void *site)
{
    site_key k = {NULL, (uintptr_t)site};
    Dl_info info;
    if (dladdr(site, &info) && info.dli_fname)
    {
        k.module = vf_intern(vf_basename(info.dli_fname));
        k.offset = (uintptr_t)site - (uintptr_t)info.dli_fbase;
    }
    return k;
}

void vf_fault_arm(vf_fault_mode mode, uint64_t k)
{
    exec_mutex_lock(&fault_lock);
    memset(&status, 0, sizeof status);
    status.mode = mode;
    status.k = k;
    atomic_store(&armed, mode != VF_FAULT_OFF);
    exec_mutex_unlock(&fault_lock);
}

void vf_fault_disarm(void)
{
    exec_mutex_lock(&fault_lock);
    atomic_store(&armed, false);
    status.mode = VF_FAULT_OFF;
    exec_mutex_unlock(&fault_lock);
}

void vf_fault_status_get(vf_fault_status *out)
{
    exec_mutex_lock(&fault_lock);
    *out = status;
    exec_mutex_unlock(&fault_lock);
}

void vf_fault_forget_sites(void)
{
    exec_mutex_lock(&fault_lock);
    free(failed_sites);
    failed_sites = NULL;
    failed_size = failed_count = 0;
    exec_mutex_unlock(&fault_lock);
}

void vf_fault_exclude_site(const char *module, uintptr_t offset)
{
    site_key k = {module ? vf_intern(vf_basename(module)) : NULL, offset};
    exec_mutex_lock(&fault_lock);
    site_add(&k);
    exec_mutex_unlock(&fault_lock);
}

static _Atomic uint64_t scope_mask; /* 0: every driver call counts */

void vf_fault_set_scope(uint64_t callback_mask)
{
    atomic_store(&scope_mask, callback_mask);
}

bool vf_should_fail(const char *api, void *site)
{
    /* Host-internal calls (no driver site) are never counted: failing them would test the host,
     * not the driver, and would make k depend on host implementation details. */
    if (!site || !atomic_load(&armed))
        return false;
    uint64_t scope = atomic_load(&scope_mask);
    if (scope && !vf_in_callback_mask(scope))
        return false;
    site_key k = {0};
    bool keyed = false;
    exec_mutex_lock(&fault_lock);
    if (status.mode == VF_FAULT_UNIQUE_SITE && !(status.k && status.failures >= status.k))
    {
        /* dladdr and interning take their own locks; none of them calls back into here. */
        k = key_of(site);
        keyed = true;
    }
    bool fail = false;
    uint64_t n = ++status.calls;
    switch (status.mode)
    {
    case VF_FAULT_TRANSIENT:
        fail = n == status.k;
        status.reached = status.k && n >= status.k;
        break;
    case VF_FAULT_PERSISTENT:
        fail = n >= status.k;
        status.reached = status.k && n >= status.k;
        break;
    case VF_FAULT_UNIQUE_SITE:
        if (keyed && !site_known(&k))
        {
            site_add(&k);
            fail = true;
            status.reached = true;
        }
        break;
    default:
        break;
    }
    if (fail)
    {
        if (!status.failures)
        {
            status.api = api;
            status.site = site;
            if (!keyed)
                k = key_of(site);
            status.module = k.module;
            status.offset = k.offset;
        }
        status.failures++;
    }
    exec_mutex_unlock(&fault_lock);
    return fail;
}

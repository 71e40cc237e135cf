/* Pool memory: every block the driver gets from the pool (Ex* and Ndis* allocators) carries a
 * host header with its ledger entry, and guard areas on both sides that are checked when the
 * block is freed.
 *
 *   raw .. [padding] [pool_hdr: vf_res, size, tag, ... front guard] [user bytes] [tail guard]
 *
 * A free first looks the pointer up in the ledger and only then touches the header, so that a
 * foreign pointer or a double free is a finding (ME-02), never a crash. The NDIS and Ex
 * allocators share this pool. Policy: freeing a block from one family with the other's free
 * routine is accepted. Policy: non-zeroed allocations are filled with 0xCD and freed blocks with
 * 0xDD, so that reads of uninitialized or freed memory show a recognizable pattern. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define POOL_MAGIC 0x4c4f4f50534f484eull /* "NHOSPOOL" */
#define GUARD_BYTES 16
#define GUARD_FRONT 0xFA
#define GUARD_TAIL 0xFB
#define FILL_NEW 0xCD
#define FILL_FREED 0xDD
#define POOL_MAX_BYTES ((size_t)1 << 40)

typedef struct pool_hdr
{
    vf_res res;
    uint64_t magic;
    void *raw;
    size_t size;
    size_t raw_size;
    uint32_t tag;
    uint32_t api;
    uint8_t front[GUARD_BYTES];
} pool_hdr;

static exec_mutex pool_lock = EXEC_MUTEX_INIT;

static inline pool_hdr *hdr_of(const void *p)
{
    return (pool_hdr *)((uint8_t *)(uintptr_t)p - sizeof(pool_hdr));
}

static void release_block(pool_hdr *h)
{
    void *raw = h->raw;
    memset(raw, FILL_FREED, h->raw_size);
    free(raw);
}

static void pool_reclaim(vf_res *r)
{
    release_block(CONTAINING_RECORD(r, pool_hdr, res));
}

void *kernel_pool_alloc(size_t size, uint32_t tag, bool zero, size_t align, kernel_pool_api api, vf_owner *owner,
                        void *site)
{
    if (size > POOL_MAX_BYTES)
        return NULL;
    if (align < 16)
        align = 16;
    size_t hdr_space = (sizeof(pool_hdr) + align - 1) & ~(align - 1);
    size_t raw_size = (hdr_space + size + GUARD_BYTES + align - 1) & ~(align - 1);
    uint8_t *raw = aligned_alloc(align, raw_size);
    if (!raw)
        return NULL;
    uint8_t *user = raw + hdr_space;
    pool_hdr *h = hdr_of(user);
    memset(h, 0, sizeof *h);
    h->magic = POOL_MAGIC;
    h->raw = raw;
    h->size = size;
    h->raw_size = raw_size;
    h->tag = tag;
    h->api = api;
    memset(h->front, GUARD_FRONT, GUARD_BYTES);
    memset(user, zero ? 0 : FILL_NEW, size);
    memset(user + size, GUARD_TAIL, GUARD_BYTES);
    h->res.kind = VF_RES_POOL;
    h->res.key = user;
    h->res.size = size;
    h->res.tag = tag;
    h->res.reclaim = pool_reclaim;
    vf_ledger_insert(&h->res, owner, site);
    return user;
}

/* Finds the live block for p under pool_lock; NULL when p is not one. */
static pool_hdr *find_locked(const void *p)
{
    vf_res *r = vf_ledger_find(VF_RES_POOL, p);
    if (!r)
        return NULL;
    /* Another layer may record VF_RES_POOL entries of its own: only ours have this reclaim
     * hook, and only for ours is the header right before p readable. */
    if (r->reclaim != pool_reclaim)
        return NULL;
    pool_hdr *h = hdr_of(p);
    if (r != &h->res || h->magic != POOL_MAGIC)
        return NULL;
    return h;
}

bool kernel_pool_query(const void *p, vf_owner **owner_out, uint32_t *tag_out, size_t *size_out)
{
    if (!p)
        return false;
    exec_mutex_lock(&pool_lock);
    pool_hdr *h = find_locked(p);
    if (h)
    {
        if (owner_out)
            *owner_out = h->res.owner;
        if (tag_out)
            *tag_out = h->tag;
        if (size_out)
            *size_out = h->size;
    }
    exec_mutex_unlock(&pool_lock);
    return h != NULL;
}

static void describe_site(void *pc, char *buf, size_t n)
{
    vf_site s;
    vf_symbolize_return(pc, &s);
    if (s.file && s.line)
        snprintf(buf, n, "%s:%d", s.file, s.line);
    else if (s.function)
        snprintf(buf, n, "%s", s.function);
    else if (s.module)
        snprintf(buf, n, "%s+0x%lx", s.module, (unsigned long)s.offset);
    else
        snprintf(buf, n, "%p", pc);
}

static void check_guards(pool_hdr *h, const char *api, void *site)
{
    const uint8_t *user = (const uint8_t *)h->res.key;
    size_t before = 0, after = 0;
    for (size_t i = 0; i < GUARD_BYTES; i++)
    {
        if (h->front[i] != GUARD_FRONT)
            before++;
        if (user[h->size + i] != GUARD_TAIL)
            after++;
    }
    if (!before && !after)
        return;
    char where[256];
    describe_site(h->res.site, where, sizeof where);
    vf_report("ME-02", NULL, VF_CB_NONE, site,
              "%s: pool block %p (%zu bytes, tag 0x%08x, allocated at %s) was corrupted: %zu guard byte(s) %s the "
              "block overwritten",
              api, (void *)user, h->size, h->tag, where, before ? before : after,
              before && after ? "before and after"
              : before        ? "before"
                              : "after");
}

bool kernel_pool_free(void *p, const char *api, void *site, vf_owner **owner_out, uint32_t *tag_out)
{
    if (!p)
    {
        vf_report("ME-02", NULL, VF_CB_NONE, site, "%s(NULL)", api);
        return false;
    }
    exec_mutex_lock(&pool_lock);
    pool_hdr *h = find_locked(p);
    if (h)
    {
        if (owner_out)
            *owner_out = h->res.owner;
        if (tag_out)
            *tag_out = h->tag;
        vf_ledger_remove(&h->res);
    }
    exec_mutex_unlock(&pool_lock);
    if (!h)
    {
        vf_report("ME-02", NULL, VF_CB_NONE, site,
                  "%s(%p): not a live pool block (never allocated, already freed, or not the start of a block)", api,
                  p);
        return false;
    }
    check_guards(h, api, site);
    /* Freeing a block that still holds an initialized ERESOURCE is reported (ME-02) and the
     * resource deleted, as Driver Verifier checks pool frees for active resources. */
    kernel_eresource_check_free(p, h->size, api, site);
    release_block(h);
    return true;
}

/* ---- Ex allocators ---------------------------------------------------------------------------- */

#define POOL_FLAGS_KNOWN_REQUIRED                                                                                      \
    (POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION | POOL_FLAG_CACHE_ALIGNED |                     \
     POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)

static PVOID pool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag, const char *api, void *site)
{
    POOL_FLAGS kind = Flags & (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED);
    vf_check_irql_max(kind == POOL_FLAG_PAGED ? APC_LEVEL : DISPATCH_LEVEL, api, site);
    if ((kind & (kind - 1)) != 0 || kind == 0 || (Flags & 0xFFFFFFFFull & ~POOL_FLAGS_KNOWN_REQUIRED))
    {
        /* Documented: exactly one pool type, and no unknown required flag, or the call fails. */
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with invalid POOL_FLAGS 0x%llx", api, (unsigned long long)Flags);
        return NULL;
    }
    if (Tag == 0)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a zero pool tag", api);
    if (vf_should_fail(api, site))
        return NULL;
    /* Policy: POOL_FLAG_RAISE_ON_FAILURE cannot raise a structured exception here; a failure
     * returns NULL like any other allocation. */
    return kernel_pool_alloc(NumberOfBytes, Tag, !(Flags & POOL_FLAG_UNINITIALIZED),
                             (Flags & POOL_FLAG_CACHE_ALIGNED) ? 64 : 16, KERNEL_POOL_EX, kernel_default_owner(), site);
}

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool2(Flags, NumberOfBytes, Tag, "ExAllocatePool2", VF_SITE());
}

PVOID ExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag, PVOID ExtendedParameters,
                      ULONG ExtendedParametersCount)
{
    (void)ExtendedParameters;
    (void)ExtendedParametersCount;
    return pool2(Flags, NumberOfBytes, Tag, "ExAllocatePool3", VF_SITE());
}

static bool is_paged(POOL_TYPE t)
{
    return ((int)t & 1) != 0; /* PagedPool, PagedPoolCacheAligned, PagedPoolSession, ... */
}

static size_t type_align(POOL_TYPE t)
{
    return ((int)t & NonPagedPoolCacheAligned) ? 64 : 16;
}

static PVOID pool_typed(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag, bool zero, const char *api, void *site)
{
    vf_check_irql_max(is_paged(PoolType) ? APC_LEVEL : DISPATCH_LEVEL, api, site);
    if (vf_should_fail(api, site))
        return NULL;
    return kernel_pool_alloc(NumberOfBytes, Tag, zero, type_align(PoolType), KERNEL_POOL_EX, kernel_default_owner(),
                             site);
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_typed(PoolType, NumberOfBytes, Tag, false, "ExAllocatePoolWithTag", VF_SITE());
}

PVOID ExAllocatePoolWithQuotaTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_typed(PoolType, NumberOfBytes, Tag, false, "ExAllocatePoolWithQuotaTag", VF_SITE());
}

PVOID ExAllocatePoolWithTagPriority(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag, EX_POOL_PRIORITY Priority)
{
    (void)Priority;
    return pool_typed(PoolType, NumberOfBytes, Tag, false, "ExAllocatePoolWithTagPriority", VF_SITE());
}

PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_typed(PoolType, NumberOfBytes, Tag, true, "ExAllocatePoolZero", VF_SITE());
}

PVOID ExAllocatePoolQuotaZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_typed(PoolType, NumberOfBytes, Tag, true, "ExAllocatePoolQuotaZero", VF_SITE());
}

PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_typed(PoolType, NumberOfBytes, Tag, false, "ExAllocatePoolUninitialized", VF_SITE());
}

VOID ExFreePool(PVOID P)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "ExFreePool", site);
    kernel_pool_free(P, "ExFreePool", site, NULL, NULL);
}

static void free_with_tag(PVOID P, ULONG Tag, const char *api, void *site)
{
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    uint32_t tag = 0;
    if (kernel_pool_free(P, api, site, NULL, &tag) && tag != Tag)
        vf_report_sev("ME-02", VF_SEV_WARNING, NULL, VF_CB_NONE, site,
                      "%s(%p) with tag 0x%08x, but the block was allocated with tag 0x%08x", api, P, (unsigned)Tag,
                      (unsigned)tag);
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    free_with_tag(P, Tag, "ExFreePoolWithTag", VF_SITE());
}

VOID ExFreePool2(PVOID P, ULONG Tag, PVOID ExtendedParameters, ULONG ExtendedParametersCount)
{
    (void)ExtendedParameters;
    (void)ExtendedParametersCount;
    free_with_tag(P, Tag, "ExFreePool2", VF_SITE());
}

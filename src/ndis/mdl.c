/* MDLs: NdisAllocateMdl / NdisFreeMdl, the Io/Mm MDL functions wdm.h declares, and the host's
 * own MDL helpers used by the NET_BUFFER code.
 *
 * Every MDL in the host describes memory already mapped in the process: MappedSystemVa is the
 * buffer's address and MDL_SOURCE_IS_NONPAGED_POOL is set once the MDL is "built", so
 * MmGetSystemAddressForMdlSafe never has anything to map. MDLs a driver allocates are ledger
 * entries (VF_RES_MDL, HA-10); a free of anything else is reported, never dereferenced blindly.
 * IoAllocateMdl / IoFreeMdl / MmBuildMdlForNonPagedPool live in src/kernel/mdl.c. */
#include <stdlib.h>
#include <string.h>

#include "nbl_pool.h"

#define NDIS_MDL_TAG_MAGIC 0x4c444d48u /* "HMDL": host MDL allocated with its data */

/* A driver MDL: the ledger entry sits in front of the MDL in the same allocation. */
typedef struct mdl_block
{
    vf_res res;
    uint64_t magic;
    uint64_t pad_;
} __attribute__((aligned(16))) mdl_block;

#define MDL_BLOCK_MAGIC 0x4b4c424c444d4e44ull

static size_t mdl_size_for(const void *va, size_t len)
{
    return sizeof(MDL) + sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, len);
}

size_t ndis_mdl_struct_size(void)
{
    return sizeof(MDL);
}

void ndis_mdl_init(struct _MDL *m, void *va, ULONG len)
{
    m->Next = NULL;
    m->Size = (CSHORT)sizeof(MDL);
    m->MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL;
    m->AllocationProcessorNumber = 0;
    m->Reserved = 0;
    m->Process = NULL;
    m->MappedSystemVa = va;
    m->StartVa = PAGE_ALIGN(va);
    m->ByteOffset = BYTE_OFFSET(va);
    m->ByteCount = len;
}

PUCHAR ndis_mdl_va(const struct _MDL *m)
{
    if (m->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
        return (PUCHAR)m->MappedSystemVa;
    return (PUCHAR)m->StartVa + m->ByteOffset;
}

ULONG ndis_mdl_len(const struct _MDL *m)
{
    return m->ByteCount;
}

struct _MDL *ndis_mdl_host_alloc(ULONG len)
{
    size_t head = (sizeof(MDL) + 15) & ~(size_t)15;
    MDL *m = aligned_alloc(16, (head + len + 15) & ~(size_t)15);
    if (!m)
        return NULL;
    ndis_mdl_init(m, (char *)m + head, len);
    m->Reserved = 0x4d48; /* marks host storage for ndis_mdl_host_free's sanity check */
    return m;
}

void ndis_mdl_host_free(struct _MDL *m)
{
    free(m);
}

static void mdl_reclaim(vf_res *r)
{
    mdl_block *b = (mdl_block *)r;
    b->magic = 0;
    free(b);
}

static PMDL driver_mdl_alloc(vf_owner *owner, PVOID va, ULONG len, const char *api, void *site)
{
    size_t msize = mdl_size_for(va, len);
    mdl_block *b = aligned_alloc(16, (sizeof(mdl_block) + msize + 15) & ~(size_t)15);
    if (!b)
        return NULL;
    memset(b, 0, sizeof *b);
    b->magic = MDL_BLOCK_MAGIC;
    PMDL m = (PMDL)(b + 1);
    MmInitializeMdl(m, va, len);
    m->Size = (CSHORT)msize;
    b->res.kind = VF_RES_MDL;
    b->res.key = m;
    b->res.size = len;
    b->res.reclaim = mdl_reclaim;
    b->res.embedded = true;
    if (owner)
        vf_ledger_insert(&b->res, owner, site);
    (void)api;
    return m;
}

/* Frees an MDL a driver allocated through `api_alloc`; reports foreign and double frees. */
static void driver_mdl_free(PMDL m, const char *api, void *site)
{
    if (!m)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "%s(NULL)", api);
        return;
    }
    vf_res *r = vf_ledger_find(VF_RES_MDL, m);
    if (!r)
    {
        vf_report("HA-10", NULL, VF_CB_NONE, site,
                  "%s on an MDL that is not allocated (already freed, or not from NdisAllocateMdl/IoAllocateMdl)", api);
        return;
    }
    if (!r->embedded || r->reclaim != mdl_reclaim)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s on an MDL from IoAllocateMdl (free it with IoFreeMdl)", api);
        return;
    }
    mdl_block *b = (mdl_block *)r;
    vf_ledger_remove(r);
    b->magic = 0;
    free(b);
}

PMDL NdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAllocateMdl", site);
    vf_owner *owner = ndis_owner_from_handle(NdisHandle, "NdisAllocateMdl", site);
    if (!owner)
        return NULL;
    if (vf_should_fail("NdisAllocateMdl", site))
        return NULL;
    return driver_mdl_alloc(owner, VirtualAddress, Length, "NdisAllocateMdl", site);
}

VOID NdisFreeMdl(PMDL Mdl)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisFreeMdl", site);
    driver_mdl_free(Mdl, "NdisFreeMdl", site);
}

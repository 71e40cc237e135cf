/* NDIS memory: NdisAllocateMemoryWithTagPriority and its frees, the legacy
 * NdisAllocateMemoryWithTag, and the NDIS lookaside-list wrappers. Blocks come from the kernel
 * pool (guard areas, ledger VF_RES_POOL), charged to the owner of the NdisHandle given. */
#include "ndis_internal.h"

#include "../kernel/kernel_internal.h"

/* 'maDN' as a multi-character constant: the tag NDIS uses when a driver gives none. */
#define NDIS_DEFAULT_TAG 0x6D61444Eu

PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag, EX_POOL_PRIORITY Priority)
{
    void *site = VF_SITE();
    (void)Priority;
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAllocateMemoryWithTagPriority", site);
    vf_owner *owner = ndis_owner_from_handle(NdisHandle, "NdisAllocateMemoryWithTagPriority", site);
    if (!owner)
        return NULL;
    if (Tag == 0 || Tag == NDIS_DEFAULT_TAG)
        vf_report_sev("ME-01", VF_SEV_WARNING, owner, VF_CB_NONE, site,
                      "NdisAllocateMemoryWithTagPriority with %s tag (0x%08x): give each allocation site a tag of "
                      "its own",
                      Tag ? "the default 'maDN'" : "a zero", (unsigned)Tag);
    if (vf_should_fail("NdisAllocateMemoryWithTagPriority", site))
        return NULL;
    return kernel_pool_alloc(Length, Tag, false, 16, KERNEL_POOL_NDIS, owner, site);
}

NDIS_STATUS NdisAllocateMemoryWithTag(PVOID *VirtualAddress, UINT Length, ULONG Tag)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisAllocateMemoryWithTag", site);
    if (!VirtualAddress)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisAllocateMemoryWithTag with a NULL VirtualAddress");
        return NDIS_STATUS_FAILURE;
    }
    *VirtualAddress = NULL;
    if (vf_should_fail("NdisAllocateMemoryWithTag", site))
        return NDIS_STATUS_FAILURE;
    *VirtualAddress = kernel_pool_alloc(Length, Tag, false, 16, KERNEL_POOL_NDIS, kernel_default_owner(), site);
    return *VirtualAddress ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

VOID NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags)
{
    void *site = VF_SITE();
    (void)Length; /* documented as ignored for this allocator */
    vf_check_irql_max(DISPATCH_LEVEL, "NdisFreeMemory", site);
    if (MemoryFlags != 0)
        vf_report("ME-02", NULL, VF_CB_NONE, site,
                  "NdisFreeMemory(%p) with MemoryFlags 0x%x: memory from NdisAllocateMemoryWithTagPriority is freed "
                  "with MemoryFlags 0",
                  VirtualAddress, (unsigned)MemoryFlags);
    kernel_pool_free(VirtualAddress, "NdisFreeMemory", site, NULL, NULL);
}

VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisFreeMemoryWithTagPriority", site);
    vf_owner *block_owner = NULL;
    uint32_t block_tag = 0;
    if (!kernel_pool_free(VirtualAddress, "NdisFreeMemoryWithTagPriority", site, &block_owner, &block_tag))
        return;
    vf_owner *owner = ndis_owner_from_handle(NdisHandle, "NdisFreeMemoryWithTagPriority", site);
    if (owner && owner != block_owner)
        vf_report_sev("ME-02", VF_SEV_WARNING, owner, VF_CB_NONE, site,
                      "NdisFreeMemoryWithTagPriority(%p): the block was allocated with another NdisHandle (%s)",
                      VirtualAddress, block_owner ? vf_owner_name(block_owner) : "none");
    if (Tag != block_tag)
        vf_report_sev("ME-02", VF_SEV_WARNING, owner, VF_CB_NONE, site,
                      "NdisFreeMemoryWithTagPriority(%p) with tag 0x%08x, but the block was allocated with tag "
                      "0x%08x",
                      VirtualAddress, (unsigned)Tag, (unsigned)block_tag);
}

/* ---- lookaside lists ---------------------------------------------------------------------------- */

VOID NdisInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                       PFREE_FUNCTION Free, ULONG Flags, ULONG Size, ULONG Tag, USHORT Depth)
{
    void *site = VF_SITE();
    (void)Flags;
    (void)Depth;
    vf_check_irql_max(DISPATCH_LEVEL, "NdisInitializeNPagedLookasideList", site);
    if (!Lookaside)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "NdisInitializeNPagedLookasideList with a NULL list");
        return;
    }
    kernel_lookaside_init_npaged(Lookaside, Allocate, Free, Size, Tag, "NdisInitializeNPagedLookasideList", site);
}

VOID NdisDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    kernel_lookaside_delete(Lookaside, "NdisDeleteNPagedLookasideList", VF_SITE());
}

PVOID NdisAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    return kernel_lookaside_allocate(Lookaside, "NdisAllocateFromNPagedLookasideList", VF_SITE());
}

VOID NdisFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    kernel_lookaside_free(Lookaside, Entry, "NdisFreeToNPagedLookasideList", VF_SITE());
}

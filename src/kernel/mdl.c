/* MDLs over host memory. Every address in the host is "mapped", so an MDL just records the
 * virtual range; IoAllocateMdl's MDLs are recorded in the ledger (VF_RES_MDL) and must be
 * freed with IoFreeMdl. */
#include "kernel_internal.h"

#include <stdlib.h>

SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length)
{
    return sizeof(MDL) + sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}

VOID MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList)
{
    PMDL m = MemoryDescriptorList;
    m->MappedSystemVa = (PUCHAR)m->StartVa + m->ByteOffset;
    m->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
    /* Host page frame numbers are the page addresses themselves (there is no physical memory). */
    PPFN_NUMBER pfn = MmGetMdlPfnArray(m);
    size_t pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(m->MappedSystemVa, m->ByteCount);
    for (size_t i = 0; i < pages; i++)
        pfn[i] = ((ULONG_PTR)m->StartVa >> PAGE_SHIFT) + i;
}

static void mdl_reclaim(vf_res *r)
{
    free((void *)(uintptr_t)r->key);
}

PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota, PIRP Irp)
{
    void *site = VF_SITE();
    (void)ChargeQuota;
    vf_check_irql_max(DISPATCH_LEVEL, "IoAllocateMdl", site);
    if (Irp || SecondaryBuffer)
    {
        /* The host has no IRPs; the MDL is allocated but attached to nothing. */
    }
    if (vf_should_fail("IoAllocateMdl", site))
        return NULL;
    SIZE_T size = MmSizeOfMdl(VirtualAddress, Length);
    PMDL m = calloc(1, size);
    if (!m)
        return NULL;
    MmInitializeMdl(m, VirtualAddress, Length);
    vf_res *r = vf_ledger_add(VF_RES_MDL, m, Length, kernel_default_owner(), site);
    if (!r)
    {
        free(m);
        return NULL;
    }
    r->reclaim = mdl_reclaim;
    return m;
}

VOID IoFreeMdl(PMDL Mdl)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "IoFreeMdl", site);
    vf_res *r = Mdl ? vf_ledger_find(VF_RES_MDL, Mdl) : NULL;
    if (!r || r->reclaim != mdl_reclaim)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "IoFreeMdl(%p): not an MDL from IoAllocateMdl, or already freed",
                  (void *)Mdl);
        return;
    }
    vf_ledger_remove(r);
    memset(Mdl, 0xDD, sizeof *Mdl);
    free(Mdl);
}

PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress)
{
    /* Policy: host "physical" addresses are the virtual addresses (identity mapping). */
    PHYSICAL_ADDRESS pa;
    pa.QuadPart = (LONGLONG)(ULONG_PTR)BaseAddress;
    return pa;
}

PVOID MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode, MEMORY_CACHING_TYPE CacheType,
                                   PVOID RequestedAddress, ULONG BugCheckOnFailure, ULONG Priority)
{
    (void)AccessMode;
    (void)CacheType;
    (void)RequestedAddress;
    (void)BugCheckOnFailure;
    (void)Priority;
    PMDL m = MemoryDescriptorList;
    if (!(m->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)))
    {
        m->MappedSystemVa = (PUCHAR)m->StartVa + m->ByteOffset;
        m->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    }
    return m->MappedSystemVa;
}

VOID MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList)
{
    (void)BaseAddress;
    MemoryDescriptorList->MdlFlags &= ~MDL_MAPPED_TO_SYSTEM_VA;
}

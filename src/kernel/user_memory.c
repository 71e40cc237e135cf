/* Buffers of the requesting process: MmProbeAndLockPages, MmUnlockPages, IoBuildPartialMdl,
 * ProbeForRead, ProbeForWrite, MmIsVerifierEnabled.
 *
 * Policy: one address space; "user" memory is host memory that stays resident. Probing checks
 * the range (a NULL start, a wrapping range, a misaligned start); locking marks the MDL
 * MDL_PAGES_LOCKED (and MDL_WRITE_OPERATION for write access); unlocking clears the marks.
 * Structured exceptions never occur in the host (ndishost_seh.h): where Windows raises one
 * (STATUS_ACCESS_VIOLATION, STATUS_DATATYPE_MISALIGNMENT) or bugchecks (locking twice,
 * unlocking an unlocked MDL, a partial MDL outside its source), the routine reports AP-02 and
 * returns without effect. */
#include "kernel_ex.h"
#include "kernel_internal.h"

static bool range_ok(uintptr_t start, SIZE_T length)
{
    return start != 0 && start + length >= start;
}

VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode, LOCK_OPERATION Operation)
{
    void *site = VF_SITE();
    (void)AccessMode;
    vf_check_irql_max(DISPATCH_LEVEL, "MmProbeAndLockPages", site);
    if (!MemoryDescriptorList)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "MmProbeAndLockPages with a NULL MDL");
        return;
    }
    PMDL m = MemoryDescriptorList;
    if (m->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL))
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "MmProbeAndLockPages on MDL %p that is already locked, built for non-paged pool or partial "
                  "(Windows bugchecks)",
                  (void *)m);
        return;
    }
    uintptr_t va = (uintptr_t)MmGetMdlVirtualAddress(m);
    if (!range_ok(va, m->ByteCount) || m->ByteCount == 0)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "MmProbeAndLockPages on an invalid buffer %p+%lu (Windows raises STATUS_ACCESS_VIOLATION)",
                  (void *)va, (unsigned long)m->ByteCount);
        return;
    }
    m->MdlFlags |= MDL_PAGES_LOCKED;
    if (Operation != IoReadAccess)
        m->MdlFlags |= MDL_WRITE_OPERATION;
}

VOID MmUnlockPages(PMDL MemoryDescriptorList)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "MmUnlockPages", site);
    if (!MemoryDescriptorList || !(MemoryDescriptorList->MdlFlags & MDL_PAGES_LOCKED))
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "MmUnlockPages on MDL %p whose pages are not locked",
                  (void *)MemoryDescriptorList);
        return;
    }
    MemoryDescriptorList->MdlFlags &= (CSHORT) ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
}

VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "IoBuildPartialMdl", site);
    if (!SourceMdl || !TargetMdl)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoBuildPartialMdl with a NULL MDL");
        return;
    }
    uintptr_t src = (uintptr_t)MmGetMdlVirtualAddress(SourceMdl);
    uintptr_t end = src + SourceMdl->ByteCount;
    uintptr_t va = (uintptr_t)VirtualAddress;
    /* Documented: Length 0 means the rest of the source from VirtualAddress. */
    uintptr_t len = Length ? Length : (va <= end ? end - va : 0);
    if (va < src || va > end || len > end - va)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoBuildPartialMdl: %p+%lu is outside the source MDL %p (%p+%lu)",
                  VirtualAddress, (unsigned long)len, (void *)SourceMdl, (void *)src,
                  (unsigned long)SourceMdl->ByteCount);
        return;
    }
    CSHORT keep = (CSHORT)(TargetMdl->MdlFlags & (MDL_ALLOCATED_FIXED_SIZE | MDL_ALLOCATED_MUST_SUCCEED));
    TargetMdl->MdlFlags = (CSHORT)(keep | MDL_PARTIAL);
    TargetMdl->Process = SourceMdl->Process;
    TargetMdl->StartVa = PAGE_ALIGN(VirtualAddress);
    TargetMdl->ByteOffset = BYTE_OFFSET(VirtualAddress);
    TargetMdl->ByteCount = (ULONG)len;
    TargetMdl->MappedSystemVa = NULL;
}

static void probe(const volatile void *Address, SIZE_T Length, ULONG Alignment, const char *api, void *site)
{
    if (Length == 0)
        return; /* documented: a zero-length probe checks nothing */
    uintptr_t a = (uintptr_t)Address;
    if (Alignment != 1 && Alignment != 2 && Alignment != 4 && Alignment != 8 && Alignment != 16)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with Alignment %lu (1, 2, 4, 8 or 16)", api,
                  (unsigned long)Alignment);
        return;
    }
    if (a & (Alignment - 1))
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "%s: %p is not %lu-aligned (Windows raises STATUS_DATATYPE_MISALIGNMENT)", api, (void *)a,
                  (unsigned long)Alignment);
    else if (!range_ok(a, Length))
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "%s: %p+%lu is not a valid buffer (Windows raises STATUS_ACCESS_VIOLATION)", api, (void *)a,
                  (unsigned long)Length);
}

VOID ProbeForRead(const volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "ProbeForRead", site);
    probe(Address, Length, Alignment, "ProbeForRead", site);
}

VOID ProbeForWrite(volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "ProbeForWrite", site);
    probe(Address, Length, Alignment, "ProbeForWrite", site);
}

NTSTATUS MmIsVerifierEnabled(PULONG VerifierFlags)
{
    /* Policy: ndishost's verifier is not Driver Verifier: report it disabled, so that drivers keep
     * the code paths they take in production (flags 0, STATUS_NOT_SUPPORTED: not enabled). */
    if (VerifierFlags)
        *VerifierFlags = 0;
    return STATUS_NOT_SUPPORTED;
}

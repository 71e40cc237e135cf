/* Buffers of the requesting process for drivers built against ndishost: probing and locking
 * (MmProbeAndLockPages, MmUnlockPages, ProbeForRead, ProbeForWrite), partial MDLs
 * (IoBuildPartialMdl), and whether Driver Verifier runs (MmIsVerifierEnabled). Included by
 * wdm.h. Written from Microsoft's documentation.
 *
 * Policy: the host has one address space, so "user" memory is host memory that is always
 * resident: probing is a range check, locking marks the MDL, unlocking clears it. Where Windows
 * raises an exception (an invalid range, an access violation), the host raises none: the routine
 * reports a finding and returns (see ndishost_seh.h for __try/__except). */
#ifndef NDISHOST_DDK_WDM_USER_MEMORY_H
#define NDISHOST_DDK_WDM_USER_MEMORY_H

NDISHOST_EXTERN_C_BEGIN

NTKERNELAPI VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode, LOCK_OPERATION Operation);
NTKERNELAPI VOID MmUnlockPages(PMDL MemoryDescriptorList);
NTKERNELAPI VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length);
NTKERNELAPI VOID ProbeForRead(const volatile VOID *Address, SIZE_T Length, ULONG Alignment);
NTKERNELAPI VOID ProbeForWrite(volatile VOID *Address, SIZE_T Length, ULONG Alignment);
NTKERNELAPI NTSTATUS MmIsVerifierEnabled(PULONG VerifierFlags);

NDISHOST_EXTERN_C_END

#endif

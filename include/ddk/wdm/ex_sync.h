/* Executive synchronization for drivers built against ndishost: ERESOURCE (shared/exclusive
 * resources with recursion) and EX_SPIN_LOCK (reader/writer spin locks). Included by wdm.h.
 *
 * Written from Microsoft's documentation of the ExXxxResourceLite and ExXxxSpinLockXxx routines.
 * ERESOURCE is opaque to drivers; it keeps its documented x64 size (0x68 bytes) so that the
 * structures a driver embeds it in keep their Windows layout, and the host keeps its state
 * behind it. */
#ifndef NDISHOST_DDK_WDM_EX_SYNC_H
#define NDISHOST_DDK_WDM_EX_SYNC_H

NDISHOST_EXTERN_C_BEGIN

/* ---- executive resources -------------------------------------------------------------------- */

typedef ULONG_PTR ERESOURCE_THREAD, *PERESOURCE_THREAD;

/* Opaque. The host stores a signature and a pointer to its bookkeeping in the first words. */
typedef struct DECLSPEC_ALIGN(8) _ERESOURCE
{
    ULONG_PTR NdishostOpaque[13];
} ERESOURCE, *PERESOURCE;

NTKERNELAPI NTSTATUS ExInitializeResourceLite(PERESOURCE Resource);
NTKERNELAPI NTSTATUS ExReinitializeResourceLite(PERESOURCE Resource);
NTKERNELAPI NTSTATUS ExDeleteResourceLite(PERESOURCE Resource);
NTKERNELAPI BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait);
NTKERNELAPI BOOLEAN ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait);
NTKERNELAPI BOOLEAN ExAcquireSharedStarveExclusive(PERESOURCE Resource, BOOLEAN Wait);
NTKERNELAPI BOOLEAN ExAcquireSharedWaitForExclusive(PERESOURCE Resource, BOOLEAN Wait);
NTKERNELAPI VOID ExReleaseResourceLite(PERESOURCE Resource);
NTKERNELAPI VOID ExReleaseResourceForThreadLite(PERESOURCE Resource, ERESOURCE_THREAD ResourceThreadId);
NTKERNELAPI VOID ExConvertExclusiveToSharedLite(PERESOURCE Resource);
NTKERNELAPI BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource);
NTKERNELAPI ULONG ExIsResourceAcquiredSharedLite(PERESOURCE Resource);
#define ExIsResourceAcquiredLite ExIsResourceAcquiredSharedLite
NTKERNELAPI ULONG ExGetExclusiveWaiterCount(PERESOURCE Resource);
NTKERNELAPI ULONG ExGetSharedWaiterCount(PERESOURCE Resource);
NTKERNELAPI PVOID ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE Resource);
NTKERNELAPI PVOID ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE Resource);
NTKERNELAPI VOID ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE Resource);
/* The caller's thread as a resource owner (documented as the current thread's address). */
#define ExGetCurrentResourceThread() ((ERESOURCE_THREAD)PsGetCurrentThread())

/* ---- EX_SPIN_LOCK: shared/exclusive spin locks ------------------------------------------------ */

typedef volatile LONG EX_SPIN_LOCK, *PEX_SPIN_LOCK;

NTKERNELAPI KIRQL ExAcquireSpinLockShared(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI VOID ExReleaseSpinLockShared(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql);
NTKERNELAPI KIRQL ExAcquireSpinLockExclusive(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI VOID ExReleaseSpinLockExclusive(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql);
NTKERNELAPI VOID ExAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI VOID ExReleaseSpinLockSharedFromDpcLevel(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI VOID ExAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI VOID ExReleaseSpinLockExclusiveFromDpcLevel(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI LOGICAL ExTryConvertSharedSpinLockExclusive(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI LOGICAL ExTryAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK SpinLock);
NTKERNELAPI LOGICAL ExTryAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK SpinLock);

NDISHOST_EXTERN_C_END

C_ASSERT(sizeof(ERESOURCE) == 0x68);
C_ASSERT(sizeof(EX_SPIN_LOCK) == 4);

#endif

/* sweep_null_deref: MiniportInitializeEx ignores a failed NdisAllocateMemoryWithTagPriority and writes
 * through the NULL it got. Fault-free it is clean; the sweep step that fails this allocation crashes. */
#define ZOO_HOOK_INITIALIZE SweepInit
#include "zoo_base.h"

static NDIS_STATUS SweepInit(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    volatile ULONG *scratch =
        NdisAllocateMemoryWithTagPriority(handle, 64, ZOO_TAG, NormalPoolPriority); /* SWEEP-UNCHECKED-LINE */
    scratch[0] = 1; /* SWEEP-CRASH-LINE: no NULL check */
    NdisFreeMemoryWithTagPriority(handle, (PVOID)scratch, ZOO_TAG);
    /* A later fallible call, handled correctly: the sweep must get past the crash to fail it. */
    PVOID later = NdisAllocateMemoryWithTagPriority(handle, 64, ZOO_TAG, NormalPoolPriority);
    if (!later)
        return NDIS_STATUS_RESOURCES;
    NdisFreeMemoryWithTagPriority(handle, later, ZOO_TAG);
    return NDIS_STATUS_SUCCESS;
}

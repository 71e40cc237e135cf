/* sd02_allocate_in_bugcheck: the shutdown handler allocates memory when the system bug checks
 * (SD-02). NdisShutdownBugCheck runs at HIGH_LEVEL, where only functions legal at any IRQL (register
 * and port access) may be called. */
#define ZOO_HOOK_SHUTDOWN ZooShutdown
#include "zoo_base.h"

static VOID ZooShutdown(PZOO_ADAPTER Adapter, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    /* A "last words" buffer for a crash log, allocated far too late. */
    PVOID log = NdisAllocateMemoryWithTagPriority(Adapter->MiniportAdapterHandle, 256, ZOO_TAG, /* ZOO-EXPECT: SD-02 */
                                                  HighPoolPriority);
    UNREFERENCED_PARAMETER(log);
}

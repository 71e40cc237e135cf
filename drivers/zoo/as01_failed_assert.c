/* as01_failed_assert: restart asserts that the adapter is paused after setting it running (AS-01). */
#define ZOO_HOOK_RESTART ZooRestartHook
#include "zoo_base.h"

static NDIS_STATUS ZooRestartHook(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    ASSERT(Adapter->State == ZooPaused); /* ZOO-EXPECT: AS-01 */
    return Status;
}

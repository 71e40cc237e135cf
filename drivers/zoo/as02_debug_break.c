/* as02_debug_break: restart breaks into the debugger (AS-02). */
#define ZOO_HOOK_RESTART ZooRestartHook
#include "zoo_base.h"

static NDIS_STATUS ZooRestartHook(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    UNREFERENCED_PARAMETER(Adapter);
    __debugbreak(); /* ZOO-EXPECT: AS-02 */
    return Status;
}

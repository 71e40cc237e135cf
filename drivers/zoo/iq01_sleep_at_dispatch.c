/* iq01_sleep_at_dispatch: the receive timer callback (DISPATCH_LEVEL) calls NdisMSleep (IQ-01). */
#define ZOO_HOOK_TIMER ZooTimerHook
#include "zoo_base.h"

static VOID ZooTimerHook(PZOO_ADAPTER Adapter)
{
    NdisMSleep(10); /* ZOO-EXPECT: IQ-01 */
}

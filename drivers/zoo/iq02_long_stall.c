/* iq02_long_stall: initialize stalls for 100 microseconds; the limit is 50 (IQ-02). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NdisStallExecution(100); /* ZOO-EXPECT: IQ-02 */
    return NDIS_STATUS_SUCCESS;
}

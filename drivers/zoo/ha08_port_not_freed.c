/* ha08_port_not_freed: initialize allocates an NDIS port for a virtual sub-interface that halt never
 * frees with NdisMFreePort (HA-08: every port the driver allocated is freed before halt returns;
 * NDIS frees only the default port). */
#define ZOO_HOOK_INITIALIZE ZooInitialize
#include "zoo_dma.h"

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_PORT_CHARACTERISTICS chars;
    ZooDmaPortCharacteristics(&chars);
    return NdisMAllocatePort(Adapter->MiniportAdapterHandle, &chars); /* ZOO-EXPECT: HA-08 */
}

/* pt01_allocate_port_in_halt: MiniportHaltEx allocates an NDIS port. Ports are allocated after the
 * registration attributes and before halt (PT-01); NDIS answers NDIS_STATUS_CLOSING. */
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_dma.h"

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    NDIS_PORT_CHARACTERISTICS chars;
    ZooDmaPortCharacteristics(&chars);
    NDIS_STATUS status = NdisMAllocatePort(Adapter->MiniportAdapterHandle, &chars); /* ZOO-EXPECT: PT-01 */
    if (status == NDIS_STATUS_SUCCESS)
        NdisMFreePort(Adapter->MiniportAdapterHandle, chars.PortNumber);
}

/* ha09_io_port_leak: initialize registers the NIC's I/O port range; halt never deregisters it
 * (HA-09). */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"
#include "zoo_hw.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR port = ZooHwResource(CmResourceTypePort);
    if (!port)
        return NDIS_STATUS_RESOURCES;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    UINT first = (UINT)port->u.Port.Start.QuadPart, count = port->u.Port.Length;
    return NdisMRegisterIoPortRange(&ZooHw.PortOffset, handle, first, count); /* ZOO-EXPECT: HA-09 */
}

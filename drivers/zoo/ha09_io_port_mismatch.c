/* ha09_io_port_mismatch: halt deregisters the I/O port range with half its NumberOfPorts: a range
 * is released only whole, with the parameters it was registered with (HA-09). NDIS then releases
 * the range the driver meant, so nothing leaks. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    return ZooHwRegisterPorts(Adapter);
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    UINT half = ZooHw.NumberOfPorts / 2;
    NdisMDeregisterIoPortRange(handle, ZooHw.InitialPort, half, ZooHw.PortOffset); /* ZOO-EXPECT: HA-09 */
    ZooHw.PortOffset = NULL;
}

/* ha09_io_space_length: halt unmaps the NIC's registers with a Length other than the one they were
 * mapped with (HA-09). NDIS then unmaps the mapping the driver meant, so nothing leaks. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    return ZooHwMapRegisters(Adapter);
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    PVOID va = (PVOID)ZooHw.Registers;
    ZooHw.Registers = NULL;
    NdisMUnmapIoSpace(handle, va, 0x100); /* ZOO-EXPECT: HA-09 */
}

/* in07_map_in_restart: MiniportRestart maps the NIC's registers; NdisMMapIoSpace belongs to
 * MiniportInitializeEx (IN-07, SDV NdisMMapIoSpace). The mapping works and halt unmaps it. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_RESTART ZooRestart
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

static NDIS_STATUS ZooRestart(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR mem = ZooHwResource(CmResourceTypeMemory);
    PVOID va = NULL;
    if (Status != NDIS_STATUS_SUCCESS || ZooHw.Registers || !mem)
        return Status;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    ULONG length = mem->u.Memory.Length;
    NDIS_STATUS status = NdisMMapIoSpace(&va, handle, mem->u.Memory.Start, length); /* ZOO-EXPECT: IN-07 */
    if (status == NDIS_STATUS_SUCCESS)
    {
        ZooHw.Registers = va;
        ZooHw.RegistersLength = mem->u.Memory.Length;
    }
    return Status;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    ZooHwUnmapRegisters(Adapter);
}

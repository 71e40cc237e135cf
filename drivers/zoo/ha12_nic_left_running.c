/* ha12_nic_left_running: restart starts the NIC's receive and transmit engines; halt unmaps the
 * registers and returns without stopping them (HA-12: at halt return the NIC must have its DMA and
 * interrupts off, unless the device was surprise-removed). The finding names the write that started
 * the engines. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_RESTART ZooRestart
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

#define ZOO_NIC_CTRL 0x00
#define ZOO_NIC_CTRL_RX_EN 0x2
#define ZOO_NIC_CTRL_TX_EN 0x4

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    return ZooHwMapRegisters(Adapter);
}

static NDIS_STATUS ZooRestart(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    UNREFERENCED_PARAMETER(Adapter);
    volatile ULONG *ctrl = (volatile ULONG *)(ZooHw.Registers + ZOO_NIC_CTRL);
    NdisWriteRegisterUlong(ctrl, ZOO_NIC_CTRL_RX_EN | ZOO_NIC_CTRL_TX_EN); /* ZOO-EXPECT: HA-12 */
    return Status;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    ZooHwUnmapRegisters(Adapter); /* the engines are never stopped first */
}

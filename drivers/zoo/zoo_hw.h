/*
 * zoo_hw.h: the hardware half of zoo drivers that drive the simulated NIC (SN-1, register map in
 * src/device/simnic.h and docs/simnic-datasheet.md): the adapter's assigned resources, correct
 * interrupt code, and correct claim/release helpers for I/O ports, mapped registers and the
 * interrupt. Include it after zoo_base.h; the defective call of a zoo driver stays in its own file.
 *
 * The resources reach MiniportInitializeEx only, so the driver's initialize handler is wrapped:
 * define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry before including zoo_base.h, or call
 * ZooHwDriverEntry(Chars) from the zoo driver's own DriverEntry hook.
 *
 * The NIC's interrupts stay masked (IMR 0) in every zoo driver: the only interrupts are the ones the
 * host injects (during NdisMRegisterInterruptEx, and while MiniportHaltEx runs), which a correct ISR
 * recognises as not its NIC's and returns FALSE for. The zoo runs one adapter, so the hardware state
 * is a single global.
 */
#ifndef ZOO_HW_H
#define ZOO_HW_H

#ifndef ZOO_BASE_H
#error "include zoo_base.h first"
#endif

/* SN-1 registers the zoo drivers use (byte offsets in BAR0 and in the I/O port range). */
#define ZOO_HW_REG_ICR 0x08 /* interrupt cause, write 1 to clear */
#define ZOO_HW_REG_IMR 0x0C /* interrupt mask: 1 = cause raises the line */

typedef struct _ZOO_HW
{
    PNDIS_RESOURCE_LIST Resources; /* AllocatedResources of the current initialize */
    NDIS_HANDLE Interrupt;
    volatile UCHAR *Registers; /* mapped BAR0, NULL when not mapped */
    ULONG RegistersLength;
    PVOID PortOffset; /* from NdisMRegisterIoPortRange, NULL when not registered */
    UINT InitialPort;
    UINT NumberOfPorts;
    volatile LONG Latched; /* causes the ISR took over for the DPC */
    volatile LONG Stopping;
} ZOO_HW, *PZOO_HW;

static ZOO_HW ZooHw;

/* ---- resources ---------------------------------------------------------------------------------- */

static MINIPORT_INITIALIZE ZooHwInitialize;

static NDIS_STATUS ZooHwInitialize(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                                   PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    NdisZeroMemory(&ZooHw, sizeof(ZooHw));
    ZooHw.Resources = MiniportInitParameters->AllocatedResources;
    return ZooBaseInitialize(MiniportAdapterHandle, MiniportDriverContext, MiniportInitParameters);
}

static inline NDIS_STATUS ZooHwDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->InitializeHandlerEx = ZooHwInitialize;
    return NDIS_STATUS_SUCCESS;
}

/* The assigned resource of a type (CmResourceTypePort, CmResourceTypeMemory,
 * CmResourceTypeInterrupt), NULL when there is none (a virtual adapter). */
static inline PCM_PARTIAL_RESOURCE_DESCRIPTOR ZooHwResource(UCHAR Type)
{
    if (!ZooHw.Resources)
        return NULL;
    for (ULONG i = 0; i < ZooHw.Resources->Count; i++)
        if (ZooHw.Resources->PartialDescriptors[i].Type == Type)
            return &ZooHw.Resources->PartialDescriptors[i];
    return NULL;
}

/* ---- registers ------------------------------------------------------------------------------------ */

static inline ULONG ZooHwRead(ULONG Register)
{
    ULONG value;
    NdisReadRegisterUlong((volatile ULONG *)(ZooHw.Registers + Register), &value);
    return value;
}

static inline VOID ZooHwWrite(ULONG Register, ULONG Value)
{
    NdisWriteRegisterUlong((volatile ULONG *)(ZooHw.Registers + Register), Value);
}

static inline NDIS_STATUS ZooHwMapRegisters(PZOO_ADAPTER Adapter)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR mem = ZooHwResource(CmResourceTypeMemory);
    PVOID va = NULL;
    if (!mem)
        return NDIS_STATUS_RESOURCES;
    NDIS_STATUS status =
        NdisMMapIoSpace(&va, Adapter->MiniportAdapterHandle, mem->u.Memory.Start, mem->u.Memory.Length);
    if (status == NDIS_STATUS_SUCCESS)
    {
        ZooHw.Registers = va;
        ZooHw.RegistersLength = mem->u.Memory.Length;
    }
    return status;
}

static inline VOID ZooHwUnmapRegisters(PZOO_ADAPTER Adapter)
{
    if (!ZooHw.Registers)
        return;
    PVOID va = (PVOID)ZooHw.Registers;
    ZooHw.Registers = NULL;
    NdisMUnmapIoSpace(Adapter->MiniportAdapterHandle, va, ZooHw.RegistersLength);
}

/* ---- I/O ports -------------------------------------------------------------------------------------- */

static inline NDIS_STATUS ZooHwRegisterPorts(PZOO_ADAPTER Adapter)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR port = ZooHwResource(CmResourceTypePort);
    if (!port)
        return NDIS_STATUS_RESOURCES;
    ZooHw.InitialPort = (UINT)port->u.Port.Start.QuadPart;
    ZooHw.NumberOfPorts = port->u.Port.Length;
    return NdisMRegisterIoPortRange(&ZooHw.PortOffset, Adapter->MiniportAdapterHandle, ZooHw.InitialPort,
                                    ZooHw.NumberOfPorts);
}

static inline VOID ZooHwDeregisterPorts(PZOO_ADAPTER Adapter)
{
    if (!ZooHw.PortOffset)
        return;
    NdisMDeregisterIoPortRange(Adapter->MiniportAdapterHandle, ZooHw.InitialPort, ZooHw.NumberOfPorts,
                               ZooHw.PortOffset);
    ZooHw.PortOffset = NULL;
}

/* ---- interrupt ---------------------------------------------------------------------------------------- */

static MINIPORT_ISR ZooHwIsr;
static MINIPORT_INTERRUPT_DPC ZooHwDpc;
static MINIPORT_DISABLE_INTERRUPT ZooHwDisableInterrupt;
static MINIPORT_ENABLE_INTERRUPT ZooHwEnableInterrupt;

/* Claims only what its NIC raised (a shared line), masks the NIC and leaves the rest to the DPC. */
static BOOLEAN ZooHwIsr(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc,
                        PULONG TargetProcessors)
{
    UNREFERENCED_PARAMETER(MiniportInterruptContext);
    *QueueDefaultInterruptDpc = FALSE;
    *TargetProcessors = 0;
    if (!ZooHw.Registers)
        return FALSE;
    ULONG causes = ZooHwRead(ZOO_HW_REG_ICR) & ZooHwRead(ZOO_HW_REG_IMR);
    if (!causes)
        return FALSE;
    ZooHwWrite(ZOO_HW_REG_IMR, 0);
    InterlockedOr(&ZooHw.Latched, (LONG)causes);
    *QueueDefaultInterruptDpc = TRUE;
    return TRUE;
}

static VOID ZooHwDpc(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext, PVOID ReceiveThrottleParameters,
                     PVOID NdisReserved2)
{
    UNREFERENCED_PARAMETER(MiniportInterruptContext);
    UNREFERENCED_PARAMETER(MiniportDpcContext);
    UNREFERENCED_PARAMETER(ReceiveThrottleParameters);
    UNREFERENCED_PARAMETER(NdisReserved2);
    LONG causes = InterlockedExchange(&ZooHw.Latched, 0);
    if (ZooHw.Registers && causes)
        ZooHwWrite(ZOO_HW_REG_ICR, (ULONG)causes); /* the zoo keeps the NIC's interrupts masked */
}

static VOID ZooHwDisableInterrupt(NDIS_HANDLE MiniportInterruptContext)
{
    UNREFERENCED_PARAMETER(MiniportInterruptContext);
    if (ZooHw.Registers)
        ZooHwWrite(ZOO_HW_REG_IMR, 0);
}

static VOID ZooHwEnableInterrupt(NDIS_HANDLE MiniportInterruptContext)
{
    UNREFERENCED_PARAMETER(MiniportInterruptContext);
}

static inline VOID ZooHwInterruptCharacteristics(PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS Chars)
{
    NdisZeroMemory(Chars, sizeof(*Chars));
    Chars->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT;
    Chars->Header.Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1;
    Chars->Header.Size = NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1;
    Chars->InterruptHandler = ZooHwIsr;
    Chars->InterruptDpcHandler = ZooHwDpc;
    Chars->DisableInterruptHandler = ZooHwDisableInterrupt;
    Chars->EnableInterruptHandler = ZooHwEnableInterrupt;
}

static inline NDIS_STATUS ZooHwRegisterInterrupt(PZOO_ADAPTER Adapter)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
    ZooHwInterruptCharacteristics(&chars);
    return NdisMRegisterInterruptEx(Adapter->MiniportAdapterHandle, Adapter, &chars, &ZooHw.Interrupt);
}

/* Halt order: the NIC stops interrupting, then the interrupt goes (HA-03). */
static inline VOID ZooHwDeregisterInterrupt(VOID)
{
    InterlockedExchange(&ZooHw.Stopping, 1);
    if (ZooHw.Registers)
        ZooHwWrite(ZOO_HW_REG_IMR, 0);
    if (ZooHw.Interrupt)
        NdisMDeregisterInterruptEx(ZooHw.Interrupt);
}

#endif /* ZOO_HW_H */

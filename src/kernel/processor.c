/* Emulated processors: their number (NDISHOST_PROCESSORS, default 2, one group) and which one
 * the calling thread is on. DPC threads are pinned to their processor; any other thread is
 * given one round robin on first use so that work spreads over the DPC queues. */
#include "kernel_internal.h"

static __thread int tls_processor = -1;
static unsigned next_processor;

void kernel_processor_bind(unsigned index)
{
    tls_processor = (int)index;
}

unsigned kernel_current_processor(void)
{
    if (tls_processor < 0)
        tls_processor = (int)(__atomic_fetch_add(&next_processor, 1, __ATOMIC_RELAXED) % exec_processor_count());
    return (unsigned)tls_processor;
}

ULONG KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
    unsigned p = kernel_current_processor();
    if (ProcNumber)
    {
        ProcNumber->Group = 0;
        ProcNumber->Number = (UCHAR)p;
        ProcNumber->Reserved = 0;
    }
    return p;
}

ULONG KeGetCurrentProcessorNumber(void)
{
    return kernel_current_processor();
}

static KAFFINITY active_mask(void)
{
    unsigned n = exec_processor_count();
    return n >= 64 ? ~(KAFFINITY)0 : (((KAFFINITY)1 << n) - 1);
}

ULONG KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    if (ActiveProcessors)
        *ActiveProcessors = active_mask();
    return exec_processor_count();
}

ULONG KeQueryActiveProcessorCountEx(USHORT GroupNumber)
{
    if (GroupNumber == 0 || GroupNumber == ALL_PROCESSOR_GROUPS)
        return exec_processor_count();
    return 0;
}

ULONG KeQueryMaximumProcessorCount(void)
{
    return exec_processor_count();
}

ULONG KeQueryMaximumProcessorCountEx(USHORT GroupNumber)
{
    return KeQueryActiveProcessorCountEx(GroupNumber);
}

USHORT KeQueryActiveGroupCount(void)
{
    return 1;
}

USHORT KeQueryMaximumGroupCount(void)
{
    return 1;
}

KAFFINITY KeQueryActiveProcessors(void)
{
    return active_mask();
}

KAFFINITY KeQueryGroupAffinity(USHORT GroupNumber)
{
    return GroupNumber == 0 ? active_mask() : 0;
}

NTSTATUS KeGetProcessorNumberFromIndex(ULONG ProcIndex, PPROCESSOR_NUMBER ProcNumber)
{
    if (!ProcNumber || ProcIndex >= exec_processor_count())
        return STATUS_INVALID_PARAMETER;
    ProcNumber->Group = 0;
    ProcNumber->Number = (UCHAR)ProcIndex;
    ProcNumber->Reserved = 0;
    return STATUS_SUCCESS;
}

ULONG KeGetProcessorIndexFromNumber(PPROCESSOR_NUMBER ProcNumber)
{
    if (!ProcNumber || ProcNumber->Group != 0 || ProcNumber->Number >= exec_processor_count())
        return (ULONG)-1; /* INVALID_PROCESSOR_INDEX */
    return ProcNumber->Number;
}

BOOLEAN RtlIsNtDdiVersionAvailable(ULONG Version)
{
    /* Policy: the host emulates the interfaces of Windows 10 / NDIS 6.8x and earlier. */
    return Version <= 0x0A00000FUL;
}

/* ul02_notify_routine_left: DriverEntry registers a process-creation notify routine that
 * MiniportDriverUnload never removes (UL-02: Windows would call into the unloaded driver). */
#define ZOO_HOOK_DRIVER_ENTRY ZooEntry
#include "zoo_base.h"

static VOID ZooProcessNotify(HANDLE ParentId, HANDLE ProcessId, BOOLEAN Create)
{
    UNREFERENCED_PARAMETER(ParentId);
    UNREFERENCED_PARAMETER(ProcessId);
    UNREFERENCED_PARAMETER(Create);
}

static NDIS_STATUS ZooEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    UNREFERENCED_PARAMETER(Chars);
    NTSTATUS status = PsSetCreateProcessNotifyRoutine(ZooProcessNotify, FALSE); /* ZOO-EXPECT: UL-02 */
    return NT_SUCCESS(status) ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

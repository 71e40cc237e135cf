/* ul01_fail_after_register: DriverEntry registers, then fails without deregistering (UL-01).
 * The load fails: ndishost exits 2 and writes no report; the finding is printed on stdout. */
#define ZOO_CUSTOM_DRIVER_ENTRY
#include "zoo_base.h"

NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) /* ZOO-EXPECT: UL-01 */
{
    NTSTATUS status = ZooBaseDriverEntry(DriverObject, RegistryPath);
    if (!NT_SUCCESS(status))
        return status;
    return NDIS_STATUS_FAILURE;
}

/* ha10_eresource_not_deleted: initialize initializes an ERESOURCE that halt never deletes with
 * ExDeleteResourceLite (HA-10). The resources live in driver globals, so no pool free meets them. */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

#define ZOO_MAX_RESOURCES 16

static ERESOURCE ZooResources[ZOO_MAX_RESOURCES];
static LONG ZooResourceCount;

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    UNREFERENCED_PARAMETER(Adapter);
    LONG i = InterlockedIncrement(&ZooResourceCount) - 1;
    if (i >= ZOO_MAX_RESOURCES)
        return NDIS_STATUS_RESOURCES;
    NTSTATUS status = ExInitializeResourceLite(&ZooResources[i]); /* ZOO-EXPECT: HA-10 */
    return NT_SUCCESS(status) ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

/* ha10_config_leak: initialize opens the adapter's configuration and never closes it (HA-10). */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE Config;
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_CONFIGURATION_OBJECT object = {
        .Header = {.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
                   .Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1,
                   .Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1},
        .NdisHandle = Adapter->MiniportAdapterHandle,
    };
    return NdisOpenConfigurationEx(&object, &Adapter->Config); /* ZOO-EXPECT: HA-10 */
}

/* ap02_malformed_status_indication: initialize indicates a link state whose NDIS_STATUS_INDICATION header
 * has the wrong object type (AP-02). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_STATUS_INDICATION indication;
    NDIS_LINK_STATE linkState;
    ZooBaseLinkStateIndication(Adapter->MiniportAdapterHandle, &indication, &linkState);
    indication.Header.Type = NDIS_OBJECT_TYPE_DEFAULT; /* should be NDIS_OBJECT_TYPE_STATUS_INDICATION */
    NdisMIndicateStatusEx(Adapter->MiniportAdapterHandle, &indication); /* ZOO-EXPECT: AP-02 */
    return NDIS_STATUS_SUCCESS;
}

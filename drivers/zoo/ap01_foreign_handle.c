/* ap01_foreign_handle: initialize indicates a status with a pointer that is not an adapter handle (AP-01). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE wrong = Adapter; /* the context, mistaken for the handle */
    NDIS_STATUS_INDICATION indication;
    NDIS_LINK_STATE linkState;
    ZooBaseLinkStateIndication(wrong, &indication, &linkState);
    NdisMIndicateStatusEx(wrong, &indication); /* ZOO-EXPECT: AP-01 */
    return NDIS_STATUS_SUCCESS;
}

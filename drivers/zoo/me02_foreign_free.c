/* me02_foreign_free: initialize hands NdisFreeMemory a stack address it never allocated (ME-02). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    UCHAR scratch[64];
    NdisZeroMemory(scratch, sizeof(scratch));
    NdisFreeMemory(scratch, 0, 0); /* ZOO-EXPECT: ME-02 */
    return NDIS_STATUS_SUCCESS;
}

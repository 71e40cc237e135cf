/* in02_no_general_attributes: initialize succeeds without setting the general attributes (IN-02). */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#define ZOO_HOOK_GENERAL_ATTRIBUTES ZooGeneralAttributes
#include "zoo_base.h"

static MINIPORT_INITIALIZE ZooInitialize;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->InitializeHandlerEx = ZooInitialize;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooGeneralAttributes(PZOO_ADAPTER Adapter, PNDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES Gen)
{
    /* The bug: the attributes are built but never handed to NDIS. */
    UNREFERENCED_PARAMETER(Adapter);
    UNREFERENCED_PARAMETER(Gen);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooInitialize(NDIS_HANDLE MiniportAdapterHandle,
                                 NDIS_HANDLE MiniportDriverContext, /* ZOO-EXPECT: IN-02 */
                                 PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    return ZooBaseInitialize(MiniportAdapterHandle, MiniportDriverContext, MiniportInitParameters);
}

/* in05_initialize_pending: initialize returns NDIS_STATUS_PENDING, which it cannot (IN-05). */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"

static MINIPORT_INITIALIZE ZooInitialize;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->InitializeHandlerEx = ZooInitialize;
    return NDIS_STATUS_SUCCESS;
}

/* Acquires nothing, so the failed initialize leaks nothing: only the status is wrong. */
static NDIS_STATUS ZooInitialize(NDIS_HANDLE MiniportAdapterHandle,
                                 NDIS_HANDLE MiniportDriverContext, /* ZOO-EXPECT: IN-05 */
                                 PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    return NDIS_STATUS_PENDING;
}

/* ul03_missing_handler: the characteristics lack the required CancelSendHandler (UL-03).
 * Registration fails, DriverEntry returns its status: ndishost exits 2 naming the handler. */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->CancelSendHandler = NULL; /* ZOO-EXPECT: UL-03 */
    return NDIS_STATUS_SUCCESS;
}

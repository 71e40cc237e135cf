/* netioapi.h for drivers built against ndishost: the IP helper routines are not emulated; the
 * header exists so that miniports that include it for types they do not use compile. */
#ifndef NDISHOST_DDK_NETIOAPI_H
#define NDISHOST_DDK_NETIOAPI_H

#include "ndis.h"

#endif

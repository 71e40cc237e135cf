/* ndis.h for drivers built against ndishost.
 *
 * Written from Microsoft's public documentation of the NDIS 6.x interfaces (names, signatures,
 * struct tags, field names and constant values as documented); no WDK header text is used.
 * The definitions are split by concern under ndis/, as recent WDKs split theirs. A miniport
 * includes only <ndis.h>, which brings in the kernel headers it also uses. */
#ifndef NDISHOST_DDK_NDIS_H
#define NDISHOST_DDK_NDIS_H

#include "ntddk.h"

#include "ndis/types.h"
#include "ndis/objectheader.h"
#include "ndis/configuration.h"
#include "ndis/kernel_services.h"
#include "ndis/nbl.h"
#include "ndis/nblapi.h"
#include "ndis/oids.h"
#include "ndis/receive_filter.h"
#include "ndis/qos.h"
#include "ndis/miniport.h"
#include "ndis/device.h"

#endif

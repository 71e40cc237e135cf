/* Shared declarations of the fixture driver. FixtureCheckAdapter is declared with an opaque
 * handle but defined with the adapter type in checks.c: the prototype mismatch MSVC accepts and
 * GCC rejects, which ndishost_add_miniport's FIX_PROTOTYPES repairs without editing the source. */
#ifndef WPP_DRIVER_H
#define WPP_DRIVER_H

#include <ndis.h>

NDIS_STATUS FixtureCheckAdapter(NDIS_HANDLE Adapter, ULONG Evaluated);

#endif

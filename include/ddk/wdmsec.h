/* wdmsec.h for drivers built against ndishost: the SDDL strings for device objects. Security
 * descriptors are not enforced by the host (docs/next-drivers.md); the strings are the documented
 * ones so that a driver can pass them on. */
#ifndef NDISHOST_DDK_WDMSEC_H
#define NDISHOST_DDK_WDMSEC_H

#include "wdm.h"

/* Documented SDDL strings (wdmsec.h): System all, Administrators all, World RWX, Restricted RWX. */
#define SDDL_DEVOBJ_SYS_ALL_ADM_ALL L"D:P(A;;GA;;;SY)(A;;GA;;;BA)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)"

#endif

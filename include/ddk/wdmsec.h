/* wdmsec.h for drivers built against ndishost: the SDDL strings for device objects. Security
 * descriptors are not enforced by the host (docs/next-drivers.md); the strings are the documented
 * ones so that a driver can pass them on. */
#ifndef NDISHOST_DDK_WDMSEC_H
#define NDISHOST_DDK_WDMSEC_H

#include "wdm.h"

/* The predefined strings listed on "SDDL for Device Objects" (kernel/sddl-for-device-objects). */
#define SDDL_DEVOBJ_KERNEL_ONLY L"D:P"
#define SDDL_DEVOBJ_SYS_ALL L"D:P(A;;GA;;;SY)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_ALL L"D:P(A;;GA;;;SY)(A;;GA;;;BA)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)"
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)"
/* Not listed on that page; composed from its grammar and its naming (System all, Administrators,
 * World and Restricted read/write/execute), which is what the name says. */
#define SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)"

#endif

/* ntifs.h for drivers built against ndishost: the file-system kit header is a superset of
 * ntddk.h. What miniports take from it (object, process and security routines) is declared in
 * wdm.h and its parts here; the names it adds are documented in docs/next-drivers.md. */
#ifndef NDISHOST_DDK_NTIFS_H
#define NDISHOST_DDK_NTIFS_H

#include "ntddk.h"

#endif

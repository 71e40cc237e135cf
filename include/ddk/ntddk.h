/* ntddk.h for drivers built against ndishost: everything NDIS miniports take from ntddk.h is
 * in wdm.h here (the split between the two headers does not matter to a source-level host). */
#ifndef NDISHOST_DDK_NTDDK_H
#define NDISHOST_DDK_NTDDK_H

#include "wdm.h"

#endif

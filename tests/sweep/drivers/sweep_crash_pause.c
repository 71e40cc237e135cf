/* sweep_crash_pause: MiniportPause writes through a NULL pointer. */
#define ZOO_HOOK_PAUSE SweepPause
#include "zoo_base.h"

static volatile ULONG *volatile SweepNowhere;

static NDIS_STATUS SweepPause(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    *SweepNowhere = 1; /* SWEEP-PAUSE-LINE */
    return Status;
}

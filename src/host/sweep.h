/* The sweep engine behind `ndishost sweep` (public entry points in include/ndishost/ndishost.h,
 * semantics in docs/sweep.md). Internal pieces shared with tests. */
#ifndef NDISHOST_HOST_SWEEP_H
#define NDISHOST_HOST_SWEEP_H

#include <ndishost/ndishost.h>

#include "verifier/verifier.h"

/* How one step ended, as the table shows it. */
typedef enum sweep_outcome
{
    SWEEP_COMPLETED = 0,  /* the lifecycle ran to the end (the driver absorbed the failure) */
    SWEEP_ENTRY_FAILED,   /* DriverEntry returned a failure status */
    SWEEP_INIT_FAILED,    /* MiniportInitializeEx returned a failure status */
    SWEEP_NOT_REGISTERED, /* DriverEntry returned success without a registered driver (UL-01) */
    SWEEP_CRASH,          /* a fatal signal in the child */
    SWEEP_HANG,           /* the step's watchdog expired */
    SWEEP_LOST,           /* the child ended without a readable report */
} sweep_outcome;

const char *sweep_outcome_name(sweep_outcome o);
/* "transient", "persistent", "unique-site". */
const char *sweep_mode_name(vf_fault_mode m);

#endif

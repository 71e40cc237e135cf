/* Checks at the end of an adapter instance that need the kernel layer's knowledge of timers,
 * DPCs and work items in flight (not just the ledger's list of what is allocated). */
#ifndef NDISHOST_NDIS_KERNEL_HOOKS_H
#define NDISHOST_NDIS_KERNEL_HOOKS_H

#include "../verifier/verifier.h"

/* Called when MiniportHaltEx returned or MiniportInitializeEx failed, before the ledger's
 * leftover report: reports timer callbacks still queued or running for `owner` (HA-04, or
 * rule_override), and IO work items queued or running (HA-10). */
void ndis_kernel_check_instance_end(vf_owner *owner, const char *rule_override, const char *when);

#endif

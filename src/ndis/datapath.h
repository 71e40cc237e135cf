/* The NDIS data path between a miniport and the bound protocol (the host's protocol edge):
 * receive indications and their returns, sends and their completions, with the per-NBL ownership
 * checks of rules RX-01..04, TX-01, LC-09/10 and HA-11.
 *
 * Per-NBL work is O(1) atomics on the NBL's host header (nbl_pool.h); per-adapter counters live in
 * a->dp and are waited on event-driven (exec_wait_u32), never polled. */
#ifndef NDISHOST_NDIS_DATAPATH_H
#define NDISHOST_NDIS_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "ndis_internal.h"

/* Per-device data-path state; created with the adapter block, kept across instances. */
int ndis_dp_adapter_init(ndis_adapter *a);
void ndis_dp_adapter_fini(ndis_adapter *a);

/* The protocol gives back NBLs it received without NDIS_RECEIVE_FLAGS_RESOURCES. `chain` may mix
 * NBLs of several indications (RX-04). Calls MiniportReturnNetBufferLists, raising the emulated
 * IRQL to DISPATCH_LEVEL when `return_flags` has NDIS_RETURN_FLAGS_DISPATCH_LEVEL. NBLs of an
 * adapter instance that has ended (halted with them outstanding: HA-11) are reclaimed by the host
 * without a driver call. */
void ndis_return_nbls(ndis_adapter *a, PNET_BUFFER_LIST chain, ULONG return_flags);

/* The protocol sends: every NBL becomes pending on `a` and MiniportSendNetBufferLists is called
 * (at DISPATCH_LEVEL when send_flags has NDIS_SEND_FLAGS_DISPATCH_LEVEL). Policy: while the
 * adapter is neither Running, Pausing, Paused nor Restarting (no instance, or after shutdown) the
 * host does not call the miniport and completes the chain at once with NDIS_STATUS_PAUSED (no
 * instance) or NDIS_STATUS_NOT_ACCEPTED (after shutdown). In Paused the miniport is called and must
 * complete every NBL before returning (LC-09, warning otherwise). */
void ndis_send_nbls(ndis_adapter *a, PNET_BUFFER_LIST chain, NDIS_PORT_NUMBER port, ULONG send_flags);

/* Counters for the state machine. */
uint32_t ndis_dp_rx_outstanding(const ndis_adapter *a);          /* indicated, not yet returned */
uint32_t ndis_dp_tx_pending(const ndis_adapter *a);              /* sent, not yet completed */
uint32_t ndis_dp_indications_in_progress(const ndis_adapter *a); /* indicate calls not yet returned */

/* Blocking waits (timeout_ns < 0: no limit); true when the count reached 0. */
bool ndis_dp_wait_rx_returned(ndis_adapter *a, int64_t timeout_ns);
bool ndis_dp_wait_tx_completed(ndis_adapter *a, int64_t timeout_ns);

/* LC-10 at pause completion: every indicate call returned, every indicated NBL returned, every
 * send completed. `site` is the driver site to blame (NdisMPauseComplete's caller or the pause
 * handler). */
void ndis_dp_check_pause_complete(ndis_adapter *a, void *site);

/* HA-11 when MiniportHaltEx returned (or a failed MiniportInitializeEx ended the instance):
 * receives indicated without RESOURCES and not yet returned. Policy: after reporting, the adapter's
 * counts restart from zero for the next instance; the protocol keeps the NBLs until it gives them
 * back, and ndis_return_nbls then hands them to their pool without calling the (halted) driver, so
 * no later pool free reports them a second time. */
void ndis_dp_check_halt_return(ndis_adapter *a);

/* Port hook (PT-02): when the ports module defines it, a non-default port in a receive indication
 * must be activated. Weak: without it any port number is accepted. */
bool ndis_port_is_activated(ndis_adapter *a, NDIS_PORT_NUMBER port) __attribute__((weak));

#endif

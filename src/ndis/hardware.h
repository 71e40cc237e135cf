/* The hardware side of the NDIS library: what the adapter state machine (adapter.c) and the host
 * layer ask of the files that implement interrupts (interrupt.c), I/O ports and mapped registers
 * (io_port.c, mapped_io.c, bus_data.c), DMA and shared memory (dma.c, shared_memory.c) and NDIS
 * ports (port.c). Each concern keeps its per-adapter state behind its own pointer in ndis_adapter
 * and allocates it lazily; the *_adapter_destroy hooks free it when the device goes away.
 *
 * A hardware-backed adapter has a simulated NIC attached (ndis_adapter_attach_nic); its resources
 * reach MiniportInitializeEx as AllocatedResources. A virtual adapter has none and gets NULL. */
#ifndef NDISHOST_NDIS_HARDWARE_H
#define NDISHOST_NDIS_HARDWARE_H

#include "ndis_internal.h"

struct simnic;

/* ---- the device (adapter.c) ---- */

/* Attaches `nic` to the adapter before its first initialize; the adapter does not own it. The NIC's
 * host ops must have been created with ndis_nic_host_ops(a). */
void ndis_adapter_attach_nic(ndis_adapter *a, struct simnic *nic);
/* The DMA translator and interrupt line the NIC is given (ctx = the adapter). */
void ndis_nic_host_ops(ndis_adapter *a, void *(**dma_map)(void *, uint64_t, size_t, bool), void (**irq_raised)(void *));

/* HA-13: the register and port read paths call this for every read that hit a removed NIC (a NULL
 * adapter: the one whose callback is running on this thread). */
void ndis_hw_removed_read(ndis_adapter *a, void *site);

/* HA-12 / SD-01: the register and port write paths call this for writes to CTRL and IMR, so that a
 * NIC left running can be reported at the write that started it (the adapter whose callback runs). */
void ndis_hw_note_start(uint32_t offset, uint32_t value, void *site);

/* ---- claiming hardware (hw_claims.c) ---- */

#define NDIS_CLAIM_INIT_ONLY 0x1u /* IN-07: only from MiniportInitializeEx */
#define NDIS_CLAIM_NEEDS_REG_ATTRS 0x2u /* IN-02: after NdisMSetMiniportAttributes(REGISTRATION) */
/* The common checks of every call that claims hardware or allocates a port (NdisMRegisterInterruptEx,
 * NdisMRegisterIoPortRange, NdisMMapIoSpace, NdisMRegisterScatterGatherDma, NdisMAllocateSharedMemory,
 * NdisMAllocatePort): reports IN-02 / IN-07 as `flags` ask, naming `api` at `site`. Returns false when
 * the call must fail (the caller returns the status Windows returns). */
bool ndis_hw_claim_check(ndis_adapter *a, const char *api, void *site, unsigned flags);

/* ---- interrupts (interrupt.c) ---- */

/* Before MiniportHaltEx: from now until NdisMDeregisterInterruptEx the ISR gets spurious calls (HA-03). */
void ndis_interrupt_before_halt(ndis_adapter *a);
/* The NIC's line went up: run the ISR on the adapter's interrupt thread if one is registered. */
void ndis_interrupt_line_raised(ndis_adapter *a);
void ndis_interrupt_adapter_destroy(ndis_adapter *a);

/* ---- I/O ports, mapped registers (io_port.c, mapped_io.c) ---- */

void ndis_io_adapter_destroy(ndis_adapter *a);

/* ---- DMA and shared memory (dma.c, shared_memory.c) ---- */

/* Device DMA: resolves a bus address range inside live shared memory of this adapter, or reports
 * (a freed block: SM-03 naming the free's call site) and returns NULL. */
void *ndis_shared_memory_dma_map(ndis_adapter *a, uint64_t bus_addr, size_t len, bool writing);
/* Before MiniportHaltEx: asynchronous shared-memory allocations still pending are completed first
 * (ndis-contract.md HA-06 policy), so that the halt handler can free them. */
void ndis_shared_memory_before_halt(ndis_adapter *a);
void ndis_dma_adapter_destroy(ndis_adapter *a);
/* At halt return and after a failed initialize, before the ports and the ledger: leftover
 * scatter/gather lists (HA-09, IN-04), asynchronous shared-memory requests that would complete after
 * the instance, and IN-08 for a failed initialize. */
void ndis_dma_instance_end(ndis_adapter *a, const char *when);
/* Right after MiniportInitializeEx returned: IN-08's check point (NdisWriteErrorLogEntry after a failed
 * shared-memory allocation, before initialize returned). */
void ndis_dma_initialize_returned(ndis_adapter *a);

/* ---- NDIS ports (port.c) ---- */

/* At halt return and after a failed initialize, before the ledger's leftovers are reported:
 * HA-08's parts the ledger cannot see (an activated default port the driver controls). */
void ndis_ports_instance_end(ndis_adapter *a, const char *when);
void ndis_ports_adapter_destroy(ndis_adapter *a);
/* Receive and status indications on a port (PT-02: not before its activation returned; PT-03: not
 * after its deactivation), and the per-port count of receive NBLs not yet returned (PT-03). */
void ndis_port_check_indication(ndis_adapter *a, NDIS_PORT_NUMBER port, const char *api, void *site);
void *ndis_port_rx_tag(ndis_adapter *a, NDIS_PORT_NUMBER port);
void ndis_port_rx_add(ndis_adapter *a, void *tag, uint32_t n);
void ndis_port_rx_returned(ndis_adapter *a, void *tag);

#endif

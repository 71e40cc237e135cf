/* What the interrupt, I/O port, mapped-register and bus-data files of src/ndis/ share (interrupt.c,
 * io_port.c, mapped_io.c, bus_data.c). Host-internal: the rest of the library goes through
 * hardware.h.
 *
 * Register and port accesses find their device through one global lookup of the ranges drivers
 * registered (I/O ports) or mapped (memory): a fixed table of slots, each guarded by a sequence
 * word, read without locks; registration and release take a mutex. A per-thread cache of the last
 * slot hit makes the common case (one driver hammering its own registers) a single check. */
#ifndef NDISHOST_NDIS_IRQ_IO_H
#define NDISHOST_NDIS_IRQ_IO_H

#include "hardware.h"

/* Policy: MiniportInterrupt and MiniportSynchronizeInterrupt run at IRQL 11, the emulated DIRQL:
 * the highest x64 device level, above DISPATCH_LEVEL and below SYNCH_LEVEL (12) and CLOCK_LEVEL
 * (13), so that every "<= DISPATCH_LEVEL" NDIS call made from them is an IQ-01. */
#define NDIS_IRQ_DIRQL 11

/* ---- interrupts (interrupt.c) ---- */

/* The owner of the interrupt whose MiniportInterrupt or MiniportInterruptDPC the calling thread is
 * running as part of NdisMRegisterInterruptEx (before that call has returned), or NULL. A bad
 * handle, port or register address used from there is the driver not being ready for an interrupt
 * during its registration: IN-06 instead of the rule the API would otherwise name. */
vf_owner *ndis_irq_unready_owner(void);

/* Called before MiniportHaltEx: from then until NdisMDeregisterInterruptEx the host injects
 * spurious MiniportInterrupt calls (HA-03: the ISR can preempt halt until deregistration). */
void ndis_interrupt_before_halt(ndis_adapter *a);

/* Test and benchmark knobs: the storm detector's limits (consecutive ISR calls with the line still
 * asserted, and for how long), and the period of the injected calls while halt runs. */
void ndis_interrupt_set_storm_limits(unsigned calls, uint64_t ns);
void ndis_interrupt_set_halt_injection_period(uint64_t ns);

/* ---- the range lookup (io_port.c) ---- */

typedef enum ndis_io_space
{
    NDIS_IO_PORT = 0, /* I/O ports: addresses are port numbers */
    NDIS_IO_MEMORY,   /* mapped registers: addresses are host virtual addresses from NdisMMapIoSpace */
    NDIS_IO_SPACES
} ndis_io_space;

typedef struct ndis_io_hit
{
    struct simnic *nic;
    uint32_t offset; /* register offset inside the device's I/O range or BAR0 */
} ndis_io_hit;

/* Publishes [start, start + len) of `space`, whose first byte is device offset `dev_offset` of
 * `nic`. Returns the slot, or -1 when the table is full. */
int ndis_io_publish(ndis_io_space space, uint64_t start, uint64_t len, struct simnic *nic, uint32_t dev_offset);
void ndis_io_unpublish(ndis_io_space space, int slot);
/* Resolves an access of `width` bytes at `addr`: true when a published range holds all of it. */
bool ndis_io_lookup(ndis_io_space space, uint64_t addr, unsigned width, ndis_io_hit *out);
/* Reports an access no published range holds (AP-01, or IN-06 from an interrupt handler running
 * before NdisMRegisterInterruptEx returned). `what` names the API, `addr` the port or address. */
void ndis_io_miss(ndis_io_space space, const char *api, uint64_t addr, unsigned width, void *site);

/* The adapter's assigned resource of `type` (CmResourceTypePort / CmResourceTypeMemory) that holds
 * [start, start + len); NULL when none does (a virtual adapter has no resources at all). */
const CM_PARTIAL_RESOURCE_DESCRIPTOR *ndis_io_find_resource(const ndis_adapter *a, UCHAR type, uint64_t start,
                                                            uint64_t len);

/* The per-adapter list of port ranges and mappings (io_port.c owns ndis_io_state). */
typedef struct ndis_io_range ndis_io_range;
struct ndis_io_range
{
    vf_res res; /* VF_RES_IO_PORT or VF_RES_IO_SPACE, key: this record */
    ndis_adapter *a;
    ndis_io_space space;
    int slot;
    uint64_t start, len; /* port number or virtual address, as the driver uses it */
    /* registration parameters, compared at release (HA-09) */
    uint32_t initial_port, nports;
    void *port_offset;
    uint64_t phys;
    void *map_base; /* mmap reservation behind a mapping */
    size_t map_len;
    ndis_io_range *next;
};
/* Adds or removes a record on the adapter's list (under the list's lock). */
void ndis_io_list_add(ndis_adapter *a, ndis_io_range *r);
bool ndis_io_list_remove(ndis_adapter *a, ndis_io_range *r);
/* Finds the first record of `space` for which match(r, arg) holds, under the lock; NULL if none. */
ndis_io_range *ndis_io_list_find(ndis_adapter *a, ndis_io_space space,
                                 bool (*match)(const ndis_io_range *r, const void *arg), const void *arg);

/* ---- claiming and releasing a range (io_port.c; NdisMRegisterIoPortRange and NdisMMapIoSpace) ---- */

/* How a claim API names its parameters in findings. */
typedef struct ndis_io_claim
{
    const char *api;
    const char *out_name;   /* the out parameter: "PortOffset", "VirtualAddress" */
    const char *start_name; /* "InitialPort", "PhysicalAddress" */
    const char *len_name;   /* "NumberOfPorts", "Length" */
    UCHAR type;             /* the adapter resource the range must lie in */
    const char *res_name;   /* that resource in "not inside the adapter's ..." */
    const char *none_name;  /* and in "which was assigned no ..." */
} ndis_io_claim;

/* The checks both claim APIs make, in order, before they claim anything: PASSIVE_LEVEL, a NULL out
 * parameter (AP-02; otherwise *out is set to NULL), the adapter handle, IN-02/IN-07, a zero length
 * (AP-02), a range outside the adapter's resource (AP-02, NDIS_STATUS_RESOURCE_CONFLICT), fault
 * injection. NDIS_STATUS_SUCCESS with *a_out and *res_out set, or the status the API returns. */
NDIS_STATUS ndis_io_claim_check(const ndis_io_claim *c, PVOID *out, NDIS_HANDLE handle, uint64_t start, uint64_t len,
                                void *site, ndis_adapter **a_out, const CM_PARTIAL_RESOURCE_DESCRIPTOR **res_out);
/* Publishes the filled-in record r (start, len, space, a) at device offset `dev_offset` of its
 * adapter's NIC, puts it on the adapter's list and charges it to the adapter as `kind` (released
 * through ndis_io_range_release at reclaim). False when the lookup table is full: nothing done. */
bool ndis_io_range_commit(ndis_io_range *r, uint32_t dev_offset, vf_res_kind kind, void *site);
/* Reports (HA-09) a release called from another callback than MiniportInitializeEx or
 * MiniportHaltEx; the release is carried out anyway. */
void ndis_io_check_release_caller(ndis_adapter *a, const char *api, void *site);
/* Releases a range or mapping: unpublished, off the list and the ledger, a mapping's reservation
 * retired (mapped_io.c), the record freed. */
void ndis_io_range_release(ndis_io_range *r);
/* Keeps a released mapping's reservation faulting for a while before it is unmapped (mapped_io.c). */
void ndis_io_reservation_retire(void *base, size_t len);

/* ---- accesses (io_port.c; the port and register accessors) ---- */

/* One access of `width` bytes at `addr` (a port or a mapped address): reads return all ones outside
 * every published range (AP-01 / IN-06) and report HA-13 when a removed NIC answers; a write to
 * CTRL or IMR is noted for HA-12. */
uint32_t ndis_io_read(ndis_io_space space, uint64_t addr, unsigned width, const char *api, void *site);
void ndis_io_write(ndis_io_space space, uint64_t addr, unsigned width, uint32_t value, const char *api, void *site);
/* The NULL checks of the accessors (AP-02): a Data pointer, and a Buffer of `count` items. */
bool ndis_io_data_ok(const void *data, const char *api, void *site);
bool ndis_io_buffer_ok(const void *buf, ULONG count, const char *api, void *site);
/* Item i of a buffer of `width`-byte items. */
uint32_t ndis_io_item_get(const void *buf, ULONG i, unsigned width);
void ndis_io_item_set(void *buf, ULONG i, unsigned width, uint32_t v);

#endif

/* Mapped device registers: NdisMMapIoSpace / NdisMUnmapIoSpace and the register accessors
 * (NdisRead/WriteRegister*, READ_REGISTER_* / WRITE_REGISTER_* and their buffer variants).
 *
 * Semantics, as documented:
 *  - NdisMMapIoSpace: PASSIVE_LEVEL, only from MiniportInitializeEx (SDV NdisMMapIoSpace: IN-07),
 *    after the registration attributes (IN-02); the range must be device memory the adapter was
 *    assigned; *VirtualAddress is NULL whenever the call does not return NDIS_STATUS_SUCCESS.
 *  - NdisMUnmapIoSpace: PASSIVE_LEVEL, from initialize or halt, with the virtual address and the
 *    Length of the mapping (HA-09 otherwise); a mapping left at halt return is HA-09 (IN-04 after a
 *    failed initialize), and the host then unmaps it.
 *  - register accessors: any IRQL; after surprise removal the device reads as all ones (the NIC
 *    does that).
 *
 * Policy:
 *  - the virtual address NdisMMapIoSpace returns is not memory: it lies in pages the host reserves
 *    with no access rights (mmap PROT_NONE), with the page offset of the physical address, as
 *    MmMapIoSpace keeps it. A driver must go through the register accessors (on Windows they are
 *    volatile accesses; here they reach the simulated NIC); a plain dereference faults, and the
 *    isolation layer reports the crash (HOST-01) at the driver line that did it.
 *  - unmapped reservations stay reserved (still faulting) for the next 64 unmaps before they are
 *    returned to the system, so that a stale pointer does not silently reach a new allocation.
 *  - a range outside the adapter's memory resource, or any range on an adapter without hardware, is
 *    AP-02 and fails with NDIS_STATUS_RESOURCE_CONFLICT; Length 0 is AP-02 and NDIS_STATUS_FAILURE.
 *  - an unmap with the right address and another Length is reported (HA-09) and unmaps the mapping
 *    (one finding per mistake); an address that is not a live mapping is HA-09 and does nothing; an
 *    unmap from another callback is reported (HA-09) and carried out.
 *  - a register access outside every live mapping is AP-01 (the address is a value NDIS handed the
 *    driver), IN-06 from an interrupt handler running before NdisMRegisterInterruptEx returned;
 *    reads return all ones, writes are dropped, the address is never dereferenced. */
#include "irq_io.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../device/simnic.h"

#define QUARANTINE 64

static exec_mutex quarantine_lock = EXEC_MUTEX_INIT;
static struct
{
    void *base;
    size_t len;
} quarantine[QUARANTINE];
static unsigned quarantine_next;

void ndis_io_reservation_retire(void *base, size_t len)
{
    exec_mutex_lock(&quarantine_lock);
    void *old = quarantine[quarantine_next].base;
    size_t old_len = quarantine[quarantine_next].len;
    quarantine[quarantine_next].base = base;
    quarantine[quarantine_next].len = len;
    quarantine_next = (quarantine_next + 1) % QUARANTINE;
    exec_mutex_unlock(&quarantine_lock);
    if (old)
        munmap(old, old_len);
}

static const ndis_io_claim mapping_claim = {
    .api = "NdisMMapIoSpace",
    .out_name = "VirtualAddress",
    .start_name = "PhysicalAddress",
    .len_name = "Length",
    .type = CmResourceTypeMemory,
    .res_name = "memory resource",
    .none_name = "device memory",
};

NDIS_STATUS NdisMMapIoSpace(PVOID *VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                            NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length)
{
    void *site = VF_SITE();
    uint64_t phys = (uint64_t)PhysicalAddress.QuadPart;
    ndis_adapter *a;
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *d;
    NDIS_STATUS st =
        ndis_io_claim_check(&mapping_claim, VirtualAddress, MiniportAdapterHandle, phys, Length, site, &a, &d);
    if (st != NDIS_STATUS_SUCCESS)
        return st;

    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t in_page = (size_t)(phys & (page - 1));
    size_t map_len = (in_page + Length + page - 1) & ~(page - 1);
    void *base = mmap(NULL, map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return NDIS_STATUS_RESOURCES;
    ndis_io_range *r = calloc(1, sizeof *r);
    if (!r)
    {
        munmap(base, map_len);
        return NDIS_STATUS_RESOURCES;
    }
    r->a = a;
    r->space = NDIS_IO_MEMORY;
    r->start = (uint64_t)(uintptr_t)base + in_page;
    r->len = Length;
    r->phys = phys;
    r->map_base = base;
    r->map_len = map_len;
    if (!ndis_io_range_commit(r, (uint32_t)(phys - (uint64_t)d->u.Memory.Start.QuadPart), VF_RES_IO_SPACE, site))
    {
        munmap(base, map_len);
        free(r);
        return NDIS_STATUS_RESOURCES;
    }
    *VirtualAddress = (PVOID)(uintptr_t)r->start;
    return NDIS_STATUS_SUCCESS;
}

static bool mapping_at(const ndis_io_range *r, const void *arg)
{
    return r->start == (uint64_t)(uintptr_t)arg;
}

VOID NdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length)
{
    void *site = VF_SITE();
    static const char api[] = "NdisMUnmapIoSpace";
    vf_check_irql_eq(PASSIVE_LEVEL, api, site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, api, site);
    if (!a)
        return;
    ndis_io_range *r = ndis_io_list_find(a, NDIS_IO_MEMORY, mapping_at, VirtualAddress);
    if (!r)
    {
        vf_report("HA-09", a->owner, VF_CB_NONE, site,
                  "%s(%p, Length %u): not a mapping NdisMMapIoSpace returned for %s (never mapped, or already "
                  "unmapped)",
                  api, VirtualAddress, Length, a->name);
        return;
    }
    if (Length != r->len)
        vf_report("HA-09", a->owner, VF_CB_NONE, site,
                  "%s(%p, Length %u): the range was mapped with Length %llu; the Length must match the mapping", api,
                  VirtualAddress, Length, (unsigned long long)r->len);
    ndis_io_check_release_caller(a, api, site);
    ndis_io_range_release(r);
}

/* ---- register access ------------------------------------------------------------------------------ */

static uint32_t reg_read(volatile const void *reg, unsigned width, const char *api, void *site)
{
    return ndis_io_read(NDIS_IO_MEMORY, (uint64_t)(uintptr_t)reg, width, api, site);
}

static void reg_write(volatile void *reg, unsigned width, uint32_t value, const char *api, void *site)
{
    ndis_io_write(NDIS_IO_MEMORY, (uint64_t)(uintptr_t)reg, width, value, api, site);
}

VOID NdisReadRegisterUchar(volatile UCHAR *Register, PUCHAR Data)
{
    void *site = VF_SITE();
    if (ndis_io_data_ok(Data, "NdisReadRegisterUchar", site))
        *Data = (UCHAR)reg_read(Register, 1, "NdisReadRegisterUchar", site);
}

VOID NdisReadRegisterUshort(volatile USHORT *Register, PUSHORT Data)
{
    void *site = VF_SITE();
    if (ndis_io_data_ok(Data, "NdisReadRegisterUshort", site))
        *Data = (USHORT)reg_read(Register, 2, "NdisReadRegisterUshort", site);
}

VOID NdisReadRegisterUlong(volatile ULONG *Register, PULONG Data)
{
    void *site = VF_SITE();
    if (ndis_io_data_ok(Data, "NdisReadRegisterUlong", site))
        *Data = reg_read(Register, 4, "NdisReadRegisterUlong", site);
}

VOID NdisWriteRegisterUchar(volatile UCHAR *Register, UCHAR Data)
{
    void *site = VF_SITE();
    reg_write(Register, 1, Data, "NdisWriteRegisterUchar", site);
}

VOID NdisWriteRegisterUshort(volatile USHORT *Register, USHORT Data)
{
    void *site = VF_SITE();
    reg_write(Register, 2, Data, "NdisWriteRegisterUshort", site);
}

VOID NdisWriteRegisterUlong(volatile ULONG *Register, ULONG Data)
{
    void *site = VF_SITE();
    reg_write(Register, 4, Data, "NdisWriteRegisterUlong", site);
}

UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register)
{
    void *site = VF_SITE();
    return (UCHAR)reg_read(Register, 1, "READ_REGISTER_UCHAR", site);
}

USHORT READ_REGISTER_USHORT(volatile USHORT *Register)
{
    void *site = VF_SITE();
    return (USHORT)reg_read(Register, 2, "READ_REGISTER_USHORT", site);
}

ULONG READ_REGISTER_ULONG(volatile ULONG *Register)
{
    void *site = VF_SITE();
    return reg_read(Register, 4, "READ_REGISTER_ULONG", site);
}

VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value)
{
    void *site = VF_SITE();
    reg_write(Register, 1, Value, "WRITE_REGISTER_UCHAR", site);
}

VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value)
{
    void *site = VF_SITE();
    reg_write(Register, 2, Value, "WRITE_REGISTER_USHORT", site);
}

VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value)
{
    void *site = VF_SITE();
    reg_write(Register, 4, Value, "WRITE_REGISTER_ULONG", site);
}

/* The buffer variants walk the registers: item i is at Register + i (consecutive registers), as the
 * WDM buffer routines for memory space do. */
static void reg_read_buffer(volatile const void *reg, unsigned width, void *buf, ULONG count, const char *api,
                            void *site)
{
    if (!ndis_io_buffer_ok(buf, count, api, site))
        return;
    bool missed = false; /* one finding per call; what is not mapped reads as all ones */
    for (ULONG i = 0; i < count; i++)
    {
        volatile const UCHAR *at = (volatile const UCHAR *)reg + (size_t)i * width;
        ndis_io_hit h;
        uint32_t v = 0xFFFFFFFFu;
        if (!missed && ndis_io_lookup(NDIS_IO_MEMORY, (uint64_t)(uintptr_t)at, width, &h))
            v = simnic_mmio_read(h.nic, h.offset, width);
        else if (!missed)
        {
            ndis_io_miss(NDIS_IO_MEMORY, api, (uint64_t)(uintptr_t)at, width, site);
            missed = true;
        }
        ndis_io_item_set(buf, i, width, v);
    }
}

static void reg_write_buffer(volatile void *reg, unsigned width, const void *buf, ULONG count, const char *api,
                             void *site)
{
    if (!ndis_io_buffer_ok(buf, count, api, site))
        return;
    for (ULONG i = 0; i < count; i++)
    {
        volatile UCHAR *at = (volatile UCHAR *)reg + (size_t)i * width;
        uint32_t v = ndis_io_item_get(buf, i, width);
        ndis_io_hit h;
        if (!ndis_io_lookup(NDIS_IO_MEMORY, (uint64_t)(uintptr_t)at, width, &h))
        {
            ndis_io_miss(NDIS_IO_MEMORY, api, (uint64_t)(uintptr_t)at, width, site);
            return;
        }
        simnic_mmio_write(h.nic, h.offset, width, v);
    }
}

VOID READ_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count)
{
    void *site = VF_SITE();
    reg_read_buffer(Register, 1, Buffer, Count, "READ_REGISTER_BUFFER_UCHAR", site);
}

VOID READ_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count)
{
    void *site = VF_SITE();
    reg_read_buffer(Register, 2, Buffer, Count, "READ_REGISTER_BUFFER_USHORT", site);
}

VOID READ_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count)
{
    void *site = VF_SITE();
    reg_read_buffer(Register, 4, Buffer, Count, "READ_REGISTER_BUFFER_ULONG", site);
}

VOID WRITE_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count)
{
    void *site = VF_SITE();
    reg_write_buffer(Register, 1, Buffer, Count, "WRITE_REGISTER_BUFFER_UCHAR", site);
}

VOID WRITE_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count)
{
    void *site = VF_SITE();
    reg_write_buffer(Register, 2, Buffer, Count, "WRITE_REGISTER_BUFFER_USHORT", site);
}

VOID WRITE_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count)
{
    void *site = VF_SITE();
    reg_write_buffer(Register, 4, Buffer, Count, "WRITE_REGISTER_BUFFER_ULONG", site);
}

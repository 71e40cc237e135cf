/* Shared memory for receive queues (NDIS 6.20 VMQ): NdisAllocateSharedMemory and
 * NdisFreeSharedMemory. NDIS hands the request to the adapter's shared memory provider; ndishost
 * is its own provider: page-aligned host memory whose physical addresses are the host virtual
 * addresses (the kernel's identity mapping). Each block is in the ledger (VF_RES_SHARED_MEMORY,
 * keyed by the allocation handle), so a block still allocated when MiniportHaltEx returns is
 * HA-06 and is reclaimed. */
#include "ndis_internal.h"

#include <stdlib.h>
#include <string.h>

#define QSHM_MAGIC 0x51534d42u /* 'QSMB' */
#define QSHM_PAGE 4096u

typedef struct queue_shm
{
    vf_res res; /* first: the ledger entry is the block's handle */
    uint32_t magic;
    NDIS_HANDLE ndis_handle; /* the NdisHandle of the allocation, for the free's check */
    void *va;
    size_t len;
} queue_shm;

static void queue_shm_destroy(queue_shm *b)
{
    b->magic = 0;
    free(b->va);
    free(b);
}

static void queue_shm_reclaim(vf_res *r)
{
    queue_shm_destroy((queue_shm *)r);
}

/* Policy: the block is described page by page (a provider's pages are not physically contiguous
 * in general), as one element when NDIS_SHARED_MEM_PARAMETERS_CONTIGOUS is set; a list buffer too
 * small for that description makes the call fail with NDIS_STATUS_INVALID_PARAMETER (AP-02).
 * A NULL SGListBuffer asks for no description. */
static bool describe_block(PNDIS_SHARED_MEMORY_PARAMETERS p, void *va, size_t len, void *site)
{
    if (!p->SGListBuffer)
        return true;
    ULONG n = (p->Flags & NDIS_SHARED_MEM_PARAMETERS_CONTIGOUS) ? 1 : (ULONG)((len + QSHM_PAGE - 1) / QSHM_PAGE);
    size_t need = sizeof(SCATTER_GATHER_LIST) + (size_t)n * sizeof(SCATTER_GATHER_ELEMENT);
    if (p->SGListBufferLength < need)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "NdisAllocateSharedMemory: SGListBufferLength %u is too small for the %u scatter/gather "
                  "element(s) of a %zu-byte block (%zu bytes needed)",
                  (unsigned)p->SGListBufferLength, (unsigned)n, len, need);
        return false;
    }
    PSCATTER_GATHER_LIST sg = p->SGListBuffer;
    sg->NumberOfElements = n;
    sg->Reserved = 0;
    for (ULONG i = 0; i < n; i++)
    {
        size_t off = (size_t)i * QSHM_PAGE;
        sg->Elements[i].Address.QuadPart = (LONGLONG)(uintptr_t)((char *)va + (n == 1 ? 0 : off));
        sg->Elements[i].Length = (ULONG)(n == 1 ? len : (len - off < QSHM_PAGE ? len - off : QSHM_PAGE));
        sg->Elements[i].Reserved = 0;
    }
    return true;
}

NDIS_STATUS NdisAllocateSharedMemory(NDIS_HANDLE NdisHandle, PNDIS_SHARED_MEMORY_PARAMETERS SharedMemoryParameters,
                                     PNDIS_HANDLE pAllocationHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(PASSIVE_LEVEL, "NdisAllocateSharedMemory", site);
    if (pAllocationHandle)
        *pAllocationHandle = NULL;
    vf_owner *owner = ndis_owner_from_handle(NdisHandle, "NdisAllocateSharedMemory", site);
    if (!owner)
        return NDIS_STATUS_INVALID_PARAMETER;
    PNDIS_SHARED_MEMORY_PARAMETERS p = SharedMemoryParameters;
    if (!p || !pAllocationHandle)
    {
        vf_report("AP-02", owner, VF_CB_NONE, site, "NdisAllocateSharedMemory with a NULL %s",
                  !p ? "SharedMemoryParameters" : "pAllocationHandle");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (p->Header.Type != NDIS_OBJECT_TYPE_DEFAULT || p->Header.Revision < NDIS_SHARED_MEMORY_PARAMETERS_REVISION_1 ||
        p->Header.Size < NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1)
    {
        vf_report("AP-02", owner, VF_CB_NONE, site,
                  "NdisAllocateSharedMemory: NDIS_SHARED_MEMORY_PARAMETERS header Type 0x%02x Revision %u Size %u "
                  "(expected Type NDIS_OBJECT_TYPE_DEFAULT, Revision >= 1, Size >= %u)",
                  p->Header.Type, p->Header.Revision, p->Header.Size,
                  (unsigned)NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (p->Length == 0 || p->Usage <= NdisSharedMemoryUsageUndefined || p->Usage >= NdisSharedMemoryUsageMax)
    {
        vf_report("AP-02", owner, VF_CB_NONE, site, "NdisAllocateSharedMemory with Length %u and Usage %d",
                  (unsigned)p->Length, (int)p->Usage);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_should_fail("NdisAllocateSharedMemory", site))
        return NDIS_STATUS_RESOURCES;

    size_t len = p->Length;
    size_t rounded = (len + QSHM_PAGE - 1) / QSHM_PAGE * QSHM_PAGE;
    queue_shm *b = calloc(1, sizeof *b);
    void *va = b ? aligned_alloc(QSHM_PAGE, rounded) : NULL;
    if (!va)
    {
        free(b);
        return NDIS_STATUS_RESOURCES;
    }
    /* Policy: as pool memory, new shared memory is not zeroed but filled with 0xCD. */
    memset(va, 0xCD, rounded);
    if (!describe_block(p, va, len, site))
    {
        free(va);
        free(b);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    b->magic = QSHM_MAGIC;
    b->ndis_handle = NdisHandle;
    b->va = va;
    b->len = len;
    b->res.kind = VF_RES_SHARED_MEMORY;
    b->res.key = b;
    b->res.size = len;
    b->res.reclaim = queue_shm_reclaim;
    b->res.embedded = true;
    vf_ledger_insert(&b->res, owner, site);

    p->VirtualAddress = va;
    p->SharedMemoryHandle = b;
    *pAllocationHandle = b;
    return NDIS_STATUS_SUCCESS;
}

VOID NdisFreeSharedMemory(NDIS_HANDLE NdisHandle, NDIS_HANDLE AllocationHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(PASSIVE_LEVEL, "NdisFreeSharedMemory", site);
    vf_res *r = AllocationHandle ? vf_ledger_find(VF_RES_SHARED_MEMORY, AllocationHandle) : NULL;
    if (!r || r->reclaim != queue_shm_reclaim)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "NdisFreeSharedMemory(%p): not a handle from NdisAllocateSharedMemory, or already freed",
                  AllocationHandle);
        return;
    }
    queue_shm *b = (queue_shm *)r;
    if (NdisHandle != b->ndis_handle)
        vf_report_sev("AP-02", VF_SEV_WARNING, r->owner, VF_CB_NONE, site,
                      "NdisFreeSharedMemory(%p) with NdisHandle %p; the block was allocated with %p", AllocationHandle,
                      NdisHandle, b->ndis_handle);
    vf_ledger_remove(r);
    queue_shm_destroy(b);
}

/* NET_BUFFER_LIST and NET_BUFFER pools: host-side objects shared by nbl_pool.c, net_buffer.c,
 * mdl.c and datapath.c.
 *
 * Every NBL and NB the host hands out is preceded, in the same allocation, by an item header
 * (ndis_item_hdr) holding the pool, the ownership state and the adapter and site of the last
 * indicate or send. The data path finds it with pointer arithmetic, so ownership updates are O(1)
 * atomics and need no lookup or lock. A freed item keeps its header (state FREE, body poisoned) in
 * a per-pool quarantine before its slot is reused, so double frees and writes after free are seen.
 *
 * Pools themselves are registered in a lock-free pointer set so that a pool handle (or an NBL's
 * NdisPoolHandle) coming from a driver is checked before it is dereferenced. */
#ifndef NDISHOST_NDIS_NBL_POOL_H
#define NDISHOST_NDIS_NBL_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndis_internal.h"

/* Ownership of an NBL (or stand-alone NB). Transitions are atomic compare-and-swaps. */
typedef enum ndis_item_state
{
    NDIS_ITEM_FREE = 0,  /* in the pool's quarantine or free list */
    NDIS_ITEM_OWNED,     /* held by whoever allocated it (driver, or the protocol edge for its own pool) */
    NDIS_ITEM_INDICATED, /* indicated by a miniport without RESOURCES, not yet returned */
    NDIS_ITEM_LENT,      /* indicated with NDIS_RECEIVE_FLAGS_RESOURCES: inside the indicate call only */
    NDIS_ITEM_SENT,      /* sent to a miniport, not yet completed */
    NDIS_ITEM_COMPLETED, /* send completed, back with the sender */
} ndis_item_state;

const char *ndis_item_state_name(uint32_t s);

typedef enum ndis_item_kind
{
    NDIS_ITEM_NBL = 1,
    NDIS_ITEM_NB = 2
} ndis_item_kind;

#define NDIS_ITEM_MAGIC_LIVE 0x4c425354494e444eull /* "NDNITSBL" */
#define NDIS_ITEM_MAGIC_FREE 0x44454546494e444eull /* "NDNIFEED" */

/* Item flags */
#define NDIS_ITEM_F_PREALLOC_CHILD 0x1u /* NB preallocated with its NBL (PO-03) */
#define NDIS_ITEM_F_POOL_DATA 0x2u      /* the pool allocated an MDL and data with the item */

typedef struct ndis_buf_pool ndis_buf_pool;
typedef struct ndis_retreat_rec ndis_retreat_rec;

typedef struct ndis_item_hdr
{
    uint64_t magic;
    void *self; /* the NET_BUFFER_LIST or NET_BUFFER that follows */
    ndis_buf_pool *pool;
    uint32_t state; /* ndis_item_state, accessed with __atomic builtins */
    uint16_t kind;  /* ndis_item_kind */
    uint16_t flags;
    ndis_adapter *adapter;       /* adapter of the last indicate / send (written before the state) */
    void *site;                  /* driver site of the last indicate / alloc */
    uint32_t generation;         /* adapter data-path generation at indicate (datapath.c) */
    uint32_t ctx_prealloc;       /* bytes of preallocated context space (NBL) */
    struct ndis_item_hdr *qnext; /* quarantine / free list link */
    ndis_retreat_rec *retreats;  /* NB: storage NdisRetreatNetBufferDataStart allocated */
    uint64_t pad_;
} __attribute__((aligned(16))) ndis_item_hdr;

_Static_assert(sizeof(ndis_item_hdr) % 16 == 0, "item header keeps the NBL 16-byte aligned");

#define NDIS_BUF_POOL_MAGIC 0x504c4f4f50424e44ull /* "DNBPOOLP" */

struct ndis_buf_pool
{
    uint64_t magic;
    bool is_nbl_pool;
    bool host_owned; /* the protocol edge's pool: not in any ledger */
    UCHAR protocol_id;
    BOOLEAN allocate_nb; /* fAllocateNetBuffer */
    USHORT context_size;
    ULONG pool_tag;
    ULONG data_size;
    ULONG flags;
    vf_owner *owner; /* NULL for host pools */
    vf_res res;      /* ledger entry (driver pools) */
    void *alloc_site;
    uint32_t live;      /* items allocated and not freed (atomic) */
    uint32_t indicated; /* of those, currently indicated (atomic) */
    uint32_t freed;     /* NdisFree*Pool was called: the pool waits for its last item (atomic) */
    size_t slot_size;
    size_t nb_item_off; /* offset of the preallocated NB from the slot's header, 0 if none */
    exec_mutex lock;    /* free list, quarantine, slot list */
    ndis_item_hdr *free_list;
    ndis_item_hdr *q_head, *q_tail;
    unsigned q_len;
    void **slots; /* every slot ever allocated, freed with the pool */
    size_t n_slots, cap_slots;
};

/* ---- headers ---- */

static inline ndis_item_hdr *ndis_item_of(const void *item)
{
    return (ndis_item_hdr *)((char *)item - sizeof(ndis_item_hdr));
}

/* Pool registry: true when p is a live (or zombie) pool this host created. Lock-free. */
bool ndis_pool_is_registered(const void *p);

/* Finds the header of an NBL/NB the host allocated, or NULL for anything else (a foreign,
 * stack or private structure: PO-02). Never faults on a readable item pointer; freed items are
 * still found (state FREE) while their pool lives. */
ndis_item_hdr *ndis_item_lookup(const void *item, ndis_item_kind kind);

/* Atomic state helpers. */
static inline uint32_t ndis_item_state_get(const ndis_item_hdr *h)
{
    return __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
}
static inline bool ndis_item_state_cas(ndis_item_hdr *h, uint32_t from, uint32_t to)
{
    return __atomic_compare_exchange_n(&h->state, &from, to, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline void ndis_item_state_set(ndis_item_hdr *h, uint32_t to)
{
    __atomic_store_n(&h->state, to, __ATOMIC_RELEASE);
}

/* Stamps a slot from ndis_pool_item_take as a live item of `kind` from pool p, allocated at
 * `site`, and returns the NBL or NB it holds. The state is left to the caller, who sets it once
 * the item is complete. */
static inline void *ndis_item_start(ndis_item_hdr *h, ndis_buf_pool *p, ndis_item_kind kind, void *site)
{
    h->magic = NDIS_ITEM_MAGIC_LIVE;
    h->self = h + 1;
    h->pool = p;
    h->kind = kind;
    h->site = site;
    return h + 1;
}

/* ---- host pools (the protocol edge's own pools; no ledger, no fault injection) ---- */

ndis_buf_pool *ndis_host_nbl_pool_create(USHORT context_size, BOOLEAN allocate_nb, ULONG data_size, ULONG tag);
/* Frees the pool; items still allocated keep it alive until their own free. */
void ndis_host_pool_destroy(ndis_buf_pool *p);
PNET_BUFFER_LIST ndis_host_nbl_alloc(ndis_buf_pool *p);
void ndis_host_nbl_free(PNET_BUFFER_LIST nbl);

/* Returns an NBL that nobody can give back any more (an indication outstanding when its adapter
 * instance ended, handed back later by the protocol) to its pool without a driver call. */
void ndis_item_reclaim_nbl(ndis_item_hdr *h);

/* Shared by nbl_pool.c and net_buffer.c */
void ndis_pool_item_release(ndis_item_hdr *h);                    /* back to its pool (quarantine) */
ndis_item_hdr *ndis_pool_item_take(ndis_buf_pool *p);             /* a fresh zeroed slot, or NULL */
void ndis_nb_init_pool_data(ndis_item_hdr *nbh, ULONG data_size); /* MDL + data after the NB */
void ndis_nb_release_retreats(PNET_BUFFER nb);                    /* frees storage Retreat allocated */
size_t ndis_nb_slot_extra(ULONG data_size);                       /* bytes of MDL + data after an NB */
/* Points nb's used data at [offset, offset+length) of `chain` and locates CurrentMdl in it. */
void ndis_nb_set_data(PNET_BUFFER nb, PMDL chain, ULONG offset, ULONG length);

/* ---- MDL helpers (mdl.c) ---- */

/* Fills an MDL that lives in host storage (sizeof(MDL) bytes) to describe [va, va+len). */
void ndis_mdl_init(struct _MDL *m, void *va, ULONG len);
/* The address an MDL's bytes are at (MappedSystemVa when mapped, else StartVa + ByteOffset). */
PUCHAR ndis_mdl_va(const struct _MDL *m);
ULONG ndis_mdl_len(const struct _MDL *m);
/* Allocates a host MDL plus `len` bytes of data in one block (freed with ndis_mdl_host_free). */
struct _MDL *ndis_mdl_host_alloc(ULONG len);
void ndis_mdl_host_free(struct _MDL *m);
size_t ndis_mdl_struct_size(void);

/* Copies `len` bytes of an NB's used data from `offset` into dst; returns bytes copied. */
ULONG ndis_nb_copy_out(PNET_BUFFER nb, ULONG offset, void *dst, ULONG len);

#endif

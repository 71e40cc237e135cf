/* The resource ledger: a global hash table keyed by (kind, key) for O(1) lookups on free, and a
 * per-owner doubly linked list in acquisition order for leftover reports and reverse reclaim.
 * One executor mutex guards both. */
#include "verifier/vf_internal.h"

#include "kernel/exec/exec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kind_info
{
    const char *name;     /* "timer object" */
    const char *acquired; /* verb for the acquisition: "allocated", "registered", ... */
    const char *still;    /* state at the check: "still allocated" */
    const char *rule;     /* HA- rule broken when left at halt return */
} kind_info;

static const kind_info kinds[VF_RES_COUNT] = {
    [VF_RES_POOL] = {"pool memory block", "allocated", "still allocated", "HA-05"},
    [VF_RES_TIMER] = {"timer object", "allocated", "still allocated", "HA-04"},
    [VF_RES_NBL_POOL] = {"NET_BUFFER_LIST pool", "allocated", "still allocated", "HA-07"},
    [VF_RES_NB_POOL] = {"NET_BUFFER pool", "allocated", "still allocated", "HA-07"},
    [VF_RES_NBL] = {"NET_BUFFER_LIST", "allocated", "still allocated", "HA-07"},
    [VF_RES_NB] = {"NET_BUFFER", "allocated", "still allocated", "HA-07"},
    [VF_RES_WORK_ITEM] = {"IO work item", "allocated", "still allocated", "HA-10"},
    [VF_RES_CONFIG] = {"configuration handle", "opened", "still open", "HA-10"},
    [VF_RES_MDL] = {"MDL", "allocated", "still allocated", "HA-10"},
    [VF_RES_RW_LOCK] = {"RW lock", "allocated", "still allocated", "HA-10"},
    [VF_RES_SPIN_LOCK] = {"spin lock", "allocated", "not freed with NdisFreeSpinLock", "HA-10"},
    [VF_RES_LOOKASIDE] = {"lookaside list", "initialized", "not deleted", "HA-10"},
    [VF_RES_GENERIC_OBJECT] = {"generic object", "allocated", "still allocated", "HA-10"},
    [VF_RES_STRING] = {"string buffer", "allocated", "still allocated", "HA-10"},
    [VF_RES_INTERRUPT] = {"interrupt", "registered", "still registered", "HA-03"},
    [VF_RES_SHARED_MEMORY] = {"shared memory block", "allocated", "still allocated", "HA-06"},
    [VF_RES_IO_PORT] = {"I/O port range", "registered", "still registered", "HA-09"},
    [VF_RES_IO_SPACE] = {"mapped I/O space", "mapped", "still mapped", "HA-09"},
    [VF_RES_DMA] = {"DMA registration", "registered", "still registered", "HA-09"},
    [VF_RES_PORT] = {"NDIS port", "allocated", "still allocated", "HA-08"},
    [VF_RES_RX_INDICATED] = {"received NET_BUFFER_LIST", "indicated", "not yet returned", "HA-11"},
    [VF_RES_SYSTEM_THREAD] = {"system thread", "created", "still running", "HA-10"},
    [VF_RES_DEVICE_OBJECT] = {"device object", "registered", "not deregistered with NdisDeregisterDeviceEx", "HA-10"},
    [VF_RES_ERESOURCE] = {"ERESOURCE", "initialized", "not deleted with ExDeleteResourceLite", "HA-10"},
    [VF_RES_NOTIFY_ROUTINE] = {"process notify routine", "registered", "not removed", "HA-10"},
};

const char *vf_res_kind_name(vf_res_kind k)
{
    return (unsigned)k < VF_RES_COUNT ? kinds[k].name : "resource";
}

const char *vf_res_kind_halt_rule(vf_res_kind k)
{
    return (unsigned)k < VF_RES_COUNT ? kinds[k].rule : "HA-02";
}

/* ---- hash table ---------------------------------------------------------------------------- */

static exec_mutex ledger_lock = EXEC_MUTEX_INIT;
static vf_res **buckets;
static size_t nbuckets; /* power of two, 0 before the first insert */
static size_t nlive;
static uint64_t next_seq;

static size_t hash_of(vf_res_kind kind, const void *key)
{
    uint64_t x = (uint64_t)(uintptr_t)key ^ ((uint64_t)kind << 56);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (size_t)x;
}

/* Keeps the load factor at most 1 so chains stay O(1) long. Called with the lock held. If the
 * allocation fails the table just stays denser: still correct. */
static void maybe_grow(void)
{
    if (nbuckets && nlive < nbuckets)
        return;
    size_t n = nbuckets ? nbuckets * 2 : 1024;
    vf_res **nb = calloc(n, sizeof *nb);
    if (!nb)
        return;
    for (size_t i = 0; i < nbuckets; i++)
    {
        vf_res *r = buckets[i];
        while (r)
        {
            vf_res *next = r->hash_next;
            size_t b = hash_of(r->kind, r->key) & (n - 1);
            r->hash_next = nb[b];
            nb[b] = r;
            r = next;
        }
    }
    free(buckets);
    buckets = nb;
    nbuckets = n;
}

static void owner_link(vf_owner *o, vf_res *r)
{
    r->owner_next = NULL;
    r->owner_prev = o->tail;
    if (o->tail)
        o->tail->owner_next = r;
    else
        o->head = r;
    o->tail = r;
    o->counts[r->kind]++;
    o->total++;
}

static void owner_unlink(vf_owner *o, vf_res *r)
{
    if (r->owner_prev)
        r->owner_prev->owner_next = r->owner_next;
    else
        o->head = r->owner_next;
    if (r->owner_next)
        r->owner_next->owner_prev = r->owner_prev;
    else
        o->tail = r->owner_prev;
    r->owner_prev = r->owner_next = NULL;
    o->counts[r->kind]--;
    o->total--;
}

/* Called with the lock held; the entry must be live. */
static void unlink_locked(vf_res *r)
{
    size_t b = hash_of(r->kind, r->key) & (nbuckets - 1);
    for (vf_res **pp = &buckets[b]; *pp; pp = &(*pp)->hash_next)
    {
        if (*pp == r)
        {
            *pp = r->hash_next;
            break;
        }
    }
    r->hash_next = NULL;
    if (r->owner)
        owner_unlink(r->owner, r);
    r->live = false;
    nlive--;
}

static void insert(vf_res *r, vf_owner *owner, void *site, bool embedded)
{
    r->owner = owner;
    r->acquired_in = vf_current_callback();
    r->site = site;
    r->embedded = embedded;
    if ((unsigned)r->kind >= VF_RES_COUNT)
        r->kind = VF_RES_POOL; /* host bug; keep the table consistent rather than index out of range */
    exec_mutex_lock(&ledger_lock);
    nlive++;
    maybe_grow();
    r->seq = ++next_seq;
    size_t b = hash_of(r->kind, r->key) & (nbuckets - 1);
    /* Newest first: if a key is ever recorded twice, find and remove act on the latest one. */
    r->hash_next = buckets[b];
    buckets[b] = r;
    r->owner_prev = r->owner_next = NULL;
    if (owner)
        owner_link(owner, r);
    r->live = true;
    exec_mutex_unlock(&ledger_lock);
}

void vf_ledger_insert(vf_res *r, vf_owner *owner, void *site)
{
    insert(r, owner, site, true);
}

vf_res *vf_ledger_add(vf_res_kind kind, const void *key, size_t size, vf_owner *owner, void *site)
{
    vf_res *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->kind = kind;
    r->key = key;
    r->size = size;
    insert(r, owner, site, false);
    return r;
}

vf_res *vf_ledger_find(vf_res_kind kind, const void *key)
{
    vf_res *found = NULL;
    exec_mutex_lock(&ledger_lock);
    if (nbuckets)
    {
        for (vf_res *r = buckets[hash_of(kind, key) & (nbuckets - 1)]; r; r = r->hash_next)
        {
            if (r->kind == kind && r->key == key)
            {
                found = r;
                break;
            }
        }
    }
    exec_mutex_unlock(&ledger_lock);
    return found;
}

void vf_ledger_remove(vf_res *r)
{
    vf_ledger_remove_live(r);
}

bool vf_ledger_remove_live(vf_res *r)
{
    if (!r)
        return false;
    exec_mutex_lock(&ledger_lock);
    bool was_live = r->live;
    if (was_live)
        unlink_locked(r);
    exec_mutex_unlock(&ledger_lock);
    if (was_live && __builtin_expect(vf_tls_shutdown_ != 0, 0))
        vf_shutdown_note_release(r);
    if (was_live && !r->embedded)
        free(r);
    return was_live;
}

size_t vf_ledger_count(const vf_owner *owner, vf_res_kind kind)
{
    if (!owner)
        return 0;
    exec_mutex_lock(&ledger_lock);
    size_t n = (unsigned)kind < VF_RES_COUNT ? owner->counts[kind] : owner->total;
    exec_mutex_unlock(&ledger_lock);
    return n;
}

/* Copies owner's live entries (acquisition order) into a new array; links are cleared in the
 * copies so nobody follows them outside the lock. */
static vf_res *snapshot(const vf_owner *owner, size_t *count)
{
    vf_res *copies = NULL;
    size_t n = 0;
    exec_mutex_lock(&ledger_lock);
    if (owner->total)
    {
        copies = malloc(owner->total * sizeof *copies);
        if (copies)
        {
            for (const vf_res *r = owner->head; r; r = r->owner_next)
            {
                copies[n] = *r;
                copies[n].owner_prev = copies[n].owner_next = copies[n].hash_next = NULL;
                n++;
            }
        }
    }
    exec_mutex_unlock(&ledger_lock);
    *count = n;
    return copies;
}

void vf_ledger_visit(const vf_owner *owner, vf_res_visit fn, void *arg)
{
    if (!owner || !fn)
        return;
    size_t n;
    vf_res *copies = snapshot(owner, &n);
    for (size_t i = 0; i < n; i++)
        fn(&copies[i], arg);
    free(copies);
}

/* Pool tags are shown the way Windows tools show them: the four bytes in memory order. */
static void format_tag(uint32_t tag, char out[5])
{
    for (int i = 0; i < 4; i++)
    {
        unsigned char c = (unsigned char)(tag >> (8 * i));
        out[i] = (c >= 0x20 && c < 0x7f && c != '\'') ? (char)c : '.';
    }
    out[4] = '\0';
}

static void report_one(const vf_res *r, const char *rule_override, const char *when)
{
    const kind_info *ki = &kinds[r->kind];
    const char *rule = rule_override ? rule_override : ki->rule;
    char detail[96] = "";
    switch (r->kind)
    {
    case VF_RES_POOL:
    case VF_RES_SHARED_MEMORY:
    case VF_RES_STRING:
    case VF_RES_IO_SPACE:
        if (r->size)
            snprintf(detail, sizeof detail, " of %zu bytes", r->size);
        break;
    case VF_RES_IO_PORT:
        if (r->size)
            snprintf(detail, sizeof detail, " of %zu ports", r->size);
        break;
    case VF_RES_NBL_POOL:
        if (r->size) /* the data path keeps a pool's live-item count here */
            snprintf(detail, sizeof detail, " with %zu NET_BUFFER_LISTs still allocated", r->size);
        break;
    case VF_RES_NB_POOL:
        if (r->size)
            snprintf(detail, sizeof detail, " with %zu NET_BUFFERs still allocated", r->size);
        break;
    default:
        break;
    }
    if (r->tag)
    {
        char tag[5];
        format_tag(r->tag, tag);
        size_t used = strlen(detail);
        snprintf(detail + used, sizeof detail - used, " (tag '%s')", tag);
    }
    char msg[512];
    snprintf(msg, sizeof msg, "%s%s %s in %s %s when %s", ki->name, detail, ki->acquired,
             vf_callback_name(r->acquired_in), ki->still, when ? when : "the check ran");
    /* NdisFreeSpinLock is a "should" (HA-10 W), whichever rule the leftover is filed under. */
    bool sev_given = r->kind == VF_RES_SPIN_LOCK;
    vf_report_msg(rule, sev_given, VF_SEV_WARNING, r->owner, r->acquired_in, r->site, true, msg);
}

size_t vf_ledger_report_leftovers(vf_owner *owner, const char *rule_override, const char *when)
{
    if (!owner)
        return 0;
    size_t n;
    vf_res *copies = snapshot(owner, &n);
    if (n && !copies)
        return 0;
    uint64_t max_seq = 0;
    for (size_t i = 0; i < n; i++)
    {
        report_one(&copies[i], rule_override, when);
        if (copies[i].seq > max_seq)
            max_seq = copies[i].seq;
    }
    free(copies);

    /* Reclaim newest first. Entries recorded after the snapshot (a racing driver thread) were not
     * reported, so they are left alone; entries removed meanwhile are simply gone from the list. */
    for (;;)
    {
        exec_mutex_lock(&ledger_lock);
        vf_res *r = owner->tail;
        while (r && r->seq > max_seq)
            r = r->owner_prev;
        if (r)
            unlink_locked(r);
        exec_mutex_unlock(&ledger_lock);
        if (!r)
            break;
        bool embedded = r->embedded; /* the hook may free the object an embedded entry lives in */
        if (r->reclaim)
            r->reclaim(r);
        if (!embedded)
            free(r);
    }
    return n;
}

void vf_ledger_orphan_owner(vf_owner *o)
{
    exec_mutex_lock(&ledger_lock);
    vf_res *r = o->head;
    while (r)
    {
        vf_res *next = r->owner_next;
        r->owner_prev = r->owner_next = NULL;
        r->owner = NULL;
        r = next;
    }
    o->head = o->tail = NULL;
    memset(o->counts, 0, sizeof o->counts);
    o->total = 0;
    exec_mutex_unlock(&ledger_lock);
}

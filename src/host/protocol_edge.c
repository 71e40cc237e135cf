/* The protocol edge (see protocol_edge.h).
 *
 * Policy (immediate): the NBLs are returned from inside the receive callback, on the driver's
 * thread and at its IRQL, as a protocol may legally do from ProtocolReceiveNetBufferLists; this
 * exercises a miniport's return handler re-entering while its indicate call is still on the stack.
 * Every other policy returns from a host thread or from the caller of release/on_pause, never
 * while holding the edge's lock (a return handler may indicate again). */
#include "protocol_edge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndis/datapath.h"
#include "ndis/nbl_pool.h"
#include "ndis/ndis_host.h"

#define EDGE_MAGIC 0x45474445u  /* "EDGE" */
#define FRAME_MAGIC 0x4548444eu /* "NDHE" */
#define FRAME_HDR 30u

typedef struct held
{
    PNET_BUFFER_LIST nbl;
    ndis_adapter *a;
    uint64_t due_ns;
} held;

struct protocol_edge
{
    uint32_t magic;
    protocol_edge_config cfg;
    exec_mutex lock; /* everything below except the atomics */
    held *h;
    size_t n, cap;
    uint64_t rng;
    ndis_adapter *adapters[16];
    unsigned n_adapters;
    protocol_edge_stats st; /* counters updated with __atomic builtins; failed[] under lock */
    uint32_t inflight;      /* sends not yet completed (waited on) */
    uint32_t wake_word;     /* bumped to wake the delay thread */
    uint32_t rx_word;       /* bumped on every edge frame received (waited on) */
    uint32_t stop;
    exec_thread *thread;
    protocol_edge_rx_fn rx_hook;
    void *rx_hook_arg;
};

const char *protocol_edge_policy_name(protocol_edge_policy p)
{
    static const char *names[] = {"immediate", "delay", "at-pause", "reverse", "shuffle", "never"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

int protocol_edge_parse_policy(const char *text, protocol_edge_config *out, char *err, size_t n)
{
    if (!text)
        text = "";
    memset(out, 0, sizeof *out);
    char *end = NULL;
    if (!strcmp(text, "immediate"))
        out->policy = PE_RETURN_IMMEDIATE;
    else if (!strcmp(text, "at-pause"))
        out->policy = PE_RETURN_AT_PAUSE;
    else if (!strcmp(text, "reverse"))
        out->policy = PE_RETURN_REVERSE;
    else if (!strcmp(text, "never"))
        out->policy = PE_RETURN_NEVER;
    else if (!strcmp(text, "shuffle"))
    {
        out->policy = PE_RETURN_SHUFFLE;
        out->seed = 0;
    }
    else if (!strncmp(text, "shuffle:", 8))
    {
        errno = 0;
        unsigned long long seed = strtoull(text + 8, &end, 0);
        if (errno || end == text + 8 || *end)
        {
            snprintf(err, n, "bad seed in return policy '%s' (expected shuffle:SEED)", text);
            return -1;
        }
        out->policy = PE_RETURN_SHUFFLE;
        out->seed = seed;
    }
    else if (!strncmp(text, "delay:", 6))
    {
        errno = 0;
        unsigned long ms = strtoul(text + 6, &end, 10);
        if (errno || end == text + 6 || *end || ms > 3600000ul)
        {
            snprintf(err, n, "bad delay in return policy '%s' (expected delay:MS, 0..3600000)", text);
            return -1;
        }
        out->policy = PE_RETURN_DELAY;
        out->delay_ms = (uint32_t)ms;
    }
    else
    {
        snprintf(err, n, "unknown return policy '%s' (immediate, delay:MS, at-pause, reverse, shuffle[:SEED], never)",
                 text);
        return -1;
    }
    return 0;
}

static void stat_add(uint64_t *c, uint64_t v)
{
    __atomic_add_fetch(c, v, __ATOMIC_RELAXED);
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static ULONG return_flags_now(void)
{
    return vf_irql() >= DISPATCH_LEVEL ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0;
}

/* Gives back entries in the given order, one chain per adapter. Called without the lock. */
static void give_back(protocol_edge *e, held *v, size_t n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n; i++)
    {
        if (!v[i].nbl)
            continue;
        ndis_adapter *a = v[i].a;
        PNET_BUFFER_LIST head = NULL, *tail = &head;
        size_t k = 0;
        for (size_t j = i; j < n; j++)
        {
            if (v[j].nbl && v[j].a == a)
            {
                *tail = v[j].nbl;
                tail = &v[j].nbl->Next;
                v[j].nbl = NULL;
                k++;
            }
        }
        *tail = NULL;
        stat_add(&e->st.returned, k);
        ndis_return_nbls(a, head, return_flags_now());
    }
}

/* Removes the held entries matching `a` (NULL: all) into a new array, in policy order. */
static held *take_held(protocol_edge *e, ndis_adapter *a, bool due_only, uint64_t now, size_t *out_n)
{
    held *v = malloc((e->n ? e->n : 1) * sizeof *v);
    if (!v)
        abort();
    size_t k = 0, keep = 0;
    for (size_t i = 0; i < e->n; i++)
    {
        bool take = (!a || e->h[i].a == a) && (!due_only || e->h[i].due_ns <= now);
        if (take)
            v[k++] = e->h[i];
        else
            e->h[keep++] = e->h[i];
    }
    e->n = keep;
    __atomic_store_n(&e->st.held_now, keep, __ATOMIC_RELAXED);
    if (e->cfg.policy == PE_RETURN_REVERSE)
    {
        for (size_t i = 0; i < k / 2; i++)
        {
            held t = v[i];
            v[i] = v[k - 1 - i];
            v[k - 1 - i] = t;
        }
    }
    else if (e->cfg.policy == PE_RETURN_SHUFFLE)
    {
        for (size_t i = k; i > 1; i--)
        {
            size_t j = (size_t)(rng_next(&e->rng) % i);
            held t = v[i - 1];
            v[i - 1] = v[j];
            v[j] = t;
        }
    }
    *out_n = k;
    return v;
}

static void hold(protocol_edge *e, ndis_adapter *a, PNET_BUFFER_LIST nbl, uint64_t due)
{
    if (e->n == e->cap)
    {
        size_t ncap = e->cap ? e->cap * 2 : 64;
        held *nh = realloc(e->h, ncap * sizeof *nh);
        if (!nh)
            abort();
        e->h = nh;
        e->cap = ncap;
    }
    e->h[e->n++] = (held){nbl, a, due};
    __atomic_store_n(&e->st.held_now, e->n, __ATOMIC_RELAXED);
    if (e->n > __atomic_load_n(&e->st.max_held, __ATOMIC_RELAXED))
        __atomic_store_n(&e->st.max_held, e->n, __ATOMIC_RELAXED);
}

/* ---- frames ----------------------------------------------------------------------------------- */

static uint32_t frame_sum(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void build_frame(uint8_t *f, unsigned len, const uint8_t dst[6], const uint8_t src[6], uint32_t seq)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = PROTOCOL_EDGE_ETHERTYPE >> 8;
    f[13] = PROTOCOL_EDGE_ETHERTYPE & 0xFF;
    put32(f + 14, FRAME_MAGIC);
    put32(f + 18, seq);
    put32(f + 22, len);
    for (unsigned i = FRAME_HDR; i < len; i++)
        f[i] = (uint8_t)(seq * 31u + i);
    put32(f + 26, frame_sum(f + FRAME_HDR, len - FRAME_HDR));
}

static void check_frames(protocol_edge *e, PNET_BUFFER_LIST nbl)
{
    uint8_t small[2048];
    for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
    {
        stat_add(&e->st.received_frames, 1);
        ULONG len = nb->DataLength;
        if (len < FRAME_HDR)
            continue;
        uint8_t hdr[FRAME_HDR];
        if (ndis_nb_copy_out(nb, 0, hdr, FRAME_HDR) != FRAME_HDR)
            continue;
        if (((hdr[12] << 8) | hdr[13]) != PROTOCOL_EDGE_ETHERTYPE || get32(hdr + 14) != FRAME_MAGIC)
            continue;
        stat_add(&e->st.edge_frames, 1);
        __atomic_add_fetch(&e->rx_word, 1, __ATOMIC_RELEASE);
        exec_wake_u32(&e->rx_word, INT32_MAX);
        uint8_t *buf = len <= sizeof small ? small : malloc(len);
        if (!buf)
            continue;
        bool ok = ndis_nb_copy_out(nb, 0, buf, len) == len && get32(buf + 22) == len &&
                  frame_sum(buf + FRAME_HDR, len - FRAME_HDR) == get32(buf + 26);
        if (!ok)
            stat_add(&e->st.corrupt_frames, 1);
        if (buf != small)
            free(buf);
    }
}

/* ---- callbacks from the data path ------------------------------------------------------------- */

static void edge_receive(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG count,
                         ULONG flags)
{
    protocol_edge *e = ctx;
    (void)port;
    (void)count;
    uint64_t n = 0;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next)
    {
        check_frames(e, nbl);
        if (e->rx_hook)
            e->rx_hook(e->rx_hook_arg, a, nbl, flags);
        n++;
    }
    stat_add(&e->st.indicated, n);
    if (flags & NDIS_RECEIVE_FLAGS_RESOURCES)
    {
        stat_add(&e->st.indicated_resources, n);
        return; /* copied what it needed; the NBLs go back to the driver when the indicate returns */
    }
    ULONG return_flags = (flags & NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL) ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0;
    if (e->cfg.policy == PE_RETURN_IMMEDIATE)
    {
        stat_add(&e->st.returned, n);
        ndis_return_nbls(a, nbls, return_flags);
        return;
    }
    uint64_t due = e->cfg.policy == PE_RETURN_DELAY ? exec_now_ns() + (uint64_t)e->cfg.delay_ms * 1000000ull : 0;
    held *v = NULL;
    size_t k = 0;
    exec_mutex_lock(&e->lock);
    /* A protocol whose binding is pausing holds nothing new: the pause waits for these NBLs, and
     * the edge gave back what it held when the pause started (under this lock, so nothing slips in
     * between). Only `never` keeps holding: it exists to exercise the watchdogs. */
    if (e->cfg.policy != PE_RETURN_NEVER && ndis_adapter_get_state(a) == NDIS_ADAPTER_PAUSING)
    {
        exec_mutex_unlock(&e->lock);
        stat_add(&e->st.returned, n);
        ndis_return_nbls(a, nbls, return_flags);
        return;
    }
    for (PNET_BUFFER_LIST nbl = nbls, next; nbl; nbl = next)
    {
        next = nbl->Next;
        nbl->Next = NULL;
        hold(e, a, nbl, due);
    }
    uint32_t batch = e->cfg.batch ? e->cfg.batch : 16;
    if ((e->cfg.policy == PE_RETURN_REVERSE || e->cfg.policy == PE_RETURN_SHUFFLE) && e->n >= batch)
        v = take_held(e, NULL, false, 0, &k);
    if (e->cfg.policy == PE_RETURN_DELAY)
    {
        __atomic_add_fetch(&e->wake_word, 1, __ATOMIC_RELEASE);
        exec_wake_u32(&e->wake_word, INT32_MAX);
    }
    exec_mutex_unlock(&e->lock);
    if (v)
    {
        give_back(e, v, k);
        free(v);
    }
}

static void edge_send_complete(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, ULONG flags)
{
    protocol_edge *e = ctx;
    (void)a;
    (void)flags;
    uint32_t done = 0;
    for (PNET_BUFFER_LIST nbl = nbls, next; nbl; nbl = next)
    {
        next = nbl->Next;
        nbl->Next = NULL;
        if (nbl->ProtocolReserved[0] != e)
        {
            stat_add(&e->st.send_complete_duplicates, 1);
            continue;
        }
        nbl->ProtocolReserved[0] = NULL;
        stat_add(&e->st.completed, 1);
        NDIS_STATUS s = nbl->Status;
        if (s == NDIS_STATUS_SUCCESS)
            stat_add(&e->st.completed_ok, 1);
        else
        {
            stat_add(&e->st.completed_failed, 1);
            exec_mutex_lock(&e->lock);
            unsigned i = 0;
            while (i < e->st.n_failed && e->st.failed[i].status != s)
                i++;
            if (i == e->st.n_failed && i < PROTOCOL_EDGE_MAX_STATUS)
            {
                e->st.failed[i].status = s;
                e->st.n_failed++;
            }
            if (i < PROTOCOL_EDGE_MAX_STATUS)
                e->st.failed[i].count++;
            exec_mutex_unlock(&e->lock);
        }
        ndis_host_nbl_free(nbl);
        done++;
    }
    if (done)
    {
        __atomic_sub_fetch(&e->inflight, done, __ATOMIC_ACQ_REL);
        exec_wake_u32(&e->inflight, INT32_MAX);
    }
}

static void edge_status(void *ctx, ndis_adapter *a, const NDIS_STATUS_INDICATION *ind)
{
    protocol_edge *e = ctx;
    (void)a;
    (void)ind;
    stat_add(&e->st.status_indications, 1);
}

/* ---- the delay thread ------------------------------------------------------------------------- */

static void delay_thread(void *arg)
{
    protocol_edge *e = arg;
    for (;;)
    {
        exec_mutex_lock(&e->lock);
        uint32_t word = __atomic_load_n(&e->wake_word, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&e->stop, __ATOMIC_ACQUIRE))
        {
            exec_mutex_unlock(&e->lock);
            return;
        }
        uint64_t now = exec_now_ns();
        size_t k = 0;
        held *v = take_held(e, NULL, true, now, &k);
        int64_t wait = -1;
        for (size_t i = 0; i < e->n; i++)
        {
            int64_t d = (int64_t)(e->h[i].due_ns - now);
            if (d < 1)
                d = 1;
            if (wait < 0 || d < wait)
                wait = d;
        }
        exec_mutex_unlock(&e->lock);
        give_back(e, v, k);
        free(v);
        if (!k)
            exec_wait_u32(&e->wake_word, word, wait);
    }
}

/* ---- public ----------------------------------------------------------------------------------- */

protocol_edge *protocol_edge_create(const protocol_edge_config *cfg)
{
    protocol_edge *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->magic = EDGE_MAGIC;
    if (cfg)
        e->cfg = *cfg;
    e->rng = e->cfg.seed ? e->cfg.seed : 0x9E3779B97F4A7C15ull;
    if (e->cfg.policy == PE_RETURN_DELAY && exec_thread_start(&e->thread, "edge-delay", delay_thread, e) != 0)
    {
        free(e);
        return NULL;
    }
    return e;
}

void protocol_edge_destroy(protocol_edge *e)
{
    if (!e)
        return;
    if (e->thread)
    {
        __atomic_store_n(&e->stop, 1, __ATOMIC_RELEASE);
        __atomic_add_fetch(&e->wake_word, 1, __ATOMIC_RELEASE);
        exec_wake_u32(&e->wake_word, INT32_MAX);
        exec_thread_join(e->thread);
    }
    protocol_edge_release(e, NULL);
    exec_mutex_lock(&e->lock);
    for (unsigned i = 0; i < e->n_adapters; i++)
    {
        ndis_adapter *a = e->adapters[i];
        if (a->proto.ctx == e)
            memset(&a->proto, 0, sizeof a->proto);
    }
    exec_mutex_unlock(&e->lock);
    free(e->h);
    e->magic = 0;
    free(e);
}

void protocol_edge_attach(protocol_edge *e, ndis_adapter *a)
{
    exec_mutex_lock(&e->lock);
    bool known = false;
    for (unsigned i = 0; i < e->n_adapters; i++)
        known |= e->adapters[i] == a;
    if (!known && e->n_adapters < sizeof e->adapters / sizeof e->adapters[0])
        e->adapters[e->n_adapters++] = a;
    exec_mutex_unlock(&e->lock);
    a->proto.receive = edge_receive;
    a->proto.send_complete = edge_send_complete;
    a->proto.status = edge_status;
    a->proto.ctx = e;
}

void protocol_edge_detach(protocol_edge *e, ndis_adapter *a)
{
    protocol_edge_release(e, a);
    exec_mutex_lock(&e->lock);
    for (unsigned i = 0; i < e->n_adapters; i++)
    {
        if (e->adapters[i] == a)
        {
            e->adapters[i] = e->adapters[--e->n_adapters];
            break;
        }
    }
    exec_mutex_unlock(&e->lock);
    if (a->proto.ctx == e)
        memset(&a->proto, 0, sizeof a->proto);
}

size_t protocol_edge_release(protocol_edge *e, ndis_adapter *a)
{
    exec_mutex_lock(&e->lock);
    size_t k = 0;
    held *v = take_held(e, a, false, 0, &k);
    exec_mutex_unlock(&e->lock);
    give_back(e, v, k);
    free(v);
    return k;
}

void protocol_edge_on_pause(void *arg, ndis_adapter *a)
{
    protocol_edge *e = arg;
    switch (e->cfg.policy)
    {
    case PE_RETURN_AT_PAUSE:
    case PE_RETURN_REVERSE:
    case PE_RETURN_SHUFFLE:
        protocol_edge_release(e, a);
        break;
    default:
        break;
    }
}

bool protocol_edge_wait_edge_frames(protocol_edge *e, uint64_t at_least, int64_t idle_timeout_ns)
{
    for (;;)
    {
        uint32_t word = __atomic_load_n(&e->rx_word, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&e->st.edge_frames, __ATOMIC_ACQUIRE) >= at_least)
            return true;
        /* A wake-up means progress; a time-out means the traffic stopped short (frames dropped). */
        int64_t deadline = (int64_t)exec_now_ns() + idle_timeout_ns;
        while (__atomic_load_n(&e->rx_word, __ATOMIC_ACQUIRE) == word)
        {
            int64_t rem = deadline - (int64_t)exec_now_ns();
            if (rem <= 0)
                return false;
            exec_wait_u32(&e->rx_word, word, rem);
        }
    }
}

static bool wait_inflight_at_most(protocol_edge *e, uint32_t limit, int64_t deadline)
{
    for (;;)
    {
        uint32_t v = __atomic_load_n(&e->inflight, __ATOMIC_ACQUIRE);
        if (v <= limit)
            return true;
        int64_t rem = deadline - (int64_t)exec_now_ns();
        if (rem <= 0)
            return false;
        exec_wait_u32(&e->inflight, v, rem);
    }
}

int protocol_edge_send(protocol_edge *e, ndis_adapter *a, unsigned count, unsigned frame_len, const uint8_t dst_mac[6])
{
    if (!e || !a || frame_len < 60 || frame_len > 9018)
        return -1;
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (!dst_mac)
        dst_mac = bcast;
    const uint8_t *src = ndis_adapter_current_mac(a);
    ndis_buf_pool *pool = ndis_host_nbl_pool_create(0, TRUE, frame_len, 0x45676445 /* 'Edge' */);
    if (!pool)
        return -1;
    unsigned chain_len = e->cfg.send_chain ? e->cfg.send_chain : 16;
    int64_t timeout = e->cfg.send_timeout_ns ? e->cfg.send_timeout_ns : 30ll * 1000000000ll;
    int64_t deadline = (int64_t)exec_now_ns() + timeout;
    static uint32_t g_seq;
    int rc = 0;
    for (unsigned done = 0; done < count && rc == 0;)
    {
        PNET_BUFFER_LIST head = NULL, *tail = &head;
        unsigned c = 0;
        for (; c < chain_len && done + c < count; c++)
        {
            PNET_BUFFER_LIST nbl = ndis_host_nbl_alloc(pool);
            if (!nbl)
            {
                rc = -1;
                break;
            }
            PNET_BUFFER nb = nbl->FirstNetBuffer;
            build_frame(ndis_mdl_va(nb->MdlChain), frame_len, dst_mac, src,
                        __atomic_add_fetch(&g_seq, 1, __ATOMIC_RELAXED));
            nb->DataLength = frame_len;
            nbl->ProtocolReserved[0] = e;
            nbl->Status = NDIS_STATUS_SUCCESS;
            *tail = nbl;
            tail = &nbl->Next;
        }
        *tail = NULL;
        if (!c)
            break;
        __atomic_add_fetch(&e->inflight, c, __ATOMIC_ACQ_REL);
        stat_add(&e->st.sent, c);
        ndis_send_nbls(a, head, NDIS_DEFAULT_PORT_NUMBER, 0);
        done += c;
        /* Keep a few chains in flight, not the whole count. */
        if (!wait_inflight_at_most(e, 4 * chain_len, deadline))
            rc = -2;
    }
    if (rc != -2 && !wait_inflight_at_most(e, 0, deadline))
        rc = -2;
    if (rc == -2)
    {
        vf_report("TX-02", a->owner, VF_CB_NONE, NULL,
                  "%u send(s) were not completed within %lld ms (NdisTimedDataSend: a send completes within 30 s)",
                  __atomic_load_n(&e->inflight, __ATOMIC_ACQUIRE), (long long)(timeout / 1000000));
        rc = -1;
    }
    ndis_host_pool_destroy(pool); /* stays alive until the last outstanding NBL comes back */
    return rc;
}

void protocol_edge_get_stats(protocol_edge *e, protocol_edge_stats *out)
{
    exec_mutex_lock(&e->lock);
    uint64_t *src = (uint64_t *)&e->st, *dst = (uint64_t *)out;
    size_t words = offsetof(protocol_edge_stats, failed) / sizeof(uint64_t);
    for (size_t i = 0; i < words; i++)
        dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
    memcpy(out->failed, e->st.failed, sizeof out->failed);
    out->n_failed = e->st.n_failed;
    exec_mutex_unlock(&e->lock);
}

void protocol_edge_set_rx_hook(protocol_edge *e, protocol_edge_rx_fn fn, void *arg)
{
    e->rx_hook_arg = arg;
    e->rx_hook = fn;
}

void protocol_edge_send_nbls(protocol_edge *e, ndis_adapter *a, PNET_BUFFER_LIST chain, ULONG send_flags)
{
    uint32_t c = 0;
    for (PNET_BUFFER_LIST nbl = chain; nbl; nbl = nbl->Next)
    {
        nbl->ProtocolReserved[0] = e;
        nbl->Status = NDIS_STATUS_SUCCESS;
        c++;
    }
    if (!c)
        return;
    /* Counted before the call: the miniport may complete them before ndis_send_nbls returns. */
    __atomic_add_fetch(&e->inflight, c, __ATOMIC_ACQ_REL);
    stat_add(&e->st.sent, c);
    ndis_send_nbls(a, chain, NDIS_DEFAULT_PORT_NUMBER, send_flags);
}

uint32_t protocol_edge_inflight(protocol_edge *e)
{
    return __atomic_load_n(&e->inflight, __ATOMIC_ACQUIRE);
}

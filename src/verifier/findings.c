/* Findings: an append-only, thread-safe store with de-duplication of repeated reports. */
#include "verifier/vf_internal.h"

#include "kernel/exec/exec.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static exec_mutex findings_lock = EXEC_MUTEX_INIT;
static vf_finding **items; /* pointers, so a finding never moves while the array grows */
static size_t nitems, capacity;
static uint64_t next_seq;
static void (*finding_hook)(const vf_finding *f, void *arg);
static void *finding_hook_arg;

/* De-duplication index: open addressing over `items` indices (+1; 0 is empty). */
static size_t *dedup;
static size_t dedup_size; /* power of two */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
    {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t str_hash(uint64_t h, const char *s)
{
    return s ? fnv1a(h, s, strlen(s) + 1) : fnv1a(h, "", 1);
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

typedef struct finding_key
{
    const char *rule;
    vf_severity severity;
    const char *callback;
    const char *owner;
    void *pc;
    const char *message;
} finding_key;

static uint64_t key_hash(const finding_key *k)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = str_hash(h, k->rule);
    h = fnv1a(h, &k->severity, sizeof k->severity);
    h = str_hash(h, k->callback);
    h = str_hash(h, k->owner);
    h = fnv1a(h, &k->pc, sizeof k->pc);
    return str_hash(h, k->message);
}

static bool key_matches(const finding_key *k, const vf_finding *f)
{
    return f->pc == k->pc && f->severity == k->severity && str_eq(f->rule, k->rule) &&
           str_eq(f->callback, k->callback) && str_eq(f->owner, k->owner) && str_eq(f->message, k->message);
}

/* Lock held. Returns the existing finding or NULL. */
static vf_finding *dedup_find(const finding_key *k, uint64_t h)
{
    if (!dedup_size)
        return NULL;
    for (size_t i = h & (dedup_size - 1);; i = (i + 1) & (dedup_size - 1))
    {
        if (!dedup[i])
            return NULL;
        vf_finding *f = items[dedup[i] - 1];
        if (key_matches(k, f))
            return f;
    }
}

static void dedup_put(size_t index, uint64_t h)
{
    for (size_t i = h & (dedup_size - 1);; i = (i + 1) & (dedup_size - 1))
    {
        if (!dedup[i])
        {
            dedup[i] = index + 1;
            return;
        }
    }
}

/* Lock held. Makes room for one more finding in both arrays; false when out of memory. */
static bool reserve_one(void)
{
    if (nitems == capacity)
    {
        size_t n = capacity ? capacity * 2 : 64;
        vf_finding **p = realloc(items, n * sizeof *p);
        if (!p)
            return false;
        items = p;
        capacity = n;
    }
    if ((nitems + 1) * 2 > dedup_size)
    {
        size_t n = dedup_size ? dedup_size * 2 : 128;
        size_t *d = calloc(n, sizeof *d);
        if (!d)
            return false;
        free(dedup);
        dedup = d;
        dedup_size = n;
        for (size_t i = 0; i < nitems; i++)
        {
            vf_finding *f = items[i];
            finding_key k = {f->rule, f->severity, f->callback, f->owner, f->pc, f->message};
            dedup_put(i, key_hash(&k));
        }
    }
    return true;
}

void vf_report_msg(const char *rule, bool sev_given, vf_severity sev, vf_owner *owner, vf_callback cb, void *site,
                   bool leak, const char *msg)
{
    const vf_rule *r = vf_rule_find(rule);
    /* An unknown id is a host bug: stop a debug build at once, keep the finding in a release one. */
    assert(r && "vf_report: rule id not in the rule table");
    if (!owner)
        owner = vf_current_owner();
    if (cb == VF_CB_NONE)
        cb = vf_current_callback();
    finding_key k = {
        .rule = r ? r->id : vf_intern(rule ? rule : "?"),
        .severity = sev_given ? sev : (r ? r->severity : VF_SEV_ERROR),
        .callback = vf_callback_name(cb),
        .owner = owner ? vf_intern(vf_owner_name(owner)) : NULL,
        .pc = site,
        .message = msg,
    };
    uint64_t h = key_hash(&k);

    exec_mutex_lock(&findings_lock);
    vf_finding *dup = dedup_find(&k, h);
    if (dup)
        dup->count++;
    exec_mutex_unlock(&findings_lock);
    if (dup)
        return;

    /* Symbolize now, outside the lock: the driver may be unloaded before anyone reads the site. */
    vf_finding *f = calloc(1, sizeof *f);
    char *message = strdup(msg);
    if (!f || !message)
    {
        free(f);
        free(message);
        return;
    }
    f->rule = k.rule;
    f->severity = k.severity;
    f->callback = k.callback;
    f->owner = k.owner;
    f->message = message;
    f->pc = site;
    f->leak = leak;
    f->title = r ? r->title : "unknown rule";
    f->count = 1;
    vf_symbolize_return(site, &f->site);
    if (leak)
        f->acquired = f->site;

    exec_mutex_lock(&findings_lock);
    dup = dedup_find(&k, h); /* another thread may have recorded it while we symbolized */
    bool added = false;
    if (dup)
        dup->count++;
    else if (reserve_one())
    {
        f->seq = ++next_seq;
        items[nitems] = f;
        dedup_put(nitems, h);
        nitems++;
        added = true;
    }
    void (*hook)(const vf_finding *, void *) = finding_hook;
    void *hook_arg = finding_hook_arg;
    exec_mutex_unlock(&findings_lock);

    if (!added)
    {
        free(message);
        free(f);
        return;
    }
    if (hook)
        hook(f, hook_arg);
}

void vf_vreport_sev(const char *rule, vf_severity sev, vf_owner *owner, vf_callback cb, void *site, const char *fmt,
                    va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt ? fmt : "", ap);
    vf_report_msg(rule, true, sev, owner, cb, site, false, buf);
}

void vf_report_sev(const char *rule, vf_severity sev, vf_owner *owner, vf_callback cb, void *site, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vf_vreport_sev(rule, sev, owner, cb, site, fmt, ap);
    va_end(ap);
}

void vf_vreport(const char *rule, vf_owner *owner, vf_callback cb, void *site, const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt ? fmt : "", ap);
    vf_report_msg(rule, false, VF_SEV_ERROR, owner, cb, site, false, buf);
}

void vf_report(const char *rule, vf_owner *owner, vf_callback cb, void *site, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vf_vreport(rule, owner, cb, site, fmt, ap);
    va_end(ap);
}

size_t vf_findings_count(void)
{
    exec_mutex_lock(&findings_lock);
    size_t n = nitems;
    exec_mutex_unlock(&findings_lock);
    return n;
}

const vf_finding *vf_findings_get(size_t i)
{
    exec_mutex_lock(&findings_lock);
    const vf_finding *f = i < nitems ? items[i] : NULL;
    exec_mutex_unlock(&findings_lock);
    return f;
}

void vf_findings_clear(void)
{
    exec_mutex_lock(&findings_lock);
    for (size_t i = 0; i < nitems; i++)
    {
        free(items[i]->message);
        free(items[i]);
    }
    free(items);
    free(dedup);
    items = NULL;
    dedup = NULL;
    nitems = capacity = dedup_size = 0;
    exec_mutex_unlock(&findings_lock);
}

void vf_set_finding_hook(void (*hook)(const vf_finding *f, void *arg), void *arg)
{
    exec_mutex_lock(&findings_lock);
    finding_hook = hook;
    finding_hook_arg = arg;
    exec_mutex_unlock(&findings_lock);
}

bool vf_check_irql_max(uint8_t max_irql, const char *api, void *site)
{
    uint8_t now = vf_irql();
    if (now <= max_irql)
        return true;
    if (vf_shutdown_current() >= VF_SHUTDOWN_BUG_CHECK && vf_in_callback_mask(1ull << VF_CB_SHUTDOWN))
        return false; /* SD-02 named the call already (shutdown.c) */
    char cur[16], max[16];
    snprintf(cur, sizeof cur, "%s", vf_irql_name(now));
    snprintf(max, sizeof max, "%s", vf_irql_name(max_irql));
    vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s called at %s; it must be called at or below %s", api, cur, max);
    return false;
}

bool vf_check_irql_eq(uint8_t irql, const char *api, void *site)
{
    uint8_t now = vf_irql();
    if (now == irql)
        return true;
    if (vf_shutdown_current() >= VF_SHUTDOWN_BUG_CHECK && vf_in_callback_mask(1ull << VF_CB_SHUTDOWN))
        return false; /* SD-02 named the call already (shutdown.c) */
    char cur[16], req[16];
    snprintf(cur, sizeof cur, "%s", vf_irql_name(now));
    snprintf(req, sizeof req, "%s", vf_irql_name(irql));
    vf_report("IQ-01", NULL, VF_CB_NONE, site, "%s called at %s; it must be called at %s", api, cur, req);
    return false;
}

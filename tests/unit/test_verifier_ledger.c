/* Resource ledger: O(1) records, per-owner order, leftover reports and reverse reclaim. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/verifier.h"
#include "test_support.h"

static int setup(void **state)
{
    (void)state;
    vf_findings_clear();
    return 0;
}

static void test_insert_find_remove(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    int obj;
    vf_res r = {.kind = VF_RES_TIMER, .key = &obj};
    vf_frame f;
    vf_enter(&f, VF_CB_INITIALIZE, o);
    vf_ledger_insert(&r, o, (void *)test_insert_find_remove);
    vf_leave(&f);
    assert_true(r.live);
    assert_true(r.embedded);
    assert_ptr_equal(r.owner, o);
    assert_int_equal(r.acquired_in, VF_CB_INITIALIZE);
    assert_ptr_equal(r.site, (void *)test_insert_find_remove);
    assert_ptr_equal(vf_ledger_find(VF_RES_TIMER, &obj), &r);
    assert_null(vf_ledger_find(VF_RES_POOL, &obj)); /* same key, other kind */
    assert_int_equal(vf_ledger_count(o, VF_RES_TIMER), 1);
    assert_int_equal(vf_ledger_count(o, VF_RES_POOL), 0);
    assert_int_equal(vf_ledger_count(o, VF_RES_COUNT), 1);

    vf_ledger_remove(&r);
    assert_false(r.live);
    assert_null(vf_ledger_find(VF_RES_TIMER, &obj));
    assert_int_equal(vf_ledger_count(o, VF_RES_COUNT), 0);
    vf_ledger_remove(&r); /* second remove: no effect */
    assert_int_equal(vf_ledger_count(o, VF_RES_COUNT), 0);
    vf_owner_destroy(o);
}

static void test_add_counts_and_sequence(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    char keys[3];
    vf_res *a = vf_ledger_add(VF_RES_POOL, &keys[0], 10, o, NULL);
    vf_res *b = vf_ledger_add(VF_RES_POOL, &keys[1], 20, o, NULL);
    vf_res *c = vf_ledger_add(VF_RES_MDL, &keys[2], 0, o, NULL);
    assert_false(a->embedded);
    assert_true(a->seq < b->seq && b->seq < c->seq);
    assert_int_equal(b->size, 20);
    assert_int_equal(vf_ledger_count(o, VF_RES_POOL), 2);
    assert_int_equal(vf_ledger_count(o, VF_RES_MDL), 1);
    assert_int_equal(vf_ledger_count(o, VF_RES_COUNT), 3);
    assert_int_equal(vf_ledger_count(NULL, VF_RES_COUNT), 0);
    vf_ledger_remove(b);
    assert_int_equal(vf_ledger_count(o, VF_RES_POOL), 1);
    vf_ledger_remove(a);
    vf_ledger_remove(c);
    assert_int_equal(vf_ledger_count(o, VF_RES_COUNT), 0);
    vf_owner_destroy(o);
}

typedef struct visit_log
{
    const void *keys[8];
    int n;
    bool links_cleared;
} visit_log;

static void visit(const vf_res *copy, void *arg)
{
    visit_log *log = arg;
    log->keys[log->n++] = copy->key;
    if (copy->owner_next || copy->owner_prev || copy->hash_next)
        log->links_cleared = false;
}

static void test_visit_in_acquisition_order(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    vf_owner *other = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 1");
    char keys[4];
    vf_res *r[4];
    r[0] = vf_ledger_add(VF_RES_POOL, &keys[0], 1, o, NULL);
    r[1] = vf_ledger_add(VF_RES_TIMER, &keys[1], 0, o, NULL);
    r[2] = vf_ledger_add(VF_RES_POOL, &keys[2], 1, other, NULL);
    r[3] = vf_ledger_add(VF_RES_NBL_POOL, &keys[3], 0, o, NULL);
    vf_ledger_remove(r[1]);
    visit_log log = {.links_cleared = true};
    vf_ledger_visit(o, visit, &log);
    assert_int_equal(log.n, 2);
    assert_ptr_equal(log.keys[0], &keys[0]);
    assert_ptr_equal(log.keys[1], &keys[3]);
    assert_true(log.links_cleared);
    vf_ledger_remove(r[0]);
    vf_ledger_remove(r[2]);
    vf_ledger_remove(r[3]);
    vf_owner_destroy(o);
    vf_owner_destroy(other);
}

/* A host object with an embedded entry, freed by its reclaim hook. */
typedef struct host_timer
{
    vf_res res;
    int id;
} host_timer;

static int reclaim_order[8];
static int reclaim_n;

static void reclaim_timer(vf_res *r)
{
    host_timer *t = (host_timer *)r;
    assert_false(r->live);
    reclaim_order[reclaim_n++] = t->id;
    vf_ledger_remove(r); /* the host's ordinary free path: a no-op on a reclaimed entry */
    free(t);
}

static void reclaim_plain(vf_res *r)
{
    assert_false(r->live);
    reclaim_order[reclaim_n++] = (int)r->size;
}

static void test_report_leftovers_then_reclaim(void **state)
{
    (void)state;
    reclaim_n = 0;
    vf_owner *drv = vf_owner_create(VF_OWNER_DRIVER, NULL, "driver");
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, drv, "adapter 0");
    vf_frame f;
    vf_enter(&f, VF_CB_INITIALIZE, o);
    host_timer *t = calloc(1, sizeof *t);
    t->id = 1;
    t->res.kind = VF_RES_TIMER;
    t->res.key = t;
    t->res.reclaim = reclaim_timer;
    vf_ledger_insert(&t->res, o, NULL);
    char block[4];
    vf_res *pool = vf_ledger_add(VF_RES_POOL, block, 2, o, NULL);
    pool->size = 256;
    pool->tag = 'c' << 24 | 'i' << 16 | 'n' << 8 | 'v'; /* memory order "vnic" */
    pool->reclaim = reclaim_plain;
    vf_leave(&f);
    vf_enter(&f, VF_CB_RESTART, o);
    int lock;
    vf_res *sl = vf_ledger_add(VF_RES_SPIN_LOCK, &lock, 3, o, NULL);
    sl->size = 3;
    sl->reclaim = reclaim_plain;
    vf_leave(&f);

    vf_enter(&f, VF_CB_HALT, o);
    size_t n = vf_ledger_report_leftovers(o, NULL, "MiniportHaltEx returned");
    vf_leave(&f);
    assert_int_equal(n, 3);
    assert_int_equal(vf_findings_count(), 3);

    const vf_finding *ft = first_rule("HA-04");
    assert_non_null(ft);
    assert_int_equal(ft->severity, VF_SEV_ERROR);
    assert_string_equal(ft->callback, "MiniportInitializeEx"); /* where it was acquired */
    assert_string_equal(ft->owner, "adapter 0");
    assert_true(ft->leak);
    assert_non_null(strstr(ft->message, "timer object"));
    assert_non_null(strstr(ft->message, "allocated in MiniportInitializeEx"));
    assert_non_null(strstr(ft->message, "still allocated when MiniportHaltEx returned"));

    const vf_finding *fp = first_rule("HA-05");
    assert_non_null(fp);
    assert_non_null(strstr(fp->message, "256 bytes"));
    assert_non_null(strstr(fp->message, "'vnic'"));

    const vf_finding *fs = first_rule("HA-10");
    assert_non_null(fs);
    assert_int_equal(fs->severity, VF_SEV_WARNING); /* NdisFreeSpinLock is a "should" */
    assert_string_equal(fs->callback, "MiniportRestart");

    /* Findings are in acquisition order, reclaim in reverse. */
    assert_ptr_equal(vf_findings_get(0), ft);
    assert_ptr_equal(vf_findings_get(2), fs);
    assert_int_equal(reclaim_n, 3);
    assert_int_equal(reclaim_order[0], 3);
    assert_int_equal(reclaim_order[1], 256);
    assert_int_equal(reclaim_order[2], 1);
    assert_int_equal(vf_ledger_count(o, VF_RES_COUNT), 0);
    assert_null(vf_ledger_find(VF_RES_POOL, block));
    assert_null(vf_ledger_find(VF_RES_SPIN_LOCK, &lock));

    assert_int_equal(vf_ledger_report_leftovers(o, NULL, "MiniportHaltEx returned"), 0);
    vf_owner_destroy(o);
    vf_owner_destroy(drv);
}

static void test_rule_override(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 3");
    int a, b;
    vf_ledger_add(VF_RES_INTERRUPT, &a, 0, o, NULL);
    vf_ledger_add(VF_RES_CONFIG, &b, 0, o, NULL);
    assert_int_equal(vf_ledger_report_leftovers(o, "IN-04", "MiniportInitializeEx failed"), 2);
    assert_int_equal(vf_findings_count(), 2);
    for (size_t i = 0; i < 2; i++)
    {
        assert_string_equal(vf_findings_get(i)->rule, "IN-04");
        assert_non_null(strstr(vf_findings_get(i)->message, "when MiniportInitializeEx failed"));
    }
    assert_non_null(strstr(vf_findings_get(0)->message, "still registered"));
    assert_non_null(strstr(vf_findings_get(1)->message, "still open"));
    assert_null(vf_ledger_find(VF_RES_INTERRUPT, &a));
    vf_owner_destroy(o);
}

static void test_kind_rules(void **state)
{
    (void)state;
    static const struct
    {
        vf_res_kind k;
        const char *rule;
    } map[] = {
        {VF_RES_POOL, "HA-05"},
        {VF_RES_TIMER, "HA-04"},
        {VF_RES_NBL_POOL, "HA-07"},
        {VF_RES_NB_POOL, "HA-07"},
        {VF_RES_NBL, "HA-07"},
        {VF_RES_NB, "HA-07"},
        {VF_RES_WORK_ITEM, "HA-10"},
        {VF_RES_CONFIG, "HA-10"},
        {VF_RES_MDL, "HA-10"},
        {VF_RES_RW_LOCK, "HA-10"},
        {VF_RES_SPIN_LOCK, "HA-10"},
        {VF_RES_LOOKASIDE, "HA-10"},
        {VF_RES_GENERIC_OBJECT, "HA-10"},
        {VF_RES_STRING, "HA-10"},
        {VF_RES_INTERRUPT, "HA-03"},
        {VF_RES_SHARED_MEMORY, "HA-06"},
        {VF_RES_IO_PORT, "HA-09"},
        {VF_RES_IO_SPACE, "HA-09"},
        {VF_RES_DMA, "HA-09"},
        {VF_RES_PORT, "HA-08"},
        {VF_RES_RX_INDICATED, "HA-11"},
        {VF_RES_SYSTEM_THREAD, "HA-10"},
        {VF_RES_DEVICE_OBJECT, "HA-10"},
        {VF_RES_ERESOURCE, "HA-10"},
        {VF_RES_NOTIFY_ROUTINE, "HA-10"},
    };
    assert_int_equal(sizeof map / sizeof map[0], VF_RES_COUNT);
    for (size_t i = 0; i < VF_RES_COUNT; i++)
    {
        assert_string_equal(vf_res_kind_halt_rule(map[i].k), map[i].rule);
        assert_non_null(vf_rule_find(map[i].rule));
        assert_non_null(vf_res_kind_name(map[i].k));
    }
}

static void test_many_entries(void **state)
{
    (void)state;
    enum
    {
        N = 50000
    };
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter big");
    char *keys = malloc(N);
    vf_res **r = malloc(N * sizeof *r);
    for (int i = 0; i < N; i++)
        r[i] = vf_ledger_add(VF_RES_NBL, keys + i, 0, o, NULL);
    assert_int_equal(vf_ledger_count(o, VF_RES_NBL), N);
    for (int i = 0; i < N; i++)
        assert_ptr_equal(vf_ledger_find(VF_RES_NBL, keys + i), r[i]);
    for (int i = 0; i < N; i += 2)
        vf_ledger_remove(r[i]);
    for (int i = 0; i < N; i++)
        assert_true((vf_ledger_find(VF_RES_NBL, keys + i) != NULL) == (i % 2 == 1));
    for (int i = 1; i < N; i += 2)
        vf_ledger_remove(r[i]);
    assert_int_equal(vf_ledger_count(o, VF_RES_COUNT), 0);
    free(r);
    free(keys);
    vf_owner_destroy(o);
}

enum
{
    THREADS = 4,
    PER_THREAD = 4000
};

static void *churn(void *arg)
{
    vf_owner *o = arg;
    char *keys = malloc(PER_THREAD);
    for (int round = 0; round < 3; round++)
    {
        for (int i = 0; i < PER_THREAD; i++)
            vf_ledger_add(VF_RES_POOL, keys + i, 1, o, NULL);
        for (int i = 0; i < PER_THREAD; i++)
        {
            vf_res *r = vf_ledger_find(VF_RES_POOL, keys + i);
            if (!r || r->owner != o)
                abort();
            vf_ledger_remove(r);
        }
    }
    free(keys);
    return NULL;
}

static void test_concurrent_use(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    vf_owner *o[THREADS];
    for (int i = 0; i < THREADS; i++)
    {
        o[i] = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter");
        assert_int_equal(pthread_create(&t[i], NULL, churn, o[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
    {
        pthread_join(t[i], NULL);
        assert_int_equal(vf_ledger_count(o[i], VF_RES_COUNT), 0);
        vf_owner_destroy(o[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_insert_find_remove, setup),
        cmocka_unit_test_setup(test_add_counts_and_sequence, setup),
        cmocka_unit_test_setup(test_visit_in_acquisition_order, setup),
        cmocka_unit_test_setup(test_report_leftovers_then_reclaim, setup),
        cmocka_unit_test_setup(test_rule_override, setup),
        cmocka_unit_test_setup(test_kind_rules, setup),
        cmocka_unit_test_setup(test_many_entries, setup),
        cmocka_unit_test_setup(test_concurrent_use, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

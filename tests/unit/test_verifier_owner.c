/* Owners: names, parents, dead flag, user pointer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "verifier/verifier.h"

static void test_owner_fields(void **state)
{
    (void)state;
    char name[] = "driver vnic";
    vf_owner *drv = vf_owner_create(VF_OWNER_DRIVER, NULL, name);
    assert_non_null(drv);
    name[0] = 'X'; /* the name is copied */
    assert_string_equal(vf_owner_name(drv), "driver vnic");
    assert_null(vf_owner_parent(drv));

    vf_owner *ad = vf_owner_create(VF_OWNER_ADAPTER, drv, "adapter 0");
    assert_ptr_equal(vf_owner_parent(ad), drv);
    assert_false(vf_owner_is_dead(ad));
    vf_owner_set_dead(ad, true);
    assert_true(vf_owner_is_dead(ad));
    assert_false(vf_owner_is_dead(drv));
    vf_owner_set_dead(ad, false);
    assert_false(vf_owner_is_dead(ad));

    int block;
    assert_null(vf_owner_user(ad));
    vf_owner_set_user(ad, &block);
    assert_ptr_equal(vf_owner_user(ad), &block);

    vf_owner_destroy(ad);
    vf_owner_destroy(drv);
}

static void test_owner_null_safe(void **state)
{
    (void)state;
    assert_null(vf_owner_name(NULL));
    assert_null(vf_owner_parent(NULL));
    assert_false(vf_owner_is_dead(NULL));
    assert_null(vf_owner_user(NULL));
    vf_owner_set_dead(NULL, true);
    vf_owner_destroy(NULL);
}

static void test_destroy_with_live_entries(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 1");
    int key;
    vf_res *r = vf_ledger_add(VF_RES_POOL, &key, 16, o, NULL);
    assert_non_null(r);
    vf_owner_destroy(o);
    /* Policy: the entry outlives its owner, still findable so a late free is recognised. */
    vf_res *found = vf_ledger_find(VF_RES_POOL, &key);
    assert_ptr_equal(found, r);
    assert_null(found->owner);
    vf_ledger_remove(found);
    assert_null(vf_ledger_find(VF_RES_POOL, &key));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_fields),
        cmocka_unit_test(test_owner_null_safe),
        cmocka_unit_test(test_destroy_with_live_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

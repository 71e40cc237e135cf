/* Rule table: complete, unique, well-formed ids; severities and links as the catalog says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "verifier/verifier.h"

static bool well_formed(const char *id)
{
    /* Two upper-case letters, '-', two digits; or the host-level id. */
    if (strcmp(id, VF_RULE_HOST_ERROR) == 0)
        return true;
    return strlen(id) == 5 && isupper((unsigned char)id[0]) && isupper((unsigned char)id[1]) && id[2] == '-' &&
           isdigit((unsigned char)id[3]) && isdigit((unsigned char)id[4]);
}

static void test_ids_unique_and_well_formed(void **state)
{
    (void)state;
    size_t n = vf_rule_count();
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
    {
        const vf_rule *r = vf_rule_at(i);
        assert_non_null(r);
        assert_true(well_formed(r->id));
        assert_non_null(r->title);
        assert_true(strlen(r->title) > 10);
        assert_null(strchr(r->title, '\n'));
        assert_true(r->severity == VF_SEV_ERROR || r->severity == VF_SEV_WARNING);
        if (r->doc)
            assert_int_equal(strncmp(r->doc, "https://learn.microsoft.com/windows-hardware/drivers/", 53), 0);
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(r->id, vf_rule_at(j)->id);
        assert_ptr_equal(vf_rule_find(r->id), r);
    }
    assert_null(vf_rule_at(n));
    assert_null(vf_rule_find("XX-01"));
    assert_null(vf_rule_find(NULL));
}

/* Every family of the contract catalog, numbered without gaps from 01 (IT-03 is a host addition). */
static void test_catalog_complete(void **state)
{
    (void)state;
    static const struct
    {
        const char *family;
        int count;
    } families[] = {{"LC", 16}, {"IN", 9}, {"HA", 13}, {"SD", 5}, {"UL", 3}, {"IT", 3}, {"TM", 5}, {"ME", 2}, {"SM", 3},
                    {"PO", 4},  {"RX", 4}, {"TX", 2},  {"PT", 4}, {"IQ", 3}, {"OI", 1}, {"AP", 2}, {"AS", 2}};
    size_t total = 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
    {
        for (int i = 1; i <= families[f].count + 1; i++)
        {
            char id[32];
            snprintf(id, sizeof id, "%s-%02d", families[f].family, i);
            if (i <= families[f].count)
                assert_non_null(vf_rule_find(id));
            else
                assert_null(vf_rule_find(id));
        }
        total += (size_t)families[f].count;
    }
    assert_non_null(vf_rule_find(VF_RULE_HOST_ERROR));
    assert_int_equal(vf_rule_count(), total + 1);
}

static void test_severities(void **state)
{
    (void)state;
    static const char *const warnings[] = {"LC-11", "LC-14", "LC-16", "IN-05", "IN-08", "IN-09",
                                           "HA-12", "SD-04", "SD-05", "PO-04", "IQ-02", "AS-02"};
    size_t nwarn = 0;
    for (size_t i = 0; i < vf_rule_count(); i++)
        if (vf_rule_at(i)->severity == VF_SEV_WARNING)
            nwarn++;
    assert_int_equal(nwarn, sizeof warnings / sizeof warnings[0]);
    for (size_t i = 0; i < sizeof warnings / sizeof warnings[0]; i++)
        assert_int_equal(vf_rule_find(warnings[i])->severity, VF_SEV_WARNING);
    assert_int_equal(vf_rule_find("HA-10")->severity, VF_SEV_ERROR); /* "E/W": error, spin locks per report */
    assert_int_equal(vf_rule_find("HA-04")->severity, VF_SEV_ERROR);
}

static void test_doc_links(void **state)
{
    (void)state;
    assert_string_equal(vf_rule_find("HA-04")->doc,
                        "https://learn.microsoft.com/windows-hardware/drivers/network/halt-handler");
    assert_string_equal(vf_rule_find("LC-03")->doc,
                        "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_halt");
    assert_string_equal(vf_rule_find("PO-01")->doc, "https://learn.microsoft.com/windows-hardware/drivers/ddi/nblapi/"
                                                    "ns-nblapi-net_buffer_list_pool_parameters");
    assert_string_equal(vf_rule_find("IQ-01")->doc,
                        "https://learn.microsoft.com/windows-hardware/drivers/devtest/irql-rule-set--ndis-");
    assert_string_equal(
        vf_rule_find("OI-01")->doc,
        "https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver");
    for (size_t i = 0; i < vf_rule_count(); i++)
        if (strcmp(vf_rule_at(i)->id, VF_RULE_HOST_ERROR) != 0)
            assert_non_null(vf_rule_at(i)->doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_unique_and_well_formed),
        cmocka_unit_test(test_catalog_complete),
        cmocka_unit_test(test_severities),
        cmocka_unit_test(test_doc_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

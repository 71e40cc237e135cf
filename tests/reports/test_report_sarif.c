/* SARIF 2.1.0 writer: parsed back with cJSON. The rule table as tool rules, ruleIndex consistent
 * with ruleId, levels, locations relative to the source root or absolute file URIs, fingerprints
 * stable across runs whose addresses differ, the result limit, atomic writes. Validation by real
 * validators is test_report_validate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/report.h"
#include "report_fixtures.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    vf_findings_clear();
    snprintf(dir, sizeof dir, "/tmp/ndishost-sarif-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    int rc = system(cmd);
    vf_findings_clear();
    report_set_source_root(NULL);
    return rc == 0 ? 0 : -1;
}

static const cJSON *get(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v)
        fail_msg("missing member \"%s\"", name);
    return v;
}

static const char *str(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(get(o, name));
    if (!s)
        fail_msg("member \"%s\" is not a string", name);
    return s;
}

static cJSON *render(const vf_finding *f, size_t n, const report_run_info *info)
{
    const vf_finding *list[FIXTURE_COUNT * 2];
    assert_true(n <= FIXTURE_COUNT * 2);
    for (size_t i = 0; i < n; i++)
        list[i] = &f[i];
    char *text = report_sarif_render(info, list, n);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    return root;
}

static const cJSON *run0(const cJSON *root)
{
    return cJSON_GetArrayItem(get(root, "runs"), 0);
}

static const cJSON *result(const cJSON *root, int i)
{
    return cJSON_GetArrayItem(get(run0(root), "results"), i);
}

static const char *fingerprint(const cJSON *res)
{
    return str(get(res, "partialFingerprints"), REPORT_SARIF_FINGERPRINT_KEY);
}

static const cJSON *phys(const cJSON *res)
{
    return get(cJSON_GetArrayItem(get(res, "locations"), 0), "physicalLocation");
}

static void log_shape_and_rule_table(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    fixture_fill(f, msgs, "/src", "/elsewhere", 1);
    report_run_info info = {.driver = "/build/drivers/zoo_timer_leak.so", .tool_version = "9.8.7"};
    cJSON *root = render(f, FIXTURE_COUNT, &info);
    assert_string_equal(str(root, "version"), "2.1.0");
    assert_non_null(strstr(str(root, "$schema"), "sarif-2.1.0"));
    assert_int_equal(cJSON_GetArraySize(get(root, "runs")), 1);
    const cJSON *drv = get(get(run0(root), "tool"), "driver");
    assert_string_equal(str(drv, "name"), "ndishost");
    assert_string_equal(str(drv, "version"), "9.8.7");
    assert_string_equal(str(get(run0(root), "automationDetails"), "id"), "ndishost-run-zoo_timer_leak/");

    /* The whole table, in table order, then the one id outside it. */
    const cJSON *rules = get(drv, "rules");
    size_t nrules = vf_rule_count();
    assert_int_equal(cJSON_GetArraySize(rules), nrules + 1);
    for (size_t i = 0; i < nrules; i++)
    {
        const vf_rule *r = vf_rule_at(i);
        const cJSON *jr = cJSON_GetArrayItem(rules, (int)i);
        assert_string_equal(str(jr, "id"), r->id);
        assert_string_equal(str(get(jr, "defaultConfiguration"), "level"),
                            r->severity == VF_SEV_WARNING ? "warning" : "error");
        assert_non_null(strstr(str(get(jr, "shortDescription"), "text"), r->title));
        if (r->doc)
            assert_string_equal(str(jr, "helpUri"), r->doc);
        else
            assert_null(cJSON_GetObjectItemCaseSensitive(jr, "helpUri"));
        assert_true(cJSON_IsBool(get(get(jr, "properties"), "checked")));
        /* Friendly names are identifiers, distinct from the id. */
        const char *name = str(jr, "name");
        for (const char *p = name; *p; p++)
            assert_true((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
    }
    assert_string_equal(str(cJSON_GetArrayItem(rules, (int)nrules), "id"), "ZZ-99");
    assert_string_equal(str(cJSON_GetArrayItem(rules, 0), "name"), "Lifecycle01");

    /* Every result's ruleIndex names the rule with its ruleId; levels follow the finding. */
    const cJSON *results = get(run0(root), "results");
    assert_int_equal(cJSON_GetArraySize(results), FIXTURE_COUNT);
    for (int i = 0; i < FIXTURE_COUNT; i++)
    {
        const cJSON *res = cJSON_GetArrayItem(results, i);
        int index = (int)cJSON_GetNumberValue(get(res, "ruleIndex"));
        assert_true(index >= 0 && index < cJSON_GetArraySize(rules));
        assert_string_equal(str(res, "ruleId"), f[i].rule);
        assert_string_equal(str(cJSON_GetArrayItem(rules, index), "id"), f[i].rule);
        assert_string_equal(str(res, "level"), f[i].severity == VF_SEV_WARNING ? "warning" : "error");
    }
    assert_string_equal(str(result(root, 2), "level"), "warning");
    cJSON_Delete(root);
}

static void result_content(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    fixture_fill(f, msgs, "/src", "/elsewhere", 1);
    report_set_source_root("/src");
    report_run_info info = {.driver = "/build/drivers/zoo_timer_leak.so"};
    cJSON *root = render(f, FIXTURE_COUNT, &info);

    const cJSON *r0 = result(root, 0);
    const char *text = str(get(r0, "message"), "text");
    assert_non_null(strstr(text, msgs[0]));
    assert_non_null(strstr(text, "(in MiniportInitializeEx, adapter 0)."));
    const cJSON *props = get(r0, "properties");
    assert_string_equal(str(props, "owner"), "adapter 0");
    assert_string_equal(str(props, "callback"), "MiniportInitializeEx");
    assert_int_equal((int)cJSON_GetNumberValue(get(props, "count")), 1);
    assert_true(cJSON_IsTrue(get(props, "leak")));
    const cJSON *logical = get(cJSON_GetArrayItem(get(r0, "locations"), 0), "logicalLocations");
    assert_string_equal(str(cJSON_GetArrayItem(logical, 0), "name"), "ZooInitialize");
    assert_string_equal(str(cJSON_GetArrayItem(logical, 0), "kind"), "function");
    assert_string_equal(str(cJSON_GetArrayItem(logical, 1), "name"), "MiniportInitializeEx");
    assert_int_equal((int)cJSON_GetNumberValue(get(get(phys(r0), "region"), "startLine")), 87);

    /* Repeats: occurrenceCount and count. */
    const cJSON *r1 = result(root, 1);
    assert_int_equal((int)cJSON_GetNumberValue(get(r1, "occurrenceCount")), 3);
    /* Nasty text survives as valid JSON, invalid bytes spelled out. */
    text = str(get(r1, "message"), "text");
    assert_non_null(strstr(text, "bad <tag attr=\"x\"> & 'q' ]]> tab\there\nline2\rcr \\x01\\x1B"));
    assert_non_null(strstr(text, "lone\\x80 trunc\\xE2\\x82"));
    assert_non_null(strstr(text, "ok:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));

    /* No owner: null, and the message names only the callback. */
    const cJSON *host = result(root, 4);
    assert_true(cJSON_IsNull(get(get(host, "properties"), "owner")));
    assert_non_null(strstr(str(get(host, "message"), "text"), "(in host)."));
    cJSON_Delete(root);
}

static void locations_and_uris(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    char src[128], root_dir[128];
    snprintf(root_dir, sizeof root_dir, "%s/repo", dir);
    snprintf(src, sizeof src, "%s/repo/./drivers/../drivers", dir); /* normalized away */
    fixture_fill(f, msgs, src, "/elsewhere with space", 1);
    /* A trailing slash on the root does not matter. */
    char root_slash[160];
    snprintf(root_slash, sizeof root_slash, "%s/", root_dir);
    report_set_source_root(root_slash);
    report_run_info info = {.driver = "/build/drivers/zoo_timer_leak.so"};
    cJSON *root = render(f, FIXTURE_COUNT, &info);

    char expect[200];
    snprintf(expect, sizeof expect, "file://%s/repo/", dir);
    assert_string_equal(str(get(get(run0(root), "originalUriBaseIds"), "SRCROOT"), "uri"), expect);

    /* Under the root: relative, percent-encoded, with the base id. */
    const cJSON *art = get(phys(result(root, 0)), "artifactLocation");
    assert_string_equal(str(art, "uri"), "drivers/zoo/timer%20leak.c");
    assert_string_equal(str(art, "uriBaseId"), "SRCROOT");
    /* Outside: an absolute file URI, no base id. */
    art = get(phys(result(root, 2)), "artifactLocation");
    assert_string_equal(str(art, "uri"), "file:///elsewhere%20with%20space/other/driver.c");
    assert_null(cJSON_GetObjectItemCaseSensitive(art, "uriBaseId"));
    /* No source file: the module, at its start, with the offset in the properties. */
    const cJSON *tx = result(root, 3);
    assert_string_equal(str(get(phys(tx), "artifactLocation"), "uri"), "file:///build/drivers/stripped%20driver.so");
    assert_int_equal((int)cJSON_GetNumberValue(get(get(phys(tx), "region"), "byteOffset")), 0);
    assert_int_equal((int)cJSON_GetNumberValue(get(get(tx, "properties"), "offset")), 0x4001);
    /* No site at all: the driver given on the command line. */
    assert_string_equal(str(get(phys(result(root, 4)), "artifactLocation"), "uri"),
                        "file:///build/drivers/zoo_timer_leak.so");
    cJSON_Delete(root);

    /* Without a driver either, a finding has no location rather than an invented one. */
    report_run_info bare = {0};
    root = render(&f[4], 1, &bare);
    assert_null(cJSON_GetObjectItemCaseSensitive(result(root, 0), "locations"));
    cJSON_Delete(root);

    /* Default root: the working directory. */
    report_set_source_root(NULL);
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(mkdir(root_dir, 0755), 0);
    assert_int_equal(chdir(root_dir), 0);
    root = render(f, 1, &info);
    assert_string_equal(str(get(phys(result(root, 0)), "artifactLocation"), "uri"), "drivers/zoo/timer%20leak.c");
    cJSON_Delete(root);
    assert_int_equal(chdir(cwd), 0);
}

static void normalized_messages(void **state)
{
    (void)state;
    static const struct
    {
        const char *in, *out;
    } cases[] = {
        {"timer 0x7ffd1040 leaked", "timer # leaked"},
        {"lock at 0X55AA0008, 12 items", "lock at #, # items"},
        {"adapter0 and IPv4 keep their words", "adapter# and IPv# keep their words"},
        {"deadbeef12 is hex, deadbeef is a word", "# is hex, deadbeef is a word"},
        {"  spaces\t\n collapse  ", "spaces collapse"},
        {"NDIS_STATUS_PENDING (0x00000103)", "NDIS_STATUS_PENDING (#)"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        char *got = report_sarif_normalize_message(cases[i].in);
        assert_non_null(got);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
    assert_null(report_sarif_normalize_message(NULL));
}

/* Two runs whose messages carry different addresses and whose modules load at different offsets
 * produce the same fingerprints; what identifies a finding changes them. */
static void fingerprints_stable_across_runs(void **state)
{
    (void)state;
    vf_finding a[FIXTURE_COUNT], b[FIXTURE_COUNT];
    char ma[FIXTURE_COUNT][256], mb[FIXTURE_COUNT][256];
    fixture_fill(a, ma, "/home/me/src", "/elsewhere", 1);
    fixture_fill(b, mb, "/ci/builds/xyz/src", "/other", 77); /* other checkout, other addresses */
    assert_string_not_equal(ma[0], mb[0]);
    assert_string_not_equal(ma[2], mb[2]);
    report_run_info info = {.driver = "/x/vnic.so"};
    cJSON *ra = render(a, FIXTURE_COUNT, &info);
    cJSON *rb = render(b, FIXTURE_COUNT, &info);
    for (int i = 0; i < FIXTURE_COUNT; i++)
    {
        const char *fa = fingerprint(result(ra, i)), *fb = fingerprint(result(rb, i));
        assert_string_equal(fa, fb);
        /* 16 hex digits, ':' and the occurrence. */
        assert_true(strlen(fa) >= 18);
        assert_int_equal(strspn(fa, "0123456789abcdef"), 16);
        assert_int_equal(fa[16], ':');
    }
    /* Same rule, file, function and normalized message: one hash, told apart by occurrence. */
    const char *first = fingerprint(result(ra, 0)), *second = fingerprint(result(ra, 6));
    assert_int_equal(strncmp(first, second, 16), 0);
    assert_string_equal(first + 16, ":1");
    assert_string_equal(second + 16, ":2");
    /* Distinct findings, distinct hashes. */
    for (int i = 0; i < FIXTURE_COUNT; i++)
        for (int j = i + 1; j < FIXTURE_COUNT; j++)
            if (!(i == 0 && j == 6))
                assert_int_not_equal(strncmp(fingerprint(result(ra, i)), fingerprint(result(ra, j)), 16), 0);
    cJSON_Delete(ra);
    cJSON_Delete(rb);

    /* The line does not enter the hash; rule, file name, function and message words do. */
    char h0[32], h1[32];
    vf_finding g = a[0];
    report_sarif_fingerprint(&g, h0, sizeof h0);
    g.site.line = 500;
    report_sarif_fingerprint(&g, h1, sizeof h1);
    assert_string_equal(h0, h1);
    const char *changes[] = {"rule", "file", "function", "message"};
    for (size_t k = 0; k < 4; k++)
    {
        g = a[0];
        if (k == 0)
            g.rule = "HA-05";
        else if (k == 1)
            g.site.file = "/home/me/src/zoo/other.c";
        else if (k == 2)
            g.site.function = "ZooRestart";
        else
            g.message = "pool memory still allocated";
        report_sarif_fingerprint(&g, h1, sizeof h1);
        if (strcmp(h0, h1) == 0)
            fail_msg("changing the %s did not change the fingerprint", changes[k]);
    }
}

static void result_limit(void **state)
{
    (void)state;
    size_t n = REPORT_SARIF_MAX_RESULTS + 2;
    vf_finding *f = calloc(n, sizeof *f);
    const vf_finding **list = calloc(n, sizeof *list);
    assert_non_null(f);
    assert_non_null(list);
    for (size_t i = 0; i < n; i++)
    {
        f[i] = (vf_finding){.rule = "HA-05", .message = "m", .count = 1, .callback = "MiniportHaltEx"};
        list[i] = &f[i];
    }
    char *text = report_sarif_render(NULL, list, n);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(get(run0(root), "results")), REPORT_SARIF_MAX_RESULTS);
    const cJSON *inv = cJSON_GetArrayItem(get(run0(root), "invocations"), 0);
    assert_int_equal((int)cJSON_GetNumberValue(get(get(inv, "properties"), "omittedResults")), 2);
    const cJSON *note = cJSON_GetArrayItem(get(inv, "toolExecutionNotifications"), 0);
    assert_non_null(strstr(str(get(note, "message"), "text"), "2 findings were left out"));
    cJSON_Delete(root);
    free(list);
    free(f);
}

static __attribute__((noinline)) void fake_api(void)
{
    void *site = VF_SITE();
    vf_report("HA-05", NULL, VF_CB_NONE, site, "pool memory still allocated");
    __asm__ volatile("" ::: "memory");
}

static void write_all_from_store(void **state)
{
    (void)state;
    fake_api();
    report_set_source_root(NDISHOST_SOURCE_DIR);
    char path[128];
    snprintf(path, sizeof path, "%s/all.sarif", dir);
    assert_int_equal(report_sarif_write_all(path, NULL), 0);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    static char buf[1 << 18];
    size_t len = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    buf[len] = '\0';
    assert_true(len > 0 && buf[len - 1] == '\n');
    cJSON *root = cJSON_Parse(buf);
    assert_non_null(root);
    const cJSON *res = result(root, 0);
    assert_string_equal(str(res, "ruleId"), "HA-05");
    /* The real site: this file, relative to the source root. */
    assert_string_equal(str(get(phys(res), "artifactLocation"), "uri"), "tests/reports/test_report_sarif.c");
    assert_true(cJSON_GetNumberValue(get(get(phys(res), "region"), "startLine")) > 0);
    cJSON_Delete(root);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    snprintf(path, sizeof path, "%s/missing/x.sarif", dir);
    assert_int_equal(report_sarif_write_all(path, NULL), -1);
    assert_int_equal(errno, ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(log_shape_and_rule_table, setup, teardown),
        cmocka_unit_test_setup_teardown(result_content, setup, teardown),
        cmocka_unit_test_setup_teardown(locations_and_uris, setup, teardown),
        cmocka_unit_test(normalized_messages),
        cmocka_unit_test(fingerprints_stable_across_runs),
        cmocka_unit_test(result_limit),
        cmocka_unit_test_setup_teardown(write_all_from_store, setup, teardown),
    };
    return cmocka_run_group_tests_name("report_sarif", tests, NULL, NULL);
}

/* JSON run record: written atomically, parsed back, every documented field checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/report.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    vf_findings_clear();
    snprintf(dir, sizeof dir, "/tmp/ndishost-report-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (d)
    {
        struct dirent *e;
        while ((e = readdir(d)))
        {
            if (e->d_name[0] == '.')
                continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
    vf_findings_clear();
    return 0;
}

static cJSON *load(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *root = cJSON_Parse(buf);
    assert_non_null(root);
    return root;
}

static const cJSON *get(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v)
        fail_msg("missing member \"%s\"", name);
    return v;
}

static __attribute__((noinline)) void fake_api(void)
{
    void *site = VF_SITE();
    vf_report("HA-04", NULL, VF_CB_NONE, site, "timer object allocated in MiniportInitializeEx still allocated");
    __asm__ volatile("" ::: "memory");
}

static size_t entries_in_dir(void)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void test_two_findings_round_trip(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    vf_frame fr;
    vf_enter(&fr, VF_CB_HALT, o);
    const int line = __LINE__ + 1;
    fake_api();
    __asm__ volatile("" ::: "memory");
    vf_leave(&fr);
    for (int i = 0; i < 3; i++)
        vf_report("IQ-02", o, VF_CB_DPC, NULL, "NdisStallExecution(%d)", 100);
    vf_owner_destroy(o);
    assert_int_equal(vf_findings_count(), 2);

    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "seed", 42);
    cJSON_AddNumberToObject(extra, "cycles", 9); /* replaces the figure */
    report_run_info info = {.driver = "build/drivers/vnic.so",
                            .command = "run",
                            .tool_version = "9.8.7",
                            .adapters = 2,
                            .cycles = 5,
                            .packets = 1000,
                            .duration_ms = 31,
                            .extra = extra};
    char path[512];
    snprintf(path, sizeof path, "%s/report.json", dir);
    assert_int_equal(report_json_write_all(path, &info), 0);
    cJSON_Delete(extra);
    assert_int_equal(entries_in_dir(), 1); /* no temporary file left behind */

    cJSON *root = load(path);
    assert_string_equal(get(root, "schema")->valuestring, "ndishost-report");
    assert_int_equal(get(root, "schema_version")->valueint, 1);
    const cJSON *tool = get(root, "tool");
    assert_string_equal(get(tool, "name")->valuestring, "ndishost");
    assert_string_equal(get(tool, "version")->valuestring, "9.8.7");
    assert_string_equal(get(root, "driver")->valuestring, "build/drivers/vnic.so");
    assert_string_equal(get(root, "command")->valuestring, "run");
    assert_string_equal(get(root, "verdict")->valuestring, "findings");
    const cJSON *counts = get(root, "counts");
    assert_int_equal(get(counts, "error")->valueint, 1);
    assert_int_equal(get(counts, "warning")->valueint, 1);

    const cJSON *list = get(root, "findings");
    assert_true(cJSON_IsArray(list));
    assert_int_equal(cJSON_GetArraySize(list), 2);
    const cJSON *f0 = cJSON_GetArrayItem(list, 0);
    assert_string_equal(get(f0, "rule")->valuestring, "HA-04");
    assert_string_equal(get(f0, "severity")->valuestring, "error");
    assert_string_equal(get(f0, "title")->valuestring, vf_rule_find("HA-04")->title);
    assert_string_equal(get(f0, "doc")->valuestring, vf_rule_find("HA-04")->doc);
    assert_string_equal(get(f0, "callback")->valuestring, "MiniportHaltEx");
    assert_string_equal(get(f0, "owner")->valuestring, "adapter 0");
    assert_non_null(strstr(get(f0, "message")->valuestring, "timer object"));
    assert_int_equal(get(f0, "count")->valueint, 1);
    assert_false(cJSON_IsTrue(get(f0, "leak")));
    const cJSON *site = get(f0, "site");
    const char *file = get(site, "file")->valuestring;
    assert_non_null(file);
    assert_non_null(strstr(file, "test_report_json.c"));
    assert_int_equal(get(site, "line")->valueint, line);
    assert_string_equal(get(site, "function")->valuestring, "test_two_findings_round_trip");
    assert_non_null(strstr(get(site, "module")->valuestring, "test_report_json"));
    assert_true(get(site, "offset")->valuedouble > 0);

    const cJSON *f1 = cJSON_GetArrayItem(list, 1);
    assert_string_equal(get(f1, "rule")->valuestring, "IQ-02");
    assert_string_equal(get(f1, "severity")->valuestring, "warning");
    assert_string_equal(get(f1, "callback")->valuestring, "DPC routine");
    assert_string_equal(get(f1, "message")->valuestring, "NdisStallExecution(100)");
    assert_int_equal(get(f1, "count")->valueint, 3);
    const cJSON *site1 = get(f1, "site");
    assert_true(cJSON_IsNull(get(site1, "file")));
    assert_true(cJSON_IsNull(get(site1, "line")));
    assert_true(cJSON_IsNull(get(site1, "module")));
    assert_true(get(f0, "seq")->valuedouble < get(f1, "seq")->valuedouble);

    const cJSON *summary = get(root, "summary");
    assert_int_equal(get(summary, "adapters")->valueint, 2);
    assert_int_equal(get(summary, "cycles")->valueint, 9);
    assert_int_equal(get(summary, "packets")->valueint, 1000);
    assert_int_equal(get(summary, "duration_ms")->valueint, 31);
    assert_int_equal(get(summary, "seed")->valueint, 42);
    cJSON_Delete(root);
}

static void test_clean_and_defaults(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/clean.json", dir);
    assert_int_equal(report_json_write(path, NULL, NULL, 0), 0);
    cJSON *root = load(path);
    assert_string_equal(get(root, "verdict")->valuestring, "clean");
    assert_true(cJSON_IsNull(get(root, "driver")));
    assert_string_equal(get(root, "command")->valuestring, "run");
    assert_true(cJSON_IsString(get(get(root, "tool"), "version")));
    assert_int_equal(cJSON_GetArraySize(get(root, "findings")), 0);
    assert_int_equal(get(get(root, "counts"), "error")->valueint, 0);
    cJSON_Delete(root);
}

static void test_warning_only_is_not_clean(void **state)
{
    (void)state;
    vf_report("LC-16", NULL, VF_CB_NONE, NULL, "w");
    char *text = report_json_render(NULL, (const vf_finding *const[]){vf_findings_get(0)}, 1);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_string_equal(get(root, "verdict")->valuestring, "findings");
    cJSON_Delete(root);
}

static void test_overwrite_and_error(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/r.json", dir);
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    assert_int_equal(report_json_write(path, NULL, NULL, 0), 0);
    cJSON *root = load(path);
    cJSON_Delete(root);
    assert_int_equal(entries_in_dir(), 1);

    snprintf(path, sizeof path, "%s/no/such/dir/r.json", dir);
    errno = 0;
    assert_int_equal(report_json_write(path, NULL, NULL, 0), -1);
    assert_int_equal(errno, ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_findings_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_and_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warning_only_is_not_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overwrite_and_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The isolation layer through its API: a job's result crosses the process boundary; a crash, a
 * hang and a child that vanishes become HOST-01 findings; the parent's parsing of what a child sent
 * is defensive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "host/isolate.h"

static cJSON *job_ok(void *arg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "answer", *(int *)arg);
    cJSON_AddNumberToObject(o, "pid", getpid());
    return o;
}

static cJSON *job_segv(void *arg)
{
    volatile int *volatile p = NULL;
    *p = 1;
    return NULL;
}

static cJSON *job_abort(void *arg)
{
    abort();
}

static cJSON *job_hang(void *arg)
{
    while (arg == NULL)
        pause();
    return NULL;
}

static cJSON *job_exit(void *arg)
{
    _exit(3);
}

static cJSON *dump_marker(void *arg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "partial", "yes");
    return o;
}

static void result_crosses_the_boundary(void **state)
{
    int answer = 42;
    isolate_job job = {job_ok, NULL, &answer};
    isolate_options o = {.timeout_ms = 20000};
    isolate_result r;
    assert_int_equal(isolate_run(&o, &job, &r), 0);
    assert_int_equal(r.outcome, ISOLATE_DONE);
    assert_null(r.host);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(r.result, "answer");
    assert_true(cJSON_IsNumber(a));
    assert_int_equal(a->valueint, 42);
    /* It really ran in another process. */
    assert_int_not_equal(cJSON_GetObjectItemCaseSensitive(r.result, "pid")->valueint, getpid());
    isolate_result_free(&r);
}

static void crash_becomes_finding(void **state)
{
    isolate_job job = {job_segv, dump_marker, NULL};
    isolate_options o = {.timeout_ms = 20000};
    isolate_result r;
    assert_int_equal(isolate_run(&o, &job, &r), 0);
    assert_int_equal(r.outcome, ISOLATE_CRASHED);
    assert_int_equal(r.signal, SIGSEGV);
    assert_non_null(r.host);
    assert_string_equal(r.host->rule, VF_RULE_HOST_ERROR);
    assert_non_null(strstr(r.host->message, "SIGSEGV at 0x0"));
    assert_non_null(strstr(r.host->message, "backtrace"));
    /* The reporter thread sent the partial result before the child went. */
    assert_non_null(cJSON_GetObjectItemCaseSensitive(r.result, "partial"));
    isolate_result_free(&r);

    job.run = job_abort;
    assert_int_equal(isolate_run(&o, &job, &r), 0);
    assert_int_equal(r.outcome, ISOLATE_CRASHED);
    assert_int_equal(r.signal, SIGABRT);
    assert_non_null(strstr(r.host->message, "SIGABRT"));
    isolate_result_free(&r);
}

static void hang_becomes_finding(void **state)
{
    isolate_job job = {job_hang, dump_marker, NULL};
    isolate_options o = {.timeout_ms = 200};
    isolate_result r;
    assert_int_equal(isolate_run(&o, &job, &r), 0);
    assert_int_equal(r.outcome, ISOLATE_HUNG);
    assert_non_null(r.host);
    assert_non_null(strstr(r.host->message, "did not finish within 200 ms"));
    assert_non_null(strstr(r.host->message, "hung in host code"));
    assert_non_null(cJSON_GetObjectItemCaseSensitive(r.result, "partial"));
    isolate_result_free(&r);
}

static void vanished_child_becomes_finding(void **state)
{
    isolate_job job = {job_exit, NULL, NULL};
    isolate_options o = {.timeout_ms = 20000};
    isolate_result r;
    assert_int_equal(isolate_run(&o, &job, &r), 0);
    assert_int_equal(r.outcome, ISOLATE_LOST);
    assert_non_null(r.host);
    assert_non_null(strstr(r.host->message, "exit status 3"));
    isolate_result_free(&r);
}

static void findings_parse_defensively(void **state)
{
    const char *text = "[1, \"x\", {\"severity\": \"error\"},"
                       " {\"rule\": \"HA-05\", \"severity\": 7, \"message\": [1], \"count\": -4,"
                       "  \"site\": {\"file\": 3, \"line\": \"ten\", \"offset\": -1}},"
                       " {\"rule\": \"IN-04\", \"severity\": \"warning\", \"message\": \"m\", \"count\": 2,"
                       "  \"callback\": \"MiniportInitializeEx\", \"site\": {\"file\": \"/a/b.c\", \"line\": 12}}]";
    cJSON *arr = cJSON_Parse(text);
    assert_non_null(arr);
    isolate_findings l = {0};
    assert_int_equal(isolate_findings_add_json(&l, arr, "[p] "), 2);
    assert_string_equal(l.items[0].rule, "HA-05");
    assert_int_equal(l.items[0].severity, VF_SEV_ERROR);
    assert_string_equal(l.items[0].message, "[p] ");
    assert_int_equal(l.items[0].count, 1);
    assert_null(l.items[0].site.file);
    assert_int_equal(l.items[0].site.line, 0);
    assert_string_equal(l.items[1].rule, "IN-04");
    assert_int_equal(l.items[1].severity, VF_SEV_WARNING);
    assert_string_equal(l.items[1].message, "[p] m");
    assert_string_equal(l.items[1].site.file, "/a/b.c");
    assert_int_equal(l.items[1].site.line, 12);
    assert_int_equal(isolate_findings_add_json(&l, NULL, NULL), 0);
    cJSON *obj = cJSON_CreateObject();
    assert_int_equal(isolate_findings_add_json(&l, obj, NULL), 0);
    cJSON_Delete(obj);
    isolate_findings_free(&l);
    cJSON_Delete(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(result_crosses_the_boundary), cmocka_unit_test(crash_becomes_finding),
        cmocka_unit_test(hang_becomes_finding),        cmocka_unit_test(vanished_child_becomes_finding),
        cmocka_unit_test(findings_parse_defensively),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

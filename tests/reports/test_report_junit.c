/* JUnit XML writer: document shape (<testsuites> root), counts, escaping of every string, text
 * cleaning, the per-rule layout of a run, default classnames, atomic writes. Schema validation by
 * a real validator is test_report_validate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/report.h"
#include "report_fixtures.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    vf_findings_clear();
    snprintf(dir, sizeof dir, "/tmp/ndishost-junit-XXXXXX");
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
            if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
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

static size_t occurrences(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The document is valid UTF-8 and holds no character XML 1.0 forbids. */
static void assert_xml_chars(const char *doc)
{
    const unsigned char *p = (const unsigned char *)doc;
    while (*p)
    {
        if (*p < 0x20)
        {
            if (*p != '\t' && *p != '\n' && *p != '\r')
                fail_msg("control character 0x%02x at offset %td", *p, (const char *)p - doc);
            p++;
            continue;
        }
        if (*p < 0x80)
        {
            p++;
            continue;
        }
        size_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 ? 2 : 0;
        if (!len || *p > 0xF4)
            fail_msg("invalid UTF-8 lead byte 0x%02x at offset %td", *p, (const char *)p - doc);
        for (size_t i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                fail_msg("invalid UTF-8 continuation at offset %td", (const char *)p - doc);
        if (len == 3 && p[0] == 0xED && p[1] >= 0xA0)
            fail_msg("surrogate at offset %td", (const char *)p - doc);
        p += len;
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 18];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* The value of attribute `name` on the first element `elem` (static buffer). */
static const char *attr(const char *doc, const char *elem, const char *name)
{
    static char value[256];
    char open[64], key[64];
    snprintf(open, sizeof open, "<%s ", elem);
    snprintf(key, sizeof key, " %s=\"", name);
    const char *e = strstr(doc, open);
    assert_non_null(e);
    const char *end = strchr(e, '>');
    const char *a = strstr(e, key);
    if (!a || a > end)
        fail_msg("<%s> has no attribute %s", elem, name);
    a += strlen(key);
    size_t n = strcspn(a, "\"");
    assert_true(n < sizeof value);
    memcpy(value, a, n);
    value[n] = '\0';
    return value;
}

static void clean_text_cases(void **state)
{
    (void)state;
    static const struct
    {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"a\x01"
         "b",
         "a\\x01b"},
        {"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
        {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}, /* é € 😀 kept */
        {"lone\x80", "lone\\x80"},
        {"trunc\xe2\x82", "trunc\\xE2\\x82"},
        {"over\xc0\xaf", "over\\xC0\\xAF"},                 /* overlong '/' */
        {"over3\xe0\x80\xaf", "over3\\xE0\\x80\\xAF"},      /* overlong 3-byte */
        {"sur\xed\xa0\x80", "sur\\xED\\xA0\\x80"},          /* UTF-16 surrogate */
        {"nonchar\xef\xbf\xbe", "nonchar\\xEF\\xBF\\xBE"},  /* U+FFFE */
        {"big\xf4\x90\x80\x80", "big\\xF4\\x90\\x80\\x80"}, /* above U+10FFFF */
        {"\xff", "\\xFF"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        char *got = report_clean_text(cases[i].in);
        assert_non_null(got);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
    assert_null(report_clean_text(NULL));
}

static void root_counts_and_times(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    fixture_fill(f, msgs, "/src", "/elsewhere", 1);
    const vf_finding *two[] = {&f[0], &f[2]};
    const vf_finding *one[] = {&f[4]};
    report_testcase cases[] = {
        {.name = "pass", .duration_ms = 1500},
        {.name = "fail", .duration_ms = 2, .findings = two, .nfindings = 2},
        {.name = "error", .error = "child did not start", .findings = one, .nfindings = 1},
        {.name = "skip", .skipped = "not reached"},
        {.name = "skip but failed", .skipped = "ignored", .findings = one, .nfindings = 1},
        {.name = "pass with output", .output = "outcome: clean failure"},
    };
    report_run_info info = {.command = "sweep", .driver = "/x/vnic.so"};
    char *doc = report_junit_render(&info, cases, 6);
    assert_non_null(doc);
    assert_xml_chars(doc);
    assert_int_equal(strncmp(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 51), 0);
    assert_int_equal(occurrences(doc, "<testsuites"), 1);
    assert_int_equal(occurrences(doc, "<testsuite "), 1);
    assert_int_equal(occurrences(doc, "<testcase "), 6);
    assert_string_equal(attr(doc, "testsuites", "tests"), "6");
    assert_string_equal(attr(doc, "testsuites", "failures"), "2");
    assert_string_equal(attr(doc, "testsuites", "errors"), "1");
    assert_string_equal(attr(doc, "testsuite", "name"), "ndishost.sweep");
    assert_string_equal(attr(doc, "testsuite", "tests"), "6");
    assert_string_equal(attr(doc, "testsuite", "failures"), "2");
    assert_string_equal(attr(doc, "testsuite", "errors"), "1");
    assert_string_equal(attr(doc, "testsuite", "skipped"), "1");
    /* No run duration given: the suite's time is the sum of its cases'. */
    assert_string_equal(attr(doc, "testsuite", "time"), "1.502");
    assert_int_equal(strlen(attr(doc, "testsuite", "timestamp")), 19);
    assert_string_equal(attr(doc, "testcase", "time"), "1.500");
    assert_string_equal(attr(doc, "testcase", "classname"), "ndishost.sweep.vnic");
    /* One <failure> per failing case, typed by the first finding's rule, listing all findings. */
    assert_int_equal(occurrences(doc, "<failure "), 2);
    assert_non_null(strstr(doc, "type=\"HA-04\""));
    assert_non_null(strstr(doc, "(+1 more)"));
    assert_non_null(strstr(doc, "HA-10 warning  MiniportHaltEx  driver.c:9 (OtherHalt)"));
    assert_int_equal(occurrences(doc, "<error "), 1);
    assert_non_null(strstr(doc, "<error message=\"child did not start\" type=\"ndishost.error\">HOST-01"));
    assert_int_equal(occurrences(doc, "<skipped>not reached</skipped>"), 1);
    assert_int_equal(occurrences(doc, "<system-out>outcome: clean failure</system-out>"), 1);
    free(doc);

    /* The run's duration wins over the sum. */
    info.duration_ms = 61001;
    doc = report_junit_render(&info, cases, 1);
    assert_string_equal(attr(doc, "testsuite", "time"), "61.001");
    assert_string_equal(attr(doc, "testsuites", "time"), "61.001");
    free(doc);
}

static void every_string_escaped(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    fixture_fill(f, msgs, "/src", "/elsewhere", 1);
    const vf_finding *nasty[] = {&f[1]};
    report_testcase cases[] = {
        {.name = fixture_nasty, .classname = fixture_nasty, .findings = nasty, .nfindings = 1, .output = fixture_nasty},
        {.name = "e", .error = fixture_nasty},
        {.name = "s", .skipped = fixture_nasty},
    };
    report_run_info info = {.driver = fixture_nasty, .command = "run", .tool_version = "1<2>&\"'"};
    char *doc = report_junit_render(&info, cases, 3);
    assert_non_null(doc);
    assert_xml_chars(doc);
    assert_null(strstr(doc, "]]>"));
    assert_null(strstr(doc, "<tag"));
    assert_null(strstr(doc, "\r")); /* carriage returns only as &#13; */
    /* In attributes: quotes, apostrophes, tabs and newlines as references. */
    assert_non_null(strstr(doc, "name=\"bad &lt;tag attr=&quot;x&quot;&gt; &amp; &apos;q&apos; ]]&gt; "
                                "tab&#9;here&#10;line2&#13;cr \\x01\\x1B"));
    assert_non_null(strstr(doc, "value=\"1&lt;2&gt;&amp;&quot;&apos;\""));
    /* In content: markup escaped, the rest kept as text. */
    assert_non_null(strstr(doc, "<system-out>bad &lt;tag attr=\"x\"&gt; &amp; 'q' ]]&gt; tab\there\nline2&#13;cr"));
    assert_non_null(strstr(doc, "ok:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
    assert_non_null(strstr(doc, "lone\\x80 trunc\\xE2\\x82 over\\xC0\\xAF sur\\xED\\xA0\\x80"));
    /* Every element that was opened is closed: tags balance. */
    assert_int_equal(occurrences(doc, "<testcase "), occurrences(doc, "</testcase>"));
    assert_int_equal(occurrences(doc, "<failure "), occurrences(doc, "</failure>"));
    free(doc);
}

static void classnames(void **state)
{
    (void)state;
    char buf[128];
    assert_string_equal(report_junit_classname(NULL, buf, sizeof buf), "ndishost.run");
    report_run_info info = {.driver = "/a/b/zoo-timer.leak.so"};
    assert_string_equal(report_junit_classname(&info, buf, sizeof buf), "ndishost.run.zoo_timer_leak");
    info.command = "sweep";
    info.driver = "vnic";
    assert_string_equal(report_junit_classname(&info, buf, sizeof buf), "ndishost.sweep.vnic");
    info.driver = ".hidden";
    assert_string_equal(report_junit_classname(&info, buf, sizeof buf), "ndishost.sweep._hidden");
    char small[8];
    assert_string_equal(report_junit_classname(&info, small, sizeof small), "ndishos");
}

/* The run layout: one case per rule in table order, unchecked rules skipped, failing rules carry
 * their findings, unknown ids at the end. */
static void rule_layout(void **state)
{
    (void)state;
    vf_finding f[FIXTURE_COUNT];
    char msgs[FIXTURE_COUNT][256];
    fixture_fill(f, msgs, "/src", "/elsewhere", 1);
    const vf_finding *list[FIXTURE_COUNT + 1];
    for (size_t i = 0; i < FIXTURE_COUNT; i++)
        list[i] = &f[i];
    list[FIXTURE_COUNT] = NULL; /* NULL entries are ignored */
    char path[128];
    snprintf(path, sizeof path, "%s/run.xml", dir);
    report_run_info info = {.driver = "vnic.so"};
    assert_int_equal(report_junit_write_findings(path, &info, list, FIXTURE_COUNT + 1), 0);
    char *doc = slurp(path);
    assert_xml_chars(doc);

    size_t nrules = vf_rule_count(), unchecked = 0, failing_unchecked = 0;
    for (size_t i = 0; i < nrules; i++)
        if (!vf_rule_at(i)->checked)
        {
            unchecked++;
            for (size_t j = 0; j < FIXTURE_COUNT; j++)
                if (!strcmp(f[j].rule, vf_rule_at(i)->id))
                {
                    failing_unchecked++;
                    break;
                }
        }
    char num[32];
    snprintf(num, sizeof num, "%zu", nrules + 1); /* + ZZ-99 */
    assert_string_equal(attr(doc, "testsuite", "tests"), num);
    assert_int_equal(occurrences(doc, "<testcase "), nrules + 1);
    /* HA-04 (two findings), IQ-01, HA-10, TX-01, HOST-01, ZZ-99 */
    assert_string_equal(attr(doc, "testsuite", "failures"), "6");
    snprintf(num, sizeof num, "%zu", unchecked - failing_unchecked);
    assert_string_equal(attr(doc, "testsuite", "skipped"), num);
    /* Table order, unknown id last. */
    const char *prev = doc;
    for (size_t i = 0; i < nrules; i++)
    {
        char needle[64];
        snprintf(needle, sizeof needle, "<testcase name=\"%s\"", vf_rule_at(i)->id);
        const char *at = strstr(doc, needle);
        assert_non_null(at);
        assert_true(at > prev);
        prev = at;
    }
    const char *zz = strstr(doc, "<testcase name=\"ZZ-99\"");
    assert_non_null(zz);
    assert_true(zz > prev);
    const char *ha04 = strstr(doc, "<testcase name=\"HA-04\"");
    assert_non_null(strstr(ha04, "<failure message=\"HA-04: timer object 0x7ffd1040"));
    assert_true(strstr(ha04, "timer leak.c:91") < strstr(ha04, "</testcase>"));
    free(doc);

    /* No findings: nothing fails, the same cases exist. */
    assert_int_equal(report_junit_write_findings(path, &info, NULL, 0), 0);
    doc = slurp(path);
    assert_string_equal(attr(doc, "testsuite", "failures"), "0");
    assert_int_equal(occurrences(doc, "<testcase "), nrules);
    free(doc);
}

static __attribute__((noinline)) void fake_api(void)
{
    void *site = VF_SITE();
    vf_report("HA-05", NULL, VF_CB_NONE, site, "pool memory still allocated");
    __asm__ volatile("" ::: "memory");
}

static void write_all_from_store_atomically(void **state)
{
    (void)state;
    fake_api();
    char path[128];
    snprintf(path, sizeof path, "%s/all.xml", dir);
    assert_int_equal(report_junit_write_all(path, NULL), 0);
    char *doc = slurp(path);
    const char *ha05 = strstr(doc, "<testcase name=\"HA-05\"");
    assert_non_null(ha05);
    assert_non_null(strstr(ha05, "test_report_junit.c:"));
    assert_string_equal(attr(doc, "testsuite", "failures"), "1");
    free(doc);
    /* Only the report is left: the temporary file was renamed over it. */
    size_t entries = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        entries += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 1);

    snprintf(path, sizeof path, "%s/no/such/dir/x.xml", dir);
    errno = 0;
    assert_int_equal(report_junit_write_all(path, NULL), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(report_junit_write(NULL, NULL, NULL, 0), -1);
    assert_int_equal(errno, EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_text_cases),
        cmocka_unit_test(root_counts_and_times),
        cmocka_unit_test(every_string_escaped),
        cmocka_unit_test(classnames),
        cmocka_unit_test_setup_teardown(rule_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(write_all_from_store_atomically, setup, teardown),
    };
    return cmocka_run_group_tests_name("report_junit", tests, NULL, NULL);
}

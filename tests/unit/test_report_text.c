/* Human-readable finding lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/report.h"

static char *render(const vf_finding *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    report_text_finding(out, f);
    fclose(out);
    return buf;
}

static void test_line_format(void **state)
{
    (void)state;
    vf_finding f = {
        .rule = "HA-04",
        .severity = VF_SEV_ERROR,
        .callback = "MiniportInitializeEx",
        .owner = "adapter 0",
        .message = "timer object still allocated when MiniportHaltEx returned",
        .site = {.file = "/src/drivers/vnic/vnic.c",
                 .line = 123,
                 .function = "VnicInitialize",
                 .module = "/b/vnic.so",
                 .offset = 0x1234},
        .count = 1,
    };
    char *s = render(&f);
    assert_string_equal(s, "HA-04 error  MiniportInitializeEx  vnic.c:123 (VnicInitialize)  adapter 0: timer object "
                           "still allocated when MiniportHaltEx returned\n");
    free(s);

    f.count = 12;
    f.severity = VF_SEV_WARNING;
    s = render(&f);
    assert_non_null(strstr(s, "HA-04 warning  "));
    assert_non_null(strstr(s, "returned [x 12]\n"));
    free(s);
}

static void test_unknown_site(void **state)
{
    (void)state;
    vf_finding f = {.rule = "IQ-01", .severity = VF_SEV_ERROR, .callback = "host", .message = "m", .count = 1};
    char *s = render(&f);
    assert_string_equal(s, "IQ-01 error  host  ?  host: m\n");
    free(s);
    f.site.module = "/x/zoo_leak.so";
    f.site.offset = 0x42;
    f.owner = "driver";
    s = render(&f);
    assert_string_equal(s, "IQ-01 error  host  zoo_leak.so+0x42  driver: m\n");
    free(s);
}

static void test_all_and_verdict(void **state)
{
    (void)state;
    vf_findings_clear();
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    report_text_all(out);
    fclose(out);
    assert_string_equal(buf, "clean: no findings\n");
    free(buf);

    vf_report("HA-05", NULL, VF_CB_HALT, NULL, "a");
    vf_report("IQ-02", NULL, VF_CB_DPC, NULL, "b");
    vf_report("IQ-02", NULL, VF_CB_DPC, NULL, "c");
    out = open_memstream(&buf, &len);
    report_text_all(out);
    fclose(out);
    assert_non_null(strstr(buf, "HA-05 error  MiniportHaltEx"));
    assert_non_null(strstr(buf, "IQ-02 warning  DPC routine"));
    assert_non_null(strstr(buf, "1 error, 2 warnings\n"));
    free(buf);
    vf_findings_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_format),
        cmocka_unit_test(test_unknown_site),
        cmocka_unit_test(test_all_and_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* End-to-end: the ndishost command line. Bad input exits 2 with exactly one line on stderr that
 * starts with "ndishost: "; --help and rules exit 0; `run` without a driver runs vnic cleanly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "e2e_run.h"

#define ZOO_DRIVER(name) E2E_DRIVER_DIR "/zoo_" name ".so"

/* Runs and asserts: exit 2, one stderr line "ndishost: ...", containing `needle` when not NULL. */
static void expect_usage_error(const char *const *args, const char *needle)
{
    e2e_result r;
    e2e_run_argv(args, &r);
    bool ok = r.status == 2 && e2e_count_lines(r.err) == 1 && !strncmp(r.err, "ndishost: ", 10) &&
              (!needle || strstr(r.err, needle));
    if (!ok)
    {
        e2e_dump(args[0], &r);
        fail_msg("expected exit 2 and one stderr line 'ndishost: ...%s...'", needle ? needle : "");
    }
    e2e_result_free(&r);
}

static void missing_file(void **state)
{
    const char *args[] = {"run", "/nonexistent/ndishost-e2e/driver.so", NULL};
    expect_usage_error(args, "/nonexistent/ndishost-e2e/driver.so");
}

static void not_an_elf(void **state)
{
    char path[300];
    e2e_scratch_path(path, sizeof path, "text.so");
    e2e_write_file(path, "this is a text file, not a driver\n");
    const char *args[] = {"run", path, NULL};
    expect_usage_error(args, "ELF");
}

static void elf_not_shared_object(void **state)
{
    const char *args[] = {"run", E2E_OBJECT_FIXTURE, NULL};
    expect_usage_error(args, "shared object");
}

static void no_driver_entry(void **state)
{
    const char *args[] = {"run", E2E_FIXTURE_DIR "/no_entry.so", NULL};
    expect_usage_error(args, "DriverEntry");
}

static void driver_entry_fails(void **state)
{
    const char *args[] = {"run", E2E_FIXTURE_DIR "/entry_fails.so", NULL};
    expect_usage_error(args, "DriverEntry");
}

static void characteristics_invalid(void **state)
{
    const char *args[] = {"run", ZOO_DRIVER("ul03_missing_handler"), NULL};
    expect_usage_error(args, "CancelSendHandler");
}

static void registry_line_without_equals(void **state)
{
    char path[300];
    e2e_scratch_path(path, sizeof path, "no_equals.ini");
    e2e_write_file(path, "[*]\nMaxSends = dword:4\nThisLineHasNoEquals\n");
    const char *args[] = {"run", "--registry", path, NULL};
    expect_usage_error(args, ":3");
}

static void registry_bad_dword(void **state)
{
    char path[300];
    e2e_scratch_path(path, sizeof path, "bad_dword.ini");
    e2e_write_file(path, "[*]\nMaxSends = dword:0x1ffffffff\n");
    const char *args[] = {"run", "--registry", path, NULL};
    expect_usage_error(args, ":2");
}

static void registry_missing_file(void **state)
{
    const char *args[] = {"run", "--registry", "/nonexistent/ndishost-e2e/registry.ini", NULL};
    expect_usage_error(args, "registry.ini");
}

static void unknown_option(void **state)
{
    const char *args[] = {"run", "--no-such-option", NULL};
    expect_usage_error(args, NULL);
}

static void unknown_command(void **state)
{
    const char *args[] = {"frobnicate", NULL};
    expect_usage_error(args, "frobnicate");
}

static void bad_adapters(void **state)
{
    const char *zero[] = {"run", "--adapters", "0", NULL};
    expect_usage_error(zero, "--adapters");
    const char *word[] = {"run", "--adapters", "many", NULL};
    expect_usage_error(word, "--adapters");
    const char *negative[] = {"run", "--adapters", "-3", NULL};
    expect_usage_error(negative, "--adapters");
}

static void missing_option_argument(void **state)
{
    const char *args[] = {"run", "--cycles", NULL};
    expect_usage_error(args, NULL);
}

static void unknown_halt_action(void **state)
{
    const char *args[] = {"run", "--halt-action", "exploded", NULL};
    expect_usage_error(args, "exploded");
}

static void bad_return_policy(void **state)
{
    const char *args[] = {"run", "--return-policy", "sometimes", NULL};
    expect_usage_error(args, "sometimes");
    const char *delay[] = {"run", "--return-policy", "delay:soon", NULL};
    expect_usage_error(delay, NULL);
}

static void extra_argument(void **state)
{
    const char *args[] = {"run", E2E_DRIVER_DIR "/vnic.so", "surplus", NULL};
    expect_usage_error(args, "surplus");
}

static void help_exits_0(void **state)
{
    const char *args[] = {"--help", NULL};
    e2e_result r;
    e2e_run_argv(args, &r);
    if (r.status != 0 || !strstr(r.out, "usage") || r.err[0])
    {
        e2e_dump("--help", &r);
        fail_msg("--help: expected exit 0, usage on stdout, nothing on stderr");
    }
    e2e_result_free(&r);
}

/* Every id in the rule catalog (docs/rules.md table rows "| XX-NN |") is listed by `rules`. */
static void rules_lists_every_id(void **state)
{
    const char *args[] = {"rules", NULL};
    e2e_result r;
    e2e_run_argv(args, &r);
    if (r.status != 0)
    {
        e2e_dump("rules", &r);
        fail_msg("rules: exit status %d", r.status);
    }
    char *doc = e2e_slurp(E2E_RULES_DOC);
    size_t ids = 0, missing = 0;
    for (char *p = doc; (p = strstr(p, "\n| ")); p += 3)
    {
        char id[16];
        size_t k = 0;
        const char *q = p + 3;
        while (k < sizeof id - 1 && ((q[k] >= 'A' && q[k] <= 'Z') || (q[k] >= '0' && q[k] <= '9') || q[k] == '-'))
        {
            id[k] = q[k];
            k++;
        }
        id[k] = '\0';
        if (k < 4 || q[k] != ' ' || !strchr(id, '-') || !strcmp(id, "id"))
            continue;
        ids++;
        /* A line of the listing starts with the id followed by blanks. */
        char needle[24];
        snprintf(needle, sizeof needle, "%s ", id);
        bool found = !strncmp(r.out, needle, strlen(needle));
        snprintf(needle, sizeof needle, "\n%s ", id);
        found = found || strstr(r.out, needle);
        if (!found)
        {
            fprintf(stderr, "rule %s (docs/rules.md) is not listed by 'ndishost rules'\n", id);
            missing++;
        }
    }
    free(doc);
    e2e_result_free(&r);
    assert_true(ids >= 50);
    assert_int_equal(missing, 0);
}

static void run_without_driver_runs_vnic(void **state)
{
    const char *args[] = {"run", "-q", NULL};
    e2e_result r;
    e2e_run_argv(args, &r);
    if (r.status != 0 || !strstr(r.out, "vnic") || !strstr(r.out, "clean"))
    {
        e2e_dump("run", &r);
        fail_msg("run without a driver: expected exit 0 and a clean vnic run");
    }
    e2e_result_free(&r);
}

int main(void)
{
    atexit(e2e_cleanup);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_file),
        cmocka_unit_test(not_an_elf),
        cmocka_unit_test(elf_not_shared_object),
        cmocka_unit_test(no_driver_entry),
        cmocka_unit_test(driver_entry_fails),
        cmocka_unit_test(characteristics_invalid),
        cmocka_unit_test(registry_line_without_equals),
        cmocka_unit_test(registry_bad_dword),
        cmocka_unit_test(registry_missing_file),
        cmocka_unit_test(unknown_option),
        cmocka_unit_test(unknown_command),
        cmocka_unit_test(bad_adapters),
        cmocka_unit_test(missing_option_argument),
        cmocka_unit_test(unknown_halt_action),
        cmocka_unit_test(bad_return_policy),
        cmocka_unit_test(extra_argument),
        cmocka_unit_test(help_exits_0),
        cmocka_unit_test(rules_lists_every_id),
        cmocka_unit_test(run_without_driver_runs_vnic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Symbolization with libdwfl: module, file, line, function; caching; return addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "verifier/verifier.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static __attribute__((noinline)) int target_function(int x)
{
    return x * 3 + 1;
}

static void test_function_address(void **state)
{
    (void)state;
    vf_site s;
    vf_symbolize((const void *)target_function, &s);
    assert_non_null(s.function);
    assert_string_equal(s.function, "target_function");
    assert_non_null(s.file);
    assert_true(ends_with(s.file, "test_verifier_symbolize.c"));
    assert_true(s.line > 0);
    assert_true(s.line < 30); /* declared near the top of this file */
    assert_non_null(s.module);
    assert_true(ends_with(s.module, "test_verifier_symbolize"));
    assert_true(target_function(1) == 4);
}

static void test_cached_answer_is_stable(void **state)
{
    (void)state;
    vf_site a, b;
    vf_symbolize((const void *)target_function, &a);
    vf_symbolize((const void *)target_function, &b);
    assert_ptr_equal(a.file, b.file); /* interned, lives until exit */
    assert_int_equal(a.line, b.line);
    assert_ptr_equal(a.function, b.function);
    assert_int_equal(a.offset, b.offset);
}

static void test_module_relative_offset(void **state)
{
    (void)state;
    vf_site s;
    vf_symbolize((const void *)target_function, &s);
    Dl_info info;
    assert_true(dladdr((void *)target_function, &info));
    /* For a PIE or shared object the load bias is its base address. */
    assert_int_equal(s.offset, (uintptr_t)target_function - (uintptr_t)info.dli_fbase);
}

static void test_library_function(void **state)
{
    (void)state;
    vf_site s;
    vf_symbolize((const void *)vf_rule_count, &s);
    assert_non_null(s.module);
    assert_non_null(s.function);
    assert_string_equal(s.function, "vf_rule_count");
}

static __attribute__((noinline)) void *return_address_here(void)
{
    void *r = __builtin_return_address(0);
    __asm__ volatile("" ::: "memory");
    return r;
}

static void test_return_address_gives_call_line(void **state)
{
    (void)state;
    const int line = __LINE__ + 1;
    void *ret = return_address_here();
    __asm__ volatile("" ::: "memory");
    vf_site s;
    vf_symbolize_return(ret, &s);
    assert_int_equal(s.line, line);
    assert_string_equal(s.function, "test_return_address_gives_call_line");
    Dl_info info;
    assert_true(dladdr(ret, &info));
    assert_int_equal(s.offset, (uintptr_t)ret - (uintptr_t)info.dli_fbase);
}

static void test_function_pointer_as_site(void **state)
{
    (void)state;
    /* Hosts pass a driver callback's address as the site of a finding about that callback. */
    vf_site direct, as_site;
    vf_symbolize((const void *)target_function, &direct);
    vf_symbolize_return((const void *)target_function, &as_site);
    assert_string_equal(as_site.function, "target_function");
    assert_int_equal(as_site.line, direct.line);
    assert_int_equal(as_site.offset, direct.offset);
}

static void test_null_and_wild(void **state)
{
    (void)state;
    vf_site s;
    vf_symbolize_return(NULL, &s);
    assert_null(s.file);
    assert_null(s.module);
    assert_int_equal(s.line, 0);
    vf_symbolize((const void *)0x10, &s); /* mapped nowhere */
    assert_null(s.file);
    assert_null(s.function);
    assert_int_equal(s.line, 0);
}

static void *sym_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++)
    {
        vf_site s;
        vf_symbolize((const char *)target_function + (i % 2), &s);
        if (!s.function || strcmp(s.function, "target_function") != 0)
            return (void *)1;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, sym_thread, NULL), 0);
    for (int i = 0; i < 4; i++)
    {
        void *rc;
        pthread_join(t[i], &rc);
        assert_null(rc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_function_address),
        cmocka_unit_test(test_cached_answer_is_stable),
        cmocka_unit_test(test_module_relative_offset),
        cmocka_unit_test(test_library_function),
        cmocka_unit_test(test_return_address_gives_call_line),
        cmocka_unit_test(test_function_pointer_as_site),
        cmocka_unit_test(test_null_and_wild),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

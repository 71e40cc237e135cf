/* docs/rules.md and the compiled rule table agree: same ids, severities and "checked" flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/verifier.h"

typedef struct doc_row
{
    char id[16];
    char severity[16];
    char checked[8];
} doc_row;

static doc_row rows[256];
static size_t nrows;

/* __FILE__ is absolute under CMake: <source>/tests/unit/this.c -> <source>/docs/rules.md. */
static void doc_path(char *out, size_t n)
{
    snprintf(out, n, "%s", __FILE__);
    char *p = strstr(out, "/tests/unit/");
    assert_non_null(p);
    snprintf(p, n - (size_t)(p - out), "/docs/rules.md");
}

/* Table rows look like "| HA-04 | error | title | yes | [link](url) |". */
static int load_doc(void **state)
{
    (void)state;
    char path[4096];
    doc_path(path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
    {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    char line[4096];
    nrows = 0;
    while (fgets(line, sizeof line, f) && nrows < sizeof rows / sizeof rows[0])
    {
        if (line[0] != '|')
            continue;
        char *cells[6];
        int n = 0;
        char *save = NULL;
        for (char *tok = strtok_r(line + 1, "|", &save); tok && n < 6; tok = strtok_r(NULL, "|", &save))
        {
            while (*tok == ' ')
                tok++;
            char *end = tok + strlen(tok);
            while (end > tok && (end[-1] == ' ' || end[-1] == '\n'))
                *--end = '\0';
            cells[n++] = tok;
        }
        if (n < 5 || strchr(cells[0], '-') == NULL || strcmp(cells[0], "id") == 0 || cells[0][0] == '-')
            continue;
        doc_row *r = &rows[nrows++];
        snprintf(r->id, sizeof r->id, "%s", cells[0]);
        snprintf(r->severity, sizeof r->severity, "%s", cells[1]);
        snprintf(r->checked, sizeof r->checked, "%s", cells[3]);
    }
    fclose(f);
    return 0;
}

static const doc_row *doc_find(const char *id)
{
    for (size_t i = 0; i < nrows; i++)
        if (strcmp(rows[i].id, id) == 0)
            return &rows[i];
    return NULL;
}

static void test_every_table_rule_documented(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < vf_rule_count(); i++)
    {
        const vf_rule *r = vf_rule_at(i);
        const doc_row *d = doc_find(r->id);
        if (!d)
        {
            fprintf(stderr, "docs/rules.md lacks %s\n", r->id);
            bad++;
            continue;
        }
        if (strcmp(d->severity, vf_severity_name(r->severity)) != 0)
        {
            fprintf(stderr, "%s: docs/rules.md says %s, rules.c says %s\n", r->id, d->severity,
                    vf_severity_name(r->severity));
            bad++;
        }
        if (strcmp(d->checked, r->checked ? "yes" : "no") != 0)
        {
            fprintf(stderr, "%s: docs/rules.md says checked=%s, rules.c says %s\n", r->id, d->checked,
                    r->checked ? "yes" : "no");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_every_documented_rule_in_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < nrows; i++)
    {
        if (!vf_rule_find(rows[i].id))
        {
            fprintf(stderr, "docs/rules.md documents %s, which is not in rules.c\n", rows[i].id);
            bad++;
        }
        for (size_t j = i + 1; j < nrows; j++)
            if (strcmp(rows[i].id, rows[j].id) == 0)
            {
                fprintf(stderr, "docs/rules.md lists %s twice\n", rows[i].id);
                bad++;
            }
    }
    assert_int_equal(bad, 0);
    assert_int_equal(nrows, vf_rule_count());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_table_rule_documented),
        cmocka_unit_test(test_every_documented_rule_in_table),
    };
    return cmocka_run_group_tests(tests, load_doc, NULL);
}

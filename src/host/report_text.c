/* Human-readable finding lines for the terminal and logs. */
#include "host/report.h"

#include <string.h>

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void report_text_finding(FILE *out, const vf_finding *f)
{
    if (!out || !f)
        return;
    char where[512];
    const vf_site *s = &f->site;
    if (s->file)
        snprintf(where, sizeof where, "%s:%d", base_name(s->file), s->line);
    else if (s->module)
        snprintf(where, sizeof where, "%s+0x%lx", base_name(s->module), (unsigned long)s->offset);
    else
        snprintf(where, sizeof where, "?");
    char func[256] = "";
    if (s->function)
        snprintf(func, sizeof func, " (%s)", s->function);
    fprintf(out, "%s %s  %s  %s%s  %s: %s", f->rule ? f->rule : "?", vf_severity_name(f->severity),
            f->callback ? f->callback : "?", where, func, f->owner ? f->owner : "host", f->message ? f->message : "");
    if (f->count > 1)
        fprintf(out, " [x %llu]", (unsigned long long)f->count);
    fputc('\n', out);
}

void report_text_all(FILE *out)
{
    size_t n = vf_findings_count(), errors = 0, warnings = 0;
    for (size_t i = 0; i < n; i++)
    {
        const vf_finding *f = vf_findings_get(i);
        report_text_finding(out, f);
        if (f->severity == VF_SEV_WARNING)
            warnings++;
        else
            errors++;
    }
    if (n == 0)
        fprintf(out, "clean: no findings\n");
    else
        fprintf(out, "%zu error%s, %zu warning%s\n", errors, errors == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s");
}

/* JUnit XML (docs/reports.md): test results for CI test reporters (GitLab, Jenkins, GitHub
 * actions that read JUnit). There is no normative JUnit schema; the output validates against the
 * Jenkins JUnit schema (tests/reports) and follows what GitLab and Jenkins parse: a <testsuites>
 * root (some parsers reject a bare <testsuite>), one <failure> per failing case, every string
 * escaped and cleaned of characters XML 1.0 cannot carry. Also home of the helpers the report
 * writers share (atomic file write, text cleaning). */
#include "host/report.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef NDISHOST_VERSION
#define NDISHOST_VERSION "0.1.0"
#endif

/* ---- shared helpers ------------------------------------------------------------------------- */

static int write_fd_all(int fd, const char *buf, size_t len)
{
    while (len)
    {
        ssize_t w = write(fd, buf, len);
        if (w < 0)
        {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int report_file_write(const char *path, const char *text)
{
    if (!path || !text)
    {
        errno = EINVAL;
        return -1;
    }
    size_t len = strlen(text);
    bool newline = len == 0 || text[len - 1] != '\n';
    if (strcmp(path, "-") == 0)
        return fputs(text, stdout) < 0 || (newline && fputc('\n', stdout) == EOF) || fflush(stdout) ? -1 : 0;
    char *tmp = malloc(strlen(path) + sizeof ".XXXXXX");
    if (!tmp)
    {
        errno = ENOMEM;
        return -1;
    }
    strcpy(tmp, path);
    strcat(tmp, ".XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0)
    {
        int e = errno;
        free(tmp);
        errno = e;
        return -1;
    }
    int rc = 0;
    if (write_fd_all(fd, text, len) || (newline && write_fd_all(fd, "\n", 1)) || fchmod(fd, 0644) || fsync(fd))
        rc = -1;
    int e = errno;
    if (close(fd) && !rc)
    {
        rc = -1;
        e = errno;
    }
    if (!rc && rename(tmp, path))
    {
        rc = -1;
        e = errno;
    }
    if (rc)
        unlink(tmp);
    free(tmp);
    errno = rc ? e : 0;
    return rc;
}

/* Length of the valid UTF-8 sequence at p that encodes a character XML 1.0 allows, or 0. */
static size_t good_char_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
    if (c >= 0xC2 && c <= 0xDF)
    {
        len = 2;
        cp = c & 0x1F;
    }
    else if (c >= 0xE0 && c <= 0xEF)
    {
        len = 3;
        cp = c & 0x0F;
    }
    else if (c >= 0xF0 && c <= 0xF4)
    {
        len = 4;
        cp = c & 0x07;
    }
    else
        return 0;
    for (size_t i = 1; i < len; i++)
    {
        if ((p[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0; /* overlong or out of range */
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return len;
}

char *report_clean_text(const char *s)
{
    if (!s)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(strlen(s) * 4 + 1);
    if (!out)
        return NULL;
    char *o = out;
    while (*p)
    {
        size_t len = good_char_len(p);
        if (len)
        {
            memcpy(o, p, len);
            o += len;
            p += len;
        }
        else
        {
            static const char hex[] = "0123456789ABCDEF";
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
            p++;
        }
    }
    *o = '\0';
    return out;
}

/* ---- XML output ----------------------------------------------------------------------------- */

/* Escapes `s` for element content (attr false) or a double-quoted attribute value (attr true).
 * In attributes, tab, newline and carriage return are written as character references so that
 * attribute-value normalization does not turn them into spaces. */
static void xml_put(FILE *out, const char *s, bool attr)
{
    char *clean = report_clean_text(s ? s : "");
    if (!clean)
        return;
    for (const char *p = clean; *p; p++)
    {
        switch (*p)
        {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>': /* also keeps "]]>" out of content */
            fputs("&gt;", out);
            break;
        case '"':
            fputs(attr ? "&quot;" : "\"", out);
            break;
        case '\'':
            fputs(attr ? "&apos;" : "'", out);
            break;
        case '\t':
            fputs(attr ? "&#9;" : "\t", out);
            break;
        case '\n':
            fputs(attr ? "&#10;" : "\n", out);
            break;
        case '\r': /* a literal CR would be read back as LF */
            fputs("&#13;", out);
            break;
        default:
            fputc(*p, out);
        }
    }
    free(clean);
}

static void xml_attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    xml_put(out, value, true);
    fputc('"', out);
}

/* Seconds with millisecond precision, independent of the locale's decimal separator. */
static void xml_time_attr(FILE *out, uint64_t ms)
{
    fprintf(out, " time=\"%llu.%03llu\"", (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
}

static void xml_count_attr(FILE *out, const char *name, size_t n)
{
    fprintf(out, " %s=\"%zu\"", name, n);
}

static void xml_property(FILE *out, const char *name, const char *value)
{
    fputs("      <property", out);
    xml_attr(out, "name", name);
    xml_attr(out, "value", value ? value : "");
    fputs("/>\n", out);
}

static void xml_property_u64(FILE *out, const char *name, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    xml_property(out, name, buf);
}

/* ---- JUnit ---------------------------------------------------------------------------------- */

static const char *command_of(const report_run_info *info)
{
    return info->command ? info->command : "run";
}

char *report_junit_classname(const report_run_info *info, char *buf, size_t size)
{
    static const report_run_info empty;
    if (!info)
        info = &empty;
    if (!buf || !size)
        return buf;
    snprintf(buf, size, "ndishost.%s", command_of(info));
    if (info->driver && *info->driver)
    {
        const char *base = strrchr(info->driver, '/');
        base = base ? base + 1 : info->driver;
        size_t stem = strlen(base);
        const char *dot = strrchr(base, '.');
        if (dot && dot != base)
            stem = (size_t)(dot - base);
        size_t at = strlen(buf);
        if (stem && at + 1 < size)
        {
            buf[at++] = '.';
            for (size_t i = 0; i < stem && at + 1 < size; i++)
            {
                char c = base[i];
                bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                buf[at++] = keep ? c : '_';
            }
            buf[at] = '\0';
        }
    }
    return buf;
}

/* "HA-04: <message>" for the first finding, with " (+N more)" when the case has several. */
static char *failure_message(const vf_finding *const *findings, size_t n)
{
    const vf_finding *first = NULL;
    size_t real = 0;
    for (size_t i = 0; i < n; i++)
        if (findings[i])
        {
            if (!first)
                first = findings[i];
            real++;
        }
    char *msg = NULL;
    if (!first)
        return NULL;
    int rc;
    if (real > 1)
        rc = asprintf(&msg, "%s: %s (+%zu more)", first->rule ? first->rule : "?", first->message ? first->message : "",
                      real - 1);
    else
        rc = asprintf(&msg, "%s: %s", first->rule ? first->rule : "?", first->message ? first->message : "");
    return rc < 0 ? NULL : msg;
}

/* The findings as text lines (report_text_finding), the same lines the terminal shows. */
static char *findings_text(const vf_finding *const *findings, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (findings[i])
            report_text_finding(m, findings[i]);
    if (fclose(m))
    {
        free(buf);
        return NULL;
    }
    return buf;
}

static size_t real_findings(const report_testcase *c)
{
    size_t n = 0;
    for (size_t i = 0; c->findings && i < c->nfindings; i++)
        if (c->findings[i])
            n++;
    return n;
}

typedef enum case_kind
{
    CASE_PASS,
    CASE_FAIL,
    CASE_ERROR,
    CASE_SKIP
} case_kind;

static case_kind kind_of(const report_testcase *c)
{
    if (c->error)
        return CASE_ERROR;
    if (real_findings(c))
        return CASE_FAIL;
    if (c->skipped)
        return CASE_SKIP;
    return CASE_PASS;
}

static void write_case(FILE *out, const report_testcase *c, const char *default_class)
{
    fputs("    <testcase", out);
    xml_attr(out, "name", c->name ? c->name : "unnamed");
    xml_attr(out, "classname", c->classname ? c->classname : default_class);
    xml_time_attr(out, c->duration_ms);
    case_kind k = kind_of(c);
    if (k == CASE_PASS && !c->output)
    {
        fputs("/>\n", out);
        return;
    }
    fputs(">\n", out);
    size_t n = real_findings(c);
    char *body = n ? findings_text(c->findings, c->nfindings) : NULL;
    if (k == CASE_SKIP)
    {
        /* The reason as content: the Jenkins schema gives <skipped> no attributes. */
        fputs("      <skipped>", out);
        xml_put(out, c->skipped, false);
        fputs("</skipped>\n", out);
    }
    else if (k == CASE_ERROR || k == CASE_FAIL)
    {
        char *msg = k == CASE_ERROR ? NULL : failure_message(c->findings, c->nfindings);
        const char *type = "ndishost.error";
        if (k == CASE_FAIL)
        {
            for (size_t i = 0; i < c->nfindings; i++)
                if (c->findings[i])
                {
                    type = c->findings[i]->rule ? c->findings[i]->rule : "?";
                    break;
                }
        }
        fprintf(out, "      <%s", k == CASE_ERROR ? "error" : "failure");
        xml_attr(out, "message", k == CASE_ERROR ? c->error : (msg ? msg : "findings"));
        xml_attr(out, "type", type);
        fputc('>', out);
        if (body)
            xml_put(out, body, false);
        fprintf(out, "</%s>\n", k == CASE_ERROR ? "error" : "failure");
        free(msg);
    }
    if (c->output)
    {
        fputs("      <system-out>", out);
        xml_put(out, c->output, false);
        fputs("</system-out>\n", out);
    }
    free(body);
    fputs("    </testcase>\n", out);
}

char *report_junit_render(const report_run_info *info, const report_testcase *cases, size_t ncases)
{
    static const report_run_info empty;
    if (!info)
        info = &empty;
    if (!cases)
        ncases = 0;
    size_t failures = 0, errors = 0, skipped = 0;
    uint64_t sum_ms = 0;
    for (size_t i = 0; i < ncases; i++)
    {
        switch (kind_of(&cases[i]))
        {
        case CASE_FAIL:
            failures++;
            break;
        case CASE_ERROR:
            errors++;
            break;
        case CASE_SKIP:
            skipped++;
            break;
        case CASE_PASS:
            break;
        }
        sum_ms += cases[i].duration_ms;
    }
    uint64_t total_ms = info->duration_ms ? info->duration_ms : sum_ms;

    char classname[256];
    report_junit_classname(info, classname, sizeof classname);
    char suite[128];
    snprintf(suite, sizeof suite, "ndishost.%s", command_of(info));
    /* The suite started duration ago; UTC without a zone designator, as the Ant format has it. */
    char stamp[32] = "1970-01-01T00:00:00";
    time_t start = time(NULL) - (time_t)(total_ms / 1000);
    struct tm tm;
    if (gmtime_r(&start, &tm))
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    char host[256] = "localhost";
    if (gethostname(host, sizeof host - 1) || !host[0])
        strcpy(host, "localhost");
    host[sizeof host - 1] = '\0';

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fputs("<testsuites", out);
    xml_attr(out, "name", "ndishost");
    xml_count_attr(out, "tests", ncases);
    xml_count_attr(out, "failures", failures);
    xml_count_attr(out, "errors", errors);
    xml_time_attr(out, total_ms);
    fputs(">\n", out);
    fputs("  <testsuite", out);
    xml_attr(out, "name", suite);
    xml_count_attr(out, "tests", ncases);
    xml_count_attr(out, "failures", failures);
    xml_count_attr(out, "errors", errors);
    xml_count_attr(out, "skipped", skipped);
    xml_time_attr(out, total_ms);
    xml_attr(out, "timestamp", stamp);
    xml_attr(out, "hostname", host);
    fputs(">\n    <properties>\n", out);
    xml_property(out, "tool", "ndishost");
    xml_property(out, "tool.version", info->tool_version ? info->tool_version : NDISHOST_VERSION);
    xml_property(out, "command", command_of(info));
    if (info->driver)
        xml_property(out, "driver", info->driver);
    xml_property_u64(out, "adapters", info->adapters);
    xml_property_u64(out, "cycles", info->cycles);
    xml_property_u64(out, "packets", info->packets);
    xml_property_u64(out, "duration_ms", info->duration_ms);
    fputs("    </properties>\n", out);
    for (size_t i = 0; i < ncases; i++)
        write_case(out, &cases[i], classname);
    fputs("  </testsuite>\n</testsuites>\n", out);
    if (fclose(out))
    {
        free(buf);
        return NULL;
    }
    return buf;
}

int report_junit_write(const char *path, const report_run_info *info, const report_testcase *cases, size_t ncases)
{
    if (!path)
    {
        errno = EINVAL;
        return -1;
    }
    char *text = report_junit_render(info, cases, ncases);
    if (!text)
    {
        errno = ENOMEM;
        return -1;
    }
    int rc = report_file_write(path, text);
    int e = errno;
    free(text);
    errno = e;
    return rc;
}

static bool same_rule(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int report_junit_write_findings(const char *path, const report_run_info *info, const vf_finding *const *findings,
                                size_t count)
{
    if (!findings)
        count = 0;
    size_t nrules = vf_rule_count();
    /* At most one case per rule plus one per finding with an id outside the table. */
    report_testcase *cases = calloc(nrules + count + 1, sizeof *cases);
    const vf_finding **slots = calloc(count + 1, sizeof *slots);
    char *skip_reason = NULL;
    if (!cases || !slots ||
        asprintf(&skip_reason, "not checked by ndishost %s",
                 info && info->tool_version ? info->tool_version : NDISHOST_VERSION) < 0)
    {
        free(cases);
        free(slots);
        errno = ENOMEM;
        return -1;
    }
    /* Findings grouped by rule into `slots`, each case pointing at its run of them. */
    size_t used = 0, ncases = 0;
    for (size_t r = 0; r < nrules; r++)
    {
        const vf_rule *rule = vf_rule_at(r);
        report_testcase *c = &cases[ncases++];
        c->name = rule->id;
        c->findings = slots + used;
        for (size_t i = 0; i < count; i++)
            if (findings[i] && same_rule(findings[i]->rule, rule->id))
                slots[used++] = findings[i];
        c->nfindings = (size_t)(slots + used - c->findings);
        if (!rule->checked)
            c->skipped = skip_reason;
    }
    for (size_t i = 0; i < count; i++)
    {
        const vf_finding *f = findings[i];
        if (!f || (f->rule && vf_rule_find(f->rule)))
            continue;
        /* An id the table does not know: one case per distinct id, in order of first appearance. */
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = findings[j] && !(findings[j]->rule && vf_rule_find(findings[j]->rule)) &&
                   (same_rule(findings[j]->rule, f->rule) || (!findings[j]->rule && !f->rule));
        if (seen)
            continue;
        report_testcase *c = &cases[ncases++];
        c->name = f->rule ? f->rule : "?";
        c->findings = slots + used;
        for (size_t j = i; j < count; j++)
            if (findings[j] && !(findings[j]->rule && vf_rule_find(findings[j]->rule)) &&
                (same_rule(findings[j]->rule, f->rule) || (!findings[j]->rule && !f->rule)))
                slots[used++] = findings[j];
        c->nfindings = (size_t)(slots + used - c->findings);
    }
    int rc = report_junit_write(path, info, cases, ncases);
    int e = errno;
    free(skip_reason);
    free(slots);
    free(cases);
    errno = e;
    return rc;
}

int report_junit_write_all(const char *path, const report_run_info *info)
{
    return report_write_all_with(report_junit_write_findings, path, info);
}

/* The JSON run record (docs/json-report.md): the one machine-readable result of a run, from which
 * other formats (JUnit, SARIF) can be derived. */
#include "host/report.h"

#include "verifier/vf_internal.h"

#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NDISHOST_VERSION
#define NDISHOST_VERSION "0.1.0"
#endif

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *site_json(const vf_site *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "file", str_or_null(s->file));
    cJSON_AddItemToObject(o, "line", s->line > 0 ? cJSON_CreateNumber(s->line) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "function", str_or_null(s->function));
    cJSON_AddItemToObject(o, "module", str_or_null(s->module));
    cJSON_AddItemToObject(o, "offset", s->module ? cJSON_CreateNumber((double)s->offset) : cJSON_CreateNull());
    return o;
}

static cJSON *finding_json(const vf_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    const vf_rule *r = vf_rule_find(f->rule);
    cJSON_AddItemToObject(o, "rule", str_or_null(f->rule));
    cJSON_AddStringToObject(o, "severity", vf_severity_name(f->severity));
    cJSON_AddItemToObject(o, "title", str_or_null(r ? r->title : f->title));
    cJSON_AddItemToObject(o, "doc", str_or_null(r ? r->doc : NULL));
    cJSON_AddItemToObject(o, "callback", str_or_null(f->callback));
    cJSON_AddItemToObject(o, "owner", str_or_null(f->owner));
    cJSON_AddItemToObject(o, "message", str_or_null(f->message));
    cJSON_AddNumberToObject(o, "count", (double)(f->count ? f->count : 1));
    cJSON_AddNumberToObject(o, "seq", (double)f->seq);
    cJSON_AddBoolToObject(o, "leak", f->leak);
    cJSON_AddItemToObject(o, "site", site_json(&f->site));
    return o;
}

char *report_json_render(const report_run_info *info, const vf_finding *const *findings, size_t count)
{
    static const report_run_info empty;
    if (!info)
        info = &empty;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "schema", "ndishost-report");
    cJSON_AddNumberToObject(root, "schema_version", REPORT_JSON_SCHEMA_VERSION);
    cJSON *tool = cJSON_AddObjectToObject(root, "tool");
    if (tool)
    {
        cJSON_AddStringToObject(tool, "name", "ndishost");
        cJSON_AddStringToObject(tool, "version", info->tool_version ? info->tool_version : NDISHOST_VERSION);
    }
    cJSON_AddItemToObject(root, "driver", str_or_null(info->driver));
    cJSON_AddStringToObject(root, "command", info->command ? info->command : "run");

    size_t errors = 0, warnings = 0;
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < count; i++)
    {
        const vf_finding *f = findings ? findings[i] : NULL;
        if (!f)
            continue;
        if (f->severity == VF_SEV_WARNING)
            warnings++;
        else
            errors++;
        if (list)
            cJSON_AddItemToArray(list, finding_json(f));
    }
    /* Warnings count as findings: only a run with none at all is clean. */
    cJSON_AddStringToObject(root, "verdict", errors + warnings ? "findings" : "clean");
    cJSON *counts = cJSON_AddObjectToObject(root, "counts");
    if (counts)
    {
        cJSON_AddNumberToObject(counts, "error", (double)errors);
        cJSON_AddNumberToObject(counts, "warning", (double)warnings);
    }
    cJSON_AddItemToObject(root, "findings", list);

    cJSON *summary = cJSON_AddObjectToObject(root, "summary");
    if (summary)
    {
        cJSON_AddNumberToObject(summary, "adapters", (double)info->adapters);
        cJSON_AddNumberToObject(summary, "cycles", (double)info->cycles);
        cJSON_AddNumberToObject(summary, "packets", (double)info->packets);
        cJSON_AddNumberToObject(summary, "duration_ms", (double)info->duration_ms);
        if (cJSON_IsObject(info->extra))
        {
            for (const cJSON *m = info->extra->child; m; m = m->next)
            {
                if (!m->string)
                    continue;
                cJSON *copy = cJSON_Duplicate(m, 1);
                if (!copy)
                    continue;
                if (cJSON_GetObjectItemCaseSensitive(summary, m->string))
                    cJSON_ReplaceItemInObjectCaseSensitive(summary, m->string, copy);
                else
                    cJSON_AddItemToObject(summary, m->string, copy);
            }
        }
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static int write_all(int fd, const char *buf, size_t len)
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

int report_json_write(const char *path, const report_run_info *info, const vf_finding *const *findings, size_t count)
{
    if (!path)
    {
        errno = EINVAL;
        return -1;
    }
    char *text = report_json_render(info, findings, count);
    if (!text)
    {
        errno = ENOMEM;
        return -1;
    }
    int rc = 0;
    if (strcmp(path, "-") == 0)
    {
        rc = fputs(text, stdout) < 0 || fputc('\n', stdout) == EOF || fflush(stdout) ? -1 : 0;
        free(text);
        return rc;
    }
    /* Readers (CI, a parent process) never see a half-written report: write a sibling temporary
     * file, then rename it over the target. */
    char *tmp = malloc(strlen(path) + sizeof ".XXXXXX");
    if (!tmp)
    {
        free(text);
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
        free(text);
        errno = e;
        return -1;
    }
    if (write_all(fd, text, strlen(text)) || write_all(fd, "\n", 1) || fchmod(fd, 0644) || fsync(fd))
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
    free(text);
    errno = e;
    return rc;
}

int report_write_all_with(report_findings_writer writer, const char *path, const report_run_info *info)
{
    size_t n = vf_findings_count();
    const vf_finding **list = calloc(n ? n : 1, sizeof *list);
    if (!list)
    {
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        list[i] = vf_findings_get(i);
    int rc = writer(path, info, list, n);
    int e = errno;
    free(list);
    errno = e;
    return rc;
}

int report_json_write_all(const char *path, const report_run_info *info)
{
    return report_write_all_with(report_json_write, path, info);
}

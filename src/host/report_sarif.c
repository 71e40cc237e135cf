/* SARIF 2.1.0 (docs/reports.md): findings as code-scanning results (GitHub code scanning, GitLab,
 * SARIF viewers). One run; tool.driver.rules is the whole rule table, so ruleIndex is the rule's
 * index in the table and stays meaningful across runs; each result points at the driver's source
 * line and carries a fingerprint that survives rebuilds, address layout and line moves. */
#include "host/report.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef NDISHOST_VERSION
#define NDISHOST_VERSION "0.1.0"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SRCROOT "SRCROOT"

static char *source_root;

void report_set_source_root(const char *dir)
{
    free(source_root);
    source_root = dir ? strdup(dir) : NULL;
}

/* ---- fingerprints --------------------------------------------------------------------------- */

static bool is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

char *report_sarif_normalize_message(const char *msg)
{
    if (!msg)
        return NULL;
    char *out = malloc(strlen(msg) + 1);
    if (!out)
        return NULL;
    char *o = out;
    const char *p = msg;
    while (*p)
    {
        if (isspace((unsigned char)*p))
        {
            while (isspace((unsigned char)*p))
                p++;
            if (o != out && *p)
                *o++ = ' ';
            continue;
        }
        if (!is_word(*p))
        {
            *o++ = *p++;
            continue;
        }
        size_t n = 0;
        while (is_word(p[n]))
            n++;
        bool digit = false;
        for (size_t i = 0; i < n; i++)
            digit |= isdigit((unsigned char)p[i]) != 0;
        bool hex0x = n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && all_hex(p + 2, n - 2);
        if (hex0x || (digit && all_hex(p, n)))
            *o++ = '#'; /* an address, a status code, a count: changes from run to run */
        else
        {
            /* A word with digits in it ("adapter0", "IPv4"): each digit run becomes '#'. */
            for (size_t i = 0; i < n; i++)
            {
                if (isdigit((unsigned char)p[i]))
                {
                    *o++ = '#';
                    while (i + 1 < n && isdigit((unsigned char)p[i + 1]))
                        i++;
                }
                else
                    *o++ = p[i];
            }
        }
        p += n;
    }
    *o = '\0';
    return out;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    /* Each part is followed by a NUL so that ("ab","c") and ("a","bc") differ. */
    for (const unsigned char *p = (const unsigned char *)(s ? s : "");; p++)
    {
        h ^= *p;
        h *= 0x100000001b3ULL;
        if (!*p)
            break;
    }
    return h;
}

static const char *base_name(const char *path)
{
    if (!path)
        return NULL;
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static uint64_t fingerprint_hash(const vf_finding *f)
{
    char *norm = report_sarif_normalize_message(f && f->message ? f->message : "");
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, "ndishost/v1");
    h = fnv1a(h, f ? f->rule : NULL);
    h = fnv1a(h, f ? base_name(f->site.file) : NULL);
    h = fnv1a(h, f ? f->site.function : NULL);
    h = fnv1a(h, norm);
    free(norm);
    return h;
}

char *report_sarif_fingerprint(const vf_finding *f, char *buf, size_t size)
{
    if (buf && size)
        snprintf(buf, size, "%016llx", (unsigned long long)fingerprint_hash(f));
    return buf;
}

/* Occurrence counting for fingerprints: open addressing over the 64-bit hashes. */
typedef struct fp_slot
{
    uint64_t hash;
    size_t seen; /* 0: empty slot */
} fp_slot;

/* Returns how many times `hash` has been seen, this time included (1 for the first). */
static size_t fp_occurrence(fp_slot *table, size_t mask, uint64_t hash)
{
    for (size_t i = (size_t)(hash ^ (hash >> 32)) & mask;; i = (i + 1) & mask)
    {
        if (!table[i].seen)
        {
            table[i].hash = hash;
            table[i].seen = 1;
            return 1;
        }
        if (table[i].hash == hash)
            return ++table[i].seen;
    }
}

/* ---- paths and URIs ------------------------------------------------------------------------- */

/* `path` made absolute (against the working directory) and normalized: symbolic links resolved
 * when the file exists, else ".", ".." and repeated '/' removed lexically. Malloc'ed. */
static char *absolute_path(const char *path)
{
    char *real = realpath(path, NULL);
    if (real)
        return real;
    char *joined = NULL;
    if (path[0] == '/')
        joined = strdup(path);
    else
    {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd) || asprintf(&joined, "%s/%s", cwd, path) < 0)
            joined = NULL;
    }
    if (!joined)
        return NULL;
    /* Lexical normalization in place: components pushed onto the output, ".." pops one. */
    char *out = malloc(strlen(joined) + 2);
    if (!out)
    {
        free(joined);
        return NULL;
    }
    size_t o = 0;
    char *save = NULL;
    for (char *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save))
    {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0)
        {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        out[o++] = '/';
        size_t n = strlen(c);
        memcpy(out + o, c, n);
        o += n;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    free(joined);
    return out;
}

/* Percent-encodes everything but unreserved characters and '/' (RFC 3986 path segments). */
static char *uri_path(const char *prefix, const char *path, const char *suffix)
{
    size_t n = strlen(prefix) + strlen(path) * 3 + strlen(suffix) + 1;
    char *out = malloc(n);
    if (!out)
        return NULL;
    char *o = out + strlen(prefix);
    strcpy(out, prefix);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
    {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/')
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    strcpy(o, suffix);
    return out;
}

/* The source root as an absolute directory without a trailing '/' ("" for "/"). */
static char *root_dir(void)
{
    char *root = NULL;
    if (source_root)
        root = absolute_path(source_root);
    else
    {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd))
            root = absolute_path(cwd);
    }
    if (root)
    {
        size_t n = strlen(root);
        while (n > 0 && root[n - 1] == '/')
            root[--n] = '\0';
    }
    return root;
}

/* artifactLocation for `path`: relative to SRCROOT when under it, else an absolute file URI. */
static cJSON *artifact_location(const char *path, const char *root)
{
    char *abs = absolute_path(path);
    if (!abs)
        return NULL;
    cJSON *loc = cJSON_CreateObject();
    size_t rn = root ? strlen(root) : 0;
    char *uri;
    bool under = root && strncmp(abs, root, rn) == 0 && abs[rn] == '/' && abs[rn + 1];
    if (under)
        uri = uri_path("", abs + rn + 1, "");
    else
        uri = uri_path("file://", abs, "");
    if (loc && uri)
    {
        char *clean = report_clean_text(uri);
        cJSON_AddStringToObject(loc, "uri", clean ? clean : uri);
        free(clean);
        if (under)
            cJSON_AddStringToObject(loc, "uriBaseId", SRCROOT);
    }
    free(uri);
    free(abs);
    return loc;
}

/* ---- rules and results ---------------------------------------------------------------------- */

static void add_text(cJSON *o, const char *name, const char *s)
{
    char *clean = report_clean_text(s ? s : "");
    cJSON_AddStringToObject(o, name, clean ? clean : "");
    free(clean);
}

/* A SARIF message: the text, with a final period (SARIF's guidance for plain-text messages). */
static cJSON *message_obj(const char *text)
{
    cJSON *m = cJSON_CreateObject();
    if (!m)
        return NULL;
    size_t n = text ? strlen(text) : 0;
    char *s = malloc(n + 2);
    if (!s)
        return m;
    memcpy(s, text ? text : "", n);
    s[n] = '\0';
    if (n == 0 || !strchr(".!?", s[n - 1]))
        strcat(s, ".");
    add_text(m, "text", s);
    free(s);
    return m;
}

static const char *level_of(vf_severity sev)
{
    return sev == VF_SEV_WARNING ? "warning" : "error";
}

/* The family names of docs/rules.md, for the rules' friendly names ("HA-04" -> "Halt04"). */
static const char *family_name(const char *id)
{
    static const struct
    {
        const char *prefix, *name;
    } fam[] = {
        {"LC", "Lifecycle"}, {"IN", "Initialize"}, {"HA", "Halt"},        {"SD", "Shutdown"},     {"UL", "Unload"},
        {"IT", "Interrupt"}, {"TM", "Timer"},      {"ME", "Memory"},      {"SM", "SharedMemory"}, {"PO", "BufferPool"},
        {"RX", "Receive"},   {"TX", "Send"},       {"PT", "Port"},        {"IQ", "Irql"},         {"OI", "OidRequest"},
        {"AP", "ApiUse"},    {"AS", "Assertion"},  {"HOST", "HostError"},
    };
    const char *dash = strchr(id, '-');
    size_t n = dash ? (size_t)(dash - id) : strlen(id);
    for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++)
        if (strlen(fam[i].prefix) == n && strncmp(fam[i].prefix, id, n) == 0)
            return fam[i].name;
    return NULL;
}

static cJSON *rule_json(const char *id, const vf_rule *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_text(o, "id", id);
    const char *fam = family_name(id);
    const char *dash = strchr(id, '-');
    char name[64];
    if (fam && dash)
        snprintf(name, sizeof name, "%s%s", fam, dash + 1);
    else
        snprintf(name, sizeof name, "Rule%s", id);
    for (char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p))
            *p = '_';
    add_text(o, "name", name);
    cJSON_AddItemToObject(o, "shortDescription", message_obj(r ? r->title : "a rule this version does not know"));
    if (r && r->doc)
    {
        char *help = NULL;
        if (asprintf(&help, "%s. Documentation: %s", r->title, r->doc) >= 0)
        {
            cJSON *h = cJSON_AddObjectToObject(o, "help");
            if (h)
                add_text(h, "text", help);
            free(help);
        }
        add_text(o, "helpUri", r->doc);
    }
    cJSON *conf = cJSON_AddObjectToObject(o, "defaultConfiguration");
    if (conf)
        cJSON_AddStringToObject(conf, "level", level_of(r ? r->severity : VF_SEV_ERROR));
    cJSON *props = cJSON_AddObjectToObject(o, "properties");
    if (props)
    {
        cJSON_AddBoolToObject(props, "checked", r ? r->checked : false);
        cJSON *tags = cJSON_AddArrayToObject(props, "tags");
        if (tags)
        {
            cJSON_AddItemToArray(tags, cJSON_CreateString("ndis"));
            cJSON_AddItemToArray(tags, cJSON_CreateString("reliability"));
        }
    }
    return o;
}

static cJSON *logical_location(const char *name, const char *kind, const char *role)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_text(o, "name", name);
    cJSON_AddStringToObject(o, "kind", kind);
    if (role)
    {
        cJSON *props = cJSON_AddObjectToObject(o, "properties");
        if (props)
            cJSON_AddStringToObject(props, "role", role);
    }
    return o;
}

static cJSON *result_json(const vf_finding *f, size_t rule_index, const char *fingerprint, const char *driver,
                          const char *root)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_text(o, "ruleId", f->rule ? f->rule : "?");
    cJSON_AddNumberToObject(o, "ruleIndex", (double)rule_index);
    cJSON_AddStringToObject(o, "level", level_of(f->severity));
    char *text = NULL;
    const char *cb = f->callback ? f->callback : "host";
    int rc = f->owner ? asprintf(&text, "%s (in %s, %s)", f->message ? f->message : "", cb, f->owner)
                      : asprintf(&text, "%s (in %s)", f->message ? f->message : "", cb);
    if (rc < 0)
        text = NULL;
    cJSON_AddItemToObject(o, "message", message_obj(text ? text : f->message));
    free(text);

    /* Where: the driver's source line; without one the driver module, then the driver given on the
     * command line, so that every result has a location (GitHub code scanning requires one). */
    const char *artifact = f->site.file ? f->site.file : f->site.module ? f->site.module : driver;
    if (artifact && *artifact)
    {
        cJSON *locs = cJSON_AddArrayToObject(o, "locations");
        cJSON *loc = cJSON_CreateObject();
        if (locs && loc)
        {
            cJSON_AddItemToArray(locs, loc);
            cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
            if (phys)
            {
                cJSON_AddItemToObject(phys, "artifactLocation", artifact_location(artifact, root));
                cJSON *region = cJSON_AddObjectToObject(phys, "region");
                if (region && f->site.file && f->site.line > 0)
                    cJSON_AddNumberToObject(region, "startLine", f->site.line);
                else if (region)
                {
                    /* No line: the start of the artifact (a source file without line information, the
                     * module, or the driver); the module offset is in properties.offset. */
                    cJSON_AddNumberToObject(region, "byteOffset", 0);
                    cJSON_AddNumberToObject(region, "byteLength", 0);
                }
            }
            cJSON *logical = cJSON_CreateArray();
            if (logical)
            {
                if (f->site.function)
                    cJSON_AddItemToArray(logical, logical_location(f->site.function, "function", NULL));
                if (f->callback)
                    cJSON_AddItemToArray(logical, logical_location(f->callback, "function", "callback"));
                if (cJSON_GetArraySize(logical))
                    cJSON_AddItemToObject(loc, "logicalLocations", logical);
                else
                    cJSON_Delete(logical);
            }
        }
        else
            cJSON_Delete(loc);
    }
    cJSON *fp = cJSON_AddObjectToObject(o, "partialFingerprints");
    if (fp)
        cJSON_AddStringToObject(fp, REPORT_SARIF_FINGERPRINT_KEY, fingerprint);
    cJSON_AddNumberToObject(o, "occurrenceCount", (double)(f->count ? f->count : 1));
    cJSON *props = cJSON_AddObjectToObject(o, "properties");
    if (props)
    {
        if (f->owner)
            add_text(props, "owner", f->owner);
        else
            cJSON_AddNullToObject(props, "owner");
        add_text(props, "callback", cb);
        cJSON_AddNumberToObject(props, "count", (double)(f->count ? f->count : 1));
        cJSON_AddNumberToObject(props, "seq", (double)f->seq);
        cJSON_AddBoolToObject(props, "leak", f->leak);
        if (f->site.module)
        {
            add_text(props, "module", f->site.module);
            cJSON_AddNumberToObject(props, "offset", (double)f->site.offset);
        }
    }
    return o;
}

/* "ndishost-run-vnic/": GitHub code scanning's category (the part before the last '/'), so that
 * runs of different commands or drivers do not close each other's alerts. */
static char *automation_id(const report_run_info *info)
{
    char cls[256];
    report_junit_classname(info, cls, sizeof cls);
    for (char *p = cls; *p; p++)
        if (*p == '.')
            *p = '-';
    char *id = NULL;
    return asprintf(&id, "%s/", cls) < 0 ? NULL : id;
}

char *report_sarif_render(const report_run_info *info, const vf_finding *const *findings, size_t count)
{
    static const report_run_info empty;
    if (!info)
        info = &empty;
    if (!findings)
        count = 0;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "$schema", SARIF_SCHEMA);
    cJSON_AddStringToObject(root, "version", "2.1.0");
    cJSON *runs = cJSON_AddArrayToObject(root, "runs");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(runs, run);

    cJSON *tool = cJSON_AddObjectToObject(run, "tool");
    cJSON *drv = cJSON_AddObjectToObject(tool, "driver");
    const char *version = info->tool_version ? info->tool_version : NDISHOST_VERSION;
    cJSON_AddStringToObject(drv, "name", "ndishost");
    add_text(drv, "version", version);
    add_text(drv, "semanticVersion", version);
    cJSON *rules = cJSON_AddArrayToObject(drv, "rules");
    size_t nrules = vf_rule_count();
    for (size_t r = 0; r < nrules; r++)
        cJSON_AddItemToArray(rules, rule_json(vf_rule_at(r)->id, vf_rule_at(r)));
    /* Ids outside the table get a rule entry after it, so that every ruleIndex is valid. */
    const char **extra = calloc(count + 1, sizeof *extra);
    size_t nextra = 0;

    char *rootdir = root_dir();
    if (rootdir)
    {
        cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");
        cJSON *base = cJSON_AddObjectToObject(bases, SRCROOT);
        char *uri = uri_path("file://", rootdir, "/");
        if (uri)
            add_text(base, "uri", uri);
        free(uri);
    }
    char *aid = automation_id(info);
    if (aid)
    {
        cJSON *ad = cJSON_AddObjectToObject(run, "automationDetails");
        add_text(ad, "id", aid);
        free(aid);
    }

    /* Identical fingerprints within one run are told apart by their occurrence (":2", ":3", ...),
     * counted in report order, as GitHub does for its own line hashes. */
    size_t cap = 16;
    while (cap < 2 * (count < REPORT_SARIF_MAX_RESULTS ? count : REPORT_SARIF_MAX_RESULTS))
        cap *= 2;
    fp_slot *fps = calloc(cap, sizeof *fps);
    cJSON *results = cJSON_CreateArray();
    size_t emitted = 0, omitted = 0;
    for (size_t i = 0; i < count; i++)
    {
        const vf_finding *f = findings[i];
        if (!f)
            continue;
        if (emitted >= REPORT_SARIF_MAX_RESULTS)
        {
            omitted++;
            continue;
        }
        size_t index = nrules;
        const vf_rule *r = f->rule ? vf_rule_find(f->rule) : NULL;
        if (r)
        {
            for (size_t j = 0; j < nrules; j++)
                if (vf_rule_at(j) == r)
                    index = j;
        }
        else if (extra)
        {
            const char *id = f->rule ? f->rule : "?";
            size_t j = 0;
            while (j < nextra && strcmp(extra[j], id) != 0)
                j++;
            if (j == nextra)
            {
                extra[nextra++] = id;
                cJSON_AddItemToArray(rules, rule_json(id, NULL));
            }
            index = nrules + j;
        }
        char fp[48] = "";
        uint64_t h = fingerprint_hash(f);
        snprintf(fp, sizeof fp, "%016llx:%zu", (unsigned long long)h, fps ? fp_occurrence(fps, cap - 1, h) : (size_t)1);
        cJSON_AddItemToArray(results, result_json(f, index, fp, info->driver, rootdir));
        emitted++;
    }
    free(fps);
    free(extra);
    free(rootdir);

    cJSON *invs = cJSON_AddArrayToObject(run, "invocations");
    cJSON *inv = cJSON_CreateObject();
    cJSON_AddItemToArray(invs, inv);
    cJSON_AddBoolToObject(inv, "executionSuccessful", true);
    if (omitted)
    {
        cJSON *notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
        cJSON *note = cJSON_CreateObject();
        cJSON_AddItemToArray(notes, note);
        char text[160];
        snprintf(text, sizeof text, "%zu findings were left out: a run holds at most %d results", omitted,
                 REPORT_SARIF_MAX_RESULTS);
        cJSON_AddItemToObject(note, "message", message_obj(text));
        cJSON_AddStringToObject(note, "level", "warning");
    }
    cJSON *props = cJSON_AddObjectToObject(inv, "properties");
    if (props)
    {
        add_text(props, "command", info->command ? info->command : "run");
        if (info->driver)
            add_text(props, "driver", info->driver);
        cJSON_AddNumberToObject(props, "adapters", (double)info->adapters);
        cJSON_AddNumberToObject(props, "cycles", (double)info->cycles);
        cJSON_AddNumberToObject(props, "packets", (double)info->packets);
        cJSON_AddNumberToObject(props, "duration_ms", (double)info->duration_ms);
        cJSON_AddNumberToObject(props, "omittedResults", (double)omitted);
    }
    cJSON_AddStringToObject(run, "columnKind", "utf16CodeUnits");
    cJSON_AddItemToObject(run, "results", results);

    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

int report_sarif_write(const char *path, const report_run_info *info, const vf_finding *const *findings, size_t count)
{
    if (!path)
    {
        errno = EINVAL;
        return -1;
    }
    char *text = report_sarif_render(info, findings, count);
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

int report_sarif_write_all(const char *path, const report_run_info *info)
{
    return report_write_all_with(report_sarif_write, path, info);
}

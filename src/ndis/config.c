/* The adapter registry (see config.h) and the NDIS configuration API on top of it:
 * NdisOpenConfigurationEx, NdisCloseConfiguration, NdisReadConfiguration, NdisWriteConfiguration,
 * NdisReadNetworkAddress, NdisOpenConfigurationKeyByName/ByIndex.
 *
 * Keys form a tree; values keep registry types (REG_DWORD, REG_QWORD, REG_SZ, REG_MULTI_SZ,
 * REG_BINARY) and UTF-16 names and strings, exactly what a driver sees through WCHAR buffers.
 * Everything a handle hands out (parameters, network addresses, key names) is owned by that handle
 * and freed by NdisCloseConfiguration, as NDIS documents. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "ndis_internal.h"

/* ---- data model --------------------------------------------------------------------------- */

typedef enum cfg_type
{
    CFG_DWORD,
    CFG_QWORD,
    CFG_SZ,
    CFG_MULTI_SZ,
    CFG_BINARY
} cfg_type;

typedef struct cfg_value
{
    WCHAR *name; /* not terminated */
    size_t name_len;
    cfg_type type;
    uint64_t num;  /* DWORD, QWORD */
    uint8_t *data; /* SZ / MULTI_SZ: UTF-16 with terminators; BINARY: bytes */
    size_t len;    /* bytes in data */
    struct cfg_value *next;
} cfg_value;

typedef struct cfg_key
{
    WCHAR *name;
    size_t name_len;
    cfg_value *values;
    struct cfg_key *children, *next;
} cfg_key;

struct ndis_config_store
{
    exec_mutex lock;
    cfg_key root;
    size_t open_handles;
};

#define CFG_HANDLE_MAGIC 0x4e434647u /* 'NCFG' */

/* Everything a handle gave the driver, freed at close. */
typedef struct cfg_alloc
{
    struct cfg_alloc *next;
    max_align_t payload[];
} cfg_alloc;

typedef struct cfg_handle
{
    uint32_t magic;
    ndis_config_store *store;
    cfg_key *key;
    vf_owner *owner;
    vf_res res; /* ledger entry, kind VF_RES_CONFIG */
    cfg_alloc *allocs;
} cfg_handle;

/* ---- UTF-8 <-> UTF-16 (never the C library's wide functions: WCHAR is 16-bit here) --------- */

/* Converts n bytes of UTF-8; returns a malloc'ed array and its length in units, or NULL on invalid
 * input (*bad = true) or no memory (*bad = false). */
static WCHAR *utf8_to_utf16(const char *s, size_t n, size_t *out_len, bool *bad)
{
    *bad = false;
    WCHAR *w = malloc((n + 1) * sizeof(WCHAR));
    if (!w)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;)
    {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t extra;
        if (c < 0x80)
        {
            cp = c;
            extra = 0;
        }
        else if ((c & 0xe0) == 0xc0)
        {
            cp = c & 0x1f;
            extra = 1;
        }
        else if ((c & 0xf0) == 0xe0)
        {
            cp = c & 0x0f;
            extra = 2;
        }
        else if ((c & 0xf8) == 0xf0)
        {
            cp = c & 0x07;
            extra = 3;
        }
        else
            goto invalid;
        if (extra && i + extra >= n)
            goto invalid;
        for (size_t k = 1; k <= extra; k++)
        {
            unsigned char cc = (unsigned char)s[i + k];
            if ((cc & 0xc0) != 0x80)
                goto invalid;
            cp = (cp << 6) | (cc & 0x3f);
        }
        static const uint32_t min_cp[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            goto invalid;
        i += extra + 1;
        if (cp >= 0x10000)
        {
            cp -= 0x10000;
            w[o++] = (WCHAR)(0xd800 + (cp >> 10));
            w[o++] = (WCHAR)(0xdc00 + (cp & 0x3ff));
        }
        else
            w[o++] = (WCHAR)cp;
    }
    w[o] = 0;
    *out_len = o;
    return w;
invalid:
    free(w);
    *bad = true;
    return NULL;
}

/* UTF-8 for one code point into out (1 to 4 bytes); returns the byte count. */
size_t ndis_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80)
    {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800)
    {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000)
    {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Writes UTF-8 for n UTF-16 units into buf (at most len-1 bytes, then NUL). Unpaired surrogates
 * become U+FFFD. */
static void utf16_to_utf8(const WCHAR *w, size_t n, char *buf, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
    {
        uint32_t cp = (uint16_t)w[i];
        if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n && (uint16_t)w[i + 1] >= 0xdc00 && (uint16_t)w[i + 1] <= 0xdfff)
        {
            cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint16_t)w[i + 1] - 0xdc00);
            i++;
        }
        else if (cp >= 0xd800 && cp <= 0xdfff)
            cp = 0xfffd;
        char tmp[4];
        size_t k = ndis_utf8_encode(cp, tmp);
        if (o + k + 1 > len)
            break;
        memcpy(buf + o, tmp, k);
        o += k;
    }
    if (len)
        buf[o] = '\0';
}

/* Policy: keyword and key names match without regard to ASCII case; other characters must be
 * equal. (The Windows registry folds case with its own Unicode table; NDIS keywords are ASCII.) */
static WCHAR fold(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') ? (WCHAR)(c - 'A' + 'a') : c;
}

static bool name_eq(const WCHAR *a, size_t alen, const WCHAR *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

/* ---- keys and values ---------------------------------------------------------------------- */

static void value_free(cfg_value *v)
{
    free(v->name);
    free(v->data);
    free(v);
}

static void key_free_contents(cfg_key *k)
{
    for (cfg_value *v = k->values, *n; v; v = n)
    {
        n = v->next;
        value_free(v);
    }
    for (cfg_key *c = k->children, *n; c; c = n)
    {
        n = c->next;
        key_free_contents(c);
        free(c);
    }
    free(k->name);
}

static cfg_key *key_child(cfg_key *k, const WCHAR *name, size_t len, bool create)
{
    for (cfg_key *c = k->children; c; c = c->next)
        if (name_eq(c->name, c->name_len, name, len))
            return c;
    if (!create)
        return NULL;
    cfg_key *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->name = malloc((len ? len : 1) * sizeof(WCHAR));
    if (!c->name)
    {
        free(c);
        return NULL;
    }
    memcpy(c->name, name, len * sizeof(WCHAR));
    c->name_len = len;
    /* Append, so that enumeration by index follows creation order. */
    cfg_key **pp = &k->children;
    while (*pp)
        pp = &(*pp)->next;
    *pp = c;
    return c;
}

/* Walks a backslash-separated path below k. Empty components are skipped. */
static cfg_key *key_walk(cfg_key *k, const WCHAR *path, size_t len, bool create)
{
    size_t i = 0;
    while (k && i < len)
    {
        size_t j = i;
        while (j < len && path[j] != '\\')
            j++;
        if (j > i)
            k = key_child(k, path + i, j - i, create);
        i = j + 1;
    }
    return k;
}

static cfg_value *key_find(cfg_key *k, const WCHAR *name, size_t len)
{
    for (cfg_value *v = k->values; v; v = v->next)
        if (name_eq(v->name, v->name_len, name, len))
            return v;
    return NULL;
}

/* Takes ownership of v (replacing a value of the same name). */
static void key_put(cfg_key *k, cfg_value *v)
{
    for (cfg_value **pp = &k->values; *pp; pp = &(*pp)->next)
    {
        if (name_eq((*pp)->name, (*pp)->name_len, v->name, v->name_len))
        {
            v->next = (*pp)->next;
            value_free(*pp);
            *pp = v;
            return;
        }
    }
    cfg_value **pp = &k->values;
    while (*pp)
        pp = &(*pp)->next;
    v->next = NULL;
    *pp = v;
}

static cfg_value *value_new(const WCHAR *name, size_t name_len, cfg_type type, uint64_t num, const void *data,
                            size_t len)
{
    cfg_value *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->name = malloc((name_len ? name_len : 1) * sizeof(WCHAR));
    v->data = len ? malloc(len) : NULL;
    if (!v->name || (len && !v->data))
    {
        value_free(v);
        return NULL;
    }
    memcpy(v->name, name, name_len * sizeof(WCHAR));
    v->name_len = name_len;
    v->type = type;
    v->num = num;
    if (len)
        memcpy(v->data, data, len);
    v->len = len;
    return v;
}

/* ---- store -------------------------------------------------------------------------------- */

ndis_config_store *ndis_config_store_new(void)
{
    ndis_config_store *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    return s;
}

void ndis_config_store_free(ndis_config_store *s)
{
    if (!s)
        return;
    key_free_contents(&s->root);
    free(s);
}

size_t ndis_config_open_handle_count(ndis_config_store *s)
{
    exec_mutex_lock(&s->lock);
    size_t n = s->open_handles;
    exec_mutex_unlock(&s->lock);
    return n;
}

static bool append_utf16(uint8_t **buf, size_t *len, const char *s, size_t n, bool *bad);

/* Host-side helpers: UTF-8 names and subkey paths. */
static int host_put(ndis_config_store *s, const char *subkey, const char *name, cfg_type type, uint64_t num,
                    const void *data, size_t len)
{
    bool bad;
    size_t nlen, plen = 0;
    WCHAR *wname = utf8_to_utf16(name, strlen(name), &nlen, &bad);
    WCHAR *wpath = subkey ? utf8_to_utf16(subkey, strlen(subkey), &plen, &bad) : NULL;
    int rc = -1;
    if (!wname || (subkey && !wpath))
        goto out;
    exec_mutex_lock(&s->lock);
    cfg_key *k = key_walk(&s->root, wpath, plen, true);
    cfg_value *v = k ? value_new(wname, nlen, type, num, data, len) : NULL;
    if (v)
    {
        key_put(k, v);
        rc = 0;
    }
    exec_mutex_unlock(&s->lock);
out:
    free(wname);
    free(wpath);
    return rc;
}

int ndis_config_set_dword(ndis_config_store *s, const char *subkey, const char *name, uint32_t value)
{
    return host_put(s, subkey, name, CFG_DWORD, value, NULL, 0);
}

int ndis_config_set_qword(ndis_config_store *s, const char *subkey, const char *name, uint64_t value)
{
    return host_put(s, subkey, name, CFG_QWORD, value, NULL, 0);
}

int ndis_config_set_sz(ndis_config_store *s, const char *subkey, const char *name, const char *value)
{
    bool bad;
    size_t n;
    WCHAR *w = utf8_to_utf16(value, strlen(value), &n, &bad);
    if (!w)
        return -1;
    int rc = host_put(s, subkey, name, CFG_SZ, 0, w, (n + 1) * sizeof(WCHAR));
    free(w);
    return rc;
}

int ndis_config_set_binary(ndis_config_store *s, const char *subkey, const char *name, const void *data, size_t len)
{
    return host_put(s, subkey, name, CFG_BINARY, 0, data, len);
}

int ndis_config_set_multi_sz(ndis_config_store *s, const char *subkey, const char *name, const char *const *items,
                             size_t count)
{
    bool bad = false;
    uint8_t *buf = NULL;
    size_t len = 0;
    for (size_t i = 0; i < count; i++)
    {
        if (!append_utf16(&buf, &len, items[i], strlen(items[i]), &bad))
        {
            free(buf);
            return -1;
        }
    }
    /* The list's final terminator (an empty list is that terminator alone). */
    if (!append_utf16(&buf, &len, "", 0, &bad))
    {
        free(buf);
        return -1;
    }
    int rc = host_put(s, subkey, name, CFG_MULTI_SZ, 0, buf, len);
    free(buf);
    return rc;
}

int ndis_config_create_key(ndis_config_store *s, const char *subkey)
{
    bool bad;
    size_t plen = 0;
    WCHAR *wpath = subkey ? utf8_to_utf16(subkey, strlen(subkey), &plen, &bad) : NULL;
    if (subkey && !wpath)
        return -1;
    exec_mutex_lock(&s->lock);
    cfg_key *k = key_walk(&s->root, wpath, plen, true);
    exec_mutex_unlock(&s->lock);
    free(wpath);
    return k ? 0 : -1;
}

/* Finds a value by UTF-8 path and name; returns it with the store locked (caller unlocks). */
static cfg_value *host_find_locked(ndis_config_store *s, const char *subkey, const char *name)
{
    bool bad;
    size_t nlen, plen = 0;
    WCHAR *wname = utf8_to_utf16(name, strlen(name), &nlen, &bad);
    WCHAR *wpath = subkey ? utf8_to_utf16(subkey, strlen(subkey), &plen, &bad) : NULL;
    cfg_value *v = NULL;
    if (wname && (!subkey || wpath))
    {
        cfg_key *k = key_walk(&s->root, wpath, plen, false);
        v = k ? key_find(k, wname, nlen) : NULL;
    }
    free(wname);
    free(wpath);
    return v;
}

bool ndis_config_has(ndis_config_store *s, const char *subkey, const char *name)
{
    exec_mutex_lock(&s->lock);
    bool r = host_find_locked(s, subkey, name) != NULL;
    exec_mutex_unlock(&s->lock);
    return r;
}

int ndis_config_get_dword(ndis_config_store *s, const char *subkey, const char *name, uint32_t *out)
{
    exec_mutex_lock(&s->lock);
    cfg_value *v = host_find_locked(s, subkey, name);
    int rc = (v && v->type == CFG_DWORD) ? 0 : -1;
    if (!rc)
        *out = (uint32_t)v->num;
    exec_mutex_unlock(&s->lock);
    return rc;
}

int ndis_config_get_sz(ndis_config_store *s, const char *subkey, const char *name, char *buf, size_t len)
{
    exec_mutex_lock(&s->lock);
    cfg_value *v = host_find_locked(s, subkey, name);
    int rc = (v && v->type == CFG_SZ) ? 0 : -1;
    if (!rc)
    {
        size_t units = v->len / sizeof(WCHAR);
        if (units && ((WCHAR *)v->data)[units - 1] == 0)
            units--;
        utf16_to_utf8((WCHAR *)v->data, units, buf, len);
    }
    exec_mutex_unlock(&s->lock);
    return rc;
}

int ndis_config_get_binary(ndis_config_store *s, const char *subkey, const char *name, void *buf, size_t len,
                           size_t *outlen)
{
    exec_mutex_lock(&s->lock);
    cfg_value *v = host_find_locked(s, subkey, name);
    int rc = (v && v->type == CFG_BINARY) ? 0 : -1;
    if (!rc)
    {
        if (outlen)
            *outlen = v->len;
        if (v->len)
            memcpy(buf, v->data, v->len < len ? v->len : len);
    }
    exec_mutex_unlock(&s->lock);
    return rc;
}

/* ---- registry file ------------------------------------------------------------------------ */

typedef struct file_entry
{
    bool wildcard;    /* [*] rather than [adapter N] */
    unsigned adapter; /* N */
    char *section;    /* canonical "*\sub" or "adapter N\sub", for duplicate detection */
    char *subkey;     /* UTF-8 path below the adapter key, "" for the key itself */
    char *name;       /* UTF-8 */
    cfg_type type;
    uint64_t num;
    uint8_t *data;
    size_t len;
    int line;
    struct file_entry *next;
} file_entry;

typedef struct parse_ctx
{
    const char *fname;
    FILE *f;          /* file source, or NULL */
    const char *text; /* string source */
    size_t text_pos;
    int line;      /* line the reader last returned */
    bool indented; /* that line began with blanks */
    int err_line;  /* first error (lowest line), 0 = none */
    char err[512];
    file_entry *entries, **tail;
} parse_ctx;

static void parse_error(parse_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void parse_error(parse_ctx *c, int line, const char *fmt, ...)
{
    if (c->err_line && c->err_line <= line)
        return;
    c->err_line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Parses a section name: "*", "*\sub", "adapter N", "adapter N\sub". Returns false if malformed. */
static bool parse_section(const char *sec, bool *wildcard, unsigned *adapter, const char **subkey)
{
    const char *p = sec;
    if (*p == '*')
    {
        *wildcard = true;
        *adapter = 0;
        p++;
    }
    else if (strncasecmp(p, "adapter", 7) == 0 && (p[7] == ' ' || p[7] == '\t'))
    {
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p < '0' || *p > '9')
            return false;
        unsigned long n = 0;
        while (*p >= '0' && *p <= '9')
        {
            n = n * 10 + (unsigned long)(*p - '0');
            if (n > 0xffffffffUL)
                return false;
            p++;
        }
        *wildcard = false;
        *adapter = (unsigned)n;
    }
    else
        return false;
    if (*p == '\0')
    {
        *subkey = p;
        return true;
    }
    if (*p != '\\' || p[1] == '\0')
        return false;
    *subkey = p + 1;
    return true;
}

/* Numbers: decimal, or hexadecimal with 0x. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!*s)
        return false;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    {
        base = 16;
        s += 2;
        if (!*s)
            return false;
    }
    uint64_t v = 0;
    for (; *s; s++)
    {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return false;
        if (v > (max - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends a UTF-8 string as UTF-16 with its terminator to a growing buffer. */
static bool append_utf16(uint8_t **buf, size_t *len, const char *s, size_t n, bool *bad)
{
    size_t wl;
    WCHAR *w = utf8_to_utf16(s, n, &wl, bad);
    if (!w)
        return false;
    uint8_t *nb = realloc(*buf, *len + (wl + 1) * sizeof(WCHAR));
    if (!nb)
    {
        free(w);
        return false;
    }
    memcpy(nb + *len, w, (wl + 1) * sizeof(WCHAR));
    *len += (wl + 1) * sizeof(WCHAR);
    *buf = nb;
    free(w);
    return true;
}

/* Parses a typed value into e; on error reports and returns false. */
static bool parse_value(parse_ctx *c, const char *value, file_entry *e)
{
    bool bad = false;
    const char *colon = strchr(value, ':');
    const char *rest = value;
    const char *prefix_end = NULL;
    /* A type prefix is a word of letters and underscores directly followed by ':'. */
    if (colon && colon > value)
    {
        bool word = true;
        for (const char *p = value; p < colon; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
                word = false;
        if (word)
        {
            prefix_end = colon;
            rest = colon + 1;
        }
    }
    size_t plen = prefix_end ? (size_t)(prefix_end - value) : 0;
    if (!prefix_end)
    {
        e->type = CFG_SZ;
        if (!append_utf16(&e->data, &e->len, value, strlen(value), &bad))
            goto conv;
        return true;
    }
    if (plen == 5 && strncasecmp(value, "dword", 5) == 0)
    {
        e->type = CFG_DWORD;
        if (!parse_u64(rest, 0xffffffffULL, &e->num))
        {
            parse_error(c, c->line, "bad dword '%s' (decimal, or hexadecimal with 0x, at most 0xffffffff)", rest);
            return false;
        }
        return true;
    }
    if (plen == 5 && strncasecmp(value, "qword", 5) == 0)
    {
        e->type = CFG_QWORD;
        if (!parse_u64(rest, UINT64_MAX, &e->num))
        {
            parse_error(c, c->line, "bad qword '%s' (decimal, or hexadecimal with 0x)", rest);
            return false;
        }
        return true;
    }
    if (plen == 2 && strncasecmp(value, "sz", 2) == 0)
    {
        e->type = CFG_SZ;
        if (!append_utf16(&e->data, &e->len, rest, strlen(rest), &bad))
            goto conv;
        return true;
    }
    if (plen == 8 && strncasecmp(value, "multi_sz", 8) == 0)
    {
        e->type = CFG_MULTI_SZ;
        const char *p = rest;
        while (*p == ' ' || *p == '\t')
            p++;
        char *tmp = malloc(strlen(rest) + 1);
        if (!tmp)
            goto conv;
        while (*p)
        {
            if (*p != '"')
            {
                free(tmp);
                parse_error(c, c->line, "multi_sz: expected a double-quoted string at '%s'", p);
                return false;
            }
            p++;
            size_t n = 0;
            while (*p && *p != '"')
            {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                tmp[n++] = *p++;
            }
            if (*p != '"')
            {
                free(tmp);
                parse_error(c, c->line, "multi_sz: unterminated string");
                return false;
            }
            p++;
            if (n == 0)
            {
                free(tmp);
                parse_error(c, c->line, "multi_sz: empty strings cannot be stored in a REG_MULTI_SZ");
                return false;
            }
            if (!append_utf16(&e->data, &e->len, tmp, n, &bad))
            {
                free(tmp);
                goto conv;
            }
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == ',')
            {
                p++;
                while (*p == ' ' || *p == '\t')
                    p++;
                if (!*p)
                {
                    free(tmp);
                    parse_error(c, c->line, "multi_sz: trailing comma");
                    return false;
                }
            }
            else if (*p)
            {
                free(tmp);
                parse_error(c, c->line, "multi_sz: expected ',' between strings at '%s'", p);
                return false;
            }
        }
        free(tmp);
        /* The list's final terminator. */
        if (!append_utf16(&e->data, &e->len, "", 0, &bad))
            goto conv;
        return true;
    }
    if (plen == 6 && strncasecmp(value, "binary", 6) == 0)
    {
        e->type = CFG_BINARY;
        size_t cap = strlen(rest) / 2 + 1, n = 0;
        e->data = malloc(cap);
        if (!e->data)
            goto conv;
        const char *p = rest;
        for (;;)
        {
            while (*p == ' ' || *p == '\t')
                p++;
            if (!*p)
                break;
            const char *tok = p;
            while (*p && *p != ' ' && *p != '\t')
                p++;
            size_t tl = (size_t)(p - tok);
            if (tl % 2)
            {
                parse_error(c, c->line, "binary: '%.*s' has an odd number of hex digits", (int)tl, tok);
                return false;
            }
            for (size_t i = 0; i < tl; i += 2)
            {
                int hi = hexval(tok[i]), lo = hexval(tok[i + 1]);
                if (hi < 0 || lo < 0)
                {
                    parse_error(c, c->line, "binary: '%.*s' is not hexadecimal", (int)tl, tok);
                    return false;
                }
                e->data[n++] = (uint8_t)(hi << 4 | lo);
            }
        }
        e->len = n;
        return true;
    }
    parse_error(c, c->line,
                "unknown type prefix '%.*s:' (dword, qword, sz, multi_sz, binary; write sz:%s for a literal string)",
                (int)plen, value, value);
    return false;
conv:
    if (bad)
        parse_error(c, c->line, "value is not valid UTF-8");
    else
        parse_error(c, c->line, "out of memory");
    return false;
}

static void entry_free(file_entry *e)
{
    free(e->section);
    free(e->subkey);
    free(e->name);
    free(e->data);
    free(e);
}

static int ini_handler_fn(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    if (c->indented)
    {
        parse_error(c, c->line,
                    "indented line: it would continue the previous value; registry files take no continuation lines");
        return 1;
    }
    if (!section[0])
    {
        parse_error(c, c->line, "'%s' is outside any section; start with [*] or [adapter N]", name);
        return 1;
    }
    bool wildcard;
    unsigned adapter;
    const char *subkey;
    if (!parse_section(section, &wildcard, &adapter, &subkey))
        return 1; /* reported by the reader when it saw the section line */

    file_entry *e = calloc(1, sizeof *e);
    if (!e)
    {
        parse_error(c, c->line, "out of memory");
        return 1;
    }
    e->wildcard = wildcard;
    e->adapter = adapter;
    e->line = c->line;
    char canon[300];
    if (wildcard)
        snprintf(canon, sizeof canon, "*\\%s", subkey);
    else
        snprintf(canon, sizeof canon, "adapter %u\\%s", adapter, subkey);
    e->section = strdup(canon);
    e->subkey = strdup(subkey);
    e->name = strdup(name);
    if (!e->section || !e->subkey || !e->name)
    {
        entry_free(e);
        parse_error(c, c->line, "out of memory");
        return 1;
    }
    bool bad;
    size_t wl;
    WCHAR *w = utf8_to_utf16(name, strlen(name), &wl, &bad);
    if (!w)
    {
        entry_free(e);
        parse_error(c, c->line, bad ? "keyword is not valid UTF-8" : "out of memory");
        return 1;
    }
    free(w);
    if (!parse_value(c, value, e))
    {
        entry_free(e);
        return 1;
    }
    for (file_entry *o = c->entries; o; o = o->next)
    {
        if (strcasecmp(o->section, e->section) == 0 && strcasecmp(o->name, e->name) == 0)
        {
            parse_error(c, c->line, "duplicate keyword '%s' in section [%s] (first set at line %d)", name, section,
                        o->line);
            entry_free(e);
            return 1;
        }
    }
    *c->tail = e;
    c->tail = &e->next;
    return 1;
}

/* Line reader for inih: counts lines, notices indentation, checks section headers and line length
 * (inih splits longer lines silently). */
static char *reader_fn(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    size_t n = 0;
    bool eol = false;
    int ch;
    if (c->f)
    {
        while ((ch = fgetc(c->f)) != EOF)
        {
            if (ch == '\n')
            {
                eol = true;
                break;
            }
            if (n + 2 < (size_t)num)
                str[n] = (char)ch;
            n++;
        }
        if (ch == EOF && n == 0)
            return NULL;
    }
    else
    {
        if (!c->text[c->text_pos])
            return NULL;
        while ((ch = (unsigned char)c->text[c->text_pos]) != 0)
        {
            c->text_pos++;
            if (ch == '\n')
            {
                eol = true;
                break;
            }
            if (n + 2 < (size_t)num)
                str[n] = (char)ch;
            n++;
        }
    }
    c->line++;
    if (n + 2 > (size_t)num)
    {
        parse_error(c, c->line, "line longer than %d characters", num - 2);
        n = 0; /* hand inih an empty line */
    }
    if (eol)
        str[n++] = '\n';
    str[n] = '\0';
    c->indented = (str[0] == ' ' || str[0] == '\t');

    char copy[INI_MAX_LINE + 1];
    snprintf(copy, sizeof copy, "%s", str);
    char *t = trim(copy);
    if (c->line == 1 && (unsigned char)t[0] == 0xef && (unsigned char)t[1] == 0xbb && (unsigned char)t[2] == 0xbf)
        t += 3;
    if (t[0] == '[')
    {
        char *close = strchr(t, ']');
        if (close)
        {
            *close = '\0';
            bool w;
            unsigned a;
            const char *sk;
            char *sec = trim(t + 1);
            if (!parse_section(sec, &w, &a, &sk))
                parse_error(c, c->line, "unknown section [%s]; expected [*], [adapter N] or [adapter N\\Subkey]", sec);
        }
        c->indented = false;
    }
    return str;
}

static int apply_entries(ndis_config_store *s, parse_ctx *c, unsigned adapter_index)
{
    /* [*] first, then [adapter N]: the more specific section wins whatever the file order. */
    for (int pass = 0; pass < 2; pass++)
    {
        for (file_entry *e = c->entries; e; e = e->next)
        {
            if (pass == 0 ? !e->wildcard : (e->wildcard || e->adapter != adapter_index))
                continue;
            if (host_put(s, e->subkey, e->name, e->type, e->num, e->data, e->len) != 0)
                return -1;
        }
    }
    return 0;
}

static int load(ndis_config_store *s, parse_ctx *c, unsigned adapter_index, char *err, size_t errlen)
{
    c->tail = &c->entries;
    int rc = ini_parse_stream(reader_fn, c, ini_handler_fn, c);
    if (rc > 0)
        parse_error(c, rc, "malformed line (expected [section], keyword = value, or a ; or # comment)");
    else if (rc < 0)
        parse_error(c, 0, "out of memory");
    int result = 0;
    if (c->err_line || c->err[0])
    {
        if (err && errlen)
            snprintf(err, errlen, "%s:%d: %s", c->fname, c->err_line, c->err);
        result = -1;
    }
    else if (apply_entries(s, c, adapter_index) != 0)
    {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", c->fname);
        result = -1;
    }
    for (file_entry *e = c->entries, *n; e; e = n)
    {
        n = e->next;
        entry_free(e);
    }
    return result;
}

int ndis_config_store_load_file(ndis_config_store *s, const char *path, unsigned adapter_index, char *err,
                                size_t errlen)
{
    parse_ctx c = {.fname = path};
    c.f = fopen(path, "r");
    if (!c.f)
    {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open registry file: %s", path, strerror(errno));
        return -1;
    }
    int rc = load(s, &c, adapter_index, err, errlen);
    fclose(c.f);
    return rc;
}

int ndis_config_store_load_string(ndis_config_store *s, const char *text, const char *name, unsigned adapter_index,
                                  char *err, size_t errlen)
{
    parse_ctx c = {.fname = name ? name : "<string>", .text = text ? text : ""};
    return load(s, &c, adapter_index, err, errlen);
}

/* ---- configuration handles ---------------------------------------------------------------- */

static void *handle_alloc(cfg_handle *h, size_t size)
{
    cfg_alloc *a = calloc(1, sizeof *a + size);
    if (!a)
        return NULL;
    a->next = h->allocs;
    h->allocs = a;
    return a->payload;
}

static void handle_destroy(cfg_handle *h)
{
    ndis_handle_unregister(h);
    exec_mutex_lock(&h->store->lock);
    h->store->open_handles--;
    exec_mutex_unlock(&h->store->lock);
    for (cfg_alloc *a = h->allocs, *n; a; a = n)
    {
        n = a->next;
        free(a);
    }
    h->magic = 0;
    free(h);
}

/* Ledger reclaim after a leaked handle was reported. */
static void handle_reclaim(vf_res *r)
{
    handle_destroy(CONTAINING_RECORD(r, cfg_handle, res));
}

static cfg_handle *handle_new(ndis_config_store *s, cfg_key *key, vf_owner *owner, void *site)
{
    cfg_handle *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->magic = CFG_HANDLE_MAGIC;
    h->store = s;
    h->key = key;
    h->owner = owner;
    h->res.kind = VF_RES_CONFIG;
    h->res.key = h;
    h->res.reclaim = handle_reclaim;
    exec_mutex_lock(&s->lock);
    s->open_handles++;
    exec_mutex_unlock(&s->lock);
    ndis_handle_register(h);
    vf_ledger_insert(&h->res, owner, site);
    return h;
}

/* Validates a ConfigurationHandle; reports AP-01 for anything that is not an open one. */
static cfg_handle *handle_from(NDIS_HANDLE handle, const char *api, void *site)
{
    if (!handle || !ndis_handle_is_live(handle) || ((cfg_handle *)handle)->magic != CFG_HANDLE_MAGIC)
    {
        vf_report("AP-01", vf_current_owner(), VF_CB_NONE, site,
                  "%s called with ConfigurationHandle %p, which is not an open configuration handle", api, handle);
        return NULL;
    }
    return handle;
}

NDIS_STATUS ndis_config_open_store(ndis_config_store *s, vf_owner *owner, void *site, NDIS_HANDLE *out)
{
    cfg_handle *h = handle_new(s, &s->root, owner, site);
    if (!h)
        return NDIS_STATUS_RESOURCES;
    *out = h;
    return NDIS_STATUS_SUCCESS;
}

/* Policy: a driver handle (rather than an adapter handle) opens the driver's own Parameters key:
 * one process-wide key, empty at start, that keeps what drivers write for the process lifetime. */
static ndis_config_store *driver_store(void)
{
    static exec_mutex lock = EXEC_MUTEX_INIT;
    static ndis_config_store *store;
    exec_mutex_lock(&lock);
    if (!store)
        store = ndis_config_store_new();
    ndis_config_store *s = store;
    exec_mutex_unlock(&lock);
    return s;
}

NDIS_STATUS NdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject, PNDIS_HANDLE ConfigurationHandle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisOpenConfigurationEx", site);
    if (!ConfigObject || !ConfigurationHandle)
    {
        vf_report("AP-02", vf_current_owner(), VF_CB_NONE, site, "NdisOpenConfigurationEx called with a NULL %s",
                  !ConfigObject ? "ConfigObject" : "ConfigurationHandle");
        return NDIS_STATUS_FAILURE;
    }
    *ConfigurationHandle = NULL;
    const NDIS_OBJECT_HEADER *hdr = &ConfigObject->Header;
    if (hdr->Type != NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT || hdr->Revision < NDIS_CONFIGURATION_OBJECT_REVISION_1 ||
        hdr->Size < NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1)
    {
        vf_report("AP-02", vf_current_owner(), VF_CB_NONE, site,
                  "NdisOpenConfigurationEx: ConfigObject header is Type 0x%02x Revision %u Size %u; expected "
                  "NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT, revision 1, size >= %u",
                  hdr->Type, hdr->Revision, hdr->Size, (unsigned)NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (ConfigObject->Flags & ~(ULONG)NDIS_CONFIG_FLAG_FILTER_INSTANCE_CONFIGURATION)
    {
        vf_report("AP-02", vf_current_owner(), VF_CB_NONE, site,
                  "NdisOpenConfigurationEx: unknown Flags 0x%x in the configuration object", ConfigObject->Flags);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    vf_owner *owner = ndis_owner_from_handle(ConfigObject->NdisHandle, "NdisOpenConfigurationEx", site);
    if (!owner)
        return NDIS_STATUS_FAILURE;
    ndis_config_store *s;
    if (*(const uint32_t *)ConfigObject->NdisHandle == NDIS_ADAPTER_MAGIC)
    {
        ndis_adapter *a = ConfigObject->NdisHandle;
        if (!a->config)
            a->config = ndis_config_store_new(); /* Policy: an adapter created without a registry has an empty one. */
        s = a->config;
    }
    else
        s = driver_store();
    if (vf_should_fail("NdisOpenConfigurationEx", site))
        return NDIS_STATUS_RESOURCES;
    return ndis_config_open_store(s, owner, site, ConfigurationHandle);
}

VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisCloseConfiguration", site);
    cfg_handle *h = handle_from(ConfigurationHandle, "NdisCloseConfiguration", site);
    if (!h)
        return;
    vf_ledger_remove(&h->res);
    handle_destroy(h);
}

/* A parameter block the driver gets a pointer to; lives until the handle is closed. */
static PNDIS_CONFIGURATION_PARAMETER param_new(cfg_handle *h, size_t extra, void **data)
{
    PNDIS_CONFIGURATION_PARAMETER p = handle_alloc(h, sizeof *p + extra);
    if (p && data)
        *data = p + 1;
    return p;
}

/* Policy for REG_SZ read as a number: surrounding blanks are ignored, decimal may carry a sign
 * (a negative value wraps as a ULONG would), hexadecimal may carry 0x; anything else fails. */
static bool wstr_to_ulong(const WCHAR *w, size_t n, int base, ULONG *out)
{
    while (n && (w[n - 1] == 0 || w[n - 1] == ' ' || w[n - 1] == '\t'))
        n--;
    size_t i = 0;
    while (i < n && (w[i] == ' ' || w[i] == '\t'))
        i++;
    bool neg = false;
    if (base == 10 && i < n && (w[i] == '-' || w[i] == '+'))
        neg = w[i++] == '-';
    if (base == 16 && i + 1 < n && w[i] == '0' && (w[i + 1] == 'x' || w[i + 1] == 'X'))
        i += 2;
    if (i == n)
        return false;
    uint64_t v = 0;
    for (; i < n; i++)
    {
        int d = (w[i] < 128) ? hexval((char)w[i]) : -1;
        if (d < 0 || d >= base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
        if (v > 0xffffffffULL)
            return false;
    }
    *out = neg ? (ULONG)(0u - (uint32_t)v) : (ULONG)v;
    return true;
}

/* The start of every configuration call that returns its result through Status: PASSIVE_LEVEL,
 * its pointer arguments (AP-02 naming them, `what`), a failure status until the call succeeds,
 * then the configuration handle. NULL when the call fails here. */
static cfg_handle *cfg_call_begin(NDIS_HANDLE ConfigurationHandle, PNDIS_STATUS Status, bool args_ok, const char *what,
                                  const char *api, void *site)
{
    vf_check_irql_eq(PASSIVE_LEVEL, api, site);
    if (!args_ok)
    {
        vf_report("AP-02", vf_current_owner(), VF_CB_NONE, site, "%s called with a NULL %s", api, what);
        if (Status)
            *Status = NDIS_STATUS_FAILURE;
        return NULL;
    }
    *Status = NDIS_STATUS_FAILURE;
    return handle_from(ConfigurationHandle, api, site);
}

VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword, NDIS_PARAMETER_TYPE ParameterType)
{
    void *site = VF_SITE();
    cfg_handle *h = cfg_call_begin(ConfigurationHandle, Status,
                                   Status && ParameterValue && Keyword && (!Keyword->Length || Keyword->Buffer),
                                   "Status, ParameterValue or Keyword", "NdisReadConfiguration", site);
    if (!h)
        return;
    if (ParameterType > NdisParameterBinary)
    {
        vf_report("AP-02", h->owner, VF_CB_NONE, site,
                  "NdisReadConfiguration: ParameterType %d is not an NDIS_PARAMETER_TYPE", (int)ParameterType);
        return;
    }
    if (vf_should_fail("NdisReadConfiguration", site))
    {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    exec_mutex_lock(&h->store->lock);
    cfg_value *v = key_find(h->key, Keyword->Buffer, Keyword->Length / sizeof(WCHAR));
    PNDIS_CONFIGURATION_PARAMETER p = NULL;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    if (!v)
        goto out;
    void *data = NULL;
    ULONG num;
    /* Policy: the registry type decides what comes back, as the docs say ParameterType is ignored,
     * except that a REG_SZ requested as an integer is converted (the INF writes enumerations as
     * strings): NdisParameterInteger parses decimal, NdisParameterHexInteger hexadecimal. */
    switch (v->type)
    {
    case CFG_DWORD:
        p = param_new(h, 0, NULL);
        if (!p)
            break;
        p->ParameterType = ParameterType == NdisParameterHexInteger ? NdisParameterHexInteger : NdisParameterInteger;
        p->ParameterData.IntegerData = (ULONG)v->num;
        break;
    case CFG_QWORD:
        /* Policy: NDIS has no 64-bit parameter: a QWORD that fits in 32 bits reads as an integer,
         * a larger one as 8 bytes of binary data. */
        if (v->num <= 0xffffffffULL)
        {
            p = param_new(h, 0, NULL);
            if (!p)
                break;
            p->ParameterType =
                ParameterType == NdisParameterHexInteger ? NdisParameterHexInteger : NdisParameterInteger;
            p->ParameterData.IntegerData = (ULONG)v->num;
        }
        else
        {
            p = param_new(h, 8, &data);
            if (!p)
                break;
            memcpy(data, &v->num, 8);
            p->ParameterType = NdisParameterBinary;
            p->ParameterData.BinaryData.Length = 8;
            p->ParameterData.BinaryData.Buffer = data;
        }
        break;
    case CFG_SZ:
        if (ParameterType == NdisParameterInteger || ParameterType == NdisParameterHexInteger)
        {
            if (!wstr_to_ulong((const WCHAR *)v->data, v->len / sizeof(WCHAR),
                               ParameterType == NdisParameterInteger ? 10 : 16, &num))
                goto out;
            p = param_new(h, 0, NULL);
            if (!p)
                break;
            p->ParameterType = ParameterType;
            p->ParameterData.IntegerData = num;
            break;
        }
        /* fallthrough */
    case CFG_MULTI_SZ:
        if (v->len > 0xfffe)
            goto out;
        p = param_new(h, v->len + sizeof(WCHAR), &data);
        if (!p)
            break;
        memcpy(data, v->data, v->len);
        p->ParameterType = v->type == CFG_SZ ? NdisParameterString : NdisParameterMultiString;
        /* A REG_SZ's Length leaves out its terminator; a REG_MULTI_SZ's covers the whole list. */
        p->ParameterData.StringData.Length =
            (USHORT)(v->type == CFG_SZ && v->len >= sizeof(WCHAR) ? v->len - sizeof(WCHAR) : v->len);
        p->ParameterData.StringData.MaximumLength = (USHORT)(v->len + sizeof(WCHAR));
        p->ParameterData.StringData.Buffer = data;
        break;
    case CFG_BINARY:
        if (v->len > 0xffff)
            goto out;
        p = param_new(h, v->len, &data);
        if (!p)
            break;
        if (v->len)
            memcpy(data, v->data, v->len);
        p->ParameterType = NdisParameterBinary;
        p->ParameterData.BinaryData.Length = (USHORT)v->len;
        p->ParameterData.BinaryData.Buffer = data;
        break;
    }
    st = p ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
out:
    exec_mutex_unlock(&h->store->lock);
    if (st == NDIS_STATUS_SUCCESS)
        *ParameterValue = p;
    *Status = st;
}

VOID NdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                            PNDIS_CONFIGURATION_PARAMETER ParameterValue)
{
    void *site = VF_SITE();
    cfg_handle *h = cfg_call_begin(
        ConfigurationHandle, Status, Status && Keyword && ParameterValue && Keyword->Length && Keyword->Buffer,
        "Status, Keyword or ParameterValue, or an empty Keyword", "NdisWriteConfiguration", site);
    if (!h)
        return;
    cfg_type type;
    uint64_t num = 0;
    const void *data = NULL;
    size_t len = 0;
    uint8_t *tmp = NULL;
    switch (ParameterValue->ParameterType)
    {
    case NdisParameterInteger:
    case NdisParameterHexInteger:
        /* Policy: both integer kinds are stored as REG_DWORD. */
        type = CFG_DWORD;
        num = ParameterValue->ParameterData.IntegerData;
        break;
    case NdisParameterString:
    case NdisParameterMultiString:
    {
        const NDIS_STRING *s = &ParameterValue->ParameterData.StringData;
        if (s->Length && !s->Buffer)
        {
            vf_report("AP-02", h->owner, VF_CB_NONE, site, "NdisWriteConfiguration: StringData.Buffer is NULL");
            return;
        }
        size_t units = s->Length / sizeof(WCHAR);
        type = ParameterValue->ParameterType == NdisParameterString ? CFG_SZ : CFG_MULTI_SZ;
        /* Stored with the terminator(s) the registry keeps, whether or not the caller's buffer has them. */
        tmp = calloc(units + 2, sizeof(WCHAR));
        if (!tmp)
        {
            *Status = NDIS_STATUS_RESOURCES;
            return;
        }
        if (units)
            memcpy(tmp, s->Buffer, units * sizeof(WCHAR));
        size_t n = units;
        if (type == CFG_SZ)
            n = units + 1;
        else
        {
            while (n && ((WCHAR *)tmp)[n - 1] == 0)
                n--;
            n += 2;
        }
        data = tmp;
        len = n * sizeof(WCHAR);
        break;
    }
    case NdisParameterBinary:
        type = CFG_BINARY;
        data = ParameterValue->ParameterData.BinaryData.Buffer;
        len = ParameterValue->ParameterData.BinaryData.Length;
        if (len && !data)
        {
            vf_report("AP-02", h->owner, VF_CB_NONE, site, "NdisWriteConfiguration: BinaryData.Buffer is NULL");
            return;
        }
        break;
    default:
        *Status = NDIS_STATUS_NOT_SUPPORTED;
        return;
    }
    if (vf_should_fail("NdisWriteConfiguration", site))
    {
        free(tmp);
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    cfg_value *v = value_new(Keyword->Buffer, Keyword->Length / sizeof(WCHAR), type, num, data, len);
    free(tmp);
    if (!v)
    {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    exec_mutex_lock(&h->store->lock);
    key_put(h->key, v);
    exec_mutex_unlock(&h->store->lock);
    *Status = NDIS_STATUS_SUCCESS;
}

VOID NdisReadNetworkAddress(PNDIS_STATUS Status, PVOID *NetworkAddress, PUINT NetworkAddressLength,
                            NDIS_HANDLE ConfigurationHandle)
{
    void *site = VF_SITE();
    cfg_handle *h = cfg_call_begin(ConfigurationHandle, Status, Status && NetworkAddress && NetworkAddressLength,
                                   "Status, NetworkAddress or NetworkAddressLength", "NdisReadNetworkAddress", site);
    if (!h)
        return;
    static const WCHAR keyword[] = {'N', 'e', 't', 'w', 'o', 'r', 'k', 'A', 'd', 'd', 'r', 'e', 's', 's'};
    exec_mutex_lock(&h->store->lock);
    cfg_value *v = key_find(h->key, keyword, sizeof keyword / sizeof keyword[0]);
    UCHAR bytes[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    size_t nbytes = 0, digits = 0;
    bool ok = v && v->type == CFG_SZ; /* "the value stored was not a string": FAILURE */
    /* NDIS discards hyphens and converts pairs of hex digits to bytes. Policy: any other
     * character, an odd number of digits, no digits or more than NDIS_MAX_PHYS_ADDRESS_LENGTH
     * bytes is FAILURE (NDIS itself promises no validation, so the driver must validate too). */
    for (size_t i = 0; ok && i < v->len / sizeof(WCHAR); i++)
    {
        WCHAR c = ((const WCHAR *)v->data)[i];
        if (c == 0)
            break;
        if (c == '-')
            continue;
        int d = c < 128 ? hexval((char)c) : -1;
        if (d < 0 || nbytes == sizeof bytes)
        {
            ok = false;
            break;
        }
        if (digits++ % 2 == 0)
            bytes[nbytes] = (UCHAR)(d << 4);
        else
            bytes[nbytes++] |= (UCHAR)d;
    }
    if (ok && (digits == 0 || digits % 2))
        ok = false;
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    if (ok)
    {
        /* The buffer stays valid until NdisCloseConfiguration. */
        UCHAR *buf = handle_alloc(h, nbytes);
        if (buf)
        {
            memcpy(buf, bytes, nbytes);
            *NetworkAddress = buf;
            *NetworkAddressLength = (UINT)nbytes;
            st = NDIS_STATUS_SUCCESS;
        }
        else
            st = NDIS_STATUS_RESOURCES;
    }
    exec_mutex_unlock(&h->store->lock);
    *Status = st;
}

VOID NdisOpenConfigurationKeyByName(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING SubKeyName,
                                    PNDIS_HANDLE SubKeyHandle)
{
    void *site = VF_SITE();
    cfg_handle *h = cfg_call_begin(ConfigurationHandle, Status,
                                   Status && SubKeyName && SubKeyHandle && (!SubKeyName->Length || SubKeyName->Buffer),
                                   "Status, SubKeyName or SubKeyHandle", "NdisOpenConfigurationKeyByName", site);
    if (!h)
        return;
    if (vf_should_fail("NdisOpenConfigurationKeyByName", site))
    {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    /* Policy: opening a subkey that does not exist creates it (the registry call NDIS makes
     * creates missing keys), so that a driver can write below a new subkey. */
    exec_mutex_lock(&h->store->lock);
    cfg_key *k = key_walk(h->key, SubKeyName->Buffer, SubKeyName->Length / sizeof(WCHAR), true);
    exec_mutex_unlock(&h->store->lock);
    if (!k)
    {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    cfg_handle *sub = handle_new(h->store, k, h->owner, site);
    if (!sub)
    {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    *SubKeyHandle = sub;
    *Status = NDIS_STATUS_SUCCESS;
}

VOID NdisOpenConfigurationKeyByIndex(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, ULONG Index,
                                     PNDIS_STRING KeyName, PNDIS_HANDLE KeyHandle)
{
    void *site = VF_SITE();
    cfg_handle *h = cfg_call_begin(ConfigurationHandle, Status, Status && KeyName && KeyHandle,
                                   "Status, KeyName or KeyHandle", "NdisOpenConfigurationKeyByIndex", site);
    if (!h)
        return;
    exec_mutex_lock(&h->store->lock);
    cfg_key *k = h->key->children;
    for (ULONG i = 0; k && i < Index; i++)
        k = k->next;
    exec_mutex_unlock(&h->store->lock);
    if (!k)
        return; /* no subkey with that index: FAILURE */
    if (vf_should_fail("NdisOpenConfigurationKeyByIndex", site))
    {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    cfg_handle *sub = handle_new(h->store, k, h->owner, site);
    if (!sub)
    {
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    /* Policy: the returned name lives as long as the subkey handle. */
    WCHAR *name = handle_alloc(sub, (k->name_len + 1) * sizeof(WCHAR));
    if (!name)
    {
        vf_ledger_remove(&sub->res);
        handle_destroy(sub);
        *Status = NDIS_STATUS_RESOURCES;
        return;
    }
    memcpy(name, k->name, k->name_len * sizeof(WCHAR));
    KeyName->Buffer = name;
    KeyName->Length = (USHORT)(k->name_len * sizeof(WCHAR));
    KeyName->MaximumLength = (USHORT)((k->name_len + 1) * sizeof(WCHAR));
    *KeyHandle = sub;
    *Status = NDIS_STATUS_SUCCESS;
}

/* The INF reader (see inf.h and docs/inf.md).
 *
 * Three stages: decode the file to UTF-8; cut it into sections of logical lines (comments,
 * quotes and `\` continuations resolved, section names merged); then walk the install chain
 * [Version] -> [Manufacturer] -> Models -> DDInstall -> AddReg sections with %strkey%
 * substitution, building a small registry model (keys and typed values below HKR) that is
 * finally copied into adapter stores. Syntax follows the WDK pages "General Syntax Rules for INF
 * Files", "INF Strings Section", "INF AddReg Directive" and the network INF pages. */
#include "inf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- memory: one arena per INF, freed at once ----------------------------------------------- */

typedef struct arena_block
{
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
} arena_block;

typedef struct arena
{
    arena_block *head;
} arena;

/* Policy: the host aborts when it runs out of memory while reading an INF (before any driver
 * runs); nothing partial is ever used. */
static void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->size - a->head->used < n)
    {
        size_t size = n > 65536 ? n : 65536;
        arena_block *b = malloc(sizeof *b + size);
        if (!b)
            abort();
        b->next = a->head;
        b->used = 0;
        b->size = size;
        a->head = b;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

static char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

static void arena_free(arena *a)
{
    for (arena_block *b = a->head, *n; b; b = n)
    {
        n = b->next;
        free(b);
    }
    a->head = NULL;
}

/* Growable string for building text. */
typedef struct sbuf
{
    char *p;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap)
    {
        size_t cap = b->cap ? b->cap * 2 : 128;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_putc(sbuf *b, char c)
{
    sb_put(b, &c, 1);
}

static const char *sb_str(sbuf *b)
{
    return b->p ? b->p : "";
}

/* ---- model ---------------------------------------------------------------------------------- */

typedef struct inf_entry
{
    int line;
    char *key;   /* text before an unquoted '=', quotes resolved; NULL when there is none */
    char *value; /* the rest, raw (quotes still there), trimmed */
    struct inf_entry *next;
} inf_entry;

typedef struct inf_section
{
    char *name;
    int line; /* first header */
    inf_entry *first, **tail;
    struct inf_section *next;
} inf_section;

typedef enum iv_type
{
    IV_KEY, /* a key created without values */
    IV_SZ,
    IV_MULTI_SZ,
    IV_DWORD,
    IV_QWORD,
    IV_BINARY,
} iv_type;

typedef struct inf_value
{
    char *subkey; /* normalized path below HKR, "" for the key itself */
    char *name;
    iv_type type;
    uint64_t num;
    char **strs; /* SZ: one; MULTI_SZ: nstrs */
    size_t nstrs;
    uint8_t *bin;
    size_t binlen;
    int line;
    struct inf_value *next;
} inf_value;

struct ndis_inf
{
    arena mem;
    const char *fname;
    bool failed;
    char err[512];
    inf_section *sections, **stail;
    inf_section *strings, *strings_plain; /* the [Strings.<LanguageID>] chosen, and [Strings] */
    inf_value *values, **vtail;
    size_t nvalues;
    const char *install, *hwid, *desc;
};

static bool fail(ndis_inf *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records the first error only; always returns false so that callers can `return fail(...)`. */
static bool fail(ndis_inf *c, int line, const char *fmt, ...)
{
    if (c->failed)
        return false;
    c->failed = true;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(c->err, sizeof c->err, "%s:%d: %s", c->fname, line, msg);
    else
        snprintf(c->err, sizeof c->err, "%s: %s", c->fname, msg);
    return false;
}

/* ---- decoding ------------------------------------------------------------------------------- */

static void put_utf8(sbuf *b, uint32_t cp)
{
    char t[4];
    size_t k = ndis_utf8_encode(cp, t);
    sb_put(b, t, k);
}

static bool nul_error(ndis_inf *c, int line)
{
    return fail(c, line, "NUL character in the file (a UTF-16 file without a byte-order mark?)");
}

static bool decode_utf16(ndis_inf *c, const uint8_t *d, size_t n, bool big_endian, sbuf *out)
{
    if (n % 2)
        return fail(c, 0, "UTF-16 file with an odd number of bytes (truncated?)");
    int line = 1;
    for (size_t i = 0; i < n; i += 2)
    {
        uint32_t u = big_endian ? (uint32_t)(d[i] << 8 | d[i + 1]) : (uint32_t)(d[i + 1] << 8 | d[i]);
        if (u >= 0xd800 && u <= 0xdbff && i + 3 < n)
        {
            uint32_t lo = big_endian ? (uint32_t)(d[i + 2] << 8 | d[i + 3]) : (uint32_t)(d[i + 3] << 8 | d[i + 2]);
            if (lo >= 0xdc00 && lo <= 0xdfff)
            {
                put_utf8(out, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xd800 && u <= 0xdfff)
            u = 0xfffd; /* Policy: an unpaired surrogate reads as U+FFFD */
        if (u == 0)
            return nul_error(c, line);
        if (u == '\n')
            line++;
        put_utf8(out, u);
    }
    return true;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t k;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        k = 2, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
        k = 3, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
        k = 4, cp = c & 0x07;
    else
        return 0;
    if (k > n)
        return 0;
    for (size_t i = 1; i < k; i++)
    {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

/* Windows-1252 for 0x80..0x9f (the five undefined positions map to the C1 control of the same
 * value, as Windows' MultiByteToWideChar does). */
static const uint16_t cp1252_80[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

static bool decode_8bit(ndis_inf *c, const uint8_t *d, size_t n, sbuf *out)
{
    bool utf8 = true;
    for (size_t i = 0; i < n;)
    {
        size_t k = utf8_seq(d + i, n - i);
        if (!k)
        {
            utf8 = false;
            break;
        }
        i += k;
    }
    int line = 1;
    for (size_t i = 0; i < n; i++)
    {
        if (d[i] == 0)
            return nul_error(c, line);
        if (d[i] == '\n')
            line++;
        if (utf8 || d[i] < 0x80)
            sb_putc(out, (char)d[i]);
        else /* Policy: a file that is not valid UTF-8 is an "ANSI" INF, read as Windows-1252 */
            put_utf8(out, d[i] < 0xa0 ? cp1252_80[d[i] - 0x80] : d[i]);
    }
    return true;
}

static bool decode(ndis_inf *c, const uint8_t *d, size_t n, sbuf *out)
{
    if (n >= 2 && d[0] == 0xff && d[1] == 0xfe)
        return decode_utf16(c, d + 2, n - 2, false, out);
    if (n >= 2 && d[0] == 0xfe && d[1] == 0xff)
        return decode_utf16(c, d + 2, n - 2, true, out);
    if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
        return decode_8bit(c, d + 3, n - 3, out);
    /* Policy: without a BOM, a first character with a zero high (or low) byte means UTF-16LE
     * (or BE); INF text never starts with U+0000 or a character above U+00FF. */
    if (n >= 2 && d[0] != 0 && d[1] == 0)
        return decode_utf16(c, d, n, false, out);
    if (n >= 2 && d[0] == 0 && d[1] != 0)
        return decode_utf16(c, d, n, true, out);
    return decode_8bit(c, d, n, out);
}

/* ---- lines and sections --------------------------------------------------------------------- */

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

static inf_section *find_section(ndis_inf *c, const char *name)
{
    for (inf_section *s = c->sections; s; s = s->next)
        if (strcasecmp(s->name, name) == 0)
            return s;
    return NULL;
}

/* Resolves quotes in [s, s+n): the enclosing quotes go, "" inside them is one ", blanks outside
 * quotes at either end are dropped. */
static char *unquote(arena *a, const char *s, size_t n)
{
    sbuf b = {0};
    size_t keep = 0;
    bool inq = false, started = false;
    for (size_t i = 0; i < n; i++)
    {
        char ch = s[i];
        if (inq)
        {
            if (ch == '"' && i + 1 < n && s[i + 1] == '"')
            {
                sb_putc(&b, '"');
                i++;
            }
            else if (ch == '"')
                inq = false;
            else
                sb_putc(&b, ch);
            keep = b.n;
            continue;
        }
        if (ch == '"')
        {
            inq = started = true;
            keep = b.n;
            continue;
        }
        if (is_blank(ch) && !started)
            continue; /* leading blank */
        started = true;
        sb_putc(&b, ch);
        if (!is_blank(ch))
            keep = b.n;
    }
    char *r = arena_strndup(a, sb_str(&b), keep < b.n ? keep : b.n);
    free(b.p);
    return r;
}

/* Splits a raw value at unquoted commas; every field unquoted. An empty value has no fields. */
static size_t split_fields(arena *a, const char *raw, char ***out)
{
    size_t n = 0, cap = 0;
    char **v = NULL;
    if (!*raw)
    {
        *out = NULL;
        return 0;
    }
    const char *start = raw;
    bool inq = false;
    for (const char *p = raw;; p++)
    {
        if (*p == '"')
            inq = !inq;
        if (*p == '\0' || (*p == ',' && !inq))
        {
            if (n == cap)
            {
                cap = cap ? cap * 2 : 8;
                char **nv = arena_alloc(a, cap * sizeof *nv);
                if (n)
                    memcpy(nv, v, n * sizeof *nv);
                v = nv;
            }
            v[n++] = unquote(a, start, (size_t)(p - start));
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    *out = v;
    return n;
}

static bool add_logical(ndis_inf *c, inf_section **cur, char *text, int line)
{
    while (is_blank(*text))
        text++;
    size_t n = strlen(text);
    while (n && is_blank(text[n - 1]))
        text[--n] = '\0';
    if (!n)
        return true;
    if (text[0] == '[')
    {
        char *p = text + 1, *name, *end;
        if (*p == '"')
        {
            name = p + 1;
            end = strchr(name, '"');
            if (!end)
                return fail(c, line, "unterminated quoted section name");
            *end = '\0';
            p = end + 1;
            while (is_blank(*p))
                p++;
            if (*p != ']')
                return fail(c, line, "section header without a closing ']'");
        }
        else
        {
            name = p;
            end = strchr(name, ']');
            if (!end)
                return fail(c, line, "section header without a closing ']'");
            *end = '\0';
            p = end;
            while (*name && is_blank(*name))
                name++;
            size_t l = strlen(name);
            while (l && is_blank(name[l - 1]))
                name[--l] = '\0';
        }
        for (p++; *p; p++)
            if (!is_blank(*p))
                return fail(c, line, "text after the section header [%s]", name);
        if (!*name)
            return fail(c, line, "empty section name");
        /* Sections of the same name are merged (General Syntax Rules). */
        inf_section *s = find_section(c, name);
        if (!s)
        {
            s = arena_alloc(&c->mem, sizeof *s);
            *s = (inf_section){.name = arena_strdup(&c->mem, name), .line = line};
            s->tail = &s->first;
            *c->stail = s;
            c->stail = &s->next;
        }
        *cur = s;
        return true;
    }
    if (!*cur)
        return fail(c, line, "'%s' is outside any section", text);
    inf_entry *e = arena_alloc(&c->mem, sizeof *e);
    *e = (inf_entry){.line = line};
    bool inq = false;
    char *eq = NULL;
    for (char *p = text; *p; p++)
    {
        if (*p == '"')
            inq = !inq;
        else if (*p == '=' && !inq)
        {
            eq = p;
            break;
        }
    }
    if (eq)
    {
        e->key = unquote(&c->mem, text, (size_t)(eq - text));
        char *v = eq + 1;
        while (is_blank(*v))
            v++;
        e->value = arena_strdup(&c->mem, v);
    }
    else
        e->value = arena_strdup(&c->mem, text);
    *(*cur)->tail = e;
    (*cur)->tail = &e->next;
    return true;
}

/* Cuts the text into logical lines: a ';' outside quotes and %strkey% tokens starts a comment;
 * a '\' ending a line (after its comment is cut) joins the next line to it. */
static bool parse_text(ndis_inf *c, const char *text)
{
    inf_section *cur = NULL;
    sbuf logical = {0};
    int start = 0, line = 0;
    bool ok = true;
    const char *p = text;
    while (ok && *p)
    {
        line++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        size_t cut = len;
        bool inq = false;
        for (size_t i = 0; i < len; i++)
        {
            if (p[i] == '"')
                inq = !inq;
            else if (!inq && p[i] == ';')
            {
                cut = i;
                break;
            }
            else if (!inq && p[i] == '%')
            {
                if (i + 1 < len && p[i + 1] == '%')
                {
                    i++;
                    continue;
                }
                /* A %strkey% token may hold a ';'. */
                for (size_t j = i + 1; j < len && p[j] != '"'; j++)
                {
                    if (p[j] == '%')
                    {
                        i = j;
                        break;
                    }
                }
            }
        }
        if (inq)
        {
            ok = fail(c, line, "unterminated quoted string");
            break;
        }
        while (cut && is_blank(p[cut - 1]))
            cut--;
        if (!logical.n)
            start = line;
        if (cut && p[cut - 1] == '\\')
            sb_put(&logical, p, cut - 1);
        else
        {
            sb_put(&logical, p, cut);
            ok = add_logical(c, &cur, logical.p, start);
            logical.n = 0;
            if (logical.p)
                logical.p[0] = '\0';
        }
        p = eol ? eol + 1 : p + len;
    }
    if (ok && logical.n) /* a continuation on the last line */
        ok = add_logical(c, &cur, logical.p, start);
    free(logical.p);
    return ok;
}

/* ---- strings -------------------------------------------------------------------------------- */

/* Policy: the host's locale is English (United States), LanguageID 0x0409. A [Strings.0409]
 * section is used if present, else [Strings.0009] (LANG_ENGLISH, SUBLANG_NEUTRAL), else any
 * [Strings.xx09], else [Strings] (the order of "INF Strings Section"). A key missing from the
 * chosen section is looked up in [Strings] too. */
static void choose_strings(ndis_inf *c)
{
    int best = 0;
    for (inf_section *s = c->sections; s; s = s->next)
    {
        if (strcasecmp(s->name, "Strings") == 0)
        {
            c->strings_plain = s;
            continue;
        }
        if (strncasecmp(s->name, "Strings.", 8) != 0)
            continue;
        char *end;
        unsigned long id = strtoul(s->name + 8, &end, 16);
        if (*end || end == s->name + 8)
            continue;
        int score = id == 0x0409 ? 3 : id == 0x0009 ? 2 : (id & 0x3ff) == 0x09 ? 1 : 0;
        if (score > best)
        {
            best = score;
            c->strings = s;
        }
    }
}

static const char *lookup_string(ndis_inf *c, const char *key, size_t n)
{
    inf_section *secs[2] = {c->strings, c->strings_plain};
    for (int k = 0; k < 2; k++)
    {
        if (!secs[k])
            continue;
        for (inf_entry *e = secs[k]->first; e; e = e->next)
        {
            if (!e->key || strlen(e->key) != n || strncasecmp(e->key, key, n) != 0)
                continue;
            /* A [Strings] value is one string: its commas are text. */
            return unquote(&c->mem, e->value, strlen(e->value));
        }
    }
    return NULL;
}

/* %strkey% substitution; %% is one %. Policy: an undefined %strkey% (a %dirid% such as %12%
 * too) stays as written, the way SetupAPI leaves it. */
static char *subst(ndis_inf *c, const char *s)
{
    if (!strchr(s, '%'))
        return (char *)s;
    sbuf b = {0};
    for (const char *p = s; *p; p++)
    {
        if (*p != '%')
        {
            sb_putc(&b, *p);
            continue;
        }
        if (p[1] == '%')
        {
            sb_putc(&b, '%');
            p++;
            continue;
        }
        const char *end = strchr(p + 1, '%');
        if (!end)
        {
            sb_putc(&b, '%');
            continue;
        }
        const char *v = lookup_string(c, p + 1, (size_t)(end - p - 1));
        if (v)
            sb_put(&b, v, strlen(v));
        else
            sb_put(&b, p, (size_t)(end - p + 1));
        p = end;
    }
    char *r = arena_strdup(&c->mem, sb_str(&b));
    free(b.p);
    return r;
}

/* Fields of an entry's value, each substituted. */
static size_t fields_of(ndis_inf *c, const inf_entry *e, char ***out)
{
    size_t n = split_fields(&c->mem, e->value, out);
    for (size_t i = 0; i < n; i++)
        (*out)[i] = subst(c, (*out)[i]);
    return n;
}

/* ---- the registry model --------------------------------------------------------------------- */

/* "a\\b\" -> "a\b": no empty components, no leading or trailing backslash. */
static char *norm_path(ndis_inf *c, const char *s)
{
    sbuf b = {0};
    for (const char *p = s; *p; p++)
    {
        if (*p == '\\' && (b.n == 0 || b.p[b.n - 1] == '\\'))
            continue;
        sb_putc(&b, *p);
    }
    while (b.n && b.p[b.n - 1] == '\\')
        b.p[--b.n] = '\0';
    char *r = arena_strdup(&c->mem, sb_str(&b));
    free(b.p);
    return r;
}

static inf_value **find_value(ndis_inf *c, const char *subkey, const char *name)
{
    for (inf_value **pp = &c->values; *pp; pp = &(*pp)->next)
        if ((*pp)->type != IV_KEY && strcasecmp((*pp)->subkey, subkey) == 0 && strcasecmp((*pp)->name, name) == 0)
            return pp;
    return NULL;
}

static void unlink_value(ndis_inf *c, inf_value **pp)
{
    inf_value *v = *pp;
    *pp = v->next;
    if (c->vtail == &v->next)
        c->vtail = pp;
    c->nvalues -= v->type != IV_KEY;
}

/* Replaces a value of the same name in place, or appends. */
static void put_value(ndis_inf *c, inf_value *v)
{
    inf_value **pp = v->type == IV_KEY ? NULL : find_value(c, v->subkey, v->name);
    if (pp)
    {
        v->next = (*pp)->next;
        if (c->vtail == &(*pp)->next)
            c->vtail = &v->next;
        *pp = v;
        return;
    }
    v->next = NULL;
    *c->vtail = v;
    c->vtail = &v->next;
    c->nvalues += v->type != IV_KEY;
}

/* Deletes a key with everything below it. */
static void delete_key(ndis_inf *c, const char *subkey)
{
    size_t n = strlen(subkey);
    for (inf_value **pp = &c->values; *pp;)
    {
        const char *k = (*pp)->subkey;
        if (!n || (strncasecmp(k, subkey, n) == 0 && (k[n] == '\0' || k[n] == '\\')))
            unlink_value(c, pp);
        else
            pp = &(*pp)->next;
    }
}

static inf_value *new_value(ndis_inf *c, const char *subkey, const char *name, iv_type type, int line)
{
    inf_value *v = arena_alloc(&c->mem, sizeof *v);
    *v = (inf_value){.subkey = (char *)subkey, .name = arena_strdup(&c->mem, name), .type = type, .line = line};
    return v;
}

static void set_sz(ndis_inf *c, inf_value *v, const char *s)
{
    v->strs = arena_alloc(&c->mem, sizeof *v->strs);
    v->strs[0] = arena_strdup(&c->mem, s);
    v->nstrs = 1;
}

/* ---- numbers -------------------------------------------------------------------------------- */

/* Policy: numbers in flags and REG_DWORD values are hexadecimal with 0x, else decimal (a leading
 * '-' gives the 32-bit two's complement); anything else is an error. */
static bool parse_number(const char *s, uint64_t max, uint64_t *out)
{
    bool neg = false;
    if (*s == '-')
    {
        neg = true;
        s++;
    }
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    {
        if (neg)
            return false;
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
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
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    if (neg)
    {
        if (v > 0x80000000ULL || max != 0xffffffffULL)
            return false;
        v = (uint32_t)(0u - (uint32_t)v);
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* A byte of binary data: one or two hex digits, 0x allowed. */
static bool parse_byte(const char *s, uint8_t *out)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t n = strlen(s);
    if (n < 1 || n > 2)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
    {
        char ch = s[i];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            return false;
        v = v << 4 | (unsigned)d;
    }
    *out = (uint8_t)v;
    return true;
}

/* ---- AddReg ----------------------------------------------------------------------------------- */

#define FLG_ADDREG_BINVALUETYPE 0x00000001u
#define FLG_ADDREG_NOCLOBBER 0x00000002u
#define FLG_ADDREG_DELVAL 0x00000004u
#define FLG_ADDREG_APPEND 0x00000008u
#define FLG_ADDREG_KEYONLY 0x00000010u
#define FLG_ADDREG_OVERWRITEONLY 0x00000020u
#define FLG_ADDREG_KEYONLY_COMMON 0x00002000u
#define FLG_ADDREG_TYPE_SZ 0x00000000u
#define FLG_ADDREG_TYPE_MULTI_SZ 0x00010000u
#define FLG_ADDREG_TYPE_EXPAND_SZ 0x00020000u
#define FLG_ADDREG_TYPE_BINARY 0x00000001u
#define FLG_ADDREG_TYPE_DWORD 0x00010001u
#define FLG_ADDREG_TYPE_NONE 0x00020001u
#define REG_DWORD_TYPE 4u
#define REG_QWORD_TYPE 11u

static bool addreg_binary(ndis_inf *c, int line, char **vals, size_t nvals, uint8_t **bin, size_t *len)
{
    *bin = arena_alloc(&c->mem, nvals ? nvals : 1);
    for (size_t i = 0; i < nvals; i++)
        if (!parse_byte(vals[i], &(*bin)[i]))
            return fail(c, line, "binary data: '%s' is not a byte in hexadecimal", vals[i]);
    *len = nvals;
    return true;
}

static bool addreg_line(ndis_inf *c, const inf_entry *e)
{
    if (e->key)
        return fail(c, e->line, "'=' outside quotes in an add-registry entry (quote the value)");
    char **f;
    size_t n = fields_of(c, e, &f);
    if (!n || !f[0][0])
        return fail(c, e->line, "add-registry entry without a registry root");
    if (strcasecmp(f[0], "HKLM") == 0 || strcasecmp(f[0], "HKCU") == 0 || strcasecmp(f[0], "HKCR") == 0 ||
        strcasecmp(f[0], "HKU") == 0)
        return true; /* Policy: keys outside the device's software key are not the adapter's: ignored */
    if (strcasecmp(f[0], "HKR") != 0)
        return fail(c, e->line, "unknown registry root '%s' (HKR, HKLM, HKCU, HKCR or HKU)", f[0]);
    char *subkey = norm_path(c, n > 1 ? f[1] : "");
    const char *name = n > 2 ? f[2] : "";
    uint64_t flags = 0;
    if (n > 3 && f[3][0] && !parse_number(f[3], 0xffffffffULL, &flags))
        return fail(c, e->line, "bad flags '%s' (hexadecimal with 0x, or decimal)", f[3]);
    char **vals = n > 4 ? f + 4 : NULL;
    size_t nvals = n > 4 ? n - 4 : 0;

    if (n <= 2 || (flags & (FLG_ADDREG_KEYONLY | FLG_ADDREG_KEYONLY_COMMON)))
    {
        put_value(c, new_value(c, subkey, "", IV_KEY, e->line));
        return true;
    }
    if (flags & FLG_ADDREG_DELVAL)
    {
        if (n > 2 && name[0])
        {
            inf_value **pp = find_value(c, subkey, name);
            if (pp)
                unlink_value(c, pp);
        }
        else
            delete_key(c, subkey);
        return true;
    }
    inf_value **existing = find_value(c, subkey, name);
    if ((flags & FLG_ADDREG_NOCLOBBER) && existing)
        return true;
    if ((flags & FLG_ADDREG_OVERWRITEONLY) && !existing)
        return true;

    uint32_t type = (uint32_t)flags & 0xffff0001u;
    inf_value *v;
    if (type == FLG_ADDREG_TYPE_SZ || type == FLG_ADDREG_TYPE_EXPAND_SZ)
    {
        /* Policy: REG_EXPAND_SZ is stored as REG_SZ without expansion (NDIS would hand the
         * driver the expanded string; no environment exists here). A missing value is "". */
        v = new_value(c, subkey, name, IV_SZ, e->line);
        set_sz(c, v, nvals ? vals[0] : "");
    }
    else if (type == FLG_ADDREG_TYPE_MULTI_SZ)
    {
        v = new_value(c, subkey, name, IV_MULTI_SZ, e->line);
        inf_value *old = existing ? *existing : NULL;
        size_t base = (flags & FLG_ADDREG_APPEND) && old && old->type == IV_MULTI_SZ ? old->nstrs : 0;
        v->strs = arena_alloc(&c->mem, (base + nvals + 1) * sizeof *v->strs);
        if (base)
            memcpy(v->strs, old->strs, base * sizeof *v->strs);
        v->nstrs = base;
        for (size_t i = 0; i < nvals; i++)
        {
            /* Policy: empty strings cannot be in a REG_MULTI_SZ and are dropped; APPEND skips a
             * string that is already there (case-sensitive). */
            bool dup = false;
            for (size_t k = 0; k < base && !dup; k++)
                dup = strcmp(v->strs[k], vals[i]) == 0;
            if (vals[i][0] && !dup)
                v->strs[v->nstrs++] = vals[i];
        }
    }
    else if (type == FLG_ADDREG_TYPE_DWORD)
    {
        v = new_value(c, subkey, name, IV_DWORD, e->line);
        if (nvals == 1 && vals[0][0])
        {
            if (!parse_number(vals[0], 0xffffffffULL, &v->num))
                return fail(c, e->line, "REG_DWORD value '%s' is not a 32-bit number", vals[0]);
        }
        else if (nvals > 1)
        {
            /* The older spelling: the DWORD's bytes, least significant first. */
            uint8_t *b;
            size_t len;
            if (nvals > 4)
                return fail(c, e->line, "REG_DWORD given as %zu bytes (at most 4)", nvals);
            if (!addreg_binary(c, e->line, vals, nvals, &b, &len))
                return false;
            for (size_t i = 0; i < len; i++)
                v->num |= (uint64_t)b[i] << (8 * i);
        }
        else
            return fail(c, e->line, "REG_DWORD entry without a value");
    }
    else if (type & FLG_ADDREG_BINVALUETYPE)
    {
        /* REG_BINARY, REG_NONE, or a type number in the high word with the data as bytes.
         * Policy: registry types REG_DWORD (4) and REG_QWORD (11) with exactly 4 or 8 bytes are
         * stored as such; every other one, REG_NONE included, as REG_BINARY. */
        uint32_t regtype = type >> 16;
        v = new_value(c, subkey, name, IV_BINARY, e->line);
        if (!addreg_binary(c, e->line, vals, nvals, &v->bin, &v->binlen))
            return false;
        if ((regtype == REG_DWORD_TYPE && v->binlen == 4) || (regtype == REG_QWORD_TYPE && v->binlen == 8))
        {
            v->num = 0;
            for (size_t i = 0; i < v->binlen; i++)
                v->num |= (uint64_t)v->bin[i] << (8 * i);
            v->type = regtype == REG_DWORD_TYPE ? IV_DWORD : IV_QWORD;
        }
    }
    else
        return fail(c, e->line, "flags 0x%08x name no registry value type", (unsigned)flags);
    put_value(c, v);
    return true;
}

/* ---- the install chain ---------------------------------------------------------------------- */

static bool check_version(ndis_inf *c)
{
    inf_section *v = find_section(c, "Version");
    if (!v)
        return fail(c, 0, "not an INF file: no [Version] section");
    for (inf_entry *e = v->first; e; e = e->next)
    {
        if (!e->key || strcasecmp(e->key, "Signature") != 0)
            continue;
        char **f;
        size_t n = fields_of(c, e, &f);
        const char *sig = n ? f[0] : "";
        if (strcasecmp(sig, "$Windows NT$") == 0 || strcasecmp(sig, "$Chicago$") == 0 ||
            strcasecmp(sig, "$Windows 95$") == 0)
            return true;
        return fail(c, e->line, "Signature is '%s', not \"$Windows NT$\" (or \"$Chicago$\")", sig);
    }
    return fail(c, v->line, "[Version] has no Signature entry");
}

/* How well a TargetOSVersion decoration ("NTamd64", "NT$ARCH$.10.0...16299", "NT") fits an
 * x64 host: 2 this architecture, 1 any architecture, 0 another one, -1 not a decoration. */
static int decoration_score(const char *d)
{
    if (strncasecmp(d, "NT", 2) != 0)
        return -1;
    const char *arch = d + 2;
    size_t n = strcspn(arch, ".");
    if (n == 0)
        return 1;
    if ((n == 5 && strncasecmp(arch, "amd64", 5) == 0) || (n == 6 && strncmp(arch, "$ARCH$", 6) == 0))
        return 2;
    return 0;
}

/* Policy: the Models section is the decorated one ("<models>.<TargetOSVersion>") that exists and
 * fits an x64 host best (amd64 or the stampinf placeholder $ARCH$, then no architecture, then
 * another one, first listed on a tie), else the undecorated one. */
static inf_section *models_section(ndis_inf *c, char **f, size_t n)
{
    inf_section *best = NULL;
    int best_score = -1;
    char name[600];
    for (size_t i = 1; i < n; i++)
    {
        int score = decoration_score(f[i]);
        if (score < 0)
            continue;
        snprintf(name, sizeof name, "%s.%s", f[0], f[i]);
        inf_section *s = find_section(c, name);
        if (s && score > best_score)
        {
            best = s;
            best_score = score;
        }
    }
    return best ? best : find_section(c, f[0]);
}

static bool add_network_entry(ndis_inf *c, const inf_entry *e)
{
    /* Policy: the network DDInstall entries that Windows keeps in the adapter's key
     * (Characteristics, BusType, Port1DeviceNumber, Port1FunctionNumber and the standardized
     * '*' keywords such as *IfType, *MediaType, *PhysicalMediaType) become REG_DWORD values, or
     * REG_SZ when not a number. Other directives (CopyFiles, Include, Needs, DelReg, ...) are
     * not registry values. */
    static const char *const named[] = {"Characteristics", "BusType", "Port1DeviceNumber", "Port1FunctionNumber"};
    bool take = e->key[0] == '*';
    for (size_t i = 0; i < sizeof named / sizeof named[0] && !take; i++)
        take = strcasecmp(e->key, named[i]) == 0;
    if (!take)
        return true;
    char **f;
    size_t n = fields_of(c, e, &f);
    const char *s = n ? f[0] : "";
    const char *root = "";
    inf_value *v;
    uint64_t num;
    if (parse_number(s, 0xffffffffULL, &num))
    {
        v = new_value(c, root, subst(c, e->key), IV_DWORD, e->line);
        v->num = num;
    }
    else
    {
        v = new_value(c, root, subst(c, e->key), IV_SZ, e->line);
        set_sz(c, v, s);
    }
    put_value(c, v);
    return true;
}

static bool run_install(ndis_inf *c, inf_section *inst)
{
    for (inf_entry *e = inst->first; e; e = e->next)
    {
        if (!e->key)
            continue;
        if (strcasecmp(e->key, "AddReg") != 0)
        {
            if (!add_network_entry(c, e))
                return false;
            continue;
        }
        char **f;
        size_t n = fields_of(c, e, &f);
        for (size_t i = 0; i < n; i++)
        {
            if (!f[i][0])
                continue;
            inf_section *s = find_section(c, f[i]);
            if (!s)
                return fail(c, e->line, "AddReg names section [%s], which is not in the file", f[i]);
            for (inf_entry *r = s->first; r; r = r->next)
                if (!addreg_line(c, r))
                    return false;
        }
    }
    return true;
}

static bool value_is_one(const inf_value *v)
{
    if (v->type == IV_DWORD || v->type == IV_QWORD)
        return v->num == 1;
    uint64_t n;
    return v->type == IV_SZ && parse_number(v->strs[0], 0xffffffffULL, &n) && n == 1;
}

/* Each Ndi\params\<Name> with a Default becomes the adapter's value <Name>, as the class
 * installer writes it when the adapter is installed. Policy: not for Optional = 1 parameters
 * (they start "Not Present"), and an HKR value <Name> the INF writes itself wins. The value is
 * the REG_SZ text of the Default (a number for a REG_DWORD Default), as the Advanced page
 * stores it. */
static void params_defaults(ndis_inf *c)
{
    inf_value *last = NULL;
    for (inf_value *v = c->values; v; v = v->next)
        last = v;
    for (inf_value *v = c->values; v; v = v->next)
    {
        if (v->type != IV_KEY && strcasecmp(v->name, "Default") == 0 &&
            strncasecmp(v->subkey, "Ndi\\params\\", 11) == 0)
        {
            const char *param = v->subkey + 11;
            if (*param && !strchr(param, '\\'))
            {
                inf_value **opt = find_value(c, v->subkey, "Optional");
                if (!(opt && value_is_one(*opt)) && !find_value(c, "", param))
                {
                    inf_value *d = new_value(c, "", param, IV_SZ, v->line);
                    char num[24];
                    switch (v->type)
                    {
                    case IV_SZ:
                        set_sz(c, d, v->strs[0]);
                        break;
                    case IV_DWORD:
                    case IV_QWORD:
                        snprintf(num, sizeof num, "%llu", (unsigned long long)v->num);
                        set_sz(c, d, num);
                        break;
                    default:
                        *d = *v;
                        d->subkey = "";
                        d->name = arena_strdup(&c->mem, param);
                        break;
                    }
                    put_value(c, d);
                }
            }
        }
        if (v == last)
            break;
    }
}

static bool select_device(ndis_inf *c, const char *hwid)
{
    inf_section *m = find_section(c, "Manufacturer");
    if (!m)
        return fail(c, 0, "no [Manufacturer] section: the INF installs no device");
    for (inf_entry *e = m->first; e; e = e->next)
    {
        char **f;
        size_t n = fields_of(c, e, &f);
        if (!n || !f[0][0])
            return fail(c, e->line, "[Manufacturer] entry names no Models section");
        inf_section *models = models_section(c, f, n);
        if (!models)
            return fail(c, e->line, "Models section [%s] is not in the file", f[0]);
        for (inf_entry *d = models->first; d; d = d->next)
        {
            char **g;
            size_t k = fields_of(c, d, &g);
            if (!k || !g[0][0])
                return fail(c, d->line, "model entry names no install section");
            size_t match = 0;
            if (hwid)
            {
                for (size_t i = 1; i < k && !match; i++)
                    if (strcasecmp(g[i], hwid) == 0)
                        match = i;
                if (!match)
                    continue;
            }
            /* Policy: the DDInstall section with the best platform extension for an x64 host:
             * .NTamd64, then .NT$ARCH$ (stampinf's placeholder), then .NT, then none. */
            static const char *const ext[] = {".NTamd64", ".NT$ARCH$", ".NT", ""};
            inf_section *inst = NULL;
            char name[600];
            for (size_t i = 0; i < sizeof ext / sizeof ext[0] && !inst; i++)
            {
                snprintf(name, sizeof name, "%s%s", g[0], ext[i]);
                inst = find_section(c, name);
            }
            if (!inst)
                return fail(c, d->line, "install section [%s] is not in the file", g[0]);
            c->install = inst->name;
            c->hwid = hwid ? g[match] : (k > 1 ? g[1] : "");
            c->desc = d->key ? subst(c, d->key) : "";
            return run_install(c, inst);
        }
    }
    if (hwid)
        return fail(c, m->line, "no model has the hardware ID '%s'", hwid);
    return fail(c, m->line, "the Models sections list no device");
}

/* Policy: what the class installer writes into every adapter's key besides the INF's values:
 * DriverDesc (the model's description), ComponentId and MatchingDeviceId (its hardware ID, in
 * lower case as Windows stores it) and InfSection; an HKR value of the same name wins. */
static void installer_values(ndis_inf *c)
{
    char lower[600];
    snprintf(lower, sizeof lower, "%s", c->hwid ? c->hwid : "");
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    const char *names[] = {"DriverDesc", "ComponentId", "MatchingDeviceId", "InfSection"};
    const char *values[] = {c->desc ? c->desc : "", lower, lower, c->install ? c->install : ""};
    for (size_t i = 0; i < 4; i++)
    {
        if (find_value(c, "", names[i]))
            continue;
        inf_value *v = new_value(c, "", names[i], IV_SZ, 0);
        set_sz(c, v, values[i]);
        put_value(c, v);
    }
}

/* ---- public --------------------------------------------------------------------------------- */

ndis_inf *ndis_inf_load_buffer(const void *data, size_t len, const char *name, const char *hwid, char *err,
                               size_t errlen)
{
    ndis_inf *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->fname = arena_strdup(&c->mem, name ? name : "<inf>");
    c->stail = &c->sections;
    c->vtail = &c->values;
    sbuf text = {0};
    bool ok = decode(c, data, len, &text) && parse_text(c, sb_str(&text));
    free(text.p);
    if (ok)
    {
        choose_strings(c);
        ok = check_version(c) && select_device(c, hwid);
    }
    if (ok)
    {
        params_defaults(c);
        installer_values(c);
    }
    if (!ok)
    {
        if (err && errlen)
            snprintf(err, errlen, "%s", c->err);
        ndis_inf_free(c);
        return NULL;
    }
    return c;
}

ndis_inf *ndis_inf_load_file(const char *path, const char *hwid, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
    {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open INF file: %s", path, strerror(errno));
        return NULL;
    }
    sbuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_put(&b, chunk, n);
    bool rerr = ferror(f);
    int e = errno;
    fclose(f);
    if (rerr)
    {
        free(b.p);
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot read INF file: %s", path, strerror(e));
        return NULL;
    }
    ndis_inf *inf = ndis_inf_load_buffer(b.p ? b.p : "", b.n, path, hwid, err, errlen);
    free(b.p);
    return inf;
}

void ndis_inf_free(ndis_inf *inf)
{
    if (!inf)
        return;
    arena_free(&inf->mem);
    free(inf);
}

int ndis_inf_apply(const ndis_inf *inf, ndis_config_store *s)
{
    for (const inf_value *v = inf->values; v; v = v->next)
    {
        const char *sk = v->subkey[0] ? v->subkey : NULL;
        int rc = 0;
        switch (v->type)
        {
        case IV_KEY:
            rc = ndis_config_create_key(s, sk);
            break;
        case IV_SZ:
            rc = ndis_config_set_sz(s, sk, v->name, v->strs[0]);
            break;
        case IV_MULTI_SZ:
            rc = ndis_config_set_multi_sz(s, sk, v->name, (const char *const *)v->strs, v->nstrs);
            break;
        case IV_DWORD:
            rc = ndis_config_set_dword(s, sk, v->name, (uint32_t)v->num);
            break;
        case IV_QWORD:
            rc = ndis_config_set_qword(s, sk, v->name, v->num);
            break;
        case IV_BINARY:
            rc = ndis_config_set_binary(s, sk, v->name, v->bin, v->binlen);
            break;
        }
        if (rc)
            return -1;
    }
    return 0;
}

const char *ndis_inf_install_section(const ndis_inf *inf)
{
    return inf->install ? inf->install : "";
}

const char *ndis_inf_hardware_id(const ndis_inf *inf)
{
    return inf->hwid ? inf->hwid : "";
}

size_t ndis_inf_value_count(const ndis_inf *inf)
{
    return inf->nvalues;
}

/* WPP trace messages (ndishost_wpp_trace, declared in include/ddk/ndishost_wpp.h): the target of
 * the trace macros the build helper's generated .tmh stubs define. The WPP format extensions
 * (%!FUNC!, %!STATUS!, ...) are rewritten into the Microsoft printf conventions of format.c, then
 * the message goes to the driver log like DbgPrint output. */
#include "kernel_internal.h"

#include <ndishost_wpp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Same switch as DbgPrint (debug.c): with the driver log off, a trace call only evaluates its
 * arguments, which the caller already did. */
static bool wpp_quiet(void)
{
    /* Atomic: the first trace calls may come from several DPC and worker threads at once. */
    static int q = -1;
    int v = __atomic_load_n(&q, __ATOMIC_RELAXED);
    if (v < 0)
    {
        v = getenv("NDISHOST_QUIET_DBGPRINT") != NULL;
        __atomic_store_n(&q, v, __ATOMIC_RELAXED);
    }
    return v != 0;
}

typedef struct wpp_buf
{
    char *p;
    size_t len, cap;
    bool overflow;
} wpp_buf;

static void buf_putc(wpp_buf *b, char c)
{
    if (b->len + 1 < b->cap)
        b->p[b->len++] = c;
    else
        b->overflow = true;
}

/* Literal text inside a format: every '%' doubled. */
static void buf_put_literal(wpp_buf *b, const char *s)
{
    for (; s && *s; s++)
    {
        if (*s == '%')
            buf_putc(b, '%');
        buf_putc(b, *s);
    }
}

static void buf_puts(wpp_buf *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, *s);
}

static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    const char *bslash = path ? strrchr(path, '\\') : NULL;
    if (bslash && (!slash || bslash > slash))
        slash = bslash;
    return slash ? slash + 1 : (path ? path : "");
}

/* The printf conversion that consumes the argument of a WPP %!NAME! type. Policy: a type
 * ndishost does not render (GUIDs, MAC addresses, SIDs, hex dumps and any unknown name) is
 * printed as the pointer or pointer-sized value it is passed as, so later arguments stay aligned
 * with their conversions. */
static const char *wpp_type_conversion(const char *name, size_t n)
{
    static const struct
    {
        const char *name;
        const char *conv;
    } map[] = {
        {"STATUS", "0x%08X"}, {"NTSTATUS", "0x%08X"}, {"HRESULT", "0x%08X"}, {"WINERROR", "%u"}, {"bool", "%d"},
        {"BOOLEAN", "%u"},    {"IPADDR", "0x%08X"},   {"PORT", "%u"},        {"irql", "%u"},     {"IRQL", "%u"},
        {"TIME", "%I64d"},    {"TIMESTAMP", "%I64d"}, {"datetime", "%I64d"}, {"delta", "%I64d"}, {"WAITTIME", "%I64d"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].name) == n && memcmp(map[i].name, name, n) == 0)
            return map[i].conv;
    return "%p";
}

static void translate(wpp_buf *b, const char *fmt, const char *file, ULONG line, const char *func, const char *tags)
{
    for (const char *s = fmt; *s; s++)
    {
        if (*s != '%')
        {
            buf_putc(b, *s);
            continue;
        }
        if (s[1] == '%')
        {
            buf_puts(b, "%%");
            s++;
            continue;
        }
        if (s[1] == '!')
        {
            const char *name = s + 2;
            const char *end = strchr(name, '!');
            if (end && end > name && end - name < 32)
            {
                size_t n = (size_t)(end - name);
                char num[16];
                if (n == 4 && !memcmp(name, "FUNC", 4))
                    buf_put_literal(b, func);
                else if (n == 4 && !memcmp(name, "FILE", 4))
                    buf_put_literal(b, base_name(file));
                else if (n == 4 && !memcmp(name, "LINE", 4))
                {
                    snprintf(num, sizeof num, "%u", (unsigned)line);
                    buf_puts(b, num);
                }
                else if ((n == 5 && !memcmp(name, "LEVEL", 5)) || (n == 5 && !memcmp(name, "FLAGS", 5)))
                    buf_put_literal(b, tags);
                else if (n == 8 && !memcmp(name, "COMPNAME", 8))
                    buf_puts(b, "driver");
                else
                    buf_puts(b, wpp_type_conversion(name, n));
                s = end;
                continue;
            }
        }
        /* An ordinary conversion, or a stray '%': format.c handles both (a '%' before a character
         * that is no conversion is printed as is and consumes no argument). */
        buf_putc(b, '%');
    }
}

ULONG ndishost_wpp_trace(PCSTR File, ULONG Line, PCSTR Function, PCSTR Tags, PCSTR Format, ...)
{
    if (wpp_quiet() || !Format)
        return 0;
    char small[512];
    wpp_buf b = {small, 0, sizeof small, false};
    translate(&b, Format, File, Line, Function ? Function : "", Tags ? Tags : "");
    char *big = NULL;
    if (!b.overflow && (b.len == 0 || b.p[b.len - 1] != '\n'))
        buf_putc(&b, '\n');
    if (b.overflow)
    {
        /* Every character can at most double ('%' escapes) or become a short conversion. */
        size_t cap = strlen(Format) * 2 + strlen(Function ? Function : "") * 2 + strlen(Tags ? Tags : "") * 2 +
                     strlen(File ? File : "") * 2 + 256;
        big = malloc(cap);
        if (!big)
            return 0;
        b = (wpp_buf){big, 0, cap, false};
        translate(&b, Format, File, Line, Function ? Function : "", Tags ? Tags : "");
        if (b.len == 0 || b.p[b.len - 1] != '\n')
            buf_putc(&b, '\n');
    }
    b.p[b.len] = '\0';

    char prefix[96];
    snprintf(prefix, sizeof prefix, "[driver] %.80s%s", Tags && *Tags ? Tags : "", Tags && *Tags ? ": " : "");
    va_list ap;
    va_start(ap, Format);
    vDbgPrintExWithPrefix(prefix, 0, 0, b.p, ap);
    va_end(ap);
    free(big);
    return 0;
}

/* printf-style formatting with the Microsoft conventions drivers rely on, for DbgPrint and the
 * ntstrsafe.h printf family: `l` means 32 bits (LLP64), I64 / I32 / I size prefixes, %ws and
 * %ls wide strings, %S and %C the "other" character width, %Z (ANSI_STRING *) and %wZ
 * (UNICODE_STRING *), %p as 16 upper-case hex digits. Narrow output maps characters above 0xFF
 * to '?'; wide output widens bytes. %n is consumed and ignored. */
#include "kernel_internal.h"

#include <stdio.h>

typedef struct fmt_out
{
    bool wide;
    void *buf;
    size_t cap; /* characters, including the terminator */
    size_t len; /* characters the full output needs */
} fmt_out;

static void put(fmt_out *o, uint32_t c)
{
    if (o->len + 1 < o->cap)
    {
        if (o->wide)
            ((uint16_t *)o->buf)[o->len] = (uint16_t)c;
        else
            ((char *)o->buf)[o->len] = (char)(c > 0xFF ? '?' : c);
    }
    o->len++;
}

static void pad(fmt_out *o, int n, uint32_t c)
{
    while (n-- > 0)
        put(o, c);
}

static void put_units(fmt_out *o, const void *s, bool wide_src, size_t n, int width, bool left)
{
    if (!left && width > (int)n)
        pad(o, width - (int)n, ' ');
    for (size_t i = 0; i < n; i++)
        put(o, wide_src ? ((const uint16_t *)s)[i] : (unsigned char)((const char *)s)[i]);
    if (left && width > (int)n)
        pad(o, width - (int)n, ' ');
}

static size_t units_len(const void *s, bool wide_src, int precision)
{
    size_t n = 0;
    while ((precision < 0 || n < (size_t)precision) &&
           (wide_src ? ((const uint16_t *)s)[n] != 0 : ((const char *)s)[n] != 0))
        n++;
    return n;
}

static uint32_t fmt_at(const void *fmt, bool wide, size_t i)
{
    return wide ? ((const uint16_t *)fmt)[i] : (unsigned char)((const char *)fmt)[i];
}

enum
{
    LEN_NONE,
    LEN_HH,
    LEN_H,
    LEN_L32,
    LEN_64,
    LEN_W
};

static void engine(fmt_out *o, const void *fmt, bool fwide, va_list ap)
{
    size_t i = 0;
    for (;;)
    {
        uint32_t c = fmt_at(fmt, fwide, i++);
        if (!c)
            break;
        if (c != '%')
        {
            put(o, c);
            continue;
        }
        char flags[8];
        int nflags = 0;
        bool left = false;
        for (;;)
        {
            c = fmt_at(fmt, fwide, i);
            if (c == '-' || c == '+' || c == ' ' || c == '#' || c == '0')
            {
                if (c == '-')
                    left = true;
                if (nflags < 6)
                    flags[nflags++] = (char)c;
                i++;
                continue;
            }
            break;
        }
        flags[nflags] = '\0';
        int width = 0;
        if (fmt_at(fmt, fwide, i) == '*')
        {
            width = va_arg(ap, int);
            if (width < 0)
            {
                left = true;
                width = -width;
            }
            i++;
        }
        else
            while ((c = fmt_at(fmt, fwide, i)) >= '0' && c <= '9')
                width = width * 10 + (int)(c - '0'), i++;
        int precision = -1;
        if (fmt_at(fmt, fwide, i) == '.')
        {
            i++;
            precision = 0;
            if (fmt_at(fmt, fwide, i) == '*')
            {
                precision = va_arg(ap, int);
                i++;
            }
            else
                while ((c = fmt_at(fmt, fwide, i)) >= '0' && c <= '9')
                    precision = precision * 10 + (int)(c - '0'), i++;
        }
        int len = LEN_NONE;
        c = fmt_at(fmt, fwide, i);
        if (c == 'h')
        {
            i++;
            len = LEN_H;
            if (fmt_at(fmt, fwide, i) == 'h')
                i++, len = LEN_HH;
        }
        else if (c == 'l')
        {
            i++;
            len = LEN_L32;
            if (fmt_at(fmt, fwide, i) == 'l')
                i++, len = LEN_64;
        }
        else if (c == 'w')
            i++, len = LEN_W;
        else if (c == 'L' || c == 'q' || c == 'j' || c == 'z' || c == 't')
            i++, len = LEN_64;
        else if (c == 'I')
        {
            i++;
            if (fmt_at(fmt, fwide, i) == '6' && fmt_at(fmt, fwide, i + 1) == '4')
                i += 2, len = LEN_64;
            else if (fmt_at(fmt, fwide, i) == '3' && fmt_at(fmt, fwide, i + 1) == '2')
                i += 2, len = LEN_L32;
            else
                len = LEN_64; /* pointer-sized */
        }
        uint32_t conv = fmt_at(fmt, fwide, i);
        if (!conv)
            break;
        i++;
        char tmp[512];
        switch (conv)
        {
        case '%':
            put(o, '%');
            break;
        case 'c':
        case 'C':
        {
            int v = va_arg(ap, int);
            uint32_t ch =
                fwide ? (uint16_t)v : (conv == 'c' && len != LEN_L32 && len != LEN_W ? (unsigned char)v : (uint16_t)v);
            if (!left)
                pad(o, width - 1, ' ');
            put(o, ch);
            if (left)
                pad(o, width - 1, ' ');
            break;
        }
        case 's':
        case 'S':
        {
            bool wide_arg;
            if (len == LEN_H)
                wide_arg = false;
            else if (len == LEN_L32 || len == LEN_W)
                wide_arg = true;
            else
                wide_arg = (conv == 's') == fwide;
            const void *s = va_arg(ap, const void *);
            if (!s)
                put_units(o, "(null)", false, units_len("(null)", false, precision), width, left);
            else
                put_units(o, s, wide_arg, units_len(s, wide_arg, precision), width, left);
            break;
        }
        case 'Z':
        {
            const void *p = va_arg(ap, const void *);
            if (!p)
            {
                put_units(o, "(null)", false, 6, width, left);
                break;
            }
            if (len == LEN_W)
            {
                const UNICODE_STRING *u = p;
                put_units(o, u->Buffer, true, u->Buffer ? u->Length / 2u : 0, width, left);
            }
            else
            {
                const ANSI_STRING *a = p;
                put_units(o, a->Buffer, false, a->Buffer ? a->Length : 0, width, left);
            }
            break;
        }
        case 'p':
        {
            void *p = va_arg(ap, void *);
            snprintf(tmp, sizeof tmp, "%016llX", (unsigned long long)(uintptr_t)p);
            put_units(o, tmp, false, strlen(tmp), width, left);
            break;
        }
        case 'n':
            (void)va_arg(ap, void *);
            break;
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        {
            bool is_signed = conv == 'd' || conv == 'i';
            unsigned long long u;
            long long s;
            if (len == LEN_64)
                u = va_arg(ap, unsigned long long), s = (long long)u;
            else
            {
                unsigned int v = va_arg(ap, unsigned int);
                if (len == LEN_HH)
                    u = (unsigned char)v, s = (signed char)v;
                else if (len == LEN_H)
                    u = (unsigned short)v, s = (short)v;
                else
                    u = v, s = (int)v;
            }
            char spec[32];
            snprintf(spec, sizeof spec, "%%%s*.*ll%c", flags, (char)conv);
            if (is_signed)
                snprintf(tmp, sizeof tmp, spec, width, precision, s);
            else
                snprintf(tmp, sizeof tmp, spec, width, precision, u);
            put_units(o, tmp, false, strlen(tmp), 0, false);
            break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
        {
            double d = va_arg(ap, double);
            char spec[32];
            snprintf(spec, sizeof spec, "%%%s*.*%c", flags, (char)conv);
            snprintf(tmp, sizeof tmp, spec, width, precision, d);
            put_units(o, tmp, false, strlen(tmp), 0, false);
            break;
        }
        default:
            put(o, '%');
            put(o, conv);
            break;
        }
    }
    if (o->cap)
    {
        size_t end = o->len < o->cap ? o->len : o->cap - 1;
        if (o->wide)
            ((uint16_t *)o->buf)[end] = 0;
        else
            ((char *)o->buf)[end] = '\0';
    }
}

size_t ndishost_vformat_a(char *dst, size_t cch, const char *fmt, va_list ap)
{
    fmt_out o = {.wide = false, .buf = dst, .cap = dst ? cch : 0};
    va_list cp;
    va_copy(cp, ap);
    engine(&o, fmt, false, cp);
    va_end(cp);
    return o.len;
}

size_t ndishost_vformat_w(WCHAR *dst, size_t cch, const WCHAR *fmt, va_list ap)
{
    fmt_out o = {.wide = true, .buf = dst, .cap = dst ? cch : 0};
    va_list cp;
    va_copy(cp, ap);
    engine(&o, fmt, true, cp);
    va_end(cp);
    return o.len;
}

/* Rtl counted strings (UNICODE_STRING, ANSI_STRING) and number conversions.
 *
 * Driver strings are UTF-16 (16-bit WCHAR); the host handles them as arrays of uint16_t and
 * never passes them to the C library's wide-character functions, whose wchar_t is 32 bits in
 * code built without -fshort-wchar. Buffers Rtl allocates for the driver are recorded in the
 * ledger as VF_RES_STRING and must be freed with RtlFree*String.
 *
 * Policy: the "ANSI code page" is ISO-8859-1: characters above U+00FF become '?'. Policy: case
 * mapping covers ASCII and Latin-1. */
#include "kernel_internal.h"

#include <stdlib.h>

typedef uint16_t wch;

#define MAX_USTR_BYTES 0xFFFEu

static size_t wlen(const wch *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static wch upcase(wch c)
{
    if (c >= 'a' && c <= 'z')
        return (wch)(c - 32);
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return (wch)(c - 32);
    if (c == 0xFF)
        return 0x178;
    return c;
}

static wch downcase(wch c)
{
    if (c >= 'A' && c <= 'Z')
        return (wch)(c + 32);
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return (wch)(c + 32);
    if (c == 0x178)
        return 0xFF;
    return c;
}

static void string_reclaim(vf_res *r)
{
    free((void *)(uintptr_t)r->key);
}

/* A driver-owned buffer for a string result. */
static void *string_alloc(size_t bytes, void *site)
{
    void *p = calloc(1, bytes ? bytes : 1);
    if (!p)
        return NULL;
    vf_res *r = vf_ledger_add(VF_RES_STRING, p, bytes, kernel_default_owner(), site);
    if (!r)
    {
        free(p);
        return NULL;
    }
    r->reclaim = string_reclaim;
    return p;
}

/* Frees a buffer RtlFree*String was given. Policy: a buffer the driver allocated from pool is
 * accepted (Windows frees these buffers with ExFreePool); anything else is ME-02. */
static void string_free(void *buffer, const char *api, void *site)
{
    if (!buffer)
        return;
    vf_res *r = vf_ledger_find(VF_RES_STRING, buffer);
    if (r)
    {
        vf_ledger_remove(r);
        free(buffer);
        return;
    }
    if (kernel_pool_query(buffer, NULL, NULL, NULL))
    {
        kernel_pool_free(buffer, api, site, NULL, NULL);
        return;
    }
    vf_report("ME-02", NULL, VF_CB_NONE, site,
              "%s: buffer %p was not allocated by an Rtl string function (or was already freed)", api, buffer);
}

/* ---- init ------------------------------------------------------------------------------------- */

VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    vf_check_irql_max(DISPATCH_LEVEL, "RtlInitUnicodeString", VF_SITE());
    if (!SourceString)
    {
        DestinationString->Length = DestinationString->MaximumLength = 0;
        DestinationString->Buffer = NULL;
        return;
    }
    size_t bytes = wlen((const wch *)SourceString) * sizeof(wch);
    /* Policy: longer strings are cut to the largest even length a UNICODE_STRING can hold. */
    if (bytes > MAX_USTR_BYTES - sizeof(wch))
        bytes = MAX_USTR_BYTES - sizeof(wch);
    DestinationString->Length = (USHORT)bytes;
    DestinationString->MaximumLength = (USHORT)(bytes + sizeof(wch));
    DestinationString->Buffer = (PWCH)SourceString;
}

NTSTATUS RtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    vf_check_irql_max(DISPATCH_LEVEL, "RtlInitUnicodeStringEx", VF_SITE());
    DestinationString->Length = DestinationString->MaximumLength = 0;
    DestinationString->Buffer = (PWCH)SourceString;
    if (!SourceString)
        return STATUS_SUCCESS;
    size_t bytes = wlen((const wch *)SourceString) * sizeof(wch);
    if (bytes > MAX_USTR_BYTES - sizeof(wch))
        return STATUS_NAME_TOO_LONG;
    DestinationString->Length = (USHORT)bytes;
    DestinationString->MaximumLength = (USHORT)(bytes + sizeof(wch));
    return STATUS_SUCCESS;
}

static void init_ansi(PANSI_STRING d, PCSZ s)
{
    if (!s)
    {
        d->Length = d->MaximumLength = 0;
        d->Buffer = NULL;
        return;
    }
    size_t n = strlen(s);
    if (n > 0xFFFEu)
        n = 0xFFFEu;
    d->Length = (USHORT)n;
    d->MaximumLength = (USHORT)(n + 1);
    d->Buffer = (PCHAR)s;
}

VOID RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    init_ansi(DestinationString, SourceString);
}

VOID RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
    init_ansi(DestinationString, SourceString);
}

NTSTATUS RtlInitAnsiStringEx(PANSI_STRING DestinationString, PCSZ SourceString)
{
    if (SourceString && strlen(SourceString) > 0xFFFEu)
    {
        DestinationString->Length = DestinationString->MaximumLength = 0;
        DestinationString->Buffer = (PCHAR)SourceString;
        return STATUS_NAME_TOO_LONG;
    }
    init_ansi(DestinationString, SourceString);
    return STATUS_SUCCESS;
}

/* ---- copy and append ----------------------------------------------------------------------------- */

VOID RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!SourceString || !SourceString->Buffer)
    {
        DestinationString->Length = 0;
        return;
    }
    USHORT n = SourceString->Length < DestinationString->MaximumLength ? SourceString->Length
                                                                       : DestinationString->MaximumLength;
    n &= (USHORT)~1u;
    memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if (n + sizeof(wch) <= DestinationString->MaximumLength)
        ((wch *)DestinationString->Buffer)[n / sizeof(wch)] = 0;
}

VOID RtlCopyString(PSTRING DestinationString, const STRING *SourceString)
{
    if (!SourceString || !SourceString->Buffer)
    {
        DestinationString->Length = 0;
        return;
    }
    USHORT n = SourceString->Length < DestinationString->MaximumLength ? SourceString->Length
                                                                       : DestinationString->MaximumLength;
    memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if (n < DestinationString->MaximumLength)
        DestinationString->Buffer[n] = '\0';
}

static NTSTATUS append_bytes(PUNICODE_STRING d, const void *src, size_t bytes)
{
    if ((size_t)d->Length + bytes > d->MaximumLength)
        return STATUS_BUFFER_TOO_SMALL;
    if (bytes)
        memmove((uint8_t *)d->Buffer + d->Length, src, bytes);
    d->Length = (USHORT)(d->Length + bytes);
    if ((size_t)d->Length + sizeof(wch) <= d->MaximumLength)
        ((wch *)d->Buffer)[d->Length / sizeof(wch)] = 0;
    return STATUS_SUCCESS;
}

NTSTATUS RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    if (!Source || !Source->Length)
        return STATUS_SUCCESS;
    return append_bytes(Destination, Source->Buffer, Source->Length);
}

NTSTATUS RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    if (!Source)
        return STATUS_SUCCESS;
    return append_bytes(Destination, Source, wlen((const wch *)Source) * sizeof(wch));
}

/* ---- compare ------------------------------------------------------------------------------------ */

static LONG compare_units(const wch *a, size_t na, const wch *b, size_t nb, bool ci)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++)
    {
        wch x = ci ? upcase(a[i]) : a[i];
        wch y = ci ? upcase(b[i]) : b[i];
        if (x != y)
            return (LONG)x - (LONG)y;
    }
    return (LONG)na - (LONG)nb;
}

LONG RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInSensitive)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlCompareUnicodeString", VF_SITE());
    return compare_units((const wch *)String1->Buffer, String1->Length / 2, (const wch *)String2->Buffer,
                         String2->Length / 2, CaseInSensitive);
}

BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInSensitive)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlEqualUnicodeString", VF_SITE());
    if (String1->Length != String2->Length)
        return FALSE;
    return compare_units((const wch *)String1->Buffer, String1->Length / 2, (const wch *)String2->Buffer,
                         String2->Length / 2, CaseInSensitive) == 0;
}

BOOLEAN RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInSensitive)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlPrefixUnicodeString", VF_SITE());
    if (String1->Length > String2->Length)
        return FALSE;
    return compare_units((const wch *)String1->Buffer, String1->Length / 2, (const wch *)String2->Buffer,
                         String1->Length / 2, CaseInSensitive) == 0;
}

static LONG compare_chars(const STRING *a, const STRING *b, bool ci)
{
    size_t n = a->Length < b->Length ? a->Length : b->Length;
    for (size_t i = 0; i < n; i++)
    {
        UCHAR x = (UCHAR)a->Buffer[i], y = (UCHAR)b->Buffer[i];
        if (ci)
        {
            x = (UCHAR)upcase(x);
            y = (UCHAR)upcase(y);
        }
        if (x != y)
            return (LONG)x - (LONG)y;
    }
    return (LONG)a->Length - (LONG)b->Length;
}

LONG RtlCompareString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlCompareString", VF_SITE());
    return compare_chars(String1, String2, CaseInSensitive);
}

BOOLEAN RtlEqualString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlEqualString", VF_SITE());
    return String1->Length == String2->Length && compare_chars(String1, String2, CaseInSensitive) == 0;
}

WCHAR RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
    return (WCHAR)upcase((wch)SourceCharacter);
}

WCHAR RtlDowncaseUnicodeChar(WCHAR SourceCharacter)
{
    return (WCHAR)downcase((wch)SourceCharacter);
}

CHAR RtlUpperChar(CHAR Character)
{
    UCHAR c = (UCHAR)Character;
    return (CHAR)(c >= 'a' && c <= 'z' ? c - 32 : c);
}

/* ---- conversions and allocated results ---------------------------------------------------------- */

ULONG RtlxUnicodeStringToAnsiSize(PCUNICODE_STRING UnicodeString)
{
    return UnicodeString->Length / sizeof(wch) + 1;
}

ULONG RtlxAnsiStringToUnicodeSize(PCANSI_STRING AnsiString)
{
    return (ULONG)AnsiString->Length * sizeof(wch) + sizeof(wch);
}

NTSTATUS RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
                                      BOOLEAN AllocateDestinationString)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlUnicodeStringToAnsiString", site);
    size_t chars = SourceString->Length / sizeof(wch);
    size_t needed = chars + 1;
    if (needed > MAXUSHORT)
        return STATUS_INVALID_PARAMETER_2;
    NTSTATUS status = STATUS_SUCCESS;
    if (AllocateDestinationString)
    {
        if (vf_should_fail("RtlUnicodeStringToAnsiString", site))
            return STATUS_NO_MEMORY;
        DestinationString->Buffer = string_alloc(needed, site);
        if (!DestinationString->Buffer)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)needed;
    }
    else if (DestinationString->MaximumLength < needed)
    {
        status = STATUS_BUFFER_OVERFLOW;
        chars = DestinationString->MaximumLength ? DestinationString->MaximumLength - 1u : 0;
    }
    const wch *src = (const wch *)SourceString->Buffer;
    for (size_t i = 0; i < chars; i++)
        DestinationString->Buffer[i] = (CHAR)(src[i] <= 0xFF ? src[i] : '?');
    DestinationString->Length = (USHORT)chars;
    if (chars < DestinationString->MaximumLength)
        DestinationString->Buffer[chars] = '\0';
    return status;
}

NTSTATUS RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString, PCANSI_STRING SourceString,
                                      BOOLEAN AllocateDestinationString)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlAnsiStringToUnicodeString", site);
    size_t chars = SourceString->Length;
    size_t needed = (chars + 1) * sizeof(wch);
    if (needed > MAXUSHORT)
        return STATUS_INVALID_PARAMETER_2;
    NTSTATUS status = STATUS_SUCCESS;
    if (AllocateDestinationString)
    {
        if (vf_should_fail("RtlAnsiStringToUnicodeString", site))
            return STATUS_NO_MEMORY;
        DestinationString->Buffer = string_alloc(needed, site);
        if (!DestinationString->Buffer)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)needed;
    }
    else if (DestinationString->MaximumLength < chars * sizeof(wch))
    {
        status = STATUS_BUFFER_OVERFLOW;
        chars = DestinationString->MaximumLength / sizeof(wch);
    }
    wch *dst = (wch *)DestinationString->Buffer;
    for (size_t i = 0; i < chars; i++)
        dst[i] = (UCHAR)SourceString->Buffer[i];
    DestinationString->Length = (USHORT)(chars * sizeof(wch));
    if ((chars + 1) * sizeof(wch) <= DestinationString->MaximumLength)
        dst[chars] = 0;
    return status;
}

static NTSTATUS map_case(PUNICODE_STRING d, PCUNICODE_STRING s, BOOLEAN alloc, wch (*fn)(wch), const char *api,
                         void *site)
{
    vf_check_irql_max(APC_LEVEL, api, site);
    if (alloc)
    {
        if (vf_should_fail(api, site))
            return STATUS_NO_MEMORY;
        d->Buffer = string_alloc((size_t)s->Length + sizeof(wch), site);
        if (!d->Buffer)
            return STATUS_NO_MEMORY;
        d->MaximumLength = (USHORT)(s->Length + sizeof(wch) > MAXUSHORT ? s->Length : s->Length + sizeof(wch));
    }
    else if (d->MaximumLength < s->Length)
        return STATUS_BUFFER_OVERFLOW;
    const wch *src = (const wch *)s->Buffer;
    wch *dst = (wch *)d->Buffer;
    for (size_t i = 0; i < s->Length / sizeof(wch); i++)
        dst[i] = fn(src[i]);
    d->Length = s->Length;
    return STATUS_SUCCESS;
}

NTSTATUS RtlUpcaseUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
                                BOOLEAN AllocateDestinationString)
{
    return map_case(DestinationString, SourceString, AllocateDestinationString, upcase, "RtlUpcaseUnicodeString",
                    VF_SITE());
}

NTSTATUS RtlDowncaseUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
                                  BOOLEAN AllocateDestinationString)
{
    return map_case(DestinationString, SourceString, AllocateDestinationString, downcase, "RtlDowncaseUnicodeString",
                    VF_SITE());
}

NTSTATUS RtlDuplicateUnicodeString(ULONG Flags, PCUNICODE_STRING StringIn, PUNICODE_STRING StringOut)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlDuplicateUnicodeString", site);
    if (!StringIn || !StringOut ||
        (Flags &
         ~(ULONG)(RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE | RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING)))
        return STATUS_INVALID_PARAMETER;
    bool nul = (Flags & RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE) != 0;
    if (StringIn->Length == 0 && !(Flags & RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING))
    {
        StringOut->Length = StringOut->MaximumLength = 0;
        StringOut->Buffer = NULL;
        return STATUS_SUCCESS;
    }
    size_t bytes = (size_t)StringIn->Length + (nul ? sizeof(wch) : 0);
    if (bytes > MAXUSHORT)
        return STATUS_NAME_TOO_LONG;
    if (vf_should_fail("RtlDuplicateUnicodeString", site))
        return STATUS_NO_MEMORY;
    wch *buf = string_alloc(bytes ? bytes : sizeof(wch), site);
    if (!buf)
        return STATUS_NO_MEMORY;
    memcpy(buf, StringIn->Buffer, StringIn->Length);
    StringOut->Buffer = (PWCH)buf;
    StringOut->Length = StringIn->Length;
    StringOut->MaximumLength = (USHORT)(bytes ? bytes : sizeof(wch));
    return STATUS_SUCCESS;
}

VOID RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "RtlFreeUnicodeString", site);
    if (!UnicodeString)
        return;
    string_free(UnicodeString->Buffer, "RtlFreeUnicodeString", site);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = UnicodeString->MaximumLength = 0;
}

VOID RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "RtlFreeAnsiString", site);
    if (!AnsiString)
        return;
    string_free(AnsiString->Buffer, "RtlFreeAnsiString", site);
    AnsiString->Buffer = NULL;
    AnsiString->Length = AnsiString->MaximumLength = 0;
}

/* ---- numbers ------------------------------------------------------------------------------------ */

static const char digits_upper[] = "0123456789ABCDEF";

static int format_number(ULONGLONG v, ULONG base, char *out)
{
    char tmp[66];
    int n = 0;
    do
    {
        tmp[n++] = digits_upper[v % base];
        v /= base;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

static bool valid_base(ULONG *base)
{
    if (*base == 0)
        *base = 10;
    return *base == 2 || *base == 8 || *base == 10 || *base == 16;
}

static NTSTATUS number_to_ustr(ULONGLONG Value, ULONG Base, PUNICODE_STRING String)
{
    if (!valid_base(&Base))
        return STATUS_INVALID_PARAMETER;
    char buf[66];
    int n = format_number(Value, Base, buf);
    if ((size_t)n * sizeof(wch) > String->MaximumLength)
        return STATUS_BUFFER_OVERFLOW;
    wch *dst = (wch *)String->Buffer;
    for (int i = 0; i < n; i++)
        dst[i] = (wch)buf[i];
    String->Length = (USHORT)(n * sizeof(wch));
    if ((size_t)(n + 1) * sizeof(wch) <= String->MaximumLength)
        dst[n] = 0;
    return STATUS_SUCCESS;
}

NTSTATUS RtlIntegerToUnicodeString(ULONG Value, ULONG Base, PUNICODE_STRING String)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlIntegerToUnicodeString", VF_SITE());
    return number_to_ustr(Value, Base, String);
}

NTSTATUS RtlInt64ToUnicodeString(ULONGLONG Value, ULONG Base, PUNICODE_STRING String)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlInt64ToUnicodeString", VF_SITE());
    return number_to_ustr(Value, Base, String);
}

NTSTATUS RtlIntegerToChar(ULONG Value, ULONG Base, LONG OutputLength, PSZ String)
{
    if (!valid_base(&Base))
        return STATUS_INVALID_PARAMETER;
    char buf[66];
    int n = format_number(Value, Base, buf);
    LONG room = OutputLength < 0 ? -OutputLength : OutputLength;
    if (n > room)
        return STATUS_BUFFER_OVERFLOW;
    memcpy(String, buf, (size_t)n);
    if (n < room)
        String[n] = '\0';
    return STATUS_SUCCESS;
}

/* Parses like Windows: leading blanks, an optional sign, an optional 0x/0o/0b prefix when Base is
 * 0, then digits up to the first character that is not one. */
static NTSTATUS parse_number(const wch *s, size_t n, ULONG Base, PULONG Value)
{
    if (Base != 0 && Base != 2 && Base != 8 && Base != 10 && Base != 16)
        return STATUS_INVALID_PARAMETER;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (Base == 0)
    {
        Base = 10;
        if (i + 1 < n && s[i] == '0')
        {
            wch p = s[i + 1];
            if (p == 'x' || p == 'X')
                Base = 16, i += 2;
            else if (p == 'o' || p == 'O')
                Base = 8, i += 2;
            else if (p == 'b' || p == 'B')
                Base = 2, i += 2;
        }
    }
    ULONG v = 0;
    for (; i < n; i++)
    {
        wch c = s[i];
        ULONG d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (d >= Base)
            break;
        v = v * Base + d;
    }
    *Value = neg ? (ULONG)(0u - v) : v;
    return STATUS_SUCCESS;
}

NTSTATUS RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base, PULONG Value)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlUnicodeStringToInteger", VF_SITE());
    return parse_number((const wch *)String->Buffer, String->Length / sizeof(wch), Base, Value);
}

NTSTATUS RtlCharToInteger(PCSZ String, ULONG Base, PULONG Value)
{
    size_t n = strlen(String);
    wch buf[128];
    if (n > 127)
        n = 127;
    for (size_t i = 0; i < n; i++)
        buf[i] = (UCHAR)String[i];
    return parse_number(buf, n, Base, Value);
}

/* ---- GUIDs ------------------------------------------------------------------------------------ */

NTSTATUS RtlStringFromGUID(REFGUID Guid, PUNICODE_STRING GuidString)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlStringFromGUID", site);
    char buf[40];
    static const char hex[] = "0123456789abcdef";
    int n = 0;
    buf[n++] = '{';
    for (int i = 7; i >= 0; i--)
        buf[n++] = hex[(Guid->Data1 >> (4 * i)) & 0xF];
    buf[n++] = '-';
    for (int i = 3; i >= 0; i--)
        buf[n++] = hex[(Guid->Data2 >> (4 * i)) & 0xF];
    buf[n++] = '-';
    for (int i = 3; i >= 0; i--)
        buf[n++] = hex[(Guid->Data3 >> (4 * i)) & 0xF];
    buf[n++] = '-';
    for (int i = 0; i < 8; i++)
    {
        if (i == 2)
            buf[n++] = '-';
        buf[n++] = hex[Guid->Data4[i] >> 4];
        buf[n++] = hex[Guid->Data4[i] & 0xF];
    }
    buf[n++] = '}';
    if (vf_should_fail("RtlStringFromGUID", site))
        return STATUS_NO_MEMORY;
    wch *w = string_alloc((size_t)(n + 1) * sizeof(wch), site);
    if (!w)
        return STATUS_NO_MEMORY;
    for (int i = 0; i < n; i++)
        w[i] = (wch)(buf[i] >= 'a' && buf[i] <= 'f' ? buf[i] - 32 : buf[i]);
    GuidString->Buffer = (PWCH)w;
    GuidString->Length = (USHORT)(n * sizeof(wch));
    GuidString->MaximumLength = (USHORT)((n + 1) * sizeof(wch));
    return STATUS_SUCCESS;
}

static int hexval(wch c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

NTSTATUS RtlGUIDFromString(PCUNICODE_STRING GuidString, GUID *Guid)
{
    vf_check_irql_eq(PASSIVE_LEVEL, "RtlGUIDFromString", VF_SITE());
    const wch *s = (const wch *)GuidString->Buffer;
    if (GuidString->Length != 38 * sizeof(wch) || s[0] != '{' || s[37] != '}' || s[9] != '-' || s[14] != '-' ||
        s[19] != '-' || s[24] != '-')
        return STATUS_INVALID_PARAMETER;
    uint8_t bytes[16];
    static const int pos[16] = {1, 3, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 29, 31, 33, 35};
    for (int i = 0; i < 16; i++)
    {
        int hi = hexval(s[pos[i]]), lo = hexval(s[pos[i] + 1]);
        if (hi < 0 || lo < 0)
            return STATUS_INVALID_PARAMETER;
        bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    Guid->Data1 = (ULONG)bytes[0] << 24 | (ULONG)bytes[1] << 16 | (ULONG)bytes[2] << 8 | bytes[3];
    Guid->Data2 = (USHORT)(bytes[4] << 8 | bytes[5]);
    Guid->Data3 = (USHORT)(bytes[6] << 8 | bytes[7]);
    memcpy(Guid->Data4, bytes + 8, 8);
    return STATUS_SUCCESS;
}

/* NdisInitializeString (NDIS_STRING is UNICODE_STRING): a counted Unicode copy of a zero-terminated ANSI string, in
 * storage the driver releases with NdisFreeString (RtlFreeUnicodeString), so it shares the Rtl allocator. */
VOID NdisInitializeString(PUNICODE_STRING Destination, PUCHAR Source)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisInitializeString", site);
    Destination->Length = 0;
    Destination->MaximumLength = 0;
    Destination->Buffer = NULL;
    size_t chars = Source ? strlen((const char *)Source) : 0;
    size_t needed = (chars + 1) * sizeof(wch);
    if (needed > MAXUSHORT || vf_should_fail("NdisInitializeString", site))
        return;
    wch *dst = string_alloc(needed, site);
    if (!dst)
        return;
    for (size_t i = 0; i < chars; i++)
        dst[i] = Source[i];
    dst[chars] = 0;
    Destination->Buffer = (PWCH)dst;
    Destination->Length = (USHORT)(chars * sizeof(wch));
    Destination->MaximumLength = (USHORT)needed;
}

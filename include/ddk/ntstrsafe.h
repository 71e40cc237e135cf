/* ntstrsafe.h for drivers built against ndishost: the bounded string functions of the WDK's
 * ntstrsafe.h (RtlStringCch* / RtlStringCb*, A and W forms, and the UNICODE_STRING forms), as
 * documented: a zero or too large destination size is STATUS_INVALID_PARAMETER, a result cut
 * to fit is STATUS_BUFFER_OVERFLOW with the destination still terminated. static inline, as in
 * the WDK; the printf family formats with the Microsoft conventions (ndishost_vformat_a/w). */
#ifndef NDISHOST_DDK_NTSTRSAFE_H
#define NDISHOST_DDK_NTSTRSAFE_H

#include <stdarg.h>

#include "wdm.h"

typedef char *NTSTRSAFE_PSTR;
typedef const char *NTSTRSAFE_PCSTR;
typedef WCHAR *NTSTRSAFE_PWSTR;
typedef const WCHAR *NTSTRSAFE_PCWSTR;
typedef const WCHAR *NTSTRSAFE_PCUWSTR;
typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;
typedef WCHAR *STRSAFE_LPWSTR;
typedef const WCHAR *STRSAFE_LPCWSTR;

#define NTSTRSAFE_MAX_CCH 2147483647
#define NTSTRSAFE_MAX_LENGTH (NTSTRSAFE_MAX_CCH - 1)
#define NTSTRSAFE_UNICODE_STRING_MAX_CCH 32767
#define STRSAFE_IGNORE_NULLS 0x00000100
#define STRSAFE_FILL_BEHIND_NULL 0x00000200
#define STRSAFE_FILL_ON_FAILURE 0x00000400
#define STRSAFE_NULL_ON_FAILURE 0x00000800
#define STRSAFE_NO_TRUNCATION 0x00001000
#define STRSAFE_FILL_BYTE(x) ((ULONG)(((x)&0x000000FF) | STRSAFE_FILL_BEHIND_NULL))
#define STRSAFE_FAILURE_BYTE(x) ((ULONG)(((x)&0x000000FF) | STRSAFE_FILL_ON_FAILURE))
#define NDISHOST_STRSAFE_VALID_FLAGS                                                                                   \
    (0x000000FF | STRSAFE_IGNORE_NULLS | STRSAFE_FILL_BEHIND_NULL | STRSAFE_FILL_ON_FAILURE |                          \
     STRSAFE_NULL_ON_FAILURE | STRSAFE_NO_TRUNCATION)

#define NDISHOST_STRSAFE static inline __attribute__((unused)) NTSTATUS

/* ---- narrow (A) ---------------------------------------------------------------------------------------- */

static inline size_t ndishost_len_a(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Applies the Ex flags to the result of an operation on dest[0..cch). */
static inline NTSTATUS ndishost_finish_a(char *dest, size_t cch, size_t len, NTSTATUS status, char **end,
                                         size_t *remaining, ULONG flags)
{
    if (!NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW)
    {
        if (flags & STRSAFE_NO_TRUNCATION && status == STATUS_BUFFER_OVERFLOW && cch)
            dest[0] = 0, len = 0;
        if (flags & STRSAFE_FILL_ON_FAILURE && cch)
        {
            memset(dest, (int)(flags & 0xFF), cch * sizeof(dest[0]));
            dest[cch - 1] = 0;
            len = cch - 1;
        }
        if (flags & STRSAFE_NULL_ON_FAILURE && cch)
            dest[0] = 0, len = 0;
    }
    else if (flags & STRSAFE_FILL_BEHIND_NULL && len + 1 < cch)
        memset(dest + len + 1, (int)(flags & 0xFF), (cch - len - 1) * sizeof(dest[0]));
    if (end)
        *end = dest + len;
    if (remaining)
        *remaining = cch - len;
    return status;
}

/* Copies at most n characters of src to dest[0..cch) (cch > 0); the common core. */
static inline NTSTATUS ndishost_copy_a(char *dest, size_t cch, const char *src, size_t n, size_t *out_len)
{
    size_t i = 0;
    while (i < n && src[i])
    {
        if (i + 1 >= cch)
        {
            dest[i] = 0;
            *out_len = i;
            return STATUS_BUFFER_OVERFLOW;
        }
        dest[i] = src[i];
        i++;
    }
    dest[i] = 0;
    *out_len = i;
    return STATUS_SUCCESS;
}

NDISHOST_STRSAFE RtlStringCchCopyNExA(char *pszDest, size_t cchDest, const char *pszSrc, size_t cchToCopy,
                                      char **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags)
{
    size_t len = 0;
    if (dwFlags & ~(ULONG)NDISHOST_STRSAFE_VALID_FLAGS || cchDest > NTSTRSAFE_MAX_CCH || cchToCopy > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    if (!pszDest || cchDest == 0)
        return STATUS_INVALID_PARAMETER;
    if (!pszSrc)
    {
        if (!(dwFlags & STRSAFE_IGNORE_NULLS))
            return ndishost_finish_a(pszDest, cchDest, 0, STATUS_INVALID_PARAMETER, ppszDestEnd, pcchRemaining,
                                     dwFlags);
        pszSrc = "";
    }
    NTSTATUS st = ndishost_copy_a(pszDest, cchDest, pszSrc, cchToCopy, &len);
    return ndishost_finish_a(pszDest, cchDest, len, st, ppszDestEnd, pcchRemaining, dwFlags);
}

NDISHOST_STRSAFE RtlStringCchCopyExA(char *pszDest, size_t cchDest, const char *pszSrc, char **ppszDestEnd,
                                     size_t *pcchRemaining, ULONG dwFlags)
{
    return RtlStringCchCopyNExA(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, ppszDestEnd, pcchRemaining, dwFlags);
}

NDISHOST_STRSAFE RtlStringCchCopyA(char *pszDest, size_t cchDest, const char *pszSrc)
{
    return RtlStringCchCopyNExA(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCchCopyNA(char *pszDest, size_t cchDest, const char *pszSrc, size_t cchToCopy)
{
    return RtlStringCchCopyNExA(pszDest, cchDest, pszSrc, cchToCopy, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCbCopyA(char *pszDest, size_t cbDest, const char *pszSrc)
{
    return RtlStringCchCopyA(pszDest, cbDest / sizeof(pszDest[0]), pszSrc);
}

NDISHOST_STRSAFE RtlStringCbCopyNA(char *pszDest, size_t cbDest, const char *pszSrc, size_t cbToCopy)
{
    return RtlStringCchCopyNA(pszDest, cbDest / sizeof(pszDest[0]), pszSrc, cbToCopy / sizeof(pszDest[0]));
}

NDISHOST_STRSAFE RtlStringCbCopyExA(char *pszDest, size_t cbDest, const char *pszSrc, char **ppszDestEnd,
                                    size_t *pcbRemaining, ULONG dwFlags)
{
    size_t rem = 0;
    NTSTATUS st = RtlStringCchCopyExA(pszDest, cbDest / sizeof(pszDest[0]), pszSrc, ppszDestEnd, &rem, dwFlags);
    if (pcbRemaining)
        *pcbRemaining = rem * sizeof(pszDest[0]) + cbDest % sizeof(pszDest[0]);
    return st;
}

NDISHOST_STRSAFE RtlStringCchLengthA(const char *psz, size_t cchMax, size_t *pcchLength)
{
    if (!psz || cchMax > NTSTRSAFE_MAX_CCH)
    {
        if (pcchLength)
            *pcchLength = 0;
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = ndishost_len_a(psz, cchMax);
    if (n == cchMax)
    {
        if (pcchLength)
            *pcchLength = 0;
        return STATUS_INVALID_PARAMETER;
    }
    if (pcchLength)
        *pcchLength = n;
    return STATUS_SUCCESS;
}

NDISHOST_STRSAFE RtlStringCbLengthA(const char *psz, size_t cbMax, size_t *pcbLength)
{
    size_t n = 0;
    NTSTATUS st = RtlStringCchLengthA(psz, cbMax / sizeof(psz[0]), &n);
    if (pcbLength)
        *pcbLength = n * sizeof(psz[0]);
    return st;
}

NDISHOST_STRSAFE RtlStringCchCatNExA(char *pszDest, size_t cchDest, const char *pszSrc, size_t cchToAppend,
                                     char **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags)
{
    if (dwFlags & ~(ULONG)NDISHOST_STRSAFE_VALID_FLAGS || !pszDest || cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    size_t have = ndishost_len_a(pszDest, cchDest);
    if (have == cchDest)
        return STATUS_INVALID_PARAMETER;
    if (!pszSrc)
    {
        if (!(dwFlags & STRSAFE_IGNORE_NULLS))
            return STATUS_INVALID_PARAMETER;
        pszSrc = "";
    }
    size_t len = 0;
    NTSTATUS st = ndishost_copy_a(pszDest + have, cchDest - have, pszSrc, cchToAppend, &len);
    if (st == STATUS_BUFFER_OVERFLOW && (dwFlags & STRSAFE_NO_TRUNCATION))
    {
        pszDest[have] = 0;
        len = 0;
    }
    size_t rem = cchDest - have - len;
    if (ppszDestEnd)
        *ppszDestEnd = pszDest + have + len;
    if (pcchRemaining)
        *pcchRemaining = rem;
    return st;
}

NDISHOST_STRSAFE RtlStringCchCatExA(char *pszDest, size_t cchDest, const char *pszSrc, char **ppszDestEnd,
                                    size_t *pcchRemaining, ULONG dwFlags)
{
    return RtlStringCchCatNExA(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, ppszDestEnd, pcchRemaining, dwFlags);
}

NDISHOST_STRSAFE RtlStringCchCatA(char *pszDest, size_t cchDest, const char *pszSrc)
{
    return RtlStringCchCatNExA(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCchCatNA(char *pszDest, size_t cchDest, const char *pszSrc, size_t cchToAppend)
{
    return RtlStringCchCatNExA(pszDest, cchDest, pszSrc, cchToAppend, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCbCatA(char *pszDest, size_t cbDest, const char *pszSrc)
{
    return RtlStringCchCatA(pszDest, cbDest / sizeof(pszDest[0]), pszSrc);
}

NDISHOST_STRSAFE RtlStringCbCatNA(char *pszDest, size_t cbDest, const char *pszSrc, size_t cbToAppend)
{
    return RtlStringCchCatNA(pszDest, cbDest / sizeof(pszDest[0]), pszSrc, cbToAppend / sizeof(pszDest[0]));
}

NDISHOST_STRSAFE RtlStringCchVPrintfExA(char *pszDest, size_t cchDest, char **ppszDestEnd, size_t *pcchRemaining,
                                        ULONG dwFlags, const char *pszFormat, va_list argList)
{
    if (dwFlags & ~(ULONG)NDISHOST_STRSAFE_VALID_FLAGS || !pszDest || cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    if (!pszFormat)
    {
        if (!(dwFlags & STRSAFE_IGNORE_NULLS))
            return ndishost_finish_a(pszDest, cchDest, 0, STATUS_INVALID_PARAMETER, ppszDestEnd, pcchRemaining,
                                     dwFlags);
        pszFormat = "";
    }
    size_t need = ndishost_vformat_a(pszDest, cchDest, pszFormat, argList);
    NTSTATUS st = need >= cchDest ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
    return ndishost_finish_a(pszDest, cchDest, need >= cchDest ? cchDest - 1 : need, st, ppszDestEnd, pcchRemaining,
                             dwFlags);
}

NDISHOST_STRSAFE RtlStringCchVPrintfA(char *pszDest, size_t cchDest, const char *pszFormat, va_list argList)
{
    return RtlStringCchVPrintfExA(pszDest, cchDest, NULL, NULL, 0, pszFormat, argList);
}

NDISHOST_STRSAFE RtlStringCbVPrintfA(char *pszDest, size_t cbDest, const char *pszFormat, va_list argList)
{
    return RtlStringCchVPrintfExA(pszDest, cbDest / sizeof(pszDest[0]), NULL, NULL, 0, pszFormat, argList);
}

NDISHOST_STRSAFE RtlStringCchPrintfA(char *pszDest, size_t cchDest, const char *pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS st = RtlStringCchVPrintfExA(pszDest, cchDest, NULL, NULL, 0, pszFormat, ap);
    va_end(ap);
    return st;
}

NDISHOST_STRSAFE RtlStringCbPrintfA(char *pszDest, size_t cbDest, const char *pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS st = RtlStringCchVPrintfExA(pszDest, cbDest / sizeof(pszDest[0]), NULL, NULL, 0, pszFormat, ap);
    va_end(ap);
    return st;
}

NDISHOST_STRSAFE RtlStringCchPrintfExA(char *pszDest, size_t cchDest, char **ppszDestEnd, size_t *pcchRemaining,
                                       ULONG dwFlags, const char *pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS st = RtlStringCchVPrintfExA(pszDest, cchDest, ppszDestEnd, pcchRemaining, dwFlags, pszFormat, ap);
    va_end(ap);
    return st;
}

NDISHOST_STRSAFE RtlStringCbPrintfExA(char *pszDest, size_t cbDest, char **ppszDestEnd, size_t *pcbRemaining,
                                      ULONG dwFlags, const char *pszFormat, ...)
{
    va_list ap;
    size_t rem = 0;
    va_start(ap, pszFormat);
    NTSTATUS st =
        RtlStringCchVPrintfExA(pszDest, cbDest / sizeof(pszDest[0]), ppszDestEnd, &rem, dwFlags, pszFormat, ap);
    va_end(ap);
    if (pcbRemaining)
        *pcbRemaining = rem * sizeof(pszDest[0]);
    return st;
}

/* ---- wide (W) ---------------------------------------------------------------------------------------- */

static inline size_t ndishost_len_w(const WCHAR *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Applies the Ex flags to the result of an operation on dest[0..cch). */
static inline NTSTATUS ndishost_finish_w(WCHAR *dest, size_t cch, size_t len, NTSTATUS status, WCHAR **end,
                                         size_t *remaining, ULONG flags)
{
    if (!NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW)
    {
        if (flags & STRSAFE_NO_TRUNCATION && status == STATUS_BUFFER_OVERFLOW && cch)
            dest[0] = 0, len = 0;
        if (flags & STRSAFE_FILL_ON_FAILURE && cch)
        {
            memset(dest, (int)(flags & 0xFF), cch * sizeof(dest[0]));
            dest[cch - 1] = 0;
            len = cch - 1;
        }
        if (flags & STRSAFE_NULL_ON_FAILURE && cch)
            dest[0] = 0, len = 0;
    }
    else if (flags & STRSAFE_FILL_BEHIND_NULL && len + 1 < cch)
        memset(dest + len + 1, (int)(flags & 0xFF), (cch - len - 1) * sizeof(dest[0]));
    if (end)
        *end = dest + len;
    if (remaining)
        *remaining = cch - len;
    return status;
}

/* Copies at most n characters of src to dest[0..cch) (cch > 0); the common core. */
static inline NTSTATUS ndishost_copy_w(WCHAR *dest, size_t cch, const WCHAR *src, size_t n, size_t *out_len)
{
    size_t i = 0;
    while (i < n && src[i])
    {
        if (i + 1 >= cch)
        {
            dest[i] = 0;
            *out_len = i;
            return STATUS_BUFFER_OVERFLOW;
        }
        dest[i] = src[i];
        i++;
    }
    dest[i] = 0;
    *out_len = i;
    return STATUS_SUCCESS;
}

NDISHOST_STRSAFE RtlStringCchCopyNExW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc, size_t cchToCopy,
                                      WCHAR **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags)
{
    size_t len = 0;
    if (dwFlags & ~(ULONG)NDISHOST_STRSAFE_VALID_FLAGS || cchDest > NTSTRSAFE_MAX_CCH || cchToCopy > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    if (!pszDest || cchDest == 0)
        return STATUS_INVALID_PARAMETER;
    if (!pszSrc)
    {
        if (!(dwFlags & STRSAFE_IGNORE_NULLS))
            return ndishost_finish_w(pszDest, cchDest, 0, STATUS_INVALID_PARAMETER, ppszDestEnd, pcchRemaining,
                                     dwFlags);
        pszSrc = (const WCHAR *)L"";
    }
    NTSTATUS st = ndishost_copy_w(pszDest, cchDest, pszSrc, cchToCopy, &len);
    return ndishost_finish_w(pszDest, cchDest, len, st, ppszDestEnd, pcchRemaining, dwFlags);
}

NDISHOST_STRSAFE RtlStringCchCopyExW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc, WCHAR **ppszDestEnd,
                                     size_t *pcchRemaining, ULONG dwFlags)
{
    return RtlStringCchCopyNExW(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, ppszDestEnd, pcchRemaining, dwFlags);
}

NDISHOST_STRSAFE RtlStringCchCopyW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc)
{
    return RtlStringCchCopyNExW(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCchCopyNW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc, size_t cchToCopy)
{
    return RtlStringCchCopyNExW(pszDest, cchDest, pszSrc, cchToCopy, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCbCopyW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszSrc)
{
    return RtlStringCchCopyW(pszDest, cbDest / sizeof(pszDest[0]), pszSrc);
}

NDISHOST_STRSAFE RtlStringCbCopyNW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszSrc, size_t cbToCopy)
{
    return RtlStringCchCopyNW(pszDest, cbDest / sizeof(pszDest[0]), pszSrc, cbToCopy / sizeof(pszDest[0]));
}

NDISHOST_STRSAFE RtlStringCbCopyExW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszSrc, WCHAR **ppszDestEnd,
                                    size_t *pcbRemaining, ULONG dwFlags)
{
    size_t rem = 0;
    NTSTATUS st = RtlStringCchCopyExW(pszDest, cbDest / sizeof(pszDest[0]), pszSrc, ppszDestEnd, &rem, dwFlags);
    if (pcbRemaining)
        *pcbRemaining = rem * sizeof(pszDest[0]) + cbDest % sizeof(pszDest[0]);
    return st;
}

NDISHOST_STRSAFE RtlStringCchLengthW(const WCHAR *psz, size_t cchMax, size_t *pcchLength)
{
    if (!psz || cchMax > NTSTRSAFE_MAX_CCH)
    {
        if (pcchLength)
            *pcchLength = 0;
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = ndishost_len_w(psz, cchMax);
    if (n == cchMax)
    {
        if (pcchLength)
            *pcchLength = 0;
        return STATUS_INVALID_PARAMETER;
    }
    if (pcchLength)
        *pcchLength = n;
    return STATUS_SUCCESS;
}

NDISHOST_STRSAFE RtlStringCbLengthW(const WCHAR *psz, size_t cbMax, size_t *pcbLength)
{
    size_t n = 0;
    NTSTATUS st = RtlStringCchLengthW(psz, cbMax / sizeof(psz[0]), &n);
    if (pcbLength)
        *pcbLength = n * sizeof(psz[0]);
    return st;
}

NDISHOST_STRSAFE RtlStringCchCatNExW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc, size_t cchToAppend,
                                     WCHAR **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags)
{
    if (dwFlags & ~(ULONG)NDISHOST_STRSAFE_VALID_FLAGS || !pszDest || cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    size_t have = ndishost_len_w(pszDest, cchDest);
    if (have == cchDest)
        return STATUS_INVALID_PARAMETER;
    if (!pszSrc)
    {
        if (!(dwFlags & STRSAFE_IGNORE_NULLS))
            return STATUS_INVALID_PARAMETER;
        pszSrc = (const WCHAR *)L"";
    }
    size_t len = 0;
    NTSTATUS st = ndishost_copy_w(pszDest + have, cchDest - have, pszSrc, cchToAppend, &len);
    if (st == STATUS_BUFFER_OVERFLOW && (dwFlags & STRSAFE_NO_TRUNCATION))
    {
        pszDest[have] = 0;
        len = 0;
    }
    size_t rem = cchDest - have - len;
    if (ppszDestEnd)
        *ppszDestEnd = pszDest + have + len;
    if (pcchRemaining)
        *pcchRemaining = rem;
    return st;
}

NDISHOST_STRSAFE RtlStringCchCatExW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc, WCHAR **ppszDestEnd,
                                    size_t *pcchRemaining, ULONG dwFlags)
{
    return RtlStringCchCatNExW(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, ppszDestEnd, pcchRemaining, dwFlags);
}

NDISHOST_STRSAFE RtlStringCchCatW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc)
{
    return RtlStringCchCatNExW(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCchCatNW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszSrc, size_t cchToAppend)
{
    return RtlStringCchCatNExW(pszDest, cchDest, pszSrc, cchToAppend, NULL, NULL, 0);
}

NDISHOST_STRSAFE RtlStringCbCatW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszSrc)
{
    return RtlStringCchCatW(pszDest, cbDest / sizeof(pszDest[0]), pszSrc);
}

NDISHOST_STRSAFE RtlStringCbCatNW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszSrc, size_t cbToAppend)
{
    return RtlStringCchCatNW(pszDest, cbDest / sizeof(pszDest[0]), pszSrc, cbToAppend / sizeof(pszDest[0]));
}

NDISHOST_STRSAFE RtlStringCchVPrintfExW(WCHAR *pszDest, size_t cchDest, WCHAR **ppszDestEnd, size_t *pcchRemaining,
                                        ULONG dwFlags, const WCHAR *pszFormat, va_list argList)
{
    if (dwFlags & ~(ULONG)NDISHOST_STRSAFE_VALID_FLAGS || !pszDest || cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    if (!pszFormat)
    {
        if (!(dwFlags & STRSAFE_IGNORE_NULLS))
            return ndishost_finish_w(pszDest, cchDest, 0, STATUS_INVALID_PARAMETER, ppszDestEnd, pcchRemaining,
                                     dwFlags);
        pszFormat = (const WCHAR *)L"";
    }
    size_t need = ndishost_vformat_w(pszDest, cchDest, pszFormat, argList);
    NTSTATUS st = need >= cchDest ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
    return ndishost_finish_w(pszDest, cchDest, need >= cchDest ? cchDest - 1 : need, st, ppszDestEnd, pcchRemaining,
                             dwFlags);
}

NDISHOST_STRSAFE RtlStringCchVPrintfW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszFormat, va_list argList)
{
    return RtlStringCchVPrintfExW(pszDest, cchDest, NULL, NULL, 0, pszFormat, argList);
}

NDISHOST_STRSAFE RtlStringCbVPrintfW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszFormat, va_list argList)
{
    return RtlStringCchVPrintfExW(pszDest, cbDest / sizeof(pszDest[0]), NULL, NULL, 0, pszFormat, argList);
}

NDISHOST_STRSAFE RtlStringCchPrintfW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS st = RtlStringCchVPrintfExW(pszDest, cchDest, NULL, NULL, 0, pszFormat, ap);
    va_end(ap);
    return st;
}

NDISHOST_STRSAFE RtlStringCbPrintfW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS st = RtlStringCchVPrintfExW(pszDest, cbDest / sizeof(pszDest[0]), NULL, NULL, 0, pszFormat, ap);
    va_end(ap);
    return st;
}

NDISHOST_STRSAFE RtlStringCchPrintfExW(WCHAR *pszDest, size_t cchDest, WCHAR **ppszDestEnd, size_t *pcchRemaining,
                                       ULONG dwFlags, const WCHAR *pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS st = RtlStringCchVPrintfExW(pszDest, cchDest, ppszDestEnd, pcchRemaining, dwFlags, pszFormat, ap);
    va_end(ap);
    return st;
}

NDISHOST_STRSAFE RtlStringCbPrintfExW(WCHAR *pszDest, size_t cbDest, WCHAR **ppszDestEnd, size_t *pcbRemaining,
                                      ULONG dwFlags, const WCHAR *pszFormat, ...)
{
    va_list ap;
    size_t rem = 0;
    va_start(ap, pszFormat);
    NTSTATUS st =
        RtlStringCchVPrintfExW(pszDest, cbDest / sizeof(pszDest[0]), ppszDestEnd, &rem, dwFlags, pszFormat, ap);
    va_end(ap);
    if (pcbRemaining)
        *pcbRemaining = rem * sizeof(pszDest[0]);
    return st;
}

/* ---- UNICODE_STRING forms ------------------------------------------------------------------------- */

NDISHOST_STRSAFE RtlUnicodeStringInit(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    DestinationString->Length = DestinationString->MaximumLength = 0;
    DestinationString->Buffer = (PWCH)pszSrc;
    if (!pszSrc)
        return STATUS_SUCCESS;
    size_t n = ndishost_len_w(pszSrc, NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1);
    if (n > NTSTRSAFE_UNICODE_STRING_MAX_CCH - 1)
        return STATUS_INVALID_PARAMETER;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

static inline NTSTATUS ndishost_ustr_put(PUNICODE_STRING d, size_t at, const WCHAR *src, size_t n)
{
    size_t cap = d->MaximumLength / sizeof(WCHAR);
    NTSTATUS st = STATUS_SUCCESS;
    if (at + n > cap)
    {
        n = cap > at ? cap - at : 0;
        st = STATUS_BUFFER_OVERFLOW;
    }
    memmove(d->Buffer + at, src, n * sizeof(WCHAR));
    d->Length = (USHORT)((at + n) * sizeof(WCHAR));
    return st;
}

NDISHOST_STRSAFE RtlUnicodeStringCopy(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!DestinationString || !SourceString || (DestinationString->MaximumLength & 1) || (SourceString->Length & 1))
        return STATUS_INVALID_PARAMETER;
    return ndishost_ustr_put(DestinationString, 0, SourceString->Buffer, SourceString->Length / sizeof(WCHAR));
}

NDISHOST_STRSAFE RtlUnicodeStringCopyString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    if (!DestinationString || !pszSrc)
        return STATUS_INVALID_PARAMETER;
    return ndishost_ustr_put(DestinationString, 0, pszSrc, ndishost_len_w(pszSrc, NTSTRSAFE_UNICODE_STRING_MAX_CCH));
}

NDISHOST_STRSAFE RtlUnicodeStringCat(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!DestinationString || !SourceString || (DestinationString->Length & 1) || (SourceString->Length & 1))
        return STATUS_INVALID_PARAMETER;
    return ndishost_ustr_put(DestinationString, DestinationString->Length / sizeof(WCHAR), SourceString->Buffer,
                             SourceString->Length / sizeof(WCHAR));
}

NDISHOST_STRSAFE RtlUnicodeStringCatString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    if (!DestinationString || !pszSrc)
        return STATUS_INVALID_PARAMETER;
    return ndishost_ustr_put(DestinationString, DestinationString->Length / sizeof(WCHAR), pszSrc,
                             ndishost_len_w(pszSrc, NTSTRSAFE_UNICODE_STRING_MAX_CCH));
}

NDISHOST_STRSAFE RtlUnicodeStringVPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, va_list argList)
{
    if (!DestinationString || !pszFormat || !DestinationString->Buffer)
        return STATUS_INVALID_PARAMETER;
    size_t cap = DestinationString->MaximumLength / sizeof(WCHAR);
    /* The result is not terminated: format into a bounded temporary first. */
    WCHAR tmp[NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1];
    size_t need = ndishost_vformat_w(tmp, sizeof tmp / sizeof tmp[0], pszFormat, argList);
    size_t n = need < cap ? need : cap;
    memcpy(DestinationString->Buffer, tmp, n * sizeof(WCHAR));
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    return need > cap ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NDISHOST_STRSAFE RtlUnicodeStringPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    va_start(ap, pszFormat);
    NTSTATUS st = RtlUnicodeStringVPrintf(DestinationString, pszFormat, ap);
    va_end(ap);
    return st;
}

#endif

/* The operating system's version: RtlGetVersion, RtlVerifyVersionInfo, VerSetConditionMask,
 * PsGetVersion.
 *
 * Policy: the host is Windows 10 version 22H2 (10.0.19045, VER_NT_WORKSTATION, no service pack,
 * platform VER_PLATFORM_WIN32_NT). The condition mask is opaque as documented; the host keeps 3
 * bits per type bit (the condition of type bit i at bits 3i..3i+2). */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <string.h>

#define HOST_MAJOR 10u
#define HOST_MINOR 0u
#define HOST_BUILD 19045u

static unsigned type_index(ULONG type_bit)
{
    unsigned i = 0;
    while (i < 8 && !(type_bit & (1u << i)))
        i++;
    return i;
}

ULONGLONG VerSetConditionMask(ULONGLONG ConditionMask, ULONG TypeMask, UCHAR Condition)
{
    /* Documented: returns the mask unchanged when TypeMask or Condition is 0. */
    if (!TypeMask || !Condition || Condition > VER_OR)
        return ConditionMask;
    for (unsigned i = 0; i < 8; i++)
        if (TypeMask & (1u << i))
        {
            ConditionMask &= ~(7ull << (3 * i));
            ConditionMask |= (ULONGLONG)Condition << (3 * i);
        }
    return ConditionMask;
}

NTSTATUS RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation)
{
    void *site = VF_SITE();
    if (!lpVersionInformation)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "RtlGetVersion with a NULL argument");
        return STATUS_INVALID_PARAMETER;
    }
    ULONG size = lpVersionInformation->dwOSVersionInfoSize;
    if (size != sizeof(RTL_OSVERSIONINFOW) && size != sizeof(RTL_OSVERSIONINFOEXW))
        return STATUS_INVALID_PARAMETER; /* documented: the caller sets the size of either form */
    memset((char *)lpVersionInformation + sizeof(ULONG), 0, size - sizeof(ULONG));
    lpVersionInformation->dwMajorVersion = HOST_MAJOR;
    lpVersionInformation->dwMinorVersion = HOST_MINOR;
    lpVersionInformation->dwBuildNumber = HOST_BUILD;
    lpVersionInformation->dwPlatformId = VER_PLATFORM_WIN32_NT;
    if (size == sizeof(RTL_OSVERSIONINFOEXW))
        ((PRTL_OSVERSIONINFOEXW)lpVersionInformation)->wProductType = VER_NT_WORKSTATION;
    return STATUS_SUCCESS;
}

BOOLEAN PsGetVersion(PULONG MajorVersion, PULONG MinorVersion, PULONG BuildNumber, PUNICODE_STRING CSDVersion)
{
    if (MajorVersion)
        *MajorVersion = HOST_MAJOR;
    if (MinorVersion)
        *MinorVersion = HOST_MINOR;
    if (BuildNumber)
        *BuildNumber = HOST_BUILD;
    if (CSDVersion)
        CSDVersion->Length = 0;
    return FALSE; /* a free (retail) build */
}

static bool compare(ULONGLONG have, ULONGLONG want, unsigned cond)
{
    switch (cond)
    {
    case VER_EQUAL:
        return have == want;
    case VER_GREATER:
        return have > want;
    case VER_GREATER_EQUAL:
        return have >= want;
    case VER_LESS:
        return have < want;
    case VER_LESS_EQUAL:
        return have <= want;
    default:
        return false;
    }
}

/* Major, minor and service-pack major/minor are compared hierarchically (documented): the first
 * of them that differs decides, under its own condition. */
static bool compare_versions(const RTL_OSVERSIONINFOEXW *v, ULONG type, ULONGLONG mask)
{
    const ULONG bits[4] = {VER_MAJORVERSION, VER_MINORVERSION, VER_SERVICEPACKMAJOR, VER_SERVICEPACKMINOR};
    const ULONGLONG have[4] = {HOST_MAJOR, HOST_MINOR, 0, 0};
    const ULONGLONG want[4] = {v->dwMajorVersion, v->dwMinorVersion, v->wServicePackMajor, v->wServicePackMinor};
    for (unsigned i = 0; i < 4; i++)
    {
        if (!(type & bits[i]))
            continue;
        unsigned cond = (unsigned)(mask >> (3 * type_index(bits[i]))) & 7u;
        if (have[i] != want[i])
            return compare(have[i], want[i], cond);
        if (cond == VER_GREATER || cond == VER_LESS)
        {
            /* equal so far: a strict condition is decided by the next field given */
            bool later = false;
            for (unsigned j = i + 1; j < 4; j++)
                later |= (type & bits[j]) != 0;
            if (!later)
                return false;
        }
    }
    return true;
}

NTSTATUS RtlVerifyVersionInfo(PRTL_OSVERSIONINFOEXW VersionInfo, ULONG TypeMask, ULONGLONG ConditionMask)
{
    void *site = VF_SITE();
    if (!VersionInfo || !TypeMask || !ConditionMask)
    {
        if (!VersionInfo)
            vf_report("AP-02", NULL, VF_CB_NONE, site, "RtlVerifyVersionInfo with a NULL VersionInfo");
        return STATUS_INVALID_PARAMETER; /* documented for an invalid parameter set */
    }
    if (!compare_versions(VersionInfo, TypeMask, ConditionMask))
        return STATUS_REVISION_MISMATCH;
    if (TypeMask & VER_BUILDNUMBER && !compare(HOST_BUILD, VersionInfo->dwBuildNumber,
                                               (unsigned)(ConditionMask >> (3 * type_index(VER_BUILDNUMBER))) & 7u))
        return STATUS_REVISION_MISMATCH;
    if (TypeMask & VER_PLATFORMID && !compare(VER_PLATFORM_WIN32_NT, VersionInfo->dwPlatformId,
                                              (unsigned)(ConditionMask >> (3 * type_index(VER_PLATFORMID))) & 7u))
        return STATUS_REVISION_MISMATCH;
    if (TypeMask & VER_PRODUCT_TYPE && !compare(VER_NT_WORKSTATION, VersionInfo->wProductType,
                                                (unsigned)(ConditionMask >> (3 * type_index(VER_PRODUCT_TYPE))) & 7u))
        return STATUS_REVISION_MISMATCH;
    if (TypeMask & VER_SUITENAME)
    {
        /* Policy: the host has no suites: VER_AND needs none to be asked for, VER_OR fails. */
        unsigned cond = (unsigned)(ConditionMask >> (3 * type_index(VER_SUITENAME))) & 7u;
        if (VersionInfo->wSuiteMask && (cond == VER_AND || cond == VER_OR))
            return STATUS_REVISION_MISMATCH;
    }
    return STATUS_SUCCESS;
}

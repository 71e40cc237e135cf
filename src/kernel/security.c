/* Security for drivers: subject contexts and access checks (SeCaptureSubjectContext,
 * SeReleaseSubjectContext, SeAccessCheck, RtlMapGenericMask, IoGetFileObjectGenericMapping).
 *
 * Policy: the host has one user, the administrator running the scenario, and that user holds
 * every right: SeAccessCheck grants the desired access (generic rights mapped, MAXIMUM_ALLOWED
 * = everything the mapping's GenericAll names) whatever the descriptor says. The descriptor is
 * not parsed. A subject context is captured and released in pairs; the host's context has no
 * tokens. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <string.h>

/* The file object generic mapping: FILE_GENERIC_READ/WRITE/EXECUTE and FILE_ALL_ACCESS as
 * documented for file objects. */
#define NDISHOST_FILE_GENERIC_READ (STANDARD_RIGHTS_READ | 0x0001 | 0x0080 | 0x0008 | SYNCHRONIZE)
#define NDISHOST_FILE_GENERIC_WRITE (STANDARD_RIGHTS_WRITE | 0x0002 | 0x0100 | 0x0010 | 0x0004 | SYNCHRONIZE)
#define NDISHOST_FILE_GENERIC_EXECUTE (STANDARD_RIGHTS_EXECUTE | 0x0080 | 0x0020 | SYNCHRONIZE)
#define NDISHOST_FILE_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF)

static GENERIC_MAPPING g_file_mapping = {NDISHOST_FILE_GENERIC_READ, NDISHOST_FILE_GENERIC_WRITE,
                                         NDISHOST_FILE_GENERIC_EXECUTE, NDISHOST_FILE_ALL_ACCESS};

PGENERIC_MAPPING IoGetFileObjectGenericMapping(void)
{
    return &g_file_mapping;
}

VOID SeCaptureSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "SeCaptureSubjectContext", site);
    if (!SubjectContext)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "SeCaptureSubjectContext with a NULL SubjectContext");
        return;
    }
    memset(SubjectContext, 0, sizeof *SubjectContext);
    SubjectContext->ImpersonationLevel = SecurityImpersonation;
}

VOID SeReleaseSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "SeReleaseSubjectContext", site);
    if (!SubjectContext)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "SeReleaseSubjectContext with a NULL SubjectContext");
}

VOID SeLockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "SeLockSubjectContext", site);
    if (!SubjectContext)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "SeLockSubjectContext with a NULL SubjectContext");
}

VOID SeUnlockSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "SeUnlockSubjectContext", site);
    if (!SubjectContext)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "SeUnlockSubjectContext with a NULL SubjectContext");
}

VOID RtlMapGenericMask(PACCESS_MASK AccessMask, const GENERIC_MAPPING *GenericMapping)
{
    void *site = VF_SITE();
    if (!AccessMask || !GenericMapping)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "RtlMapGenericMask with a NULL argument");
        return;
    }
    ACCESS_MASK m = *AccessMask;
    if (m & GENERIC_READ)
        m |= GenericMapping->GenericRead;
    if (m & GENERIC_WRITE)
        m |= GenericMapping->GenericWrite;
    if (m & GENERIC_EXECUTE)
        m |= GenericMapping->GenericExecute;
    if (m & GENERIC_ALL)
        m |= GenericMapping->GenericAll;
    *AccessMask = m & ~(ACCESS_MASK)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

BOOLEAN SeAccessCheck(PSECURITY_DESCRIPTOR SecurityDescriptor, PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext,
                      BOOLEAN SubjectContextLocked, ACCESS_MASK DesiredAccess, ACCESS_MASK PreviouslyGrantedAccess,
                      PPRIVILEGE_SET *Privileges, PGENERIC_MAPPING GenericMapping, KPROCESSOR_MODE AccessMode,
                      PACCESS_MASK GrantedAccess, NTSTATUS *AccessStatus)
{
    void *site = VF_SITE();
    (void)SubjectContextLocked;
    (void)AccessMode;
    vf_check_irql_eq(PASSIVE_LEVEL, "SeAccessCheck", site);
    if (Privileges)
        *Privileges = NULL; /* no privileges were needed to grant the access */
    if (!SecurityDescriptor || !SubjectSecurityContext || !GenericMapping || !GrantedAccess || !AccessStatus)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "SeAccessCheck with a NULL required argument");
        if (AccessStatus)
            *AccessStatus = STATUS_INVALID_PARAMETER;
        if (GrantedAccess)
            *GrantedAccess = 0;
        return FALSE;
    }
    ACCESS_MASK want = DesiredAccess;
    if (want & MAXIMUM_ALLOWED)
        want = (want & ~(ACCESS_MASK)MAXIMUM_ALLOWED) | GENERIC_ALL;
    RtlMapGenericMask(&want, GenericMapping);
    *GrantedAccess = want | PreviouslyGrantedAccess;
    *AccessStatus = STATUS_SUCCESS;
    return TRUE;
}

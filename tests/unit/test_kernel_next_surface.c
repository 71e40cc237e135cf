/* The kernel surface Wintun and tap-windows6 need beyond the core (docs/next-drivers.md):
 * SeAccessCheck grants the host's administrator (security.c), RtlVerifyVersionInfo against the
 * host's Windows 10 (version.c), service keys by name (registry_keys.c), probing and locking of
 * requester buffers and partial MDLs (user_memory.c), attach/detach and process lookup
 * (process.c), and the SEH mapping of ndishost_seh.h. Each concern is a separate test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_ex.h"
#include "kernel/kernel_internal.h"
#include "test_support.h"

static void test_security_grants_and_maps(void **state)
{
    (void)state;
    SECURITY_SUBJECT_CONTEXT sc;
    SeCaptureSubjectContext(&sc);
    UCHAR sd[64] = {1};
    ACCESS_MASK granted = 0;
    NTSTATUS st = STATUS_UNSUCCESSFUL;
    PPRIVILEGE_SET priv = (PPRIVILEGE_SET)1;
    BOOLEAN ok =
        SeAccessCheck(sd, &sc, FALSE, GENERIC_READ, 0, &priv, IoGetFileObjectGenericMapping(), UserMode, &granted, &st);
    SeReleaseSubjectContext(&sc);
    assert_true(ok);
    assert_int_equal(st, STATUS_SUCCESS);
    assert_null(priv);
    assert_int_equal(granted & GENERIC_READ, 0);                             /* mapped away */
    assert_int_equal(granted, IoGetFileObjectGenericMapping()->GenericRead); /* to the file rights */
    assert_int_equal(vf_findings_count(), 0);
    ok = SeAccessCheck(NULL, &sc, FALSE, 0x2, 0, NULL, IoGetFileObjectGenericMapping(), UserMode, &granted, &st);
    assert_false(ok);
    assert_int_equal(st, STATUS_INVALID_PARAMETER);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_version_checks(void **state)
{
    (void)state;
    RTL_OSVERSIONINFOEXW v;
    memset(&v, 0, sizeof v);
    v.dwOSVersionInfoSize = sizeof v;
    assert_int_equal(RtlGetVersion((PRTL_OSVERSIONINFOW)&v), STATUS_SUCCESS);
    assert_int_equal(v.dwMajorVersion, 10);
    ULONGLONG mask = 0;
    VER_SET_CONDITION(mask, VER_MAJORVERSION, VER_GREATER_EQUAL);
    VER_SET_CONDITION(mask, VER_MINORVERSION, VER_GREATER_EQUAL);
    memset(&v, 0, sizeof v);
    v.dwOSVersionInfoSize = sizeof v;
    v.dwMajorVersion = 6;
    v.dwMinorVersion = 2; /* hierarchical: 10.0 >= 6.2 although 0 < 2 */
    assert_int_equal(RtlVerifyVersionInfo(&v, VER_MAJORVERSION | VER_MINORVERSION, mask), STATUS_SUCCESS);
    v.dwMajorVersion = 11;
    assert_int_equal(RtlVerifyVersionInfo(&v, VER_MAJORVERSION | VER_MINORVERSION, mask), STATUS_REVISION_MISMATCH);
    assert_int_equal(RtlVerifyVersionInfo(&v, VER_MAJORVERSION, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(VerSetConditionMask(7, 0, VER_EQUAL), 7); /* TypeMask 0: unchanged */
}

static void test_service_key_by_name(void **state)
{
    (void)state;
    UNICODE_STRING path, value, other;
    RtlInitUnicodeString(&path, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\tap0901");
    RtlInitUnicodeString(&value, L"TapDiag");
    RtlInitUnicodeString(&other, L"\\Registry\\Machine\\Software\\Foo");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &path, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    size_t handles = kernel_handles_open();
    HANDLE key = NULL;
    assert_int_equal(ZwOpenKey(&key, KEY_QUERY_VALUE, &oa), STATUS_SUCCESS);
    assert_non_null(key);
    UCHAR buf[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    ULONG len = 99;
    assert_int_equal(ZwQueryValueKey(key, &value, KeyValuePartialInformation, buf, sizeof buf, &len),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ZwClose(key), STATUS_SUCCESS);
    assert_int_equal(kernel_handles_open(), handles);
    InitializeObjectAttributes(&oa, &other, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(ZwOpenKey(&key, KEY_QUERY_VALUE, &oa), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(key);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_probe_lock_and_partial_mdl(void **state)
{
    (void)state;
    static UCHAR ring[3 * 4096];
    PMDL mdl = IoAllocateMdl(ring, sizeof ring, FALSE, FALSE, NULL);
    assert_non_null(mdl);
    MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
    assert_true(mdl->MdlFlags & MDL_PAGES_LOCKED);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority), ring);
    UCHAR partial_storage[sizeof(MDL) + 4 * sizeof(PFN_NUMBER)];
    PMDL part = (PMDL)partial_storage;
    memset(part, 0, sizeof partial_storage);
    IoBuildPartialMdl(mdl, part, ring + 5000, 100);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(part, NormalPagePriority), ring + 5000);
    assert_int_equal(MmGetMdlByteCount(part), 100);
    assert_int_equal(vf_findings_count(), 0);
    IoBuildPartialMdl(mdl, part, ring + sizeof ring - 10, 100); /* beyond the source */
    assert_int_equal(vf_findings_count(), 1);
    MmProbeAndLockPages(mdl, UserMode, IoWriteAccess); /* twice: Windows bugchecks */
    assert_int_equal(vf_findings_count(), 2);
    MmUnlockPages(mdl);
    assert_false(mdl->MdlFlags & MDL_PAGES_LOCKED);
    MmUnlockPages(mdl);
    assert_int_equal(vf_findings_count(), 3);
    IoFreeMdl(mdl);
    ProbeForRead(ring + 1, 4, 4); /* misaligned: Windows raises */
    assert_int_equal(vf_findings_count(), 4);
    ProbeForWrite(NULL, 0, 1); /* zero length checks nothing */
    assert_int_equal(vf_findings_count(), 4);
}

static void test_attach_and_lookup(void **state)
{
    (void)state;
    KAPC_STATE apc;
    KeStackAttachProcess((PRKPROCESS)PsGetCurrentProcess(), &apc);
    KeUnstackDetachProcess(&apc);
    assert_int_equal(vf_findings_count(), 0);
    KeUnstackDetachProcess(&apc); /* not attached any more */
    assert_int_equal(vf_findings_count(), 1);
    PEPROCESS p = (PEPROCESS)1;
    assert_false(NT_SUCCESS(PsLookupProcessByProcessId(PsGetCurrentProcessId(), &p)));
    assert_null(p);
    ULONG flags = 1;
    MmIsVerifierEnabled(&flags);
    assert_int_equal(flags, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_security_grants_and_maps, ts_setup_passive),
        cmocka_unit_test_setup(test_version_checks, ts_setup_passive),
        cmocka_unit_test_setup(test_service_key_by_name, ts_setup_passive),
        cmocka_unit_test_setup(test_probe_lock_and_partial_mdl, ts_setup_passive),
        cmocka_unit_test_setup(test_attach_and_lookup, ts_setup_passive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* UL-03: NdisMRegisterMiniportDriver's validation of NDIS_MINIPORT_DRIVER_CHARACTERISTICS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/characteristics.h"

static MINIPORT_INITIALIZE t_init;
static MINIPORT_HALT t_halt;
static MINIPORT_UNLOAD t_unload;
static MINIPORT_PAUSE t_pause;
static MINIPORT_RESTART t_restart;
static MINIPORT_OID_REQUEST t_oid;
static MINIPORT_SEND_NET_BUFFER_LISTS t_send;
static MINIPORT_RETURN_NET_BUFFER_LISTS t_return;
static MINIPORT_CANCEL_SEND t_cancel_send;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY t_pnp;
static MINIPORT_SHUTDOWN t_shutdown;
static MINIPORT_CANCEL_OID_REQUEST t_cancel_oid;
static MINIPORT_CHECK_FOR_HANG t_hang;
static MINIPORT_RESET t_reset;
static MINIPORT_DIRECT_OID_REQUEST t_direct;
static MINIPORT_CANCEL_DIRECT_OID_REQUEST t_cancel_direct;
static MINIPORT_SYNCHRONOUS_OID_REQUEST t_sync_oid;

static NDIS_STATUS t_init(NDIS_HANDLE a, NDIS_HANDLE b, PNDIS_MINIPORT_INIT_PARAMETERS p)
{
    return 0;
}
static VOID t_halt(NDIS_HANDLE a, NDIS_HALT_ACTION h)
{
}
static VOID t_unload(PDRIVER_OBJECT d)
{
}
static NDIS_STATUS t_pause(NDIS_HANDLE a, PNDIS_MINIPORT_PAUSE_PARAMETERS p)
{
    return 0;
}
static NDIS_STATUS t_restart(NDIS_HANDLE a, PNDIS_MINIPORT_RESTART_PARAMETERS p)
{
    return 0;
}
static NDIS_STATUS t_oid(NDIS_HANDLE a, PNDIS_OID_REQUEST r)
{
    return 0;
}
static VOID t_send(NDIS_HANDLE a, PNET_BUFFER_LIST n, NDIS_PORT_NUMBER p, ULONG f)
{
}
static VOID t_return(NDIS_HANDLE a, PNET_BUFFER_LIST n, ULONG f)
{
}
static VOID t_cancel_send(NDIS_HANDLE a, PVOID id)
{
}
static VOID t_pnp(NDIS_HANDLE a, PNET_DEVICE_PNP_EVENT e)
{
}
static VOID t_shutdown(NDIS_HANDLE a, NDIS_SHUTDOWN_ACTION s)
{
}
static VOID t_cancel_oid(NDIS_HANDLE a, PVOID id)
{
}
static BOOLEAN t_hang(NDIS_HANDLE a)
{
    return FALSE;
}
static NDIS_STATUS t_reset(NDIS_HANDLE a, PBOOLEAN r)
{
    return 0;
}
static NDIS_STATUS t_direct(NDIS_HANDLE a, PNDIS_OID_REQUEST r)
{
    return 0;
}
static VOID t_cancel_direct(NDIS_HANDLE a, PVOID id)
{
}
static NDIS_STATUS t_sync_oid(NDIS_HANDLE a, PNDIS_OID_REQUEST r)
{
    return 0;
}

static NDIS_MINIPORT_DRIVER_CHARACTERISTICS valid(UCHAR revision)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    memset(&c, 0, sizeof c);
    c.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c.Header.Revision = revision;
    c.Header.Size = (USHORT)ndis_miniport_characteristics_size_for_revision(revision);
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 20;
    c.InitializeHandlerEx = t_init;
    c.HaltHandlerEx = t_halt;
    c.UnloadHandler = t_unload;
    c.PauseHandler = t_pause;
    c.RestartHandler = t_restart;
    c.OidRequestHandler = t_oid;
    c.SendNetBufferListsHandler = t_send;
    c.ReturnNetBufferListsHandler = t_return;
    c.CancelSendHandler = t_cancel_send;
    c.DevicePnPEventNotifyHandler = t_pnp;
    c.ShutdownHandlerEx = t_shutdown;
    c.CancelOidRequestHandler = t_cancel_oid;
    return c;
}

static void valid_revisions_pass(void **state)
{
    char reason[256];
    for (UCHAR rev = 1; rev <= 3; rev++)
    {
        NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = valid(rev);
        assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_SUCCESS);
        assert_string_equal(reason, "");
    }
    /* Size may be larger than the revision's (sizeof of the whole struct). */
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = valid(1);
    c.Header.Size = sizeof c;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_SUCCESS);
    /* Optional handlers. */
    c = valid(3);
    c.SetOptionsHandler = NULL;
    c.CheckForHangHandlerEx = t_hang;
    c.ResetHandlerEx = t_reset;
    c.DirectOidRequestHandler = t_direct;
    c.CancelDirectOidRequestHandler = t_cancel_direct;
    c.SynchronousOidRequestHandler = t_sync_oid;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_SUCCESS);
}

static void each_required_handler_missing_is_bad_characteristics(void **state)
{
    static const struct
    {
        size_t off;
        const char *name;
    } req[] = {
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, InitializeHandlerEx), "InitializeHandlerEx"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, HaltHandlerEx), "HaltHandlerEx"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, UnloadHandler), "UnloadHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, PauseHandler), "PauseHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, RestartHandler), "RestartHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, OidRequestHandler), "OidRequestHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SendNetBufferListsHandler), "SendNetBufferListsHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, ReturnNetBufferListsHandler), "ReturnNetBufferListsHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelSendHandler), "CancelSendHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, DevicePnPEventNotifyHandler), "DevicePnPEventNotifyHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, ShutdownHandlerEx), "ShutdownHandlerEx"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelOidRequestHandler), "CancelOidRequestHandler"},
    };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
    {
        NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = valid(2);
        memset((char *)&c + req[i].off, 0, sizeof(void *));
        char reason[256];
        assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                         NDIS_STATUS_BAD_CHARACTERISTICS);
        assert_non_null(strstr(reason, req[i].name));
        assert_null(strchr(reason, '\n'));
    }
}

static void reset_required_with_check_for_hang(void **state)
{
    char reason[256];
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = valid(1);
    c.CheckForHangHandlerEx = t_hang;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(reason, "ResetHandlerEx"));
    /* Reset alone is fine. */
    c = valid(1);
    c.ResetHandlerEx = t_reset;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_SUCCESS);
}

static void direct_oid_handlers_come_in_pairs(void **state)
{
    char reason[256];
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = valid(2);
    c.DirectOidRequestHandler = t_direct;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(reason, "CancelDirectOidRequestHandler"));
    c = valid(2);
    c.CancelDirectOidRequestHandler = t_cancel_direct;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    /* A revision 1 structure has no such fields: whatever is there is not looked at. */
    c = valid(1);
    c.DirectOidRequestHandler = t_direct;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_SUCCESS);
}

static void bad_version_is_bad_version(void **state)
{
    char reason[256];
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = valid(1);
    c.MajorNdisVersion = 5;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_BAD_VERSION);
    assert_non_null(strstr(reason, "MajorNdisVersion"));
    c.MajorNdisVersion = 7;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_BAD_VERSION);
    c = valid(1);
    c.MinorNdisVersion = 25;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_BAD_VERSION);
    assert_non_null(strstr(reason, "MinorNdisVersion"));
    static const UCHAR known[] = {0, 1, 20, 30, 40, 50, 51, 60, 70, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89};
    for (size_t i = 0; i < sizeof known; i++)
    {
        c.MinorNdisVersion = known[i];
        assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason), NDIS_STATUS_SUCCESS);
    }
}

static void bad_header_is_bad_characteristics(void **state)
{
    char reason[256];
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = valid(1);
    c.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(reason, "Header.Type"));
    c = valid(1);
    c.Header.Revision = 0;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    c.Header.Revision = 4;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    /* Revision 2 with the size of revision 1. */
    c = valid(2);
    c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(reason, "Header.Size"));
    /* The header decides before the version: a bad header with a bad version is BAD_CHARACTERISTICS. */
    c.MajorNdisVersion = 5;
    assert_int_equal(ndis_validate_miniport_characteristics(&c, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_int_equal(ndis_validate_miniport_characteristics(NULL, reason, sizeof reason),
                     NDIS_STATUS_BAD_CHARACTERISTICS);
}

static void copy_keeps_only_the_declared_revision(void **state)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS src = valid(1), dst;
    src.DirectOidRequestHandler = t_direct; /* beyond revision 1 */
    memset(&dst, 0xa5, sizeof dst);
    ndis_copy_miniport_characteristics(&dst, &src);
    assert_ptr_equal(dst.InitializeHandlerEx, t_init);
    assert_ptr_equal(dst.CancelOidRequestHandler, t_cancel_oid);
    assert_null(dst.DirectOidRequestHandler);
    assert_null(dst.SynchronousOidRequestHandler);
    src = valid(3);
    src.SynchronousOidRequestHandler = t_sync_oid;
    ndis_copy_miniport_characteristics(&dst, &src);
    assert_ptr_equal(dst.SynchronousOidRequestHandler, t_sync_oid);
    /* The copy is independent of the driver's structure. */
    memset(&src, 0, sizeof src);
    assert_ptr_equal(dst.HaltHandlerEx, t_halt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_revisions_pass),
        cmocka_unit_test(each_required_handler_missing_is_bad_characteristics),
        cmocka_unit_test(reset_required_with_check_for_hang),
        cmocka_unit_test(direct_oid_handlers_come_in_pairs),
        cmocka_unit_test(bad_version_is_bad_version),
        cmocka_unit_test(bad_header_is_bad_characteristics),
        cmocka_unit_test(copy_keeps_only_the_declared_revision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The DDK headers as a driver sees them: a driver-like translation unit (a version macro, role
 * typedef declarations, designated initializers, the sample macros) whose structure sizes and
 * offsets are checked at run time against the Windows x64 layout derived from the documented
 * field order. The same values are pinned by C_ASSERTs in the headers; this test keeps them
 * honest when a header changes and reports every mismatch by name. */
#define NDIS630_MINIPORT 1
#define NDIS_MINIPORT_DRIVER 1
#include <ndis.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

/* Handlers declared through the role types, as Wintun and netvmini do. */
static MINIPORT_HALT DrvHaltEx;
static MINIPORT_INITIALIZE DrvInitializeEx;
static MINIPORT_ISR DrvIsr;
static MINIPORT_SYNCHRONIZE_INTERRUPT DrvSync;
static VOID DrvHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(HaltAction);
}
static NDIS_STATUS DrvInitializeEx(NDIS_HANDLE h, NDIS_HANDLE c, PNDIS_MINIPORT_INIT_PARAMETERS p)
{
    NDIS_DECLARE_MINIPORT_ADAPTER_CONTEXT(NDIS_OID_REQUEST);
    return NDIS_STATUS_SUCCESS;
}
static BOOLEAN DrvIsr(NDIS_HANDLE c, PBOOLEAN q, PULONG t)
{
    return FALSE;
}
static BOOLEAN DrvSync(NDIS_HANDLE c)
{
    return TRUE;
}

#define OFF(t, f) ((size_t)offsetof(t, f))

static void version_macros(void **state)
{
    assert_int_equal(NDIS_MINIPORT_MAJOR_VERSION, 6);
    assert_int_equal(NDIS_MINIPORT_MINOR_VERSION, 30);
    assert_true(NDIS_SUPPORT_NDIS6 && NDIS_SUPPORT_NDIS620 && NDIS_SUPPORT_NDIS630);
    assert_false(NDIS_SUPPORT_NDIS640);
    assert_int_equal(NDIS_RUNTIME_VERSION_630, 0x0006001e);
}

static void object_header_and_characteristics(void **state)
{
    assert_int_equal(sizeof(NDIS_OBJECT_HEADER), 4);
    assert_int_equal(NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS, 0x8a);
    assert_int_equal(NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, 0x9f);
    assert_int_equal(NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT, 0xa9);
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
                   .Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2,
                   .Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2},
        .MajorNdisVersion = NDIS_MINIPORT_MAJOR_VERSION,
        .MinorNdisVersion = NDIS_MINIPORT_MINOR_VERSION,
        .InitializeHandlerEx = DrvInitializeEx,
        .HaltHandlerEx = DrvHaltEx,
    };
    assert_ptr_equal(c.HaltHandlerEx, DrvHaltEx);
    assert_int_equal(OFF(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, Flags), 8);
    assert_int_equal(OFF(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, InitializeHandlerEx), 24);
    assert_int_equal(OFF(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, ShutdownHandlerEx), 120);
    assert_int_equal(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1, 136);
    assert_int_equal(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, 152);
    assert_int_equal(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3, 160);
}

static void oid_request(void **state)
{
    assert_int_equal(sizeof(NDIS_OID_REQUEST), 248);
    assert_int_equal(OFF(NDIS_OID_REQUEST, RequestType), 4);
    assert_int_equal(OFF(NDIS_OID_REQUEST, PortNumber), 8);
    assert_int_equal(OFF(NDIS_OID_REQUEST, Timeout), 12);
    assert_int_equal(OFF(NDIS_OID_REQUEST, RequestId), 16);
    assert_int_equal(OFF(NDIS_OID_REQUEST, RequestHandle), 24);
    assert_int_equal(OFF(NDIS_OID_REQUEST, DATA.QUERY_INFORMATION.Oid), 32);
    assert_int_equal(OFF(NDIS_OID_REQUEST, DATA.QUERY_INFORMATION.InformationBufferLength), 48);
    assert_int_equal(OFF(NDIS_OID_REQUEST, DATA.SET_INFORMATION.BytesRead), 52);
    assert_int_equal(OFF(NDIS_OID_REQUEST, DATA.METHOD_INFORMATION.MethodId), 56);
    assert_int_equal(OFF(NDIS_OID_REQUEST, NdisReserved), 72);
    assert_int_equal(OFF(NDIS_OID_REQUEST, SupportedRevision), 232);
    assert_int_equal(OFF(NDIS_OID_REQUEST, SwitchId), 236);
    assert_int_equal(OFF(NDIS_OID_REQUEST, Flags), 244);
    assert_int_equal(NDIS_SIZEOF_OID_REQUEST_REVISION_1, 236);
    /* The nested tags netvmini uses at function scope. */
    NDIS_OID_REQUEST r = {0};
    struct _QUERY *q = &r.DATA.QUERY_INFORMATION;
    struct _SET *s = &r.DATA.SET_INFORMATION;
    struct _METHOD *m = &r.DATA.METHOD_INFORMATION;
    q->Oid = OID_GEN_STATISTICS;
    assert_int_equal(s->Oid, OID_GEN_STATISTICS);
    assert_int_equal(m->Oid, 0x00020106);
}

static void adapter_attributes(void **state)
{
    assert_int_equal(sizeof(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES), 32);
    assert_int_equal(NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1, 28);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, CheckForHangTimeInSeconds), 20);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, InterfaceType), 24);
    assert_int_equal(sizeof(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES), 224);
    assert_int_equal(NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1, 216);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, LookaheadSize), 64);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, MacOptions), 80);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, MaxMulticastListSize), 88);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, AccessType), 168);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, ConnectionType), 176);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, SupportedPauseFunctions), 188);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, SupportedOidListLength), 208);
    assert_int_equal(OFF(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, PowerManagementCapabilitiesEx), 216);
    assert_int_equal(sizeof(NDIS_MINIPORT_INIT_PARAMETERS), 64);
    assert_int_equal(OFF(NDIS_MINIPORT_INIT_PARAMETERS, PciDeviceCustomProperties), 56);
    assert_int_equal(sizeof(NDIS_PM_CAPABILITIES), 60);
    assert_int_equal(NDIS_SIZEOF_NDIS_PM_CAPABILITIES_REVISION_1, 52);
    assert_int_equal(sizeof(NDIS_PNP_CAPABILITIES), 16);
    /* Attributes go through the union by their header. */
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg = {
        .Header = {.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES},
        .InterfaceType = NdisInterfaceInternal,
    };
    PNDIS_MINIPORT_ADAPTER_ATTRIBUTES u = (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg;
    assert_int_equal(u->Header.Type, NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES);
}

static void indications_events_and_misc(void **state)
{
    assert_int_equal(sizeof(NDIS_STATUS_INDICATION), 112);
    assert_int_equal(OFF(NDIS_STATUS_INDICATION, StatusBufferSize), 56);
    assert_int_equal(OFF(NDIS_STATUS_INDICATION, Guid), 60);
    assert_int_equal(sizeof(NET_PNP_EVENT), 152);
    assert_int_equal(sizeof(NET_PNP_EVENT_NOTIFICATION), 176);
    assert_int_equal(sizeof(NET_DEVICE_PNP_EVENT), 48);
    assert_int_equal(OFF(NET_DEVICE_PNP_EVENT, InformationBufferLength), 24);
    assert_int_equal(sizeof(NDIS_MINIPORT_PAUSE_PARAMETERS), 12);
    assert_int_equal(sizeof(NDIS_MINIPORT_RESTART_PARAMETERS), 24);
    assert_int_equal(sizeof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS), 96);
    assert_int_equal(OFF(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MessageInfoTable), 88);
    assert_int_equal(sizeof(NDIS_SG_DMA_DESCRIPTION), 40);
    assert_int_equal(OFF(NDIS_SG_DMA_DESCRIPTION, ScatterGatherListSize), 32);
    assert_int_equal(sizeof(NDIS_CONFIGURATION_OBJECT), 24);
    assert_int_equal(sizeof(NDIS_CONFIGURATION_PARAMETER), 24);
    assert_int_equal(OFF(NDIS_CONFIGURATION_PARAMETER, ParameterData.BinaryData.Buffer), 16);
    assert_int_equal(sizeof(NDIS_STATISTICS_INFO), 152);
    assert_int_equal(sizeof(NDIS_LINK_STATE), 40);
    assert_int_equal(sizeof(NDIS_PORT_CHARACTERISTICS), 64);
    assert_int_equal(NDIS_SIZEOF_PORT_CHARACTERISTICS_REVISION_1, 60);
    assert_int_equal(NdisHaltDeviceStopped, 6);
    assert_int_equal(NdisHaltDeviceInitializationFailed, 5);
    assert_int_equal(NdisShutdownBugCheck, 1);
    assert_int_equal(NdisPhysicalMedium802_3, 14);
    assert_int_equal(NdisRequestMethod, 12);
    assert_int_equal(NetEventPortActivation, 10);
    MINIPORT_ISR_HANDLER isr = DrvIsr;
    MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER sync = DrvSync;
    assert_false(isr(NULL, NULL, NULL));
    assert_true(sync(NULL));
}

static void driver_macros(void **state)
{
    UCHAR a[ETH_LENGTH_OF_ADDRESS] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, b[6] = {1, 2, 3, 4, 5, 6};
    assert_true(ETH_IS_BROADCAST(a));
    assert_true(ETH_IS_MULTICAST(a));
    assert_false(ETH_IS_MULTICAST(b + 1));
    UINT r;
    ETH_COMPARE_NETWORK_ADDRESSES_EQ(a, b, &r);
    assert_int_not_equal(r, 0);
    ETH_COPY_NETWORK_ADDRESS(a, b);
    ETH_COMPARE_NETWORK_ADDRESSES_EQ(a, b, &r);
    assert_int_equal(r, 0);
    NDIS_STRING s = NDIS_STRING_CONST("*VMQ");
    assert_int_equal(s.Length, 8);
    assert_int_equal(s.MaximumLength, 10);
    assert_int_equal(s.Buffer[0], '*');
    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(NDIS_STATUS_BAD_CHARACTERISTICS, (NDIS_STATUS)0xC0010005);
    assert_int_equal(NDIS_ERROR_CODE_OUT_OF_RESOURCES, 0xC0001389u);
    assert_int_equal(OID_PNP_SET_POWER, 0xFD010101u);
    assert_int_equal(OID_802_3_MULTICAST_LIST, 0x01010103u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_macros),
        cmocka_unit_test(object_header_and_characteristics),
        cmocka_unit_test(oid_request),
        cmocka_unit_test(adapter_attributes),
        cmocka_unit_test(indications_events_and_misc),
        cmocka_unit_test(driver_macros),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The miniport driver interface of ndis.h: the MiniportXxx role types, the driver
 * characteristics, adapter initialization/pause/restart parameters, adapter attributes, OID
 * requests, status indications, PnP events, ports, interrupts, DMA, and the NdisM* functions a
 * miniport calls. Written from the documented signatures and field lists; layouts are the
 * Windows x64 ones and are pinned with C_ASSERTs at the end of this file. */
#ifndef NDISHOST_DDK_NDIS_MINIPORT_H
#define NDISHOST_DDK_NDIS_MINIPORT_H

#include "types.h"
#include "objectheader.h"
#include "oids.h"
#include "configuration.h"

NDISHOST_EXTERN_C_BEGIN

/* Tags of kernel and data-path structures defined by wdm.h and ndis/nbl.h. Declared here so
 * that the signatures below name the very same types whatever the include order. */
struct _DRIVER_OBJECT;
struct _DEVICE_OBJECT;
struct _CM_RESOURCE_LIST;
struct _SCATTER_GATHER_LIST;
struct _IRP;
struct _IO_INTERRUPT_MESSAGE_INFO;
struct _NET_BUFFER_LIST;
struct _NET_BUFFER;

/* ---- errors for the event log ------------------------------------------------------------- */

typedef ULONG NDIS_ERROR_CODE, *PNDIS_ERROR_CODE;

#define EVENT_NDIS_RESOURCE_CONFLICT 0xC0001388L
#define EVENT_NDIS_OUT_OF_RESOURCE 0xC0001389L
#define EVENT_NDIS_HARDWARE_FAILURE 0xC000138AL
#define EVENT_NDIS_ADAPTER_NOT_FOUND 0xC000138BL
#define EVENT_NDIS_INTERRUPT_CONNECT 0xC000138CL
#define EVENT_NDIS_DRIVER_FAILURE 0xC000138DL
#define EVENT_NDIS_BAD_VERSION 0xC000138EL
#define EVENT_NDIS_TIMEOUT 0x8000138FL
#define EVENT_NDIS_NETWORK_ADDRESS 0xC0001390L
#define EVENT_NDIS_UNSUPPORTED_CONFIGURATION 0xC0001391L
#define EVENT_NDIS_INVALID_VALUE_FROM_ADAPTER 0xC0001392L
#define EVENT_NDIS_MISSING_CONFIGURATION_PARAMETER 0xC0001393L
#define EVENT_NDIS_BAD_IO_BASE_ADDRESS 0xC0001394L
#define EVENT_NDIS_RECEIVE_SPACE_SMALL 0x40001395L
#define EVENT_NDIS_ADAPTER_DISABLED 0x80001396L

#define NDIS_ERROR_CODE_RESOURCE_CONFLICT ((NDIS_ERROR_CODE)EVENT_NDIS_RESOURCE_CONFLICT)
#define NDIS_ERROR_CODE_OUT_OF_RESOURCES ((NDIS_ERROR_CODE)EVENT_NDIS_OUT_OF_RESOURCE)
#define NDIS_ERROR_CODE_HARDWARE_FAILURE ((NDIS_ERROR_CODE)EVENT_NDIS_HARDWARE_FAILURE)
#define NDIS_ERROR_CODE_ADAPTER_NOT_FOUND ((NDIS_ERROR_CODE)EVENT_NDIS_ADAPTER_NOT_FOUND)
#define NDIS_ERROR_CODE_INTERRUPT_CONNECT ((NDIS_ERROR_CODE)EVENT_NDIS_INTERRUPT_CONNECT)
#define NDIS_ERROR_CODE_DRIVER_FAILURE ((NDIS_ERROR_CODE)EVENT_NDIS_DRIVER_FAILURE)
#define NDIS_ERROR_CODE_BAD_VERSION ((NDIS_ERROR_CODE)EVENT_NDIS_BAD_VERSION)
#define NDIS_ERROR_CODE_TIMEOUT ((NDIS_ERROR_CODE)EVENT_NDIS_TIMEOUT)
#define NDIS_ERROR_CODE_NETWORK_ADDRESS ((NDIS_ERROR_CODE)EVENT_NDIS_NETWORK_ADDRESS)
#define NDIS_ERROR_CODE_UNSUPPORTED_CONFIGURATION ((NDIS_ERROR_CODE)EVENT_NDIS_UNSUPPORTED_CONFIGURATION)
#define NDIS_ERROR_CODE_INVALID_VALUE_FROM_ADAPTER ((NDIS_ERROR_CODE)EVENT_NDIS_INVALID_VALUE_FROM_ADAPTER)
#define NDIS_ERROR_CODE_MISSING_CONFIGURATION_PARAMETER ((NDIS_ERROR_CODE)EVENT_NDIS_MISSING_CONFIGURATION_PARAMETER)
#define NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS ((NDIS_ERROR_CODE)EVENT_NDIS_BAD_IO_BASE_ADDRESS)
#define NDIS_ERROR_CODE_RECEIVE_SPACE_SMALL ((NDIS_ERROR_CODE)EVENT_NDIS_RECEIVE_SPACE_SMALL)
#define NDIS_ERROR_CODE_ADAPTER_DISABLED ((NDIS_ERROR_CODE)EVENT_NDIS_ADAPTER_DISABLED)

/* ---- enumerations passed to miniport callbacks --------------------------------------------- */

/* Declaration order as in ndis.h (ndis-contract.md, "Notes on names"). */
typedef enum _NDIS_HALT_ACTION
{
    NdisHaltDeviceDisabled,
    NdisHaltDeviceInstanceDeInitialized,
    NdisHaltDevicePoweredDown,
    NdisHaltDeviceSurpriseRemoved,
    NdisHaltDeviceFailed,
    NdisHaltDeviceInitializationFailed,
    NdisHaltDeviceStopped
} NDIS_HALT_ACTION,
    *PNDIS_HALT_ACTION;

typedef enum _NDIS_SHUTDOWN_ACTION
{
    NdisShutdownPowerOff,
    NdisShutdownBugCheck
} NDIS_SHUTDOWN_ACTION,
    *PNDIS_SHUTDOWN_ACTION;

typedef enum _NDIS_DEVICE_PNP_EVENT
{
    NdisDevicePnPEventQueryRemoved,
    NdisDevicePnPEventRemoved,
    NdisDevicePnPEventSurpriseRemoved,
    NdisDevicePnPEventQueryStopped,
    NdisDevicePnPEventStopped,
    NdisDevicePnPEventPowerProfileChanged,
    NdisDevicePnPEventFilterListChanged,
    NdisDevicePnPEventMaximum
} NDIS_DEVICE_PNP_EVENT,
    *PNDIS_DEVICE_PNP_EVENT;

/* InformationBuffer of NdisDevicePnPEventPowerProfileChanged. */
#define NdisPowerProfileBattery 0
#define NdisPowerProfileAcOnLine 1

typedef enum _NET_PNP_EVENT_CODE
{
    NetEventSetPower,
    NetEventQueryPower,
    NetEventQueryRemoveDevice,
    NetEventCancelRemoveDevice,
    NetEventReconfigure,
    NetEventBindList,
    NetEventBindsComplete,
    NetEventPnPCapabilities,
    NetEventPause,
    NetEventRestart,
    NetEventPortActivation,
    NetEventPortDeactivation,
    NetEventIMReEnableDevice,
    NetEventNDKEnable,
    NetEventNDKDisable,
    NetEventFilterPreDetach,
    NetEventBindFailed,
    NetEventSwitchActivate,
    NetEventAllowBindsAbove,
    NetEventInhibitBindsAbove,
    NetEventAllowStart,
    NetEventRequirePause,
    NetEventUploadGftFlowEntries,
    NetEventMaximum
} NET_PNP_EVENT_CODE,
    *PNET_PNP_EVENT_CODE;

typedef enum _NDIS_INTERRUPT_TYPE
{
    NDIS_CONNECT_LINE_BASED = 1,
    NDIS_CONNECT_MESSAGE_BASED
} NDIS_INTERRUPT_TYPE,
    *PNDIS_INTERRUPT_TYPE;

/* ---- initialize / pause / restart parameters ------------------------------------------------ */

/* The raw hardware resources PnP assigned to the device (I/O ports, memory, interrupt). */
typedef CM_PARTIAL_RESOURCE_LIST NDIS_RESOURCE_LIST, *PNDIS_RESOURCE_LIST;

#define NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1 1
typedef struct _NDIS_MINIPORT_INIT_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    PNDIS_RESOURCE_LIST AllocatedResources;
    NDIS_HANDLE IMDeviceInstanceContext;
    NDIS_HANDLE MiniportAddDeviceContext;
    NET_IFINDEX IfIndex;
    NET_LUID NetLuid;
    PNDIS_PORT_AUTHENTICATION_PARAMETERS DefaultPortAuthStates;
    PNDIS_PCI_DEVICE_CUSTOM_PROPERTIES PciDeviceCustomProperties;
} NDIS_MINIPORT_INIT_PARAMETERS, *PNDIS_MINIPORT_INIT_PARAMETERS;
#define NDIS_SIZEOF_MINIPORT_INIT_PARAMETER_REVISION_1                                                                 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_INIT_PARAMETERS, PciDeviceCustomProperties)
#define NDIS_SIZEOF_MINIPORT_INIT_PARAMETERS_REVISION_1 NDIS_SIZEOF_MINIPORT_INIT_PARAMETER_REVISION_1

#define NDIS_PAUSE_NDIS_INTERNAL 0x00000001
#define NDIS_PAUSE_LOW_POWER 0x00000002
#define NDIS_PAUSE_BIND_PROTOCOL 0x00000004
#define NDIS_PAUSE_UNBIND_PROTOCOL 0x00000008
#define NDIS_PAUSE_ATTACH_FILTER 0x00000010
#define NDIS_PAUSE_DETACH_FILTER 0x00000020
#define NDIS_PAUSE_FILTER_RESTART_STACK 0x00000040
#define NDIS_PAUSE_MINIPORT_DEVICE_REMOVE 0x00000080

#define NDIS_MINIPORT_PAUSE_PARAMETERS_REVISION_1 1
typedef struct _NDIS_MINIPORT_PAUSE_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG PauseReason;
} NDIS_MINIPORT_PAUSE_PARAMETERS, *PNDIS_MINIPORT_PAUSE_PARAMETERS;
#define NDIS_SIZEOF_MINIPORT_PAUSE_PARAMETERS_REVISION_1                                                               \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_PAUSE_PARAMETERS, PauseReason)

typedef struct _NDIS_RESTART_ATTRIBUTES
{
    struct _NDIS_RESTART_ATTRIBUTES *Next;
    NDIS_OID Oid;
    ULONG DataLength;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) UCHAR Data[1];
} NDIS_RESTART_ATTRIBUTES, *PNDIS_RESTART_ATTRIBUTES;

#define NDIS_MINIPORT_RESTART_PARAMETERS_REVISION_1 1
typedef struct _NDIS_MINIPORT_RESTART_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    PNDIS_RESTART_ATTRIBUTES RestartAttributes;
    ULONG Flags;
} NDIS_MINIPORT_RESTART_PARAMETERS, *PNDIS_MINIPORT_RESTART_PARAMETERS;
#define NDIS_SIZEOF_MINIPORT_RESTART_PARAMETERS_REVISION_1                                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_RESTART_PARAMETERS, Flags)

#define NDIS_RESTART_GENERAL_ATTRIBUTES_REVISION_1 1
#define NDIS_RESTART_GENERAL_ATTRIBUTES_REVISION_2 2
typedef struct _NDIS_RESTART_GENERAL_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    ULONG MtuSize;
    ULONG64 MaxXmitLinkSpeed;
    ULONG64 MaxRcvLinkSpeed;
    ULONG LookaheadSize;
    ULONG MacOptions;
    ULONG SupportedPacketFilters;
    ULONG MaxMulticastListSize;
    PNDIS_RECEIVE_SCALE_CAPABILITIES RecvScaleCapabilities;
    NET_IF_ACCESS_TYPE AccessType;
    ULONG Flags;
    NET_IF_CONNECTION_TYPE ConnectionType;
    ULONG SupportedStatistics;
    ULONG DataBackFillSize;
    ULONG ContextBackFillSize;
    PNDIS_OID SupportedOidList;
    ULONG SupportedOidListLength;
    ULONG MaxLookaheadSizeAccessed;
} NDIS_RESTART_GENERAL_ATTRIBUTES, *PNDIS_RESTART_GENERAL_ATTRIBUTES;
#define NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_1                                                              \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RESTART_GENERAL_ATTRIBUTES, SupportedOidListLength)
#define NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_2                                                              \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RESTART_GENERAL_ATTRIBUTES, MaxLookaheadSizeAccessed)

/* ---- OID requests ------------------------------------------------------------------------- */

#define NDIS_OID_REQUEST_REVISION_1 1
#define NDIS_OID_REQUEST_REVISION_2 2
#define NDIS_OID_REQUEST_NDIS_RESERVED_SIZE 16
#define NDIS_OID_REQUEST_FLAGS_VPORT_ID_VALID 0x0001
#define NDIS_OID_REQUEST_TIMEOUT_INFINITE 0

typedef struct _NDIS_OID_REQUEST
{
    NDIS_OBJECT_HEADER Header;
    NDIS_REQUEST_TYPE RequestType;
    NDIS_PORT_NUMBER PortNumber;
    UINT Timeout;
    PVOID RequestId;
    NDIS_HANDLE RequestHandle;
    union _REQUEST_DATA
    {
        struct _QUERY
        {
            NDIS_OID Oid;
            PVOID InformationBuffer;
            UINT InformationBufferLength;
            UINT BytesWritten;
            UINT BytesNeeded;
        } QUERY_INFORMATION;
        struct _SET
        {
            NDIS_OID Oid;
            PVOID InformationBuffer;
            UINT InformationBufferLength;
            UINT BytesRead;
            UINT BytesNeeded;
        } SET_INFORMATION;
        struct _METHOD
        {
            NDIS_OID Oid;
            PVOID InformationBuffer;
            ULONG InputBufferLength;
            ULONG OutputBufferLength;
            ULONG MethodId;
            UINT BytesWritten;
            UINT BytesRead;
            UINT BytesNeeded;
        } METHOD_INFORMATION;
    } DATA;
    UCHAR NdisReserved[NDIS_OID_REQUEST_NDIS_RESERVED_SIZE * sizeof(PVOID)];
    UCHAR MiniportReserved[2 * sizeof(PVOID)];
    UCHAR SourceReserved[2 * sizeof(PVOID)];
    UCHAR SupportedRevision;
    UCHAR Reserved1;
    USHORT Reserved2;
    NDIS_NIC_SWITCH_ID SwitchId;
    NDIS_NIC_SWITCH_VPORT_ID VPortId;
    ULONG Flags;
} NDIS_OID_REQUEST, *PNDIS_OID_REQUEST;
#define NDIS_SIZEOF_OID_REQUEST_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_OID_REQUEST, Reserved2)
#define NDIS_SIZEOF_OID_REQUEST_REVISION_2 RTL_SIZEOF_THROUGH_FIELD(NDIS_OID_REQUEST, Flags)

/* ---- status indications ------------------------------------------------------------------- */

#define NDIS_STATUS_INDICATION_REVISION_1 1
#define NDIS_STATUS_INDICATION_FLAGS_MEDIA_CONNECT_TO_CONNECT 0x00000001
#define NDIS_STATUS_INDICATION_FLAGS_NDIS_RESERVED 0x00000FFF

typedef struct _NDIS_STATUS_INDICATION
{
    NDIS_OBJECT_HEADER Header;
    NDIS_HANDLE SourceHandle;
    NDIS_PORT_NUMBER PortNumber;
    NDIS_STATUS StatusCode;
    ULONG Flags;
    NDIS_HANDLE DestinationHandle;
    PVOID RequestId;
    PVOID StatusBuffer;
    ULONG StatusBufferSize;
    GUID Guid;
    PVOID NdisReserved[4];
} NDIS_STATUS_INDICATION, *PNDIS_STATUS_INDICATION;
#define NDIS_SIZEOF_STATUS_INDICATION_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_STATUS_INDICATION, NdisReserved)

/* ---- PnP events --------------------------------------------------------------------------- */

typedef struct _NET_PNP_EVENT
{
    NET_PNP_EVENT_CODE NetEvent;
    PVOID Buffer;
    ULONG BufferLength;
    ULONG_PTR NdisReserved[4];
    ULONG_PTR TransportReserved[4];
    ULONG_PTR TdiReserved[4];
    ULONG_PTR TdiClientReserved[4];
} NET_PNP_EVENT, *PNET_PNP_EVENT;

#define NET_PNP_EVENT_NOTIFICATION_REVISION_1 1
#define NET_PNP_EVENT_NOTIFICATION_REVISION_2 2
typedef struct _NET_PNP_EVENT_NOTIFICATION
{
    NDIS_OBJECT_HEADER Header;
    NDIS_PORT_NUMBER PortNumber;
    NET_PNP_EVENT NetPnPEvent;
    ULONG Flags;
    NDIS_NIC_SWITCH_ID SwitchId;
    NDIS_NIC_SWITCH_VPORT_ID VPortId;
} NET_PNP_EVENT_NOTIFICATION, *PNET_PNP_EVENT_NOTIFICATION;
#define NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NET_PNP_EVENT_NOTIFICATION, Flags)
#define NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_2 RTL_SIZEOF_THROUGH_FIELD(NET_PNP_EVENT_NOTIFICATION, VPortId)

#define NET_DEVICE_PNP_EVENT_REVISION_1 1
typedef struct _NET_DEVICE_PNP_EVENT
{
    NDIS_OBJECT_HEADER Header;
    NDIS_PORT_NUMBER PortNumber;
    NDIS_DEVICE_PNP_EVENT DevicePnPEvent;
    PVOID InformationBuffer;
    ULONG InformationBufferLength;
    UCHAR NdisReserved[2 * sizeof(PVOID)];
} NET_DEVICE_PNP_EVENT, *PNET_DEVICE_PNP_EVENT;
#define NDIS_SIZEOF_NET_DEVICE_PNP_EVENT_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NET_DEVICE_PNP_EVENT, NdisReserved)

/* ---- scatter/gather DMA ------------------------------------------------------------------- */

typedef VOID(MINIPORT_PROCESS_SG_LIST)(struct _DEVICE_OBJECT *pDO, PVOID Reserved, struct _SCATTER_GATHER_LIST *pSGL,
                                       PVOID Context);
typedef MINIPORT_PROCESS_SG_LIST(*MINIPORT_PROCESS_SG_LIST_HANDLER);

typedef VOID(MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE)(NDIS_HANDLE MiniportAdapterContext, PVOID VirtualAddress,
                                                    PNDIS_PHYSICAL_ADDRESS PhysicalAddress, ULONG Length,
                                                    PVOID Context);
typedef MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE(*MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER);

#define NDIS_SG_DMA_DESCRIPTION_REVISION_1 1
#define NDIS_SG_DMA_DESCRIPTION_REVISION_2 2
#define NDIS_SG_DMA_64_BIT_ADDRESS 0x00000001
#define NDIS_SG_DMA_V3_HAL_API 0x00000002
#define NDIS_SG_DMA_HYBRID_DMA 0x00000004
typedef struct _NDIS_SG_DMA_DESCRIPTION
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG MaximumPhysicalMapping;
    MINIPORT_PROCESS_SG_LIST_HANDLER ProcessSGListHandler;
    MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER SharedMemAllocateCompleteHandler;
    ULONG ScatterGatherListSize;
} NDIS_SG_DMA_DESCRIPTION, *PNDIS_SG_DMA_DESCRIPTION;
#define NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1                                                                      \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_SG_DMA_DESCRIPTION, ScatterGatherListSize)
#define NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_2                                                                      \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_SG_DMA_DESCRIPTION, ScatterGatherListSize)

/* ---- miniport role types ------------------------------------------------------------------ */
/* Function types (not pointers) so that a driver can write `static MINIPORT_HALT TunHaltEx;` and
 * have its definition checked against the contract; each has its *_HANDLER pointer type. */

typedef NDIS_STATUS(SET_OPTIONS)(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext);
typedef SET_OPTIONS(*SET_OPTIONS_HANDLER);
typedef SET_OPTIONS(MINIPORT_SET_OPTIONS);
typedef SET_OPTIONS(PROTOCOL_SET_OPTIONS);
typedef SET_OPTIONS(FILTER_SET_OPTIONS);

typedef NDIS_STATUS(MINIPORT_INITIALIZE)(NDIS_HANDLE NdisMiniportHandle, NDIS_HANDLE MiniportDriverContext,
                                         PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters);
typedef MINIPORT_INITIALIZE(*MINIPORT_INITIALIZE_HANDLER);

typedef VOID(MINIPORT_HALT)(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction);
typedef MINIPORT_HALT(*MINIPORT_HALT_HANDLER);

typedef VOID(MINIPORT_UNLOAD)(struct _DRIVER_OBJECT *DriverObject);
typedef MINIPORT_UNLOAD(*MINIPORT_UNLOAD_HANDLER);
typedef MINIPORT_UNLOAD(MINIPORT_DRIVER_UNLOAD);

typedef NDIS_STATUS(MINIPORT_PAUSE)(NDIS_HANDLE MiniportAdapterContext,
                                    PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters);
typedef MINIPORT_PAUSE(*MINIPORT_PAUSE_HANDLER);

typedef NDIS_STATUS(MINIPORT_RESTART)(NDIS_HANDLE MiniportAdapterContext,
                                      PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters);
typedef MINIPORT_RESTART(*MINIPORT_RESTART_HANDLER);

typedef NDIS_STATUS(MINIPORT_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest);
typedef MINIPORT_OID_REQUEST(*MINIPORT_OID_REQUEST_HANDLER);

typedef VOID(MINIPORT_SEND_NET_BUFFER_LISTS)(NDIS_HANDLE MiniportAdapterContext, struct _NET_BUFFER_LIST *NetBufferList,
                                             NDIS_PORT_NUMBER PortNumber, ULONG SendFlags);
typedef MINIPORT_SEND_NET_BUFFER_LISTS(*MINIPORT_SEND_NET_BUFFER_LISTS_HANDLER);

typedef VOID(MINIPORT_RETURN_NET_BUFFER_LISTS)(NDIS_HANDLE MiniportAdapterContext,
                                               struct _NET_BUFFER_LIST *NetBufferLists, ULONG ReturnFlags);
typedef MINIPORT_RETURN_NET_BUFFER_LISTS(*MINIPORT_RETURN_NET_BUFFER_LISTS_HANDLER);

typedef VOID(MINIPORT_CANCEL_SEND)(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId);
typedef MINIPORT_CANCEL_SEND(*MINIPORT_CANCEL_SEND_HANDLER);

typedef BOOLEAN(MINIPORT_CHECK_FOR_HANG)(NDIS_HANDLE MiniportAdapterContext);
typedef MINIPORT_CHECK_FOR_HANG(*MINIPORT_CHECK_FOR_HANG_HANDLER);

typedef NDIS_STATUS(MINIPORT_RESET)(NDIS_HANDLE MiniportAdapterContext, PBOOLEAN AddressingReset);
typedef MINIPORT_RESET(*MINIPORT_RESET_HANDLER);

typedef VOID(MINIPORT_DEVICE_PNP_EVENT_NOTIFY)(NDIS_HANDLE MiniportAdapterContext,
                                               PNET_DEVICE_PNP_EVENT NetDevicePnPEvent);
typedef MINIPORT_DEVICE_PNP_EVENT_NOTIFY(*MINIPORT_DEVICE_PNP_EVENT_NOTIFY_HANDLER);

typedef VOID(MINIPORT_SHUTDOWN)(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction);
typedef MINIPORT_SHUTDOWN(*MINIPORT_SHUTDOWN_HANDLER);

typedef VOID(MINIPORT_CANCEL_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId);
typedef MINIPORT_CANCEL_OID_REQUEST(*MINIPORT_CANCEL_OID_REQUEST_HANDLER);

typedef NDIS_STATUS(MINIPORT_DIRECT_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest);
typedef MINIPORT_DIRECT_OID_REQUEST(*MINIPORT_DIRECT_OID_REQUEST_HANDLER);

typedef VOID(MINIPORT_CANCEL_DIRECT_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId);
typedef MINIPORT_CANCEL_DIRECT_OID_REQUEST(*MINIPORT_CANCEL_DIRECT_OID_REQUEST_HANDLER);

typedef NDIS_STATUS(MINIPORT_SYNCHRONOUS_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest);
typedef MINIPORT_SYNCHRONOUS_OID_REQUEST(*MINIPORT_SYNCHRONOUS_OID_REQUEST_HANDLER);

/* Interrupts. */
typedef BOOLEAN(MINIPORT_ISR)(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc,
                              PULONG TargetProcessors);
typedef MINIPORT_ISR(*MINIPORT_ISR_HANDLER);

typedef VOID(MINIPORT_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                                     PVOID ReceiveThrottleParameters, PVOID NdisReserved2);
typedef MINIPORT_INTERRUPT_DPC(*MINIPORT_INTERRUPT_DPC_HANDLER);

typedef VOID(MINIPORT_DISABLE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext);
typedef MINIPORT_DISABLE_INTERRUPT(*MINIPORT_DISABLE_INTERRUPT_HANDLER);

typedef VOID(MINIPORT_ENABLE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext);
typedef MINIPORT_ENABLE_INTERRUPT(*MINIPORT_ENABLE_INTERRUPT_HANDLER);

typedef BOOLEAN(MINIPORT_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                            PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors);
typedef MINIPORT_MESSAGE_INTERRUPT(*MINIPORT_MSI_ISR_HANDLER);

typedef VOID(MINIPORT_MESSAGE_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                             PVOID MiniportDpcContext, PVOID ReceiveThrottleParameters,
                                             PVOID NdisReserved2);
typedef MINIPORT_MESSAGE_INTERRUPT_DPC(*MINIPORT_MSI_INTERRUPT_DPC_HANDLER);

typedef VOID(MINIPORT_DISABLE_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId);
typedef MINIPORT_DISABLE_MESSAGE_INTERRUPT(*MINIPORT_DISABLE_MSI_INTERRUPT_HANDLER);

typedef VOID(MINIPORT_ENABLE_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId);
typedef MINIPORT_ENABLE_MESSAGE_INTERRUPT(*MINIPORT_ENABLE_MSI_INTERRUPT_HANDLER);

typedef BOOLEAN(MINIPORT_SYNCHRONIZE_INTERRUPT)(NDIS_HANDLE SynchronizeContext);
typedef MINIPORT_SYNCHRONIZE_INTERRUPT(*MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER);
typedef MINIPORT_SYNCHRONIZE_INTERRUPT(MINIPORT_SYNCHRONIZE_MESSAGE_INTERRUPT);
typedef MINIPORT_SYNCHRONIZE_MESSAGE_INTERRUPT(*MINIPORT_SYNCHRONIZE_MSI_INTERRUPT_HANDLER);

/* PnP (NdisSetOptionalHandlers with NDIS_MINIPORT_PNP_CHARACTERISTICS). */
typedef NDIS_STATUS(MINIPORT_ADD_DEVICE)(NDIS_HANDLE NdisMiniportHandle, NDIS_HANDLE MiniportDriverContext);
typedef MINIPORT_ADD_DEVICE(*MINIPORT_ADD_DEVICE_HANDLER);

typedef VOID(MINIPORT_REMOVE_DEVICE)(NDIS_HANDLE MiniportAddDeviceContext);
typedef MINIPORT_REMOVE_DEVICE(*MINIPORT_REMOVE_DEVICE_HANDLER);

typedef NDIS_STATUS(MINIPORT_FILTER_RESOURCE_REQUIREMENTS)(NDIS_HANDLE MiniportAddDeviceContext, struct _IRP *Irp);
typedef MINIPORT_FILTER_RESOURCE_REQUIREMENTS(*MINIPORT_FILTER_RESOURCE_REQUIREMENTS_HANDLER);

typedef NDIS_STATUS(MINIPORT_START_DEVICE)(NDIS_HANDLE MiniportAddDeviceContext, struct _IRP *Irp);
typedef MINIPORT_START_DEVICE(*MINIPORT_START_DEVICE_HANDLER);

/* ---- driver characteristics --------------------------------------------------------------- */

#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 1
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 2
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3 3

/* Flags */
#define NDIS_INTERMEDIATE_DRIVER 0x00000001
#define NDIS_WDM_DRIVER 0x00000002

typedef struct _NDIS_MINIPORT_DRIVER_CHARACTERISTICS
{
    NDIS_OBJECT_HEADER Header;
    UCHAR MajorNdisVersion;
    UCHAR MinorNdisVersion;
    UCHAR MajorDriverVersion;
    UCHAR MinorDriverVersion;
    ULONG Flags;
    SET_OPTIONS_HANDLER SetOptionsHandler;
    MINIPORT_INITIALIZE_HANDLER InitializeHandlerEx;
    MINIPORT_HALT_HANDLER HaltHandlerEx;
    MINIPORT_UNLOAD_HANDLER UnloadHandler;
    MINIPORT_PAUSE_HANDLER PauseHandler;
    MINIPORT_RESTART_HANDLER RestartHandler;
    MINIPORT_OID_REQUEST_HANDLER OidRequestHandler;
    MINIPORT_SEND_NET_BUFFER_LISTS_HANDLER SendNetBufferListsHandler;
    MINIPORT_RETURN_NET_BUFFER_LISTS_HANDLER ReturnNetBufferListsHandler;
    MINIPORT_CANCEL_SEND_HANDLER CancelSendHandler;
    MINIPORT_CHECK_FOR_HANG_HANDLER CheckForHangHandlerEx;
    MINIPORT_RESET_HANDLER ResetHandlerEx;
    MINIPORT_DEVICE_PNP_EVENT_NOTIFY_HANDLER DevicePnPEventNotifyHandler;
    MINIPORT_SHUTDOWN_HANDLER ShutdownHandlerEx;
    MINIPORT_CANCEL_OID_REQUEST_HANDLER CancelOidRequestHandler;
    MINIPORT_DIRECT_OID_REQUEST_HANDLER DirectOidRequestHandler;
    MINIPORT_CANCEL_DIRECT_OID_REQUEST_HANDLER CancelDirectOidRequestHandler;
    MINIPORT_SYNCHRONOUS_OID_REQUEST_HANDLER SynchronousOidRequestHandler;
} NDIS_MINIPORT_DRIVER_CHARACTERISTICS, *PNDIS_MINIPORT_DRIVER_CHARACTERISTICS;

#define NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelOidRequestHandler)
#define NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelDirectOidRequestHandler)
#define NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SynchronousOidRequestHandler)

#define NDIS_MINIPORT_PNP_CHARACTERISTICS_REVISION_1 1
typedef struct _NDIS_MINIPORT_PNP_CHARACTERISTICS
{
    NDIS_OBJECT_HEADER Header;
    MINIPORT_ADD_DEVICE_HANDLER MiniportAddDeviceHandler;
    MINIPORT_REMOVE_DEVICE_HANDLER MiniportRemoveDeviceHandler;
    MINIPORT_FILTER_RESOURCE_REQUIREMENTS_HANDLER MiniportFilterResourceRequirementsHandler;
    MINIPORT_START_DEVICE_HANDLER MiniportStartDeviceHandler;
    ULONG Flags;
} NDIS_MINIPORT_PNP_CHARACTERISTICS, *PNDIS_MINIPORT_PNP_CHARACTERISTICS;
#define NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1                                                            \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_PNP_CHARACTERISTICS, Flags)

/* NdisSetOptionalHandlers takes one of several optional-handler structures, told apart by
 * Header.Type. Only the miniport variant is spelled out; the others are CoNDIS/filter ones. */
typedef union _NDIS_DRIVER_OPTIONAL_HANDLERS
{
    NDIS_OBJECT_HEADER Header;
    NDIS_MINIPORT_PNP_CHARACTERISTICS MiniportPnpCharacteristics;
} NDIS_DRIVER_OPTIONAL_HANDLERS, *PNDIS_DRIVER_OPTIONAL_HANDLERS;

/* ---- interrupts --------------------------------------------------------------------------- */

#define NDIS_MINIPORT_INTERRUPT_REVISION_1 1
typedef struct _NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS
{
    NDIS_OBJECT_HEADER Header;
    MINIPORT_ISR_HANDLER InterruptHandler;
    MINIPORT_INTERRUPT_DPC_HANDLER InterruptDpcHandler;
    MINIPORT_DISABLE_INTERRUPT_HANDLER DisableInterruptHandler;
    MINIPORT_ENABLE_INTERRUPT_HANDLER EnableInterruptHandler;
    BOOLEAN MsiSupported;
    BOOLEAN MsiSyncWithAllMessages;
    MINIPORT_MSI_ISR_HANDLER MessageInterruptHandler;
    MINIPORT_MSI_INTERRUPT_DPC_HANDLER MessageInterruptDpcHandler;
    MINIPORT_DISABLE_MSI_INTERRUPT_HANDLER DisableMessageInterruptHandler;
    MINIPORT_ENABLE_MSI_INTERRUPT_HANDLER EnableMessageInterruptHandler;
    NDIS_INTERRUPT_TYPE InterruptType;
    struct _IO_INTERRUPT_MESSAGE_INFO *MessageInfoTable;
} NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, *PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS;
#define NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1                                                      \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MessageInfoTable)

/* What MiniportInterruptDPC gets as ReceiveThrottleParameters (NDIS 6.20 receive side throttle). */
#define NDIS_INDICATE_ALL_NBLS ((ULONG)~0u) /* ~0ul with a 32-bit ULONG */
typedef struct _NDIS_RECEIVE_THROTTLE_PARAMETERS
{
    ULONG MaxNblsToIndicate;
    ULONG MoreNblsPending : 1;
} NDIS_RECEIVE_THROTTLE_PARAMETERS, *PNDIS_RECEIVE_THROTTLE_PARAMETERS;

/* ---- adapter attributes ------------------------------------------------------------------- */

#define NDIS_MINIPORT_ATTRIBUTES_HARDWARE_DEVICE 0x00000001
#define NDIS_MINIPORT_ATTRIBUTES_NDIS_WDM 0x00000002
#define NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK 0x00000004
#define NDIS_MINIPORT_ATTRIBUTES_NOT_CO_NDIS 0x00000008
#define NDIS_MINIPORT_ATTRIBUTES_DO_NOT_BIND_TO_ALL_CO 0x00000010
#define NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND 0x00000020
#define NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER 0x00000040
#define NDIS_MINIPORT_ATTRIBUTES_CONTROLS_DEFAULT_PORT 0x00000080
#define NDIS_MINIPORT_ATTRIBUTES_NO_PAUSE_ON_SUSPEND 0x00000100
#define NDIS_MINIPORT_ATTRIBUTES_NO_OID_INTERCEPT_ON_NONDEFAULT_PORTS 0x00000200
#define NDIS_MINIPORT_ATTRIBUTES_REGISTER_BUGCHECK_CALLBACK 0x00000400

#define NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1 1
#define NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2 2
typedef struct _NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    NDIS_HANDLE MiniportAdapterContext;
    ULONG AttributeFlags;
    UINT CheckForHangTimeInSeconds;
    NDIS_INTERFACE_TYPE InterfaceType;
} NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
#define NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1                                                \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, InterfaceType)
#define NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2                                                \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, InterfaceType)

#define NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1 1
#define NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2 2
typedef struct _NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_MEDIUM MediaType;
    NDIS_PHYSICAL_MEDIUM PhysicalMediumType;
    ULONG MtuSize;
    ULONG64 MaxXmitLinkSpeed;
    ULONG64 XmitLinkSpeed;
    ULONG64 MaxRcvLinkSpeed;
    ULONG64 RcvLinkSpeed;
    NDIS_MEDIA_CONNECT_STATE MediaConnectState;
    NDIS_MEDIA_DUPLEX_STATE MediaDuplexState;
    ULONG LookaheadSize;
    PNDIS_PNP_CAPABILITIES PowerManagementCapabilities;
    ULONG MacOptions;
    ULONG SupportedPacketFilters;
    ULONG MaxMulticastListSize;
    USHORT MacAddressLength;
    UCHAR PermanentMacAddress[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    UCHAR CurrentMacAddress[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    PNDIS_RECEIVE_SCALE_CAPABILITIES RecvScaleCapabilities;
    NET_IF_ACCESS_TYPE AccessType;
    NET_IF_DIRECTION_TYPE DirectionType;
    NET_IF_CONNECTION_TYPE ConnectionType;
    NET_IFTYPE IfType;
    BOOLEAN IfConnectorPresent;
    ULONG SupportedStatistics;
    ULONG SupportedPauseFunctions;
    ULONG DataBackFillSize;
    ULONG ContextBackFillSize;
    PNDIS_OID SupportedOidList;
    ULONG SupportedOidListLength;
    ULONG AutoNegotiationFlags;
    PNDIS_PM_CAPABILITIES PowerManagementCapabilitiesEx;
} NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
#define NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1                                                     \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, AutoNegotiationFlags)
#define NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2                                                     \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, PowerManagementCapabilitiesEx)

/* Offload, hardware-assist and 802.11 attributes point at capability structures of other
 * headers; only their tags are needed here. */
struct _NDIS_OFFLOAD;
struct _NDIS_TCP_CONNECTION_OFFLOAD;
struct _NDIS_HD_SPLIT_ATTRIBUTES;
struct _NDIS_RECEIVE_FILTER_CAPABILITIES;
struct _NDIS_NIC_SWITCH_CAPABILITIES;
struct _NDIS_SRIOV_CAPABILITIES;
struct _NDIS_QOS_CAPABILITIES;
struct _NDIS_GFT_OFFLOAD_CAPABILITIES;
struct _NDIS_NDK_CAPABILITIES;

#define NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1 1
typedef struct _NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    struct _NDIS_OFFLOAD *DefaultOffloadConfiguration;
    struct _NDIS_OFFLOAD *HardwareOffloadCapabilities;
    struct _NDIS_TCP_CONNECTION_OFFLOAD *DefaultTcpConnectionOffloadConfiguration;
    struct _NDIS_TCP_CONNECTION_OFFLOAD *TcpConnectionOffloadHardwareCapabilities;
} NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES;
#define NDIS_SIZEOF_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1                                                     \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES, TcpConnectionOffloadHardwareCapabilities)

#define NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_1 1
#define NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_2 2
#define NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_3 3
#define NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_4 4
typedef struct _NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    struct _NDIS_HD_SPLIT_ATTRIBUTES *HDSplitAttributes;
    struct _NDIS_RECEIVE_FILTER_CAPABILITIES *HardwareReceiveFilterCapabilities;
    struct _NDIS_RECEIVE_FILTER_CAPABILITIES *CurrentReceiveFilterCapabilities;
    struct _NDIS_NIC_SWITCH_CAPABILITIES *HardwareNicSwitchCapabilities;
    struct _NDIS_NIC_SWITCH_CAPABILITIES *CurrentNicSwitchCapabilities;
    struct _NDIS_SRIOV_CAPABILITIES *HardwareSriovCapabilities;
    struct _NDIS_SRIOV_CAPABILITIES *CurrentSriovCapabilities;
    struct _NDIS_QOS_CAPABILITIES *HardwareQosCapabilities;
    struct _NDIS_QOS_CAPABILITIES *CurrentQosCapabilities;
    struct _NDIS_GFT_OFFLOAD_CAPABILITIES *HardwareGftOffloadCapabilities;
    struct _NDIS_GFT_OFFLOAD_CAPABILITIES *CurrentGftOffloadCapabilities;
} NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES;
#define NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_1                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES, HDSplitAttributes)
#define NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_2                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES, CurrentNicSwitchCapabilities)
#define NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_3                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES, CurrentQosCapabilities)
#define NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_4                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES, CurrentGftOffloadCapabilities)

/* Native 802.11 (WLAN) attributes: declared so that the attribute union has its documented
 * member; the 802.11 capability structures are out of scope for this host. */
#define NDIS_MINIPORT_ADAPTER_802_11_ATTRIBUTES_REVISION_1 1
#define NDIS_MINIPORT_ADAPTER_802_11_ATTRIBUTES_REVISION_2 2
#define NDIS_MINIPORT_ADAPTER_802_11_ATTRIBUTES_REVISION_3 3
typedef struct _NDIS_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    ULONG OpModeCapability;
    ULONG NumOfTXBuffers;
    ULONG NumOfRXBuffers;
    BOOLEAN MultiDomainCapabilityImplemented;
    ULONG NumSupportedPhys;
    PVOID SupportedPhyAttributes;
    PVOID ExtSTAAttributes;
    PVOID VWiFiAttributes;
    PVOID ExtAPAttributes;
    PVOID WFDAttributes;
} NDIS_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES;

#define NDIS_MINIPORT_ADAPTER_NDK_ATTRIBUTES_REVISION_1 1
typedef struct _NDIS_MINIPORT_ADAPTER_NDK_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    BOOLEAN Enabled;
    struct _NDIS_NDK_CAPABILITIES *NdkCapabilities;
} NDIS_MINIPORT_ADAPTER_NDK_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_NDK_ATTRIBUTES;
#define NDIS_SIZEOF_MINIPORT_ADAPTER_NDK_ATTRIBUTES_REVISION_1                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADAPTER_NDK_ATTRIBUTES, NdkCapabilities)

#define NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1 1
typedef struct _NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    NDIS_HANDLE MiniportAddDeviceContext;
    ULONG Flags;
} NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES, *PNDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES;
#define NDIS_SIZEOF_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES, Flags)

/* What NdisMSetMiniportAttributes takes: one of the attribute structures, told apart by
 * Header.Type (every member starts with an NDIS_OBJECT_HEADER). */
typedef union _NDIS_MINIPORT_ADAPTER_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES AddDeviceRegistrationAttributes;
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES RegistrationAttributes;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES GeneralAttributes;
    NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES OffloadAttributes;
    NDIS_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES Native_802_11_Attributes;
    NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES HardwareAssistAttributes;
    NDIS_MINIPORT_ADAPTER_NDK_ATTRIBUTES NDKAttributes;
} NDIS_MINIPORT_ADAPTER_ATTRIBUTES, *PNDIS_MINIPORT_ADAPTER_ATTRIBUTES;

/* ---- generic objects ---------------------------------------------------------------------- */

typedef struct _NDIS_GENERIC_OBJECT
{
    NDIS_OBJECT_HEADER Header;
    PVOID Caller;
    PVOID CallersCaller;
    struct _DRIVER_OBJECT *DriverObject;
} NDIS_GENERIC_OBJECT, *PNDIS_GENERIC_OBJECT;

/* ---- Ethernet helpers --------------------------------------------------------------------- */

#define ETH_LENGTH_OF_ADDRESS 6

#define ETH_IS_BROADCAST(Address)                                                                                      \
    ((((PUCHAR)(Address))[0] == ((UCHAR)0xff)) && (((PUCHAR)(Address))[1] == ((UCHAR)0xff)) &&                         \
     (((PUCHAR)(Address))[2] == ((UCHAR)0xff)) && (((PUCHAR)(Address))[3] == ((UCHAR)0xff)) &&                         \
     (((PUCHAR)(Address))[4] == ((UCHAR)0xff)) && (((PUCHAR)(Address))[5] == ((UCHAR)0xff)))

#define ETH_IS_MULTICAST(Address) (BOOLEAN)(((PUCHAR)(Address))[0] & ((UCHAR)0x01))

#define ETH_IS_LOCALLY_ADMINISTERED(Address) (BOOLEAN)(((PUCHAR)(Address))[0] & ((UCHAR)0x02))

/* Result is 0 when the two 6-byte addresses are equal, as in ndis.h. */
#define ETH_COMPARE_NETWORK_ADDRESSES_EQ(_A, _B, _Result)                                                              \
    do                                                                                                                 \
    {                                                                                                                  \
        *(_Result) = (memcmp((_A), (_B), ETH_LENGTH_OF_ADDRESS) != 0);                                                 \
    } while (0)

#define ETH_COMPARE_NETWORK_ADDRESSES(_A, _B, _Result)                                                                 \
    do                                                                                                                 \
    {                                                                                                                  \
        int eth_cmp_ = memcmp((_A), (_B), ETH_LENGTH_OF_ADDRESS);                                                      \
        *(_Result) = (eth_cmp_ > 0) ? 1 : ((eth_cmp_ < 0) ? -1 : 0);                                                   \
    } while (0)

#define ETH_COPY_NETWORK_ADDRESS(_D, _S) memmove((_D), (_S), ETH_LENGTH_OF_ADDRESS)

/* ---- context declarations ----------------------------------------------------------------- */
/* In the WDK these feed an MSVC annotation intrinsic; here they only check the type exists. */
#define NDIS_DECLARE_MINIPORT_DRIVER_CONTEXT(type) ((void)sizeof(type))
#define NDIS_DECLARE_MINIPORT_ADAPTER_CONTEXT(type) ((void)sizeof(type))
#define NDIS_DECLARE_MINIPORT_INTERRUPT_CONTEXT(type) ((void)sizeof(type))
#define NDIS_DECLARE_MINIPORT_DPC_CONTEXT(type) ((void)sizeof(type))
#define NDIS_DECLARE_MINIPORT_SYNCHRONIZE_CONTEXT(type) ((void)sizeof(type))
#define NDIS_DECLARE_MINIPORT_ADD_DEVICE_CONTEXT(type) ((void)sizeof(type))
#define NDIS_DECLARE_PROTOCOL_BIND_CONTEXT(type) ((void)sizeof(type))
#define NDIS_DECLARE_FILTER_MODULE_CONTEXT(type) ((void)sizeof(type))

#define NDIS_INIT_FUNCTION(f) alloc_text(INIT, f)
#define NDIS_PAGEABLE_FUNCTION(f) alloc_text(PAGE, f)

/* ---- NdisM* functions: registration, attributes, completions -------------------------------- */

NDIS_STATUS NdisMRegisterMiniportDriver(struct _DRIVER_OBJECT *DriverObject, PUNICODE_STRING RegistryPath,
                                        NDIS_HANDLE MiniportDriverContext,
                                        PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
                                        PNDIS_HANDLE NdisMiniportDriverHandle);
VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle);
NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE NdisHandle, PNDIS_DRIVER_OPTIONAL_HANDLERS OptionalHandlers);

NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportAdapterHandle,
                                       PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes);
VOID NdisMGetDeviceProperty(NDIS_HANDLE MiniportAdapterHandle, struct _DEVICE_OBJECT **PhysicalDeviceObject,
                            struct _DEVICE_OBJECT **FunctionalDeviceObject, struct _DEVICE_OBJECT **NextDeviceObject,
                            struct _CM_RESOURCE_LIST **AllocatedResources,
                            struct _CM_RESOURCE_LIST **AllocatedResourcesTranslated);

VOID NdisMIndicateStatusEx(NDIS_HANDLE MiniportAdapterHandle, PNDIS_STATUS_INDICATION StatusIndication);
VOID NdisMOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status);
VOID NdisMDirectOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status);
VOID NdisMPauseComplete(NDIS_HANDLE MiniportAdapterHandle);
VOID NdisMRestartComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status);
VOID NdisMResetComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status, BOOLEAN AddressingReset);
NDIS_STATUS NdisMRemoveMiniport(NDIS_HANDLE MiniportAdapterHandle);
NDIS_STATUS NdisMNetPnPEvent(NDIS_HANDLE MiniportAdapterHandle, PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification);

VOID NdisWriteErrorLogEntry(NDIS_HANDLE NdisAdapterHandle, NDIS_ERROR_CODE ErrorCode, ULONG NumberOfErrorValues, ...);
UINT NdisGetVersion(VOID);

PNDIS_GENERIC_OBJECT NdisAllocateGenericObject(struct _DRIVER_OBJECT *DriverObject, ULONG Tag, USHORT Size);
VOID NdisFreeGenericObject(PNDIS_GENERIC_OBJECT NdisObject);

/* Ports. */
NDIS_STATUS NdisMAllocatePort(NDIS_HANDLE NdisMiniportHandle, PNDIS_PORT_CHARACTERISTICS PortCharacteristics);
NDIS_STATUS NdisMFreePort(NDIS_HANDLE NdisMiniportHandle, NDIS_PORT_NUMBER PortNumber);

/* ---- interrupts --------------------------------------------------------------------------- */

NDIS_STATUS NdisMRegisterInterruptEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
                                     PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS MiniportInterruptCharacteristics,
                                     PNDIS_HANDLE NdisInterruptHandle);
VOID NdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle);
BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                        MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction,
                                        PVOID SynchronizeContext);
/* NdisMQueueDpc takes and returns a ULONG bitmap: the first 32 processors of group 0. */
ULONG NdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors, PVOID MiniportDpcContext);
KAFFINITY NdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, PGROUP_AFFINITY TargetProcessors,
                          PVOID MiniportDpcContext);

/* ---- I/O ports, mapped registers, bus data ------------------------------------------------- */

NDIS_STATUS NdisMRegisterIoPortRange(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                     UINT NumberOfPorts);
VOID NdisMDeregisterIoPortRange(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort, UINT NumberOfPorts,
                                PVOID PortOffset);

VOID NdisRawReadPortUchar(ULONG_PTR Port, PUCHAR Data);
VOID NdisRawReadPortUshort(ULONG_PTR Port, PUSHORT Data);
VOID NdisRawReadPortUlong(ULONG_PTR Port, PULONG Data);
VOID NdisRawWritePortUchar(ULONG_PTR Port, UCHAR Data);
VOID NdisRawWritePortUshort(ULONG_PTR Port, USHORT Data);
VOID NdisRawWritePortUlong(ULONG_PTR Port, ULONG Data);
/* The buffer variants transfer Length items (bytes, USHORTs, ULONGs) through one port. */
VOID NdisRawReadPortBufferUchar(ULONG_PTR Port, PUCHAR Buffer, ULONG Length);
VOID NdisRawReadPortBufferUshort(ULONG_PTR Port, PUSHORT Buffer, ULONG Length);
VOID NdisRawReadPortBufferUlong(ULONG_PTR Port, PULONG Buffer, ULONG Length);
VOID NdisRawWritePortBufferUchar(ULONG_PTR Port, PUCHAR Buffer, ULONG Length);
VOID NdisRawWritePortBufferUshort(ULONG_PTR Port, PUSHORT Buffer, ULONG Length);
VOID NdisRawWritePortBufferUlong(ULONG_PTR Port, PULONG Buffer, ULONG Length);

NDIS_STATUS NdisMMapIoSpace(PVOID *VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                            NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length);
VOID NdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length);

/* Register access through a mapped range. Functions rather than plain dereferences so that the
 * host can emulate device registers (and absent hardware after surprise removal). */
VOID NdisReadRegisterUchar(volatile UCHAR *Register, PUCHAR Data);
VOID NdisReadRegisterUshort(volatile USHORT *Register, PUSHORT Data);
VOID NdisReadRegisterUlong(volatile ULONG *Register, PULONG Data);
VOID NdisWriteRegisterUchar(volatile UCHAR *Register, UCHAR Data);
VOID NdisWriteRegisterUshort(volatile USHORT *Register, USHORT Data);
VOID NdisWriteRegisterUlong(volatile ULONG *Register, ULONG Data);

ULONG NdisMGetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer, ULONG Length);
ULONG NdisMSetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer, ULONG Length);

/* ---- DMA and shared memory ---------------------------------------------------------------- */

/* NdisMAllocateNetBufferSGList Flags: the transfer goes from the NET_BUFFER to the device (send). */
#define NDIS_SG_LIST_WRITE_TO_DEVICE 0x000000001

NDIS_STATUS NdisMRegisterScatterGatherDma(NDIS_HANDLE MiniportAdapterHandle, PNDIS_SG_DMA_DESCRIPTION DmaDescription,
                                          PNDIS_HANDLE NdisMiniportDmaHandle);
VOID NdisMDeregisterScatterGatherDma(NDIS_HANDLE NdisMiniportDmaHandle);
NDIS_STATUS NdisMAllocateNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, struct _NET_BUFFER *NetBuffer,
                                         PVOID Context, ULONG Flags, PVOID ScatterGatherListBuffer,
                                         ULONG ScatterGatherListBufferSize);
VOID NdisMFreeNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, struct _SCATTER_GATHER_LIST *pSGL,
                              struct _NET_BUFFER *NetBuffer);
ULONG NdisMGetDmaAlignment(NDIS_HANDLE MiniportAdapterHandle);

VOID NdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached, PVOID *VirtualAddress,
                               PNDIS_PHYSICAL_ADDRESS PhysicalAddress);
NDIS_STATUS NdisMAllocateSharedMemoryAsyncEx(NDIS_HANDLE MiniportDmaHandle, ULONG Length, BOOLEAN Cached,
                                             PVOID Context);
VOID NdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached, PVOID VirtualAddress,
                           NDIS_PHYSICAL_ADDRESS PhysicalAddress);

/* ---- pinned x64 layouts ------------------------------------------------------------------- */
/* Each value follows from the documented field order and x64 natural alignment. */

C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, MajorNdisVersion) == 4);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, Flags) == 8);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SetOptionsHandler) == 16);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, OidRequestHandler) == 64);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelOidRequestHandler) == 128);
C_ASSERT(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 == 136);
C_ASSERT(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 == 152);
C_ASSERT(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3 == 160);
C_ASSERT(sizeof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS) == 160);

C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_INIT_PARAMETERS, AllocatedResources) == 8);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_INIT_PARAMETERS, IfIndex) == 32);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_INIT_PARAMETERS, NetLuid) == 40);
C_ASSERT(sizeof(NDIS_MINIPORT_INIT_PARAMETERS) == 64);
C_ASSERT(NDIS_SIZEOF_MINIPORT_PAUSE_PARAMETERS_REVISION_1 == 12);
C_ASSERT(NDIS_SIZEOF_MINIPORT_RESTART_PARAMETERS_REVISION_1 == 20);

C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, RequestType) == 4);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, Timeout) == 12);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, RequestId) == 16);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, RequestHandle) == 24);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, DATA) == 32);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, DATA.QUERY_INFORMATION.InformationBuffer) == 40);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, DATA.METHOD_INFORMATION.BytesNeeded) == 68);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, NdisReserved) == 72);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, MiniportReserved) == 200);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, SourceReserved) == 216);
C_ASSERT(FIELD_OFFSET(NDIS_OID_REQUEST, SupportedRevision) == 232);
C_ASSERT(NDIS_SIZEOF_OID_REQUEST_REVISION_1 == 236);
C_ASSERT(NDIS_SIZEOF_OID_REQUEST_REVISION_2 == 248);
C_ASSERT(sizeof(NDIS_OID_REQUEST) == 248);

C_ASSERT(FIELD_OFFSET(NDIS_STATUS_INDICATION, SourceHandle) == 8);
C_ASSERT(FIELD_OFFSET(NDIS_STATUS_INDICATION, StatusCode) == 20);
C_ASSERT(FIELD_OFFSET(NDIS_STATUS_INDICATION, DestinationHandle) == 32);
C_ASSERT(FIELD_OFFSET(NDIS_STATUS_INDICATION, StatusBuffer) == 48);
C_ASSERT(FIELD_OFFSET(NDIS_STATUS_INDICATION, Guid) == 60);
C_ASSERT(FIELD_OFFSET(NDIS_STATUS_INDICATION, NdisReserved) == 80);
C_ASSERT(sizeof(NDIS_STATUS_INDICATION) == 112);

C_ASSERT(sizeof(NET_PNP_EVENT) == 152);
C_ASSERT(FIELD_OFFSET(NET_PNP_EVENT_NOTIFICATION, NetPnPEvent) == 8);
C_ASSERT(NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1 == 164);
C_ASSERT(FIELD_OFFSET(NET_DEVICE_PNP_EVENT, InformationBuffer) == 16);
C_ASSERT(sizeof(NET_DEVICE_PNP_EVENT) == 48);

C_ASSERT(sizeof(NDIS_SG_DMA_DESCRIPTION) == 40);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MsiSupported) == 40);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, InterruptType) == 80);
C_ASSERT(sizeof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS) == 96);

C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, AttributeFlags) == 16);
C_ASSERT(NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1 == 28);
C_ASSERT(sizeof(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES) == 32);

C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, MtuSize) == 16);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, MaxXmitLinkSpeed) == 24);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, MediaConnectState) == 56);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, PowerManagementCapabilities) == 72);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, MacAddressLength) == 92);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, PermanentMacAddress) == 94);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, CurrentMacAddress) == 126);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, RecvScaleCapabilities) == 160);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, IfType) == 180);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, IfConnectorPresent) == 182);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, SupportedStatistics) == 184);
C_ASSERT(FIELD_OFFSET(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, SupportedOidList) == 200);
C_ASSERT(NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1 == 216);
C_ASSERT(NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2 == 224);

C_ASSERT(sizeof(NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES) == 40);
C_ASSERT(NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_2 == 48);
C_ASSERT(NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_3 == 80);
C_ASSERT(sizeof(NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES) == 24);
C_ASSERT(sizeof(NDIS_GENERIC_OBJECT) == 32);

NDISHOST_EXTERN_C_END

#endif

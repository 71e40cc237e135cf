/* NDIS 6.20 receive filtering and virtual machine queues (VMQ): the receive-filter and NIC-switch
 * capabilities a miniport reports in its hardware-assist attributes, the structures of the
 * OID_RECEIVE_FILTER_* requests, the receive-queue state indication, and the shared memory a
 * miniport allocates for a queue (NdisAllocateSharedMemory).
 *
 * Written from the NDIS reference pages (ntddndis.h and ndis.h parts: names, field order and
 * types, revision numbers, flag values); no WDK header text is used. As elsewhere in these
 * headers, every structure carries the fields of all its documented revisions: a driver states
 * the revision it fills through Header.Revision and Header.Size (the NDIS_SIZEOF_* macros). */
#ifndef NDISHOST_DDK_NDIS_RECEIVE_FILTER_H
#define NDISHOST_DDK_NDIS_RECEIVE_FILTER_H

#include "../wdm.h"
#include "objectheader.h"
#include "oids.h"
#include "types.h"

NDISHOST_EXTERN_C_BEGIN

/* ---- identifiers ------------------------------------------------------------------------------ */

/* NDIS_RECEIVE_QUEUE_ID and NDIS_RECEIVE_FILTER_ID are in types.h. */
typedef ULONG NDIS_RECEIVE_QUEUE_GROUP_ID, *PNDIS_RECEIVE_QUEUE_GROUP_ID;
typedef ULONG NDIS_QOS_SQ_ID, *PNDIS_QOS_SQ_ID;

#define NDIS_DEFAULT_RECEIVE_QUEUE_ID 0
#define NDIS_DEFAULT_RECEIVE_QUEUE_GROUP_ID 0
#define NDIS_DEFAULT_RECEIVE_FILTER_ID 0

typedef NDIS_IF_COUNTED_STRING NDIS_QUEUE_NAME, *PNDIS_QUEUE_NAME;
typedef NDIS_IF_COUNTED_STRING NDIS_VM_NAME, *PNDIS_VM_NAME;
typedef NDIS_IF_COUNTED_STRING NDIS_VM_FRIENDLYNAME, *PNDIS_VM_FRIENDLYNAME;

/* ---- receive filter capabilities ---------------------------------------------------------------- */

/* EnabledFilterTypes */
#define NDIS_RECEIVE_FILTER_VMQ_FILTERS_ENABLED 0x00000001
#define NDIS_RECEIVE_FILTER_PACKET_COALESCING_FILTERS_ENABLED 0x00000002
/* EnabledQueueTypes */
#define NDIS_RECEIVE_FILTER_VM_QUEUES_ENABLED 0x00000001
/* SupportedQueueProperties */
#define NDIS_RECEIVE_FILTER_MSI_X_SUPPORTED 0x00000001
#define NDIS_RECEIVE_FILTER_VM_QUEUE_SUPPORTED 0x00000002
#define NDIS_RECEIVE_FILTER_LOOKAHEAD_SPLIT_SUPPORTED 0x00000004
#define NDIS_RECEIVE_FILTER_DYNAMIC_PROCESSOR_AFFINITY_CHANGE_SUPPORTED 0x00000008
#define NDIS_RECEIVE_FILTER_INTERRUPT_VECTOR_COALESCING_SUPPORTED 0x00000010
#define NDIS_RECEIVE_FILTER_IMPLAT_MIN_OF_QUEUES_MODE 0x00000040
#define NDIS_RECEIVE_FILTER_IMPLAT_SUM_OF_QUEUES_MODE 0x00000080
#define NDIS_RECEIVE_FILTER_PACKET_COALESCING_SUPPORTED_ON_DEFAULT_QUEUE 0x00000100
/* SupportedFilterTests */
#define NDIS_RECEIVE_FILTER_TEST_HEADER_FIELD_EQUAL_SUPPORTED 0x00000001
#define NDIS_RECEIVE_FILTER_TEST_HEADER_FIELD_MASK_EQUAL_SUPPORTED 0x00000002
#define NDIS_RECEIVE_FILTER_TEST_HEADER_FIELD_NOT_EQUAL_SUPPORTED 0x00000004
/* SupportedHeaders */
#define NDIS_RECEIVE_FILTER_MAC_HEADER_SUPPORTED 0x00000001
#define NDIS_RECEIVE_FILTER_IPV4_HEADER_SUPPORTED 0x00000002
#define NDIS_RECEIVE_FILTER_IPV6_HEADER_SUPPORTED 0x00000004
#define NDIS_RECEIVE_FILTER_ARP_HEADER_SUPPORTED 0x00000008
#define NDIS_RECEIVE_FILTER_UDP_HEADER_SUPPORTED 0x00000010
/* SupportedMacHeaderFields */
#define NDIS_RECEIVE_FILTER_MAC_HEADER_DEST_ADDR_SUPPORTED 0x00000001
#define NDIS_RECEIVE_FILTER_MAC_HEADER_SOURCE_ADDR_SUPPORTED 0x00000002
#define NDIS_RECEIVE_FILTER_MAC_HEADER_PROTOCOL_SUPPORTED 0x00000004
#define NDIS_RECEIVE_FILTER_MAC_HEADER_VLAN_ID_SUPPORTED 0x00000008
#define NDIS_RECEIVE_FILTER_MAC_HEADER_PRIORITY_SUPPORTED 0x00000010
#define NDIS_RECEIVE_FILTER_MAC_HEADER_PACKET_TYPE_SUPPORTED 0x00000020
/* SupportedARPHeaderFields, SupportedIPv4/IPv6HeaderFields, SupportedUdpHeaderFields (6.30) */
#define NDIS_RECEIVE_FILTER_ARP_HEADER_OPERATION_SUPPORTED 0x00000001
#define NDIS_RECEIVE_FILTER_ARP_HEADER_SPA_SUPPORTED 0x00000002
#define NDIS_RECEIVE_FILTER_ARP_HEADER_TPA_SUPPORTED 0x00000004
#define NDIS_RECEIVE_FILTER_IPV4_HEADER_PROTOCOL_SUPPORTED 0x00000001
#define NDIS_RECEIVE_FILTER_IPV6_HEADER_PROTOCOL_SUPPORTED 0x00000001
#define NDIS_RECEIVE_FILTER_UDP_HEADER_DEST_PORT_SUPPORTED 0x00000001

#define NDIS_RECEIVE_FILTER_CAPABILITIES_REVISION_1 1
#define NDIS_RECEIVE_FILTER_CAPABILITIES_REVISION_2 2
typedef struct _NDIS_RECEIVE_FILTER_CAPABILITIES
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG EnabledFilterTypes;
    ULONG EnabledQueueTypes;
    ULONG NumQueues;
    ULONG SupportedQueueProperties;
    ULONG SupportedFilterTests;
    ULONG SupportedHeaders;
    ULONG SupportedMacHeaderFields;
    ULONG MaxMacHeaderFilters;
    ULONG MaxQueueGroups;
    ULONG MaxQueuesPerQueueGroup;
    ULONG MinLookaheadSplitSize;
    ULONG MaxLookaheadSplitSize;
    /* NDIS 6.30, revision 2 */
    ULONG SupportedARPHeaderFields;
    ULONG SupportedIPv4HeaderFields;
    ULONG SupportedIPv6HeaderFields;
    ULONG SupportedUdpHeaderFields;
    ULONG MaxFieldTestsPerPacketCoalescingFilter;
    ULONG MaxPacketCoalescingFilters;
    ULONG NdisReserved;
} NDIS_RECEIVE_FILTER_CAPABILITIES, *PNDIS_RECEIVE_FILTER_CAPABILITIES;
#define NDIS_SIZEOF_RECEIVE_FILTER_CAPABILITIES_REVISION_1                                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_FILTER_CAPABILITIES, MaxLookaheadSplitSize)
#define NDIS_SIZEOF_RECEIVE_FILTER_CAPABILITIES_REVISION_2                                                             \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_FILTER_CAPABILITIES, NdisReserved)

/* ---- NIC switch capabilities -------------------------------------------------------------------- */

#define NDIS_NIC_SWITCH_CAPS_VLAN_SUPPORTED 0x00000001
#define NDIS_NIC_SWITCH_CAPS_PER_VPORT_INTERRUPT_MODERATION_SUPPORTED 0x00000002
#define NDIS_NIC_SWITCH_CAPS_ASYMMETRIC_QUEUE_PAIRS_FOR_NONDEFAULT_VPORT_SUPPORTED 0x00000004
#define NDIS_NIC_SWITCH_CAPS_VF_RSS_SUPPORTED 0x00000008
#define NDIS_NIC_SWITCH_CAPS_SINGLE_VPORT_POOL 0x00000010

#define NDIS_NIC_SWITCH_CAPABILITIES_REVISION_1 1
#define NDIS_NIC_SWITCH_CAPABILITIES_REVISION_2 2
#define NDIS_NIC_SWITCH_CAPABILITIES_REVISION_3 3
typedef struct _NDIS_NIC_SWITCH_CAPABILITIES
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG NdisReserved1;
    ULONG NumTotalMacAddresses;
    ULONG NumMacAddressesPerPort;
    ULONG NumVlansPerPort;
    ULONG NdisReserved2;
    ULONG NdisReserved3;
    /* NDIS 6.30, revision 2 */
    ULONG NicSwitchCapabilities;
    ULONG MaxNumSwitches;
    ULONG MaxNumVPorts;
    ULONG NdisReserved4;
    ULONG MaxNumVFs;
    ULONG MaxNumQueuePairs;
    ULONG NdisReserved5;
    ULONG NdisReserved6;
    ULONG NdisReserved7;
    ULONG MaxNumQueuePairsPerNonDefaultVPort;
    ULONG NdisReserved8;
    ULONG NdisReserved9;
    ULONG NdisReserved10;
    ULONG NdisReserved11;
    ULONG NdisReserved12;
    ULONG MaxNumMacAddresses;
    ULONG NdisReserved13;
    ULONG NdisReserved14;
    ULONG NdisReserved15;
    ULONG NdisReserved16;
    ULONG NdisReserved17;
    /* NDIS 6.60, revision 3 */
    ULONG MaxNumRssCapableNonDefaultPFVPorts;
    ULONG NumberOfIndirectionTableEntriesForDefaultVPort;
    ULONG NumberOfIndirectionTableEntriesPerNonDefaultPFVPort;
    ULONG MaxNumQueuePairsForDefaultVPort;
} NDIS_NIC_SWITCH_CAPABILITIES, *PNDIS_NIC_SWITCH_CAPABILITIES;
#define NDIS_SIZEOF_NIC_SWITCH_CAPABILITIES_REVISION_1                                                                 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_NIC_SWITCH_CAPABILITIES, NdisReserved3)
#define NDIS_SIZEOF_NIC_SWITCH_CAPABILITIES_REVISION_2                                                                 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_NIC_SWITCH_CAPABILITIES, NdisReserved17)
#define NDIS_SIZEOF_NIC_SWITCH_CAPABILITIES_REVISION_3                                                                 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_NIC_SWITCH_CAPABILITIES, MaxNumQueuePairsForDefaultVPort)

/* ---- filters ------------------------------------------------------------------------------------ */

typedef enum _NDIS_RECEIVE_FILTER_TYPE
{
    NdisReceiveFilterTypeUndefined,
    NdisReceiveFilterTypeVMQueue,
    NdisReceiveFilterTypePacketCoalescing,
    NdisReceiveFilterTypeMaximum
} NDIS_RECEIVE_FILTER_TYPE,
    *PNDIS_RECEIVE_FILTER_TYPE;

typedef enum _NDIS_FRAME_HEADER
{
    NdisFrameHeaderUndefined,
    NdisFrameHeaderMac,
    NdisFrameHeaderArp,
    NdisFrameHeaderIPv4,
    NdisFrameHeaderIPv6,
    NdisFrameHeaderUdp,
    NdisFrameHeaderMaximum
} NDIS_FRAME_HEADER,
    *PNDIS_FRAME_HEADER;

typedef enum _NDIS_MAC_HEADER_FIELD
{
    NdisMacHeaderFieldUndefined,
    NdisMacHeaderFieldDestinationAddress,
    NdisMacHeaderFieldSourceAddress,
    NdisMacHeaderFieldProtocol,
    NdisMacHeaderFieldVlanId,
    NdisMacHeaderFieldPriority,
    NdisMacHeaderFieldPacketType,
    NdisMacHeaderFieldMaximum
} NDIS_MAC_HEADER_FIELD,
    *PNDIS_MAC_HEADER_FIELD;

typedef enum _NDIS_MAC_PACKET_TYPE
{
    NdisMacPacketTypeUndefined = 0,
    NdisMacPacketTypeUnicast = 1,
    NdisMacPacketTypeMulticast = 2,
    NdisMacPacketTypeBroadcast = 3,
    NdisMacPacketTypeMaximum = 4
} NDIS_MAC_PACKET_TYPE,
    *PNDIS_MAC_PACKET_TYPE;

typedef enum _NDIS_ARP_HEADER_FIELD
{
    NdisARPHeaderFieldUndefined,
    NdisARPHeaderFieldOperation,
    NdisARPHeaderFieldSPA,
    NdisARPHeaderFieldTPA,
    NdisARPHeaderFieldMaximum
} NDIS_ARP_HEADER_FIELD,
    *PNDIS_ARP_HEADER_FIELD;

typedef enum _NDIS_IPV4_HEADER_FIELD
{
    NdisIPv4HeaderFieldUndefined,
    NdisIPv4HeaderFieldProtocol,
    NdisIPv4HeaderFieldMaximum
} NDIS_IPV4_HEADER_FIELD,
    *PNDIS_IPV4_HEADER_FIELD;

typedef enum _NDIS_IPV6_HEADER_FIELD
{
    NdisIPv6HeaderFieldUndefined,
    NdisIPv6HeaderFieldProtocol,
    NdisIPv6HeaderFieldMaximum
} NDIS_IPV6_HEADER_FIELD,
    *PNDIS_IPV6_HEADER_FIELD;

typedef enum _NDIS_UDP_HEADER_FIELD
{
    NdisUdpHeaderFieldUndefined,
    NdisUdpHeaderFieldDestinationPort,
    NdisUdpHeaderFieldMaximum
} NDIS_UDP_HEADER_FIELD,
    *PNDIS_UDP_HEADER_FIELD;

typedef enum _NDIS_RECEIVE_FILTER_TEST
{
    NdisReceiveFilterTestUndefined,
    NdisReceiveFilterTestEqual,
    NdisReceiveFilterTestMaskEqual,
    NdisReceiveFilterTestNotEqual,
    NdisReceiveFilterTestMaximum
} NDIS_RECEIVE_FILTER_TEST,
    *PNDIS_RECEIVE_FILTER_TEST;

#define NDIS_RECEIVE_FILTER_FIELD_MAC_HEADER_VLAN_UNTAGGED_OR_ZERO 0x00000001

#define NDIS_RECEIVE_FILTER_FIELD_PARAMETERS_REVISION_1 1
#define NDIS_RECEIVE_FILTER_FIELD_PARAMETERS_REVISION_2 2
typedef struct _NDIS_RECEIVE_FILTER_FIELD_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_FRAME_HEADER FrameHeader;
    NDIS_RECEIVE_FILTER_TEST ReceiveFilterTest;
    union _HEADER_FIELD
    {
        NDIS_MAC_HEADER_FIELD MacHeaderField;
        NDIS_ARP_HEADER_FIELD ArpHeaderField;
        NDIS_IPV4_HEADER_FIELD IPv4HeaderField;
        NDIS_IPV6_HEADER_FIELD IPv6HeaderField;
        NDIS_UDP_HEADER_FIELD UdpHeaderField;
    } HeaderField;
    union _FIELD_VALUE
    {
        UCHAR FieldByteValue;
        USHORT FieldShortValue;
        ULONG FieldLongValue;
        ULONG64 FieldLong64Value;
        UCHAR FieldByteArrayValue[16];
    } FieldValue;
    union _RESULT_VALUE
    {
        UCHAR ResultByteValue;
        USHORT ResultShortValue;
        ULONG ResultLongValue;
        ULONG64 ResultLong64Value;
        UCHAR ResultByteArrayValue[16];
    } ResultValue;
} NDIS_RECEIVE_FILTER_FIELD_PARAMETERS, *PNDIS_RECEIVE_FILTER_FIELD_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_FILTER_FIELD_PARAMETERS_REVISION_1                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_FILTER_FIELD_PARAMETERS, ResultValue)
#define NDIS_SIZEOF_RECEIVE_FILTER_FIELD_PARAMETERS_REVISION_2                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_FILTER_FIELD_PARAMETERS, ResultValue)

#define NDIS_RECEIVE_FILTER_PARAMETERS_REVISION_1 1
#define NDIS_RECEIVE_FILTER_PARAMETERS_REVISION_2 2
typedef struct _NDIS_RECEIVE_FILTER_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_RECEIVE_FILTER_TYPE FilterType;
    NDIS_RECEIVE_QUEUE_ID QueueId;
    NDIS_RECEIVE_FILTER_ID FilterId;
    ULONG FieldParametersArrayOffset;
    ULONG FieldParametersArrayNumElements;
    ULONG FieldParametersArrayElementSize;
    ULONG RequestedFilterIdBitCount;
    /* NDIS 6.30, revision 2 */
    ULONG MaxCoalescingDelay;
    NDIS_NIC_SWITCH_VPORT_ID VPortId;
} NDIS_RECEIVE_FILTER_PARAMETERS, *PNDIS_RECEIVE_FILTER_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_1                                                               \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_FILTER_PARAMETERS, RequestedFilterIdBitCount)
#define NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_2                                                               \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_FILTER_PARAMETERS, VPortId)

#define NDIS_RECEIVE_FILTER_CLEAR_PARAMETERS_REVISION_1 1
typedef struct _NDIS_RECEIVE_FILTER_CLEAR_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_RECEIVE_QUEUE_ID QueueId;
    NDIS_RECEIVE_FILTER_ID FilterId;
} NDIS_RECEIVE_FILTER_CLEAR_PARAMETERS, *PNDIS_RECEIVE_FILTER_CLEAR_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_FILTER_CLEAR_PARAMETERS_REVISION_1                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_FILTER_CLEAR_PARAMETERS, FilterId)

/* ---- queues ------------------------------------------------------------------------------------- */

typedef enum _NDIS_RECEIVE_QUEUE_TYPE
{
    NdisReceiveQueueTypeUnspecified,
    NdisReceiveQueueTypeVMQueue,
    NdisReceiveQueueTypeMaximum
} NDIS_RECEIVE_QUEUE_TYPE,
    *PNDIS_RECEIVE_QUEUE_TYPE;

#define NDIS_RECEIVE_QUEUE_PARAMETERS_PER_QUEUE_RECEIVE_INDICATION 0x00000001
#define NDIS_RECEIVE_QUEUE_PARAMETERS_LOOKAHEAD_SPLIT_REQUIRED 0x00000002
#define NDIS_RECEIVE_QUEUE_PARAMETERS_FLAGS_CHANGED 0x00010000
#define NDIS_RECEIVE_QUEUE_PARAMETERS_PROCESSOR_AFFINITY_CHANGED 0x00020000
#define NDIS_RECEIVE_QUEUE_PARAMETERS_SUGGESTED_RECV_BUFFER_NUMBERS_CHANGED 0x00040000
#define NDIS_RECEIVE_QUEUE_PARAMETERS_NAME_CHANGED 0x00080000
#define NDIS_RECEIVE_QUEUE_PARAMETERS_INTERRUPT_COALESCING_DOMAIN_ID_CHANGED 0x00100000
#define NDIS_RECEIVE_QUEUE_PARAMETERS_QOS_SQ_ID_CHANGED 0x00200000
#define NDIS_RECEIVE_QUEUE_PARAMETERS_CHANGE_MASK 0xFFFF0000

#define NDIS_RECEIVE_QUEUE_PARAMETERS_REVISION_1 1
#define NDIS_RECEIVE_QUEUE_PARAMETERS_REVISION_2 2
#define NDIS_RECEIVE_QUEUE_PARAMETERS_REVISION_3 3
typedef struct _NDIS_RECEIVE_QUEUE_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_RECEIVE_QUEUE_TYPE QueueType;
    NDIS_RECEIVE_QUEUE_ID QueueId;
    NDIS_RECEIVE_QUEUE_GROUP_ID QueueGroupId;
    GROUP_AFFINITY ProcessorAffinity;
    ULONG NumSuggestedReceiveBuffers;
    ULONG MSIXTableEntry;
    ULONG LookaheadSize;
    NDIS_VM_NAME VmName;
    NDIS_QUEUE_NAME QueueName;
    /* NDIS 6.30, revision 2 */
    ULONG PortId;
    ULONG InterruptCoalescingDomainId;
    /* NDIS 6.50, revision 3 */
    NDIS_QOS_SQ_ID QosSqId;
} NDIS_RECEIVE_QUEUE_PARAMETERS, *PNDIS_RECEIVE_QUEUE_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_1                                                                \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_QUEUE_PARAMETERS, QueueName)
#define NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_2                                                                \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_QUEUE_PARAMETERS, InterruptCoalescingDomainId)
#define NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_3 RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_QUEUE_PARAMETERS, QosSqId)

#define NDIS_RECEIVE_QUEUE_FREE_PARAMETERS_REVISION_1 1
typedef struct _NDIS_RECEIVE_QUEUE_FREE_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_RECEIVE_QUEUE_ID QueueId;
} NDIS_RECEIVE_QUEUE_FREE_PARAMETERS, *PNDIS_RECEIVE_QUEUE_FREE_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_QUEUE_FREE_PARAMETERS_REVISION_1                                                           \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_QUEUE_FREE_PARAMETERS, QueueId)

typedef enum _NDIS_RECEIVE_QUEUE_OPERATIONAL_STATE
{
    NdisReceiveQueueOperationalStateUndefined,
    NdisReceiveQueueOperationalStateRunning,
    NdisReceiveQueueOperationalStatePaused,
    NdisReceiveQueueOperationalStateDmaStopped,
    NdisReceiveQueueOperationalStateMaximum
} NDIS_RECEIVE_QUEUE_OPERATIONAL_STATE,
    *PNDIS_RECEIVE_QUEUE_OPERATIONAL_STATE;

#define NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS_REVISION_1 1
typedef struct _NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_RECEIVE_QUEUE_ID QueueId;
    NDIS_STATUS CompletionStatus;
} NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS, *PNDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS_REVISION_1                                            \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS, CompletionStatus)

#define NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY_REVISION_1 1
typedef struct _NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG FirstElementOffset;
    ULONG NumElements;
    ULONG ElementSize;
} NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY, *PNDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY;
#define NDIS_SIZEOF_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY_REVISION_1                                                 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY, ElementSize)

/* The StatusBuffer of an NDIS_STATUS_RECEIVE_QUEUE_STATE indication (ndis.h). The size macro's
 * name carries NDIS_ twice, as documented. */
#define NDIS_RECEIVE_QUEUE_STATE_REVISION_1 1
typedef struct _NDIS_RECEIVE_QUEUE_STATE
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_RECEIVE_QUEUE_ID QueueId;
    NDIS_RECEIVE_QUEUE_OPERATIONAL_STATE QueueState;
} NDIS_RECEIVE_QUEUE_STATE, *PNDIS_RECEIVE_QUEUE_STATE;
#define NDIS_SIZEOF_NDIS_RECEIVE_QUEUE_STATE_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_QUEUE_STATE, QueueState)

/* ---- shared memory for receive queues (ndis.h, NDIS 6.20) ------------------------------------------ */

typedef ULONG NODE_REQUIREMENT;
#define MM_ANY_NODE_OK 0x80000000

typedef enum _NDIS_SHARED_MEMORY_USAGE
{
    NdisSharedMemoryUsageUndefined,
    NdisSharedMemoryUsageXmit,
    NdisSharedMemoryUsageXmitHeader,
    NdisSharedMemoryUsageXmitData,
    NdisSharedMemoryUsageReceive,
    NdisSharedMemoryUsageReceiveLookahead,
    NdisSharedMemoryUsageReceivePostLookahead,
    NdisSharedMemoryUsageReceiveHeader,
    NdisSharedMemoryUsageReceiveData,
    NdisSharedMemoryUsageOther,
    NdisSharedMemoryUsageMax
} NDIS_SHARED_MEMORY_USAGE,
    *PNDIS_SHARED_MEMORY_USAGE;

/* Flags */
#define NDIS_SHARED_MEM_PARAMETERS_CONTIGOUS 0x00000001

struct _SCATTER_GATHER_LIST;

#define NDIS_SHARED_MEMORY_PARAMETERS_REVISION_1 1
#define NDIS_SHARED_MEMORY_PARAMETERS_REVISION_2 2
typedef struct _NDIS_SHARED_MEMORY_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_RECEIVE_QUEUE_ID QueueId;
    NDIS_HANDLE SharedMemoryHandle;
    NODE_REQUIREMENT PreferredNode;
    NDIS_SHARED_MEMORY_USAGE Usage;
    ULONG Length;
    PVOID VirtualAddress;
    ULONG SGListBufferLength;
    struct _SCATTER_GATHER_LIST *SGListBuffer;
    /* NDIS 6.30, revision 2 */
    NDIS_NIC_SWITCH_VPORT_ID VPortId;
} NDIS_SHARED_MEMORY_PARAMETERS, *PNDIS_SHARED_MEMORY_PARAMETERS;
#define NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1                                                                \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_SHARED_MEMORY_PARAMETERS, SGListBuffer)
#define NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_2 RTL_SIZEOF_THROUGH_FIELD(NDIS_SHARED_MEMORY_PARAMETERS, VPortId)

/* PASSIVE_LEVEL. The caller supplies SGListBuffer (SGListBufferLength bytes); NDIS fills it with
 * the physical layout of the block and returns the block in VirtualAddress and a handle for NDIS
 * in SharedMemoryHandle; *pAllocationHandle is the driver's handle for NdisFreeSharedMemory. */
NDIS_STATUS NdisAllocateSharedMemory(NDIS_HANDLE NdisHandle, PNDIS_SHARED_MEMORY_PARAMETERS SharedMemoryParameters,
                                     PNDIS_HANDLE pAllocationHandle);
VOID NdisFreeSharedMemory(NDIS_HANDLE NdisHandle, NDIS_HANDLE AllocationHandle);

NDISHOST_EXTERN_C_END

/* Pinned x64 layouts (offsets follow from the documented field order and types). */
C_ASSERT(NDIS_SIZEOF_RECEIVE_FILTER_CAPABILITIES_REVISION_1 == 56);
C_ASSERT(NDIS_SIZEOF_NIC_SWITCH_CAPABILITIES_REVISION_1 == 32);
C_ASSERT(sizeof(IF_COUNTED_STRING) == 516);
C_ASSERT(FIELD_OFFSET(NDIS_RECEIVE_QUEUE_PARAMETERS, ProcessorAffinity) == 24);
C_ASSERT(NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_1 == 1084);
C_ASSERT(sizeof(NDIS_RECEIVE_FILTER_FIELD_PARAMETERS) == 56);
C_ASSERT(NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_1 == 36);
C_ASSERT(FIELD_OFFSET(NDIS_SHARED_MEMORY_PARAMETERS, SharedMemoryHandle) == 16);
C_ASSERT(FIELD_OFFSET(NDIS_SHARED_MEMORY_PARAMETERS, VirtualAddress) == 40);
C_ASSERT(NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1 == 64);

#endif

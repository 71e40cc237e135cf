/* NET_BUFFER and NET_BUFFER_LIST: the NDIS 6 packet descriptors, their accessor macros and the
 * per-NBL out-of-band information (NDIS_NET_BUFFER_LIST_INFO and the structures stored there).
 *
 * Written from Microsoft's public documentation (ndis/nbl.h reference pages): field names and
 * order as documented, x64 layout pinned below with static asserts. Accessors are plain member
 * accesses so that drivers can use them as lvalues, as they do with the WDK's. */
#ifndef NDISHOST_DDK_NDIS_NBL_H
#define NDISHOST_DDK_NDIS_NBL_H

#include "types.h"

NDISHOST_EXTERN_C_BEGIN

/* The MDL and the scatter/gather list are defined by wdm.h; only pointers to them appear here. */
struct _MDL;
struct _SCATTER_GATHER_LIST;

typedef struct _NET_BUFFER NET_BUFFER, *PNET_BUFFER;
typedef struct _NET_BUFFER_LIST NET_BUFFER_LIST, *PNET_BUFFER_LIST;
typedef struct _NET_BUFFER_LIST_CONTEXT NET_BUFFER_LIST_CONTEXT, *PNET_BUFFER_LIST_CONTEXT;
typedef struct _NET_BUFFER_SHARED_MEMORY NET_BUFFER_SHARED_MEMORY, *PNET_BUFFER_SHARED_MEMORY;

/* ---- NET_BUFFER ------------------------------------------------------------------------------- */

typedef union _NET_BUFFER_DATA_LENGTH
{
    ULONG DataLength;
    SIZE_T stDataLength;
} NET_BUFFER_DATA_LENGTH, *PNET_BUFFER_DATA_LENGTH;

typedef struct _NET_BUFFER_DATA
{
    PNET_BUFFER Next;
    struct _MDL *CurrentMdl;
    ULONG CurrentMdlOffset;
    union
    {
        ULONG DataLength;
        SIZE_T stDataLength;
    };
    struct _MDL *MdlChain;
    ULONG DataOffset;
} NET_BUFFER_DATA, *PNET_BUFFER_DATA;

typedef union _NET_BUFFER_HEADER
{
    NET_BUFFER_DATA NetBufferData;
    SLIST_HEADER Link;
} NET_BUFFER_HEADER, *PNET_BUFFER_HEADER;

struct _NET_BUFFER_SHARED_MEMORY
{
    PNET_BUFFER_SHARED_MEMORY NextSharedMemorySegment;
    ULONG SharedMemoryFlags;
    NDIS_HANDLE SharedMemoryHandle;
    ULONG SharedMemoryOffset;
    ULONG SharedMemoryLength;
};

struct _NET_BUFFER
{
    union
    {
        struct
        {
            PNET_BUFFER Next;
            struct _MDL *CurrentMdl;
            ULONG CurrentMdlOffset;
            union
            {
                ULONG DataLength;
                SIZE_T stDataLength;
            };
            struct _MDL *MdlChain;
            ULONG DataOffset;
        };
        SLIST_HEADER Link;
        NET_BUFFER_HEADER NetBufferHeader;
    };
    USHORT ChecksumBias;
    USHORT Reserved;
    NDIS_HANDLE NdisPoolHandle;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID NdisReserved[2];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID ProtocolReserved[6];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID MiniportReserved[4];
    NDIS_PHYSICAL_ADDRESS DataPhysicalAddress;
    union
    {
        PNET_BUFFER_SHARED_MEMORY SharedMemoryInfo;
        struct _SCATTER_GATHER_LIST *ScatterGatherList;
    };
};

/* ---- NET_BUFFER_LIST ------------------------------------------------------------------------- */

typedef enum _NDIS_NET_BUFFER_LIST_INFO
{
    TcpIpChecksumNetBufferListInfo,
    TcpOffloadBytesTransferred = TcpIpChecksumNetBufferListInfo,
    IPsecOffloadV1NetBufferListInfo,
    IPsecOffloadV2NetBufferListInfo = IPsecOffloadV1NetBufferListInfo,
    TcpLargeSendNetBufferListInfo,
    TcpReceiveNoPush = TcpLargeSendNetBufferListInfo,
    ClassificationHandleNetBufferListInfo,
    Ieee8021QNetBufferListInfo,
    NetBufferListCancelId,
    MediaSpecificInformation,
    NetBufferListFrameType,
    NetBufferListProtocolId = NetBufferListFrameType,
    NetBufferListHashValue,
    NetBufferListHashInfo,
    WfpNetBufferListInfo,
    IPsecOffloadV2TunnelNetBufferListInfo,
    IPsecOffloadV2HeaderNetBufferListInfo,
    NetBufferListCorrelationId,
    NetBufferListFilteringInfo,
    MediaSpecificInformationEx,
    NblOriginalInterfaceIfIndex,
    NblReAuthWfpFlowContext = NblOriginalInterfaceIfIndex,
    TcpReceiveBytesTransferred,
    NrtNameResolutionId = TcpReceiveBytesTransferred,
    SwitchForwardingReserved,
    SwitchForwardingDetail,
    VirtualSubnetInfo,
    IMReserved,
    TcpRecvSegCoalesceInfo,
    RscTcpTimestampDelta,
    TcpSendOffloadsSupplementalNetBufferListInfo = RscTcpTimestampDelta,
    GftOffloadInformation,
    GftFlowEntryId,
    NetBufferListInfoReserved3,
    MaxNetBufferListInfo
} NDIS_NET_BUFFER_LIST_INFO,
    *PNDIS_NET_BUFFER_LIST_INFO;

typedef struct _NET_BUFFER_LIST_DATA
{
    PNET_BUFFER_LIST Next;
    PNET_BUFFER FirstNetBuffer;
} NET_BUFFER_LIST_DATA, *PNET_BUFFER_LIST_DATA;

typedef union _NET_BUFFER_LIST_HEADER
{
    NET_BUFFER_LIST_DATA NetBufferListData;
    SLIST_HEADER Link;
} NET_BUFFER_LIST_HEADER, *PNET_BUFFER_LIST_HEADER;

/* Context space is used from the end towards the start: the used part is ContextData[Offset..Size). */
struct _NET_BUFFER_LIST_CONTEXT
{
    PNET_BUFFER_LIST_CONTEXT Next;
    USHORT Size;
    USHORT Offset;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) UCHAR ContextData[];
};

struct _NET_BUFFER_LIST
{
    union
    {
        struct
        {
            PNET_BUFFER_LIST Next;
            PNET_BUFFER FirstNetBuffer;
        };
        SLIST_HEADER Link;
        NET_BUFFER_LIST_HEADER NetBufferListHeader;
    };
    PNET_BUFFER_LIST_CONTEXT Context;
    PNET_BUFFER_LIST ParentNetBufferList;
    NDIS_HANDLE NdisPoolHandle;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID NdisReserved[2];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID ProtocolReserved[4];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID MiniportReserved[2];
    PVOID Scratch;
    NDIS_HANDLE SourceHandle;
    ULONG NblFlags;
    LONG ChildRefCount;
    ULONG Flags;
    union
    {
        NDIS_STATUS Status;
        ULONG NdisReserved2;
    };
    PVOID NetBufferListInfo[MaxNetBufferListInfo];
};

/* x64 layout (LP64 targets share it). */
C_ASSERT(sizeof(NET_BUFFER_DATA) == 48);
C_ASSERT(sizeof(NET_BUFFER_HEADER) == 48);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, Next) == 0);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, CurrentMdl) == 8);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, CurrentMdlOffset) == 16);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, DataLength) == 24);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, MdlChain) == 32);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, DataOffset) == 40);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, ChecksumBias) == 48);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, NdisPoolHandle) == 56);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, NdisReserved) == 64);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, ProtocolReserved) == 80);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, MiniportReserved) == 128);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, DataPhysicalAddress) == 160);
C_ASSERT(FIELD_OFFSET(NET_BUFFER, SharedMemoryInfo) == 168);
C_ASSERT(sizeof(NET_BUFFER) == 176);

C_ASSERT(sizeof(NET_BUFFER_LIST_CONTEXT) == 16);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST_CONTEXT, ContextData) == 16);
C_ASSERT(sizeof(NET_BUFFER_SHARED_MEMORY) == 32);

C_ASSERT(MaxNetBufferListInfo == 27);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, Next) == 0);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, FirstNetBuffer) == 8);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, Context) == 16);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, ParentNetBufferList) == 24);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, NdisPoolHandle) == 32);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, NdisReserved) == 48);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, ProtocolReserved) == 64);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, MiniportReserved) == 96);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, Scratch) == 112);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, SourceHandle) == 120);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, NblFlags) == 128);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, ChildRefCount) == 132);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, Flags) == 136);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, Status) == 140);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, NdisReserved2) == 140);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST, NetBufferListInfo) == 144);
C_ASSERT(sizeof(NET_BUFFER_LIST) == 368);

/* ---- NET_BUFFER_LIST accessors --------------------------------------------------------------- */

#define NET_BUFFER_LIST_NEXT_NBL(_NBL) ((_NBL)->Next)
#define NET_BUFFER_LIST_FIRST_NB(_NBL) ((_NBL)->FirstNetBuffer)
#define NET_BUFFER_LIST_FLAGS(_NBL) ((_NBL)->Flags)
#define NET_BUFFER_LIST_NBL_FLAGS(_NBL) ((_NBL)->NblFlags)
#define NET_BUFFER_LIST_STATUS(_NBL) ((_NBL)->Status)
/* Policy: a build may predefine NET_BUFFER_LIST_MINIPORT_RESERVED to view the slots with another
 * pointer type, for a source that relies on MSVC typing `c ? &slot : &nbl_pointer` (PVOID * vs
 * NET_BUFFER_LIST **) as one of its operands, where GCC and Clang make it void * (Wintun; see
 * docs/next-drivers.md). */
#ifndef NET_BUFFER_LIST_MINIPORT_RESERVED
#define NET_BUFFER_LIST_MINIPORT_RESERVED(_NBL) ((_NBL)->MiniportReserved)
#endif
#define NET_BUFFER_LIST_PROTOCOL_RESERVED(_NBL) ((_NBL)->ProtocolReserved)
#define NET_BUFFER_LIST_CONTEXT_DATA_START(_NBL) ((PUCHAR)(((_NBL)->Context) + 1) + (_NBL)->Context->Offset)
#define NET_BUFFER_LIST_CONTEXT_DATA_SIZE(_NBL) (((_NBL)->Context)->Size - ((_NBL)->Context)->Offset)
#define NET_BUFFER_LIST_INFO(_NBL, _Id) ((_NBL)->NetBufferListInfo[(_Id)])

#define NDIS_GET_NET_BUFFER_LIST_CANCEL_ID(_NBL) (NET_BUFFER_LIST_INFO(_NBL, NetBufferListCancelId))
#define NDIS_SET_NET_BUFFER_LIST_CANCEL_ID(_NBL, _CancelId)                                                            \
    NET_BUFFER_LIST_INFO(_NBL, NetBufferListCancelId) = (PVOID)(ULONG_PTR)(_CancelId)

#define NET_BUFFER_LIST_GET_HASH_VALUE(_NBL) ((ULONG)(ULONG_PTR)(NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashValue)))
#define NET_BUFFER_LIST_SET_HASH_VALUE(_NBL, _HashValue)                                                               \
    (NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashValue) = (PVOID)(ULONG_PTR)(_HashValue))
#define NET_BUFFER_LIST_GET_HASH_TYPE(_NBL)                                                                            \
    (((ULONG)(ULONG_PTR)(NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashInfo))) & NDIS_HASH_TYPE_MASK)
#define NET_BUFFER_LIST_GET_HASH_FUNCTION(_NBL)                                                                        \
    (((ULONG)(ULONG_PTR)(NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashInfo))) & NDIS_HASH_FUNCTION_MASK)
#define NET_BUFFER_LIST_SET_HASH_TYPE(_NBL, _HashType)                                                                 \
    (NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashInfo) =                                                               \
         (PVOID)(ULONG_PTR)((((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashInfo)) &                   \
                             ~NDIS_HASH_TYPE_MASK) |                                                                   \
                            ((_HashType)&NDIS_HASH_TYPE_MASK)))
#define NET_BUFFER_LIST_SET_HASH_FUNCTION(_NBL, _HashFunction)                                                         \
    (NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashInfo) =                                                               \
         (PVOID)(ULONG_PTR)((((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO(_NBL, NetBufferListHashInfo)) &                   \
                             ~NDIS_HASH_FUNCTION_MASK) |                                                               \
                            ((_HashFunction)&NDIS_HASH_FUNCTION_MASK)))

#ifndef NDIS_HASH_FUNCTION_MASK
#define NDIS_HASH_FUNCTION_MASK 0x000000FF
#endif
#ifndef NDIS_HASH_TYPE_MASK
#define NDIS_HASH_TYPE_MASK 0x00FFFF00
#endif

/* NET_BUFFER_LIST.NblFlags */
#define NDIS_NBL_FLAGS_SEND_READ_ONLY 0x00000001
#define NDIS_NBL_FLAGS_RECV_READ_ONLY 0x00000002
#define NDIS_NBL_FLAGS_HD_SPLIT 0x00000100
#define NDIS_NBL_FLAGS_IS_IPV4 0x00000200
#define NDIS_NBL_FLAGS_IS_IPV6 0x00000400
#define NDIS_NBL_FLAGS_IS_TCP 0x00000800
#define NDIS_NBL_FLAGS_IS_UDP 0x00001000
#define NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_HEADER 0x00002000
#define NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_PAYLOAD 0x00004000
#define NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET 0x00008000
#define NDIS_NBL_FLAGS_CAPTURE_TIMESTAMP_ON_TRANSMIT 0x00010000

/* EtherType values (host byte order), e.g. for NET_BUFFER_LIST_INFO(NetBufferListFrameType). */
#define NDIS_ETH_TYPE_IPV4 0x0800
#define NDIS_ETH_TYPE_ARP 0x0806
#define NDIS_ETH_TYPE_IPV6 0x86DD
#define NDIS_ETH_TYPE_802_1X 0x888E
#define NDIS_ETH_TYPE_802_1Q 0x8100
#define NDIS_ETH_TYPE_SLOW_PROTOCOL 0x8809

#define NdisTestNblFlag(_NBL, _F) (((_NBL)->NblFlags & (_F)) != 0)
#define NdisTestNblFlags(_NBL, _F) (((_NBL)->NblFlags & (_F)) == (_F))
#define NdisSetNblFlag(_NBL, _F) ((_NBL)->NblFlags |= (_F))
#define NdisClearNblFlag(_NBL, _F) ((_NBL)->NblFlags &= ~(_F))

/* NET_BUFFER_LIST.Flags: who may use which bits. */
#define NBL_FLAGS_PROTOCOL_RESERVED 0xFFF00003
#define NBL_FLAGS_MINIPORT_RESERVED 0x0000F000
#define NBL_FLAGS_SCRATCH 0x000F0000
#define NBL_FLAGS_NDIS_RESERVED 0x00000FFC
#define NBL_PROT_RSVD_FLAGS NBL_FLAGS_PROTOCOL_RESERVED
#define NBL_TEST_FLAG(_NBL, _F) (((_NBL)->Flags & (_F)) != 0)
#define NBL_SET_FLAG(_NBL, _F) ((_NBL)->Flags |= (_F))
#define NBL_CLEAR_FLAG(_NBL, _F) ((_NBL)->Flags &= ~(_F))
#define NBL_SET_PROT_RSVD_FLAG(_NBL, _F) ((_NBL)->Flags |= ((_F)&NBL_PROT_RSVD_FLAGS))
#define NBL_CLEAR_PROT_RSVD_FLAG(_NBL, _F) ((_NBL)->Flags &= ~((_F)&NBL_PROT_RSVD_FLAGS))
#define NBL_TEST_PROT_RSVD_FLAG(_NBL, _F) ((_NBL)->Flags & ((_F)&NBL_PROT_RSVD_FLAGS))

/* Protocol ids (NET_BUFFER_LIST_POOL_PARAMETERS.ProtocolId, NetBufferListProtocolId). */
#define NDIS_PROTOCOL_ID_DEFAULT 0x00
#define NDIS_PROTOCOL_ID_TCP_IP 0x02
#define NDIS_PROTOCOL_ID_IPX 0x06
#define NDIS_PROTOCOL_ID_NBF 0x07
#define NDIS_PROTOCOL_ID_MAX 0x0F
#define NDIS_PROTOCOL_ID_MASK 0x0F

/* ---- NET_BUFFER accessors -------------------------------------------------------------------- */

#define NET_BUFFER_NEXT_NB(_NB) ((_NB)->Next)
#define NET_BUFFER_FIRST_MDL(_NB) ((_NB)->MdlChain)
#define NET_BUFFER_DATA_LENGTH(_NB) ((_NB)->DataLength)
#define NET_BUFFER_DATA_OFFSET(_NB) ((_NB)->DataOffset)
#define NET_BUFFER_CURRENT_MDL(_NB) ((_NB)->CurrentMdl)
#define NET_BUFFER_CURRENT_MDL_OFFSET(_NB) ((_NB)->CurrentMdlOffset)
#define NET_BUFFER_PROTOCOL_RESERVED(_NB) ((_NB)->ProtocolReserved)
#define NET_BUFFER_MINIPORT_RESERVED(_NB) ((_NB)->MiniportReserved)
#define NET_BUFFER_CHECKSUM_BIAS(_NB) ((_NB)->ChecksumBias)
#define NET_BUFFER_DATA_PHYSICAL_ADDRESS(_NB) ((_NB)->DataPhysicalAddress)
#define NET_BUFFER_FIRST_SHARED_MEM_INFO(_NB) ((_NB)->SharedMemoryInfo)
#define NET_BUFFER_SCATTER_GATHER_LIST(_NB) ((_NB)->ScatterGatherList)
#define NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(_SHI) ((_SHI)->NextSharedMemorySegment)
#define NET_BUFFER_SHARED_MEM_FLAGS(_SHI) ((_SHI)->SharedMemoryFlags)
#define NET_BUFFER_SHARED_MEM_HANDLE(_SHI) ((_SHI)->SharedMemoryHandle)
#define NET_BUFFER_SHARED_MEM_OFFSET(_SHI) ((_SHI)->SharedMemoryOffset)
#define NET_BUFFER_SHARED_MEM_LENGTH(_SHI) ((_SHI)->SharedMemoryLength)

/* ---- receive / send / return flags ----------------------------------------------------------- */

#define NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_RECEIVE_FLAGS_RESOURCES 0x00000002
#define NDIS_RECEIVE_FLAGS_SINGLE_ETHER_TYPE 0x00000100
#define NDIS_RECEIVE_FLAGS_SINGLE_VLAN 0x00000200
#define NDIS_RECEIVE_FLAGS_PERFECT_FILTERED 0x00000400
#define NDIS_RECEIVE_FLAGS_SINGLE_QUEUE 0x00000800
#define NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID 0x00001000
#define NDIS_RECEIVE_FLAGS_MORE_NBLS 0x00002000
#define NDIS_RECEIVE_FLAGS_SWITCH_DESTINATION_GROUP 0x00004000
#define NDIS_RECEIVE_FLAGS_SWITCH_SINGLE_SOURCE 0x00008000

#define NDIS_TEST_RECEIVE_FLAG(_Flags, _Fl) (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_RECEIVE_FLAG(_Flags, _Fl) ((_Flags) |= (_Fl))
#define NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(_Flags) NDIS_TEST_RECEIVE_FLAG((_Flags), NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL)
#define NDIS_TEST_RECEIVE_CANNOT_PEND(_Flags) NDIS_TEST_RECEIVE_FLAG((_Flags), NDIS_RECEIVE_FLAGS_RESOURCES)
#define NDIS_TEST_RECEIVE_CAN_PEND(_Flags) (((_Flags)&NDIS_RECEIVE_FLAGS_RESOURCES) == 0)

#define NDIS_RETURN_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_RETURN_FLAGS_SINGLE_QUEUE 0x00000002
#define NDIS_RETURN_FLAGS_SWITCH_SINGLE_SOURCE 0x00000004
#define NDIS_TEST_RETURN_FLAG(_Flags, _Fl) (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_RETURN_FLAG(_Flags, _Fl) ((_Flags) |= (_Fl))
#define NDIS_TEST_RETURN_AT_DISPATCH_LEVEL(_Flags) NDIS_TEST_RETURN_FLAG((_Flags), NDIS_RETURN_FLAGS_DISPATCH_LEVEL)

#define NDIS_SEND_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK 0x00000002
#define NDIS_SEND_FLAGS_SINGLE_QUEUE 0x00000004
#define NDIS_SEND_FLAGS_SWITCH_DESTINATION_GROUP 0x00000010
#define NDIS_SEND_FLAGS_SWITCH_SINGLE_SOURCE 0x00000020
#define NDIS_TEST_SEND_FLAG(_Flags, _Fl) (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_SEND_FLAG(_Flags, _Fl) ((_Flags) |= (_Fl))
#define NDIS_TEST_SEND_AT_DISPATCH_LEVEL(_Flags) NDIS_TEST_SEND_FLAG((_Flags), NDIS_SEND_FLAGS_DISPATCH_LEVEL)

#define NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_SEND_COMPLETE_FLAGS_SINGLE_QUEUE 0x00000002
#define NDIS_SEND_COMPLETE_FLAGS_SWITCH_SINGLE_SOURCE 0x00000004
#define NDIS_TEST_SEND_COMPLETE_FLAG(_Flags, _Fl) (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_SEND_COMPLETE_FLAG(_Flags, _Fl) ((_Flags) |= (_Fl))
#define NDIS_TEST_SEND_COMPLETE_AT_DISPATCH_LEVEL(_Flags)                                                              \
    NDIS_TEST_SEND_COMPLETE_FLAG((_Flags), NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL)

/* NdisMIndicateReceiveNetBufferLists / NdisReturnNetBufferLists: "any number" for NdisReturn. */
#define NDIS_ANY_NUMBER_OF_NBLS ((ULONG)-1)

/* ---- out-of-band information stored in NetBufferListInfo[] ----------------------------------- */

typedef struct _NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO
{
    union
    {
        struct
        {
            ULONG IsIPv4 : 1;
            ULONG IsIPv6 : 1;
            ULONG TcpChecksum : 1;
            ULONG UdpChecksum : 1;
            ULONG IpHeaderChecksum : 1;
            ULONG Reserved : 11;
            ULONG TcpHeaderOffset : 10;
        } Transmit;
        struct
        {
            ULONG TcpChecksumFailed : 1;
            ULONG UdpChecksumFailed : 1;
            ULONG IpChecksumFailed : 1;
            ULONG TcpChecksumSucceeded : 1;
            ULONG UdpChecksumSucceeded : 1;
            ULONG IpChecksumSucceeded : 1;
            ULONG Loopback : 1;
            ULONG TcpChecksumValueInvalid : 1;
            ULONG IpChecksumValueInvalid : 1;
        } Receive;
        PVOID Value;
    };
} NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO, *PNDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO;
C_ASSERT(sizeof(NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO) == sizeof(PVOID));

#define NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE 0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE 1
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4 0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6 1
#define NDIS_LARGE_SEND_OFFLOAD_MAX_HEADER_LENGTH 128

typedef struct _NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO
{
    union
    {
        struct
        {
            ULONG Unused : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } Transmit;
        struct
        {
            ULONG MSS : 20;
            ULONG TcpHeaderOffset : 10;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV1Transmit;
        struct
        {
            ULONG TcpPayload : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV1TransmitComplete;
        struct
        {
            ULONG MSS : 20;
            ULONG TcpHeaderOffset : 10;
            ULONG Type : 1;
            ULONG IPVersion : 1;
        } LsoV2Transmit;
        struct
        {
            ULONG Reserved : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV2TransmitComplete;
        PVOID Value;
    };
} NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO, *PNDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO;
C_ASSERT(sizeof(NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO) == sizeof(PVOID));

typedef struct _NDIS_NET_BUFFER_LIST_8021Q_INFO
{
    union
    {
        struct
        {
            UINT32 UserPriority : 3;
            UINT32 CanonicalFormatId : 1;
            UINT32 VlanId : 12;
            UINT32 Reserved : 16;
        } TagHeader;
        struct
        {
            UINT32 UserPriority : 3;
            UINT32 CanonicalFormatId : 1;
            UINT32 VlanId : 12;
            UINT32 WMMInfo : 4;
            UINT32 Reserved : 12;
        } WLanTagHeader;
        PVOID Value;
    };
} NDIS_NET_BUFFER_LIST_8021Q_INFO, *PNDIS_NET_BUFFER_LIST_8021Q_INFO;
C_ASSERT(sizeof(NDIS_NET_BUFFER_LIST_8021Q_INFO) == sizeof(PVOID));

#define NDIS_GET_NET_BUFFER_LIST_VLAN_ID(_NBL)                                                                         \
    (((PNDIS_NET_BUFFER_LIST_8021Q_INFO)&NET_BUFFER_LIST_INFO((_NBL), Ieee8021QNetBufferListInfo))->TagHeader.VlanId)
#define NDIS_SET_NET_BUFFER_LIST_VLAN_ID(_NBL, _VlanId)                                                                \
    (((PNDIS_NET_BUFFER_LIST_8021Q_INFO)&NET_BUFFER_LIST_INFO((_NBL), Ieee8021QNetBufferListInfo))->TagHeader.VlanId = \
         (_VlanId))

typedef struct _NDIS_NET_BUFFER_LIST_FILTERING_INFO
{
    union
    {
        struct
        {
            USHORT FilterId;
            union
            {
                USHORT QueueId;
                USHORT VPortId;
            };
        } FilteringInfo;
        PVOID Value;
    };
} NDIS_NET_BUFFER_LIST_FILTERING_INFO, *PNDIS_NET_BUFFER_LIST_FILTERING_INFO;
C_ASSERT(sizeof(NDIS_NET_BUFFER_LIST_FILTERING_INFO) == sizeof(PVOID));

#define NET_BUFFER_LIST_RECEIVE_FILTER_ID(_NBL)                                                                        \
    (((PNDIS_NET_BUFFER_LIST_FILTERING_INFO)&NET_BUFFER_LIST_INFO(_NBL, NetBufferListFilteringInfo))                   \
         ->FilteringInfo.FilterId)
#define NET_BUFFER_LIST_RECEIVE_QUEUE_ID(_NBL)                                                                         \
    (((PNDIS_NET_BUFFER_LIST_FILTERING_INFO)&NET_BUFFER_LIST_INFO(_NBL, NetBufferListFilteringInfo))                   \
         ->FilteringInfo.QueueId)
#define NET_BUFFER_LIST_RECEIVE_FILTER_VPORT_ID(_NBL)                                                                  \
    (((PNDIS_NET_BUFFER_LIST_FILTERING_INFO)&NET_BUFFER_LIST_INFO(_NBL, NetBufferListFilteringInfo))                   \
         ->FilteringInfo.VPortId)

NDISHOST_EXTERN_C_END

#endif

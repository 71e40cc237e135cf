/* NET_BUFFER / NET_BUFFER_LIST pool and buffer functions (ndis/nblapi.h), the MDL helpers NDIS
 * offers on top of them, and the two data-path calls a miniport makes: indicate receives and
 * complete sends.
 *
 * Written from Microsoft's public documentation: names, parameter order, types and constant values
 * as documented. The MDL itself is defined in wdm.h; these declarations only use pointers to it. */
#ifndef NDISHOST_DDK_NDIS_NBLAPI_H
#define NDISHOST_DDK_NDIS_NBLAPI_H

#include "types.h"
#include "objectheader.h"
#include "nbl.h"

NDISHOST_EXTERN_C_BEGIN

/* ---- pool parameters ------------------------------------------------------------------------- */

#define NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 1
#define NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_2 2
#define NET_BUFFER_LIST_POOL_FLAG_VERIFY 0x00000001

typedef struct _NET_BUFFER_LIST_POOL_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    UCHAR ProtocolId;
    BOOLEAN fAllocateNetBuffer;
    USHORT ContextSize;
    ULONG PoolTag;
    ULONG DataSize;
    ULONG Flags; /* revision 2 */
} NET_BUFFER_LIST_POOL_PARAMETERS, *PNET_BUFFER_LIST_POOL_PARAMETERS;

#define NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_LIST_POOL_PARAMETERS, DataSize)
#define NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_2                                                         \
    RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_LIST_POOL_PARAMETERS, Flags)

C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST_POOL_PARAMETERS, ProtocolId) == 4);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST_POOL_PARAMETERS, fAllocateNetBuffer) == 5);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST_POOL_PARAMETERS, ContextSize) == 6);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST_POOL_PARAMETERS, PoolTag) == 8);
C_ASSERT(FIELD_OFFSET(NET_BUFFER_LIST_POOL_PARAMETERS, DataSize) == 12);
C_ASSERT(NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 == 16);
C_ASSERT(NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_2 == 20);

#define NET_BUFFER_POOL_PARAMETERS_REVISION_1 1
#define NET_BUFFER_POOL_PARAMETERS_REVISION_2 2
#define NET_BUFFER_POOL_FLAG_VERIFY 0x00000001

typedef struct _NET_BUFFER_POOL_PARAMETERS
{
    NDIS_OBJECT_HEADER Header;
    ULONG PoolTag;
    ULONG DataSize;
    ULONG Flags; /* revision 2 */
} NET_BUFFER_POOL_PARAMETERS, *PNET_BUFFER_POOL_PARAMETERS;

#define NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_POOL_PARAMETERS, DataSize)
#define NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_2 RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_POOL_PARAMETERS, Flags)

C_ASSERT(NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1 == 12);
C_ASSERT(NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_2 == 16);

/* ---- MDL callbacks for advance/retreat ------------------------------------------------------- */

typedef struct _MDL *(NET_BUFFER_ALLOCATE_MDL)(PULONG BufferSize);
typedef NET_BUFFER_ALLOCATE_MDL *NET_BUFFER_ALLOCATE_MDL_HANDLER;
typedef VOID(NET_BUFFER_FREE_MDL)(struct _MDL *Mdl);
typedef NET_BUFFER_FREE_MDL *NET_BUFFER_FREE_MDL_HANDLER;

/* ---- pools ----------------------------------------------------------------------------------- */

NDIS_HANDLE NdisAllocateNetBufferListPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_LIST_POOL_PARAMETERS Parameters);
VOID NdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle);
NDIS_HANDLE NdisAllocateNetBufferPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_POOL_PARAMETERS Parameters);
VOID NdisFreeNetBufferPool(NDIS_HANDLE PoolHandle);
NDIS_HANDLE NdisGetPoolFromNetBufferList(PNET_BUFFER_LIST NetBufferList);
NDIS_HANDLE NdisGetPoolFromNetBuffer(PNET_BUFFER NetBuffer);

/* ---- NET_BUFFER_LIST / NET_BUFFER ------------------------------------------------------------ */

PNET_BUFFER_LIST NdisAllocateNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize, USHORT ContextBackFill);
PNET_BUFFER_LIST NdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                       USHORT ContextBackFill, struct _MDL *MdlChain, ULONG DataOffset,
                                                       SIZE_T DataLength);
VOID NdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList);
PNET_BUFFER NdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, struct _MDL *MdlChain, ULONG DataOffset, SIZE_T DataLength);
PNET_BUFFER NdisAllocateNetBufferMdlAndData(NDIS_HANDLE PoolHandle);
VOID NdisFreeNetBuffer(PNET_BUFFER NetBuffer);

NDIS_STATUS NdisAllocateNetBufferListContext(PNET_BUFFER_LIST NetBufferList, USHORT ContextSize, USHORT ContextBackFill,
                                             ULONG PoolTag);
VOID NdisFreeNetBufferListContext(PNET_BUFFER_LIST NetBufferList, USHORT ContextSize);

#define NDIS_CLONE_FLAGS_RESERVED 0x00000001
#define NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS 0x00000002

PNET_BUFFER_LIST NdisAllocateCloneNetBufferList(PNET_BUFFER_LIST OriginalNetBufferList,
                                                NDIS_HANDLE NetBufferListPoolHandle, NDIS_HANDLE NetBufferPoolHandle,
                                                ULONG AllocateCloneFlags);
VOID NdisFreeCloneNetBufferList(PNET_BUFFER_LIST CloneNetBufferList, ULONG FreeCloneFlags);

NDIS_STATUS NdisCopyFromNetBufferToNetBuffer(PNET_BUFFER Destination, ULONG DestinationOffset, ULONG BytesToCopy,
                                             PNET_BUFFER Source, ULONG SourceOffset, PULONG BytesCopied);
NDIS_STATUS NdisCopyReceiveNetBufferListInfo(PNET_BUFFER_LIST DestNetBufferList, PNET_BUFFER_LIST SrcNetBufferList);
NDIS_STATUS NdisCopySendNetBufferListInfo(PNET_BUFFER_LIST DestNetBufferList, PNET_BUFFER_LIST SrcNetBufferList);
UCHAR NdisGetNetBufferListProtocolId(PNET_BUFFER_LIST NetBufferList);
ULONG NdisQueryNetBufferPhysicalCount(PNET_BUFFER NetBuffer);
NDIS_STATUS NdisAdjustNetBufferCurrentMdl(PNET_BUFFER NetBuffer);

/* ---- data access ----------------------------------------------------------------------------- */

PVOID NdisGetDataBuffer(PNET_BUFFER NetBuffer, ULONG BytesNeeded, PVOID Storage, UINT AlignMultiple, UINT AlignOffset);
VOID NdisAdvanceNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                   NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler);
NDIS_STATUS NdisRetreatNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta, ULONG DataBackFill,
                                          NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler);
VOID NdisAdvanceNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                       NET_BUFFER_FREE_MDL_HANDLER FreeMdlMdlHandler);
NDIS_STATUS NdisRetreatNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList, ULONG DataOffsetDelta, ULONG DataBackFill,
                                              NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler,
                                              NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler);

/* ---- the miniport's data path ---------------------------------------------------------------- */

VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                        NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists, ULONG ReceiveFlags);
VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferList,
                                     ULONG SendCompleteFlags);

/* ---- MDLs ------------------------------------------------------------------------------------ */

struct _MDL *NdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length);
VOID NdisFreeMdl(struct _MDL *Mdl);

#define NDIS_MDL_LINKAGE(_Mdl) ((_Mdl)->Next)
#define NdisGetNextMdl(_CurrentMdl, _NextMdl)                                                                          \
    {                                                                                                                  \
        *(_NextMdl) = (_CurrentMdl)->Next;                                                                             \
    }
#define NdisAdjustMdlLength(_Mdl, _Length) ((_Mdl)->ByteCount = (_Length))
/* Needs wdm.h's MmGetSystemAddressForMdlSafe / MmGetMdlByteCount / MmGetMdlByteOffset at the point
 * of use, as in the WDK. */
#define NdisQueryMdl(_Mdl, _VirtualAddress, _Length, _Priority)                                                        \
    {                                                                                                                  \
        if ((_VirtualAddress) != NULL)                                                                                 \
        {                                                                                                              \
            *(PVOID *)(_VirtualAddress) = MmGetSystemAddressForMdlSafe((_Mdl), (_Priority));                           \
        }                                                                                                              \
        *(_Length) = MmGetMdlByteCount(_Mdl);                                                                          \
    }
#define NdisQueryMdlOffset(_Mdl, _Offset, _Length)                                                                     \
    {                                                                                                                  \
        *(_Offset) = MmGetMdlByteOffset(_Mdl);                                                                         \
        *(_Length) = MmGetMdlByteCount(_Mdl);                                                                          \
    }

NDISHOST_EXTERN_C_END

#endif

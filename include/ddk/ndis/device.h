/* Device objects an NDIS driver registers for its own I/O (NdisRegisterDeviceEx,
 * NdisDeregisterDeviceEx, NdisGetDeviceReservedExtension), e.g. the control device through which
 * a user-mode program talks to a virtual adapter. Written from Microsoft's documentation. */
#ifndef NDISHOST_DDK_NDIS_DEVICE_H
#define NDISHOST_DDK_NDIS_DEVICE_H

NDISHOST_EXTERN_C_BEGIN

typedef struct _NDIS_DEVICE_OBJECT_ATTRIBUTES
{
    NDIS_OBJECT_HEADER Header;
    PNDIS_STRING DeviceName;
    PNDIS_STRING SymbolicName;
    PDRIVER_DISPATCH *MajorFunctions;
    ULONG ExtensionSize;
    PCUNICODE_STRING DefaultSDDLString;
    LPCGUID DeviceClassGuid;
} NDIS_DEVICE_OBJECT_ATTRIBUTES, *PNDIS_DEVICE_OBJECT_ATTRIBUTES;

#define NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1 1
#define NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1                                                                \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_DEVICE_OBJECT_ATTRIBUTES, DeviceClassGuid)

NDIS_STATUS NdisRegisterDeviceEx(NDIS_HANDLE NdisHandle, PNDIS_DEVICE_OBJECT_ATTRIBUTES DeviceObjectAttributes,
                                 PDEVICE_OBJECT *pDeviceObject, PNDIS_HANDLE NdisDeviceHandle);
VOID NdisDeregisterDeviceEx(NDIS_HANDLE NdisDeviceHandle);
PVOID NdisGetDeviceReservedExtension(PDEVICE_OBJECT DeviceObject);

NDISHOST_EXTERN_C_END

C_ASSERT(sizeof(NDIS_DEVICE_OBJECT_ATTRIBUTES) == 56);

#endif

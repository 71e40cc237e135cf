/* Adapter configuration (the registry keys NDIS opens for a miniport) and NDIS string helpers:
 * NdisOpenConfigurationEx and the calls that read and write keywords through its handle. */
#ifndef NDISHOST_DDK_NDIS_CONFIGURATION_H
#define NDISHOST_DDK_NDIS_CONFIGURATION_H

#include "types.h"
#include "objectheader.h"

NDISHOST_EXTERN_C_BEGIN

typedef enum _NDIS_PARAMETER_TYPE
{
    NdisParameterInteger,
    NdisParameterHexInteger,
    NdisParameterString,
    NdisParameterMultiString,
    NdisParameterBinary
} NDIS_PARAMETER_TYPE,
    *PNDIS_PARAMETER_TYPE;

typedef struct
{
    USHORT Length;
    PVOID Buffer;
} BINARY_DATA;

typedef struct _NDIS_CONFIGURATION_PARAMETER
{
    NDIS_PARAMETER_TYPE ParameterType;
    union
    {
        ULONG IntegerData;
        NDIS_STRING StringData;
        BINARY_DATA BinaryData;
    } ParameterData;
} NDIS_CONFIGURATION_PARAMETER, *PNDIS_CONFIGURATION_PARAMETER;

#define NDIS_CONFIGURATION_OBJECT_REVISION_1 1
#define NDIS_CONFIG_FLAG_FILTER_INSTANCE_CONFIGURATION 0x00000001
typedef struct _NDIS_CONFIGURATION_OBJECT
{
    NDIS_OBJECT_HEADER Header;
    NDIS_HANDLE NdisHandle;
    ULONG Flags;
} NDIS_CONFIGURATION_OBJECT, *PNDIS_CONFIGURATION_OBJECT;
#define NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_CONFIGURATION_OBJECT, Flags)

C_ASSERT(sizeof(BINARY_DATA) == 16);
C_ASSERT(FIELD_OFFSET(NDIS_CONFIGURATION_PARAMETER, ParameterData) == 8);
C_ASSERT(sizeof(NDIS_CONFIGURATION_PARAMETER) == 24);
C_ASSERT(FIELD_OFFSET(NDIS_CONFIGURATION_OBJECT, NdisHandle) == 8);
C_ASSERT(NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 == 20);

NDIS_STATUS NdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject, PNDIS_HANDLE ConfigurationHandle);
VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle);
VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword, NDIS_PARAMETER_TYPE ParameterType);
VOID NdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                            PNDIS_CONFIGURATION_PARAMETER ParameterValue);
VOID NdisReadNetworkAddress(PNDIS_STATUS Status, PVOID *NetworkAddress, PUINT NetworkAddressLength,
                            NDIS_HANDLE ConfigurationHandle);
VOID NdisOpenConfigurationKeyByName(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, PNDIS_STRING SubKeyName,
                                    PNDIS_HANDLE SubKeyHandle);
VOID NdisOpenConfigurationKeyByIndex(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle, ULONG Index,
                                     PNDIS_STRING KeyName, PNDIS_HANDLE KeyHandle);

/* Strings. NDIS_STRING_CONST builds a counted string from a literal; -fshort-wchar makes L""
 * literals 16-bit as on Windows. */
#define NDIS_STRING_CONST(x)                                                                                           \
    {                                                                                                                  \
        sizeof(L##x) - sizeof(WCHAR), sizeof(L##x), (PWCH)L##x                                                         \
    }

/* NdisInitUnicodeString, NdisEqualString and NdisFreeString are Rtl wrappers in
 * ndis/kernel_services.h. NdisInitializeString allocates the copy that NdisFreeString frees. */
VOID NdisInitializeString(PNDIS_STRING Destination, PUCHAR Source);

NDISHOST_EXTERN_C_END

#endif

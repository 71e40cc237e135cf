/* Registry keys by name: ZwOpenKey and ZwQueryValueKey (ZwClose closes the handle, ob.c).
 *
 * What a driver can open: its service key, the RegistryPath DriverEntry received
 * (\Registry\Machine\System\CurrentControlSet\Services\<name>), and keys below it. Adapter keys
 * are reached through NdisOpenConfigurationEx (src/ndis/config.c), never by name.
 * Policy: the service keys exist and hold no values (the host has no per-driver registry
 * source yet): ZwQueryValueKey answers STATUS_OBJECT_NAME_NOT_FOUND, as Windows does for a value
 * that is absent, so a driver takes its defaults. Any other name is STATUS_OBJECT_NAME_NOT_FOUND. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <wctype.h>

typedef struct registry_key
{
    uint32_t magic;
} registry_key;
#define REGISTRY_KEY_MAGIC 0x4b474552u /* 'REGK' */

static void key_release(void *object)
{
    registry_key *k = object;
    k->magic = 0;
    free(k);
}
static struct _OBJECT_TYPE g_key_type = {"Key", key_release};

static bool has_prefix_ci(PCUNICODE_STRING s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (!s || !s->Buffer || s->Length / sizeof(WCHAR) < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (towlower((wint_t)s->Buffer[i]) != (wint_t)tolower((unsigned char)prefix[i]))
            return false;
    return true;
}

NTSTATUS ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    void *site = VF_SITE();
    (void)DesiredAccess;
    vf_check_irql_eq(PASSIVE_LEVEL, "ZwOpenKey", site);
    if (!KeyHandle || !ObjectAttributes)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "ZwOpenKey with a NULL KeyHandle or ObjectAttributes");
        return STATUS_INVALID_PARAMETER;
    }
    *KeyHandle = NULL;
    static const char services[] = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
    PCUNICODE_STRING name = ObjectAttributes->ObjectName;
    if (ObjectAttributes->RootDirectory || !has_prefix_ci(name, services) ||
        name->Length / sizeof(WCHAR) == sizeof services - 1)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    registry_key *k = calloc(1, sizeof *k);
    if (!k)
        return STATUS_INSUFFICIENT_RESOURCES;
    k->magic = REGISTRY_KEY_MAGIC;
    kernel_object_insert(k, &g_key_type, 0);
    *KeyHandle = kernel_handle_open(k);
    return STATUS_SUCCESS;
}

NTSTATUS ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                         KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass, PVOID KeyValueInformation, ULONG Length,
                         PULONG ResultLength)
{
    void *site = VF_SITE();
    (void)KeyValueInformation;
    (void)Length;
    vf_check_irql_eq(PASSIVE_LEVEL, "ZwQueryValueKey", site);
    if (!ValueName || !ResultLength)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "ZwQueryValueKey with a NULL ValueName or ResultLength");
        return STATUS_INVALID_PARAMETER;
    }
    PVOID obj = NULL;
    NTSTATUS st = ObReferenceObjectByHandle(KeyHandle, KEY_QUERY_VALUE, &g_key_type, KernelMode, &obj, NULL);
    if (!NT_SUCCESS(st))
        return st == STATUS_OBJECT_TYPE_MISMATCH ? STATUS_OBJECT_TYPE_MISMATCH : STATUS_INVALID_HANDLE;
    ObfDereferenceObject(obj);
    if ((unsigned)KeyValueInformationClass >= (unsigned)MaxKeyValueInfoClass)
        return STATUS_INVALID_PARAMETER;
    *ResultLength = 0;
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

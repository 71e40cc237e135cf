/* Miniport driver registration and unloading: DriverEntry, NdisMRegisterMiniportDriver,
 * MiniportSetOptions, NdisMDeregisterMiniportDriver, MiniportDriverUnload. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call_driver.h"
#include "characteristics.h"
#include "device_object.h"
#include "handles.h"
#include "ndis_host.h"

/* The driver whose DriverEntry is running on this thread: NdisMRegisterMiniportDriver is only
 * meaningful inside it. */
static __thread ndis_driver *t_loading;

static void utf16_from_ascii(UNICODE_STRING *us, const char *s)
{
    size_t n = strlen(s);
    us->Buffer = calloc(n + 1, sizeof(WCHAR));
    if (!us->Buffer)
        abort();
    for (size_t i = 0; i < n; i++)
        us->Buffer[i] = (WCHAR)(unsigned char)s[i];
    us->Length = (USHORT)(n * sizeof(WCHAR));
    us->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
}

static ndis_load_result check_elf(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
    {
        snprintf(err, errlen, "cannot open driver '%s': %s", path, strerror(errno));
        return NDIS_LOAD_NOT_FOUND;
    }
    unsigned char hdr[18];
    ssize_t n = read(fd, hdr, sizeof hdr);
    close(fd);
    if (n < (ssize_t)sizeof hdr || memcmp(hdr, "\177ELF", 4) != 0)
    {
        snprintf(err, errlen, "'%s' is not an ELF shared object (build the driver with -shared -fPIC)", path);
        return NDIS_LOAD_NOT_ELF;
    }
    /* e_type at offset 16, little-endian: 3 = ET_DYN */
    if (hdr[16] != 3 || hdr[17] != 0)
    {
        snprintf(err, errlen, "'%s' is an ELF file but not a shared object (build with -shared -fPIC)", path);
        return NDIS_LOAD_NOT_ELF;
    }
    return NDIS_LOAD_OK;
}

static void driver_free(ndis_driver *d)
{
    if (!d)
        return;
    ndis_handle_unregister(d);
    if (d->owner)
        vf_owner_destroy(d->owner);
    free(d->driver_object);
    free(d->registry_path.Buffer);
    free(d->path);
    free(d->name);
    d->magic = 0;
    free(d);
}

ndis_load_result ndis_driver_load(const char *path, ndis_driver **out, char *err, size_t errlen)
{
    *out = NULL;
    ndis_load_result r = check_elf(path, err, errlen);
    if (r != NDIS_LOAD_OK)
        return r;

    /* RTLD_NOW: an unresolved NDIS or kernel symbol is reported here, in one line, rather than
     * as a crash in the middle of a callback. */
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl)
    {
        snprintf(err, errlen, "cannot load driver '%s': %s", path, dlerror());
        return NDIS_LOAD_DLOPEN_FAILED;
    }
    DRIVER_INITIALIZE *entry = (DRIVER_INITIALIZE *)dlsym(dl, "DriverEntry");
    if (!entry)
    {
        snprintf(err, errlen, "'%s' has no DriverEntry (an NDIS miniport must export DriverEntry)", path);
        dlclose(dl);
        return NDIS_LOAD_NO_DRIVER_ENTRY;
    }

    ndis_driver *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->magic = NDIS_DRIVER_MAGIC;
    d->dl = dl;
    d->path = strdup(path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    d->name = strdup(base);
    char *dot = strstr(d->name, ".so");
    if (dot)
        *dot = '\0';
    char oname[96];
    snprintf(oname, sizeof oname, "driver %s", d->name);
    d->owner = vf_owner_create(VF_OWNER_DRIVER, NULL, oname);
    vf_owner_set_user(d->owner, d);
    d->driver_object = calloc(1, sizeof(DRIVER_OBJECT));
    if (!d->driver_object)
        abort();
    char regpath[256];
    snprintf(regpath, sizeof regpath, "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\%s", d->name);
    utf16_from_ascii(&d->registry_path, regpath);
    ndis_handle_register(d);

    t_loading = d;
    d->in_driver_entry = true;
    NTSTATUS st = STATUS_UNSUCCESSFUL;
    NDIS_CALL_DRIVER(d->owner, VF_CB_DRIVER_ENTRY, PASSIVE_LEVEL, st = entry(d->driver_object, &d->registry_path));
    d->in_driver_entry = false;
    t_loading = NULL;

    if (!NT_SUCCESS(st))
    {
        /* UL-01: a failing DriverEntry deregisters if it registered, and releases everything. */
        if (d->registered)
            vf_report("UL-01", d->owner, VF_CB_DRIVER_ENTRY, (void *)entry,
                      "DriverEntry returned 0x%08X after NdisMRegisterMiniportDriver succeeded, without calling "
                      "NdisMDeregisterMiniportDriver",
                      (unsigned)st);
        vf_ledger_report_leftovers(d->owner, "UL-01", "DriverEntry failed");
        snprintf(err, errlen, "DriverEntry of '%s' failed with status 0x%08X%s%s", path, (unsigned)st,
                 d->last_error[0] ? ": " : "", d->last_error);
        dlclose(dl);
        driver_free(d);
        return NDIS_LOAD_DRIVER_ENTRY_FAILED;
    }
    if (!d->registered)
    {
        snprintf(err, errlen, "DriverEntry of '%s' returned success without registering (NdisMRegisterMiniportDriver)",
                 path);
        vf_ledger_report_leftovers(d->owner, "UL-01", "DriverEntry returned without registering");
        dlclose(dl);
        driver_free(d);
        return NDIS_LOAD_NOT_REGISTERED;
    }
    *out = d;
    return NDIS_LOAD_OK;
}

void ndis_driver_unload(ndis_driver *d)
{
    if (d->adapters_live)
    {
        /* Host self-check (UL-02): NDIS unloads only after every adapter was halted. */
        fprintf(stderr, "ndishost: internal error: unloading %s with %u adapters not halted\n", d->name,
                d->adapters_live);
        abort();
    }
    MINIPORT_UNLOAD *unload = d->chars.UnloadHandler;
    if (unload && d->registered)
    {
        NDIS_CALL_DRIVER(d->owner, VF_CB_DRIVER_UNLOAD, PASSIVE_LEVEL, unload(d->driver_object));
    }
    if (d->registered)
    {
        vf_report("UL-02", d->owner, VF_CB_DRIVER_UNLOAD, (void *)unload,
                  "MiniportDriverUnload returned without calling NdisMDeregisterMiniportDriver");
        d->registered = false;
    }
    vf_ledger_report_leftovers(d->owner, "UL-02", "MiniportDriverUnload returned");
    vf_owner_set_dead(d->owner, true);
    dlclose(d->dl);
    driver_free(d);
}

static ndis_driver *driver_from_object(PDRIVER_OBJECT obj)
{
    ndis_driver *d = t_loading;
    return (d && d->driver_object == obj) ? d : NULL;
}

NDIS_STATUS
NdisMRegisterMiniportDriver(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                            NDIS_HANDLE MiniportDriverContext,
                            PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
                            PNDIS_HANDLE NdisMiniportDriverHandle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisMRegisterMiniportDriver", site);
    ndis_driver *d = driver_from_object(DriverObject);
    if (!d)
    {
        vf_report("UL-01", vf_current_owner(), VF_CB_NONE, site,
                  "NdisMRegisterMiniportDriver called outside DriverEntry or with a DRIVER_OBJECT NDIS did not pass");
        return NDIS_STATUS_FAILURE;
    }
    if (!NdisMiniportDriverHandle || !MiniportDriverCharacteristics)
    {
        vf_report("AP-02", d->owner, VF_CB_NONE, site, "NdisMRegisterMiniportDriver called with a NULL %s",
                  !NdisMiniportDriverHandle ? "NdisMiniportDriverHandle" : "MiniportDriverCharacteristics");
        return NDIS_STATUS_FAILURE;
    }
    if (d->registered)
    {
        vf_report("UL-01", d->owner, VF_CB_NONE, site, "NdisMRegisterMiniportDriver called twice");
        return NDIS_STATUS_FAILURE;
    }
    (void)RegistryPath;
    if (vf_should_fail("NdisMRegisterMiniportDriver", site))
        return NDIS_STATUS_RESOURCES;

    /* UL-03: validated as NDIS does; the status says which class of problem, the reason is
     * kept for the user's one-line error. */
    NDIS_STATUS st =
        ndis_validate_miniport_characteristics(MiniportDriverCharacteristics, d->last_error, sizeof d->last_error);
    if (st != NDIS_STATUS_SUCCESS)
    {
        vf_report("UL-03", d->owner, VF_CB_NONE, site, "NdisMRegisterMiniportDriver rejected the characteristics: %s",
                  d->last_error);
        return st;
    }
    ndis_copy_miniport_characteristics(&d->chars, MiniportDriverCharacteristics);
    d->driver_context = MiniportDriverContext;
    d->registered = true;
    *NdisMiniportDriverHandle = d;
    /* As NDIS: its own dispatch routine serves the driver object's IRPs from now on; a driver that
     * wants some of them (Wintun) saves NDIS's entry and overrides it after this call returns.
     * Policy: only empty slots are filled, so an entry the driver set before registering stays. */
    ndis_device_install_dispatch(DriverObject);

    /* NDIS calls MiniportSetOptions synchronously inside the registration. */
    if (d->chars.SetOptionsHandler)
    {
        NDIS_CALL_DRIVER(d->owner, VF_CB_SET_OPTIONS, PASSIVE_LEVEL,
                         st = d->chars.SetOptionsHandler(d, MiniportDriverContext));
        if (st != NDIS_STATUS_SUCCESS)
        {
            snprintf(d->last_error, sizeof d->last_error, "MiniportSetOptions failed with 0x%08X", (unsigned)st);
            d->registered = false;
            *NdisMiniportDriverHandle = NULL;
            return st;
        }
    }
    return NDIS_STATUS_SUCCESS;
}

VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisMDeregisterMiniportDriver", site);
    ndis_driver *d = ndis_driver_from_handle(NdisMiniportDriverHandle, "NdisMDeregisterMiniportDriver", site);
    if (!d)
        return;
    if (!d->registered)
    {
        vf_report("UL-02", d->owner, VF_CB_NONE, site,
                  "NdisMDeregisterMiniportDriver called on a driver not registered");
        return;
    }
    if (d->adapters_live)
        vf_report("UL-02", d->owner, VF_CB_NONE, site,
                  "NdisMDeregisterMiniportDriver called while %u adapter(s) are not halted (0x7C/0x0A)",
                  d->adapters_live);
    d->registered = false;
}

UINT NdisGetVersion(VOID)
{
    /* The NDIS version of the emulated system: NDIS 6.86 (Windows 11). */
    return (6u << 16) | 86u;
}

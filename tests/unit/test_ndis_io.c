/* I/O ports, mapped registers and bus data against a real simulated NIC: dispatch of every accessor
 * to the device, the resource checks of registration and mapping, the HA-09 pairing rules
 * (mismatched or missing releases, leaks reclaimed at halt return), IN-07 for a mapping outside
 * initialize, AP-01 for accesses no range covers, the non-dereferenceable mapped address, surprise
 * removal reading all ones, and configuration space. */
#include <stdio.h>
#include <unistd.h>

#include "test_ndis_interrupt_hw.h"

typedef struct io_probe
{
    PVOID ports;          /* PortOffset */
    volatile UCHAR *regs; /* mapped BAR0 */
    UINT port_base, port_count;
    NDIS_PHYSICAL_ADDRESS bar;
    UINT bar_len;
    NDIS_STATUS port_status, map_status;
} io_probe;

static io_probe io;

static int setup(void **state)
{
    (void)state;
    memset(&io, 0, sizeof io);
    ts_reset_context();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vf_findings_clear();
    return 0;
}

static NDIS_STATUS init_claim(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *port = hw_resource(CmResourceTypePort);
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *mem = hw_resource(CmResourceTypeMemory);
    assert_non_null(port);
    assert_non_null(mem);
    io.port_base = (UINT)port->u.Port.Start.QuadPart;
    io.port_count = port->u.Port.Length;
    io.bar = mem->u.Memory.Start;
    io.bar_len = mem->u.Memory.Length;
    io.port_status = NdisMRegisterIoPortRange(&io.ports, h, io.port_base, io.port_count);
    PVOID va = NULL;
    io.map_status = NdisMMapIoSpace(&va, h, io.bar, io.bar_len);
    io.regs = va;
    return NDIS_STATUS_SUCCESS;
}

static void halt_release(NDIS_HANDLE h)
{
    if (io.ports)
        NdisMDeregisterIoPortRange(h, io.port_base, io.port_count, io.ports);
    if (io.regs)
        NdisMUnmapIoSpace(h, (PVOID)io.regs, io.bar_len);
}

static void open_claimed(hw_dev *dev)
{
    hw_dev_open(dev, false);
    hw.init = init_claim;
    hw.halt = halt_release;
    assert_int_equal(ndis_adapter_initialize(dev->a), NDIS_STATUS_SUCCESS);
    assert_int_equal(io.port_status, NDIS_STATUS_SUCCESS);
    assert_int_equal(io.map_status, NDIS_STATUS_SUCCESS);
}

/* ---- dispatch ---------------------------------------------------------------------------------------- */

static void test_ports_reach_the_nic(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    /* PortOffset is the port number itself. */
    assert_int_equal((ULONG_PTR)io.ports, dev.res.io_base);
    ULONG_PTR filter = (ULONG_PTR)io.ports + SIMNIC_REG_RX_FILTER;
    NdisRawWritePortUlong(filter, SIMNIC_RXF_BROADCAST | SIMNIC_RXF_UNICAST);
    assert_int_equal(simnic_io_read(dev.nic, SIMNIC_REG_RX_FILTER, 4), SIMNIC_RXF_BROADCAST | SIMNIC_RXF_UNICAST);
    ULONG v = 0;
    NdisRawReadPortUlong(filter, &v);
    assert_int_equal(v, SIMNIC_RXF_BROADCAST | SIMNIC_RXF_UNICAST);
    USHORT w = 0;
    NdisRawReadPortUshort(filter, &w);
    assert_int_equal(w, SIMNIC_RXF_BROADCAST | SIMNIC_RXF_UNICAST);
    UCHAR b = 0;
    NdisRawWritePortUchar(filter, SIMNIC_RXF_PROMISC);
    NdisRawReadPortUchar(filter, &b);
    assert_int_equal(b, SIMNIC_RXF_PROMISC);
    WRITE_PORT_ULONG((PULONG)(filter), SIMNIC_RXF_MULTICAST);
    assert_int_equal(READ_PORT_ULONG((PULONG)(filter)), SIMNIC_RXF_MULTICAST);
    ULONG buf[3] = {0};
    NdisRawReadPortBufferUlong(filter, buf, 3);
    assert_int_equal(buf[0], SIMNIC_RXF_MULTICAST);
    assert_int_equal(buf[2], SIMNIC_RXF_MULTICAST);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_registers_reach_the_nic(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    volatile ULONG *mac_lo = (volatile ULONG *)(io.regs + SIMNIC_REG_MAC_LO);
    NdisWriteRegisterUlong(mac_lo, 0x44332211u);
    assert_int_equal(simnic_mmio_read(dev.nic, SIMNIC_REG_MAC_LO, 4), 0x44332211u);
    ULONG v = 0;
    NdisReadRegisterUlong(mac_lo, &v);
    assert_int_equal(v, 0x44332211u);
    UCHAR b = 0;
    NdisReadRegisterUchar((volatile UCHAR *)mac_lo + 1, &b);
    assert_int_equal(b, 0x22);
    WRITE_REGISTER_USHORT((volatile USHORT *)mac_lo, 0xBBAA);
    assert_int_equal(READ_REGISTER_ULONG(mac_lo), 0x4433BBAAu);
    ULONG two[2] = {0};
    READ_REGISTER_BUFFER_ULONG(mac_lo, two, 2); /* MAC_LO, MAC_HI */
    assert_int_equal(two[0], 0x4433BBAAu);
    assert_int_equal(two[1], simnic_mmio_read(dev.nic, SIMNIC_REG_MAC_HI, 4));
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_mapped_address_is_not_memory(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    /* The page offset of the physical address is kept, as MmMapIoSpace does. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    assert_int_equal((uintptr_t)io.regs & (page - 1), (uint64_t)io.bar.QuadPart & (page - 1));
    /* The pages behind it grant no access at all, so a plain dereference faults (checked through the
     * process's own mappings rather than by faulting, which sanitizers would intercept). */
    FILE *maps = fopen("/proc/self/maps", "r");
    assert_non_null(maps);
    char line[512], perms[8] = "";
    uintptr_t at = (uintptr_t)io.regs;
    while (fgets(line, sizeof line, maps))
    {
        unsigned long lo, hi;
        char pr[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, pr) == 3 && at >= lo && at < hi)
        {
            strcpy(perms, pr);
            break;
        }
    }
    fclose(maps);
    assert_string_equal(perms, "---p");
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_surprise_removed_nic_reads_all_ones(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    simnic_surprise_remove(dev.nic);
    ULONG v = 0;
    NdisReadRegisterUlong((volatile ULONG *)(io.regs + SIMNIC_REG_STATUS), &v);
    assert_int_equal(v, 0xFFFFFFFFu);
    UCHAR b = 0;
    NdisRawReadPortUchar((ULONG_PTR)io.ports + SIMNIC_REG_STATUS, &b);
    assert_int_equal(b, 0xFF);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_access_outside_every_range_is_ap01(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    ULONG v = 0;
    NdisRawReadPortUlong((ULONG_PTR)io.ports + io.port_count, &v); /* one past the range */
    assert_int_equal(v, 0xFFFFFFFFu);
    assert_int_equal(count_rule("AP-01"), 1);
    static ULONG host_memory = 0x12345678u;
    NdisReadRegisterUlong(&host_memory, &v); /* not a mapped register: never dereferenced */
    assert_int_equal(v, 0xFFFFFFFFu);
    NdisWriteRegisterUlong(&host_memory, 0);
    assert_int_equal(host_memory, 0x12345678u);
    assert_int_equal(count_rule("AP-01"), 3);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 3);
}

/* ---- registration rules ------------------------------------------------------------------------------- */

static NDIS_STATUS init_outside_resources(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *port = hw_resource(CmResourceTypePort);
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *mem = hw_resource(CmResourceTypeMemory);
    PVOID out = (PVOID)1;
    io.port_status = NdisMRegisterIoPortRange(&out, h, (UINT)port->u.Port.Start.QuadPart + 8, port->u.Port.Length);
    assert_null(out);
    PVOID va = (PVOID)1;
    NDIS_PHYSICAL_ADDRESS beyond = mem->u.Memory.Start;
    beyond.QuadPart += mem->u.Memory.Length;
    io.map_status = NdisMMapIoSpace(&va, h, beyond, 4);
    assert_null(va);
    return NDIS_STATUS_SUCCESS;
}

static void test_claims_outside_the_resources_are_ap02_conflicts(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.init = init_outside_resources;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(io.port_status, NDIS_STATUS_RESOURCE_CONFLICT);
    assert_int_equal(io.map_status, NDIS_STATUS_RESOURCE_CONFLICT);
    assert_int_equal(count_rule("AP-02"), 2);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 2);
}

static NDIS_STATUS init_virtual_claims(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    assert_null(params->AllocatedResources);
    PVOID out = NULL;
    io.port_status = NdisMRegisterIoPortRange(&out, h, 0x300, 8);
    UCHAR cfg[4] = {0};
    assert_int_equal(NdisMGetBusData(h, PCI_WHICHSPACE_CONFIG, 0, cfg, sizeof cfg), 0);
    return NDIS_STATUS_SUCCESS;
}

static void test_virtual_adapter_has_no_ports_and_no_bus(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, true);
    hw.init = init_virtual_claims;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(io.port_status, NDIS_STATUS_RESOURCE_CONFLICT);
    assert_int_equal(count_rule("AP-02"), 1);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

static NDIS_STATUS restart_maps(NDIS_HANDLE h)
{
    PVOID va = NULL;
    io.map_status = NdisMMapIoSpace(&va, h, io.bar, io.bar_len);
    io.regs = va;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS init_ports_only(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *mem = hw_resource(CmResourceTypeMemory);
    io.bar = mem->u.Memory.Start;
    io.bar_len = mem->u.Memory.Length;
    return NDIS_STATUS_SUCCESS;
}

static void test_map_io_space_outside_initialize_is_in07(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.init = init_ports_only;
    hw.restart = restart_maps;
    hw.halt = halt_release;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_restart(dev.a), NDIS_STATUS_SUCCESS);
    assert_int_equal(io.map_status, NDIS_STATUS_SUCCESS); /* reported, then carried out */
    assert_int_equal(count_rule("IN-07"), 1);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 1);
}

/* ---- releases (HA-09) ----------------------------------------------------------------------------------- */

static void halt_mismatched(NDIS_HANDLE h)
{
    NdisMDeregisterIoPortRange(h, io.port_base, io.port_count / 2, io.ports); /* a sub-range */
    NdisMUnmapIoSpace(h, (PVOID)io.regs, io.bar_len / 2);                     /* another Length */
}

static void test_mismatched_releases_are_ha09_once_each(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    hw.halt = halt_mismatched;
    ndis_adapter_halt(dev.a, NdisHaltDeviceDisabled, NULL);
    /* One finding per mistake: the ranges were released as the driver meant, nothing leaks. */
    assert_int_equal(count_rule("HA-09"), 2);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_IO_PORT), 0);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_IO_SPACE), 0);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 2);
}

static void halt_nothing(NDIS_HANDLE h)
{
    (void)h;
}

static void test_leaked_ranges_are_ha09_and_reclaimed(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    hw.halt = halt_nothing;
    ULONG_PTR port = (ULONG_PTR)io.ports;
    volatile ULONG *reg = (volatile ULONG *)io.regs;
    ndis_adapter_halt(dev.a, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(count_rule("HA-09"), 2);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_IO_PORT), 0);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_IO_SPACE), 0);
    /* Released for real: neither is reachable any more. */
    vf_findings_clear();
    ULONG v = 0;
    NdisRawReadPortUlong(port, &v);
    NdisReadRegisterUlong(reg, &v);
    assert_int_equal(count_rule("AP-01"), 2);
    hw_dev_close(&dev);
}

static void halt_double_release(NDIS_HANDLE h)
{
    halt_release(h);
    NdisMDeregisterIoPortRange(h, io.port_base, io.port_count, io.ports);
    NdisMUnmapIoSpace(h, (PVOID)io.regs, io.bar_len);
}

static void test_double_release_is_ha09(void **state)
{
    (void)state;
    hw_dev dev;
    open_claimed(&dev);
    hw.halt = halt_double_release;
    hw_dev_close(&dev);
    assert_int_equal(count_rule("HA-09"), 2);
    assert_int_equal(vf_findings_count(), 2);
}

static NDIS_STATUS init_fail_after_claims(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    init_claim(h, params);
    return NDIS_STATUS_RESOURCES;
}

static void test_failed_initialize_leaving_claims_is_in04(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.init = init_fail_after_claims;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_RESOURCES);
    assert_int_equal(count_rule("IN-04"), 2);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_IO_PORT), 0);
    assert_int_equal(vf_ledger_count(dev.a->owner, VF_RES_IO_SPACE), 0);
    hw_dev_close(&dev);
    assert_true(count_rule("IN-05") <= 1); /* RESOURCES without an error-log entry is advice only */
}

/* ---- bus data -------------------------------------------------------------------------------------------- */

static NDIS_STATUS init_bus_data(NDIS_HANDLE h, PNDIS_MINIPORT_INIT_PARAMETERS params)
{
    (void)params;
    USHORT ids[2] = {0};
    assert_int_equal(NdisMGetBusData(h, PCI_WHICHSPACE_CONFIG, 0, ids, sizeof ids), sizeof ids);
    assert_int_equal(ids[0], SIMNIC_PCI_VENDOR_ID);
    assert_int_equal(ids[1], SIMNIC_PCI_DEVICE_ID);
    UCHAR line = 0x5A;
    assert_int_equal(NdisMSetBusData(h, PCI_WHICHSPACE_CONFIG, 0x3C, &line, 1), 1);
    UCHAR back = 0;
    assert_int_equal(NdisMGetBusData(h, PCI_WHICHSPACE_CONFIG, 0x3C, &back, 1), 1);
    assert_int_equal(back, 0x5A);
    UCHAR big[16];
    assert_int_equal(NdisMGetBusData(h, PCI_WHICHSPACE_CONFIG, SIMNIC_CONFIG_SPACE_SIZE - 4, big, sizeof big), 4);
    assert_int_equal(NdisMGetBusData(h, PCI_WHICHSPACE_ROM, 0, big, sizeof big), 0);
    return NDIS_STATUS_SUCCESS;
}

static void test_bus_data_is_the_nic_configuration_space(void **state)
{
    (void)state;
    hw_dev dev;
    hw_dev_open(&dev, false);
    hw.init = init_bus_data;
    assert_int_equal(ndis_adapter_initialize(dev.a), NDIS_STATUS_SUCCESS);
    hw_dev_close(&dev);
    assert_int_equal(vf_findings_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ports_reach_the_nic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registers_reach_the_nic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mapped_address_is_not_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_surprise_removed_nic_reads_all_ones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_outside_every_range_is_ap01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claims_outside_the_resources_are_ap02_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtual_adapter_has_no_ports_and_no_bus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_io_space_outside_initialize_is_in07, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mismatched_releases_are_ha09_once_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leaked_ranges_are_ha09_and_reclaimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_release_is_ha09, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_initialize_leaving_claims_is_in04, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bus_data_is_the_nic_configuration_space, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

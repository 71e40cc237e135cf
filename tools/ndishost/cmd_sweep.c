/* `ndishost sweep`: option parsing; the engine is ndishost_sweep (src/host/sweep.c). */
#include <ndishost/ndishost.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "host/report.h"

static void sweep_usage(FILE *f)
{
    fputs("usage: ndishost sweep [DRIVER.so] [options]\n"
          "\n"
          "Fail the driver's fallible calls one by one: for k = 1, 2, ... run the lifecycle (DriverEntry ..\n"
          "MiniportDriverUnload) in a fresh child process with the k-th fallible call failing, until k is\n"
          "no longer reached. Each step must end in a completed lifecycle or a clean failure (nothing left\n"
          "behind); a finding, a crash or a hang is a sweep finding. docs/sweep.md has the details.\n"
          "\n"
          "  -m, --mode M           transient (only call k fails), persistent (k and every later call),\n"
          "                         unique-site (each driver call site once), all (default); or a list\n"
          "  -a, --adapters N       adapters per step (default 1)\n"
          "  -n, --packets N        frames sent per adapter per step (default 4)\n"
          "  -k, --max-k N          at most N steps per mode (default 10000)\n"
          "  -r, --registry FILE    adapter registry (docs/registry-file.md); overrides the INF\n"
          "      --inf FILE.inf     the driver's INF as the adapters' registry defaults (docs/inf.md)\n"
          "      --mac-seed N|off   seeded NetworkAddress per adapter (default 0; docs/inf.md)\n"
          "      --nic sim|none     a simulated NIC per adapter (default) or none (a virtual miniport)\n"
          "  -j, --json FILE        write the JSON report (docs/json-report.md, docs/sweep.md); - for stdout\n"
          "      --junit FILE       write a JUnit XML report, one testcase per step (docs/reports.md)\n"
          "      --sarif FILE       write a SARIF 2.1.0 report (docs/reports.md)\n"
          "      --source-root DIR  SARIF paths relative to DIR (default: the current directory)\n"
          "  -w, --watchdog MS      wall-clock limit of one step (default 20000); NDIS's own watchdogs\n"
          "                         (pause, restart, OID, halt) get a quarter of it\n"
          "  -v, --verbose          the findings of each step under its line\n"
          "  -q, --no-progress      no progress line on stderr\n"
          "\n"
          "Exit status: 0 clean, 1 findings, 2 usage or input error.\n",
          f);
}

int cmd_sweep(int argc, char **argv)
{
    ndishost_sweep_options o;
    ndishost_sweep_options_init(&o);
    o.progress = isatty(STDERR_FILENO);
    enum
    {
        OPT_JUNIT = 1000,
        OPT_SARIF,
        OPT_SOURCE_ROOT,
        OPT_INF,
        OPT_NIC,
        OPT_MAC_SEED,
    };
    static const struct option longopts[] = {
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"sarif", required_argument, NULL, OPT_SARIF},
        {"source-root", required_argument, NULL, OPT_SOURCE_ROOT},
        {"mode", required_argument, NULL, 'm'},
        {"adapters", required_argument, NULL, 'a'},
        {"packets", required_argument, NULL, 'n'},
        {"max-k", required_argument, NULL, 'k'},
        {"registry", required_argument, NULL, 'r'},
        {"inf", required_argument, NULL, OPT_INF},
        {"nic", required_argument, NULL, OPT_NIC},
        {"mac-seed", required_argument, NULL, OPT_MAC_SEED},
        {"json", required_argument, NULL, 'j'},
        {"watchdog", required_argument, NULL, 'w'},
        {"verbose", no_argument, NULL, 'v'},
        {"no-progress", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    unsigned max_k = 0;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":m:a:n:k:r:j:w:vqh", longopts, NULL)) != -1)
    {
        switch (ch)
        {
        case 'm':
        {
            int m = ndishost_parse_sweep_modes(optarg);
            if (m <= 0)
            {
                fprintf(stderr, "ndishost: unknown sweep mode '%s' (transient, persistent, unique-site, all)\n",
                        optarg);
                return NDISHOST_EXIT_USAGE;
            }
            o.modes = (unsigned)m;
            break;
        }
        case 'a':
            if (cli_parse_uint("--adapters", optarg, 1, 1024, &o.adapters))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'n':
            if (cli_parse_uint("--packets", optarg, 0, 1000000, &o.packets))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'k':
            if (cli_parse_uint("--max-k", optarg, 1, 100000000, &max_k))
                return NDISHOST_EXIT_USAGE;
            o.max_k = max_k;
            break;
        case 'r':
            o.registry = optarg;
            break;
        case OPT_INF:
            o.inf = optarg;
            break;
        case OPT_NIC:
            if (strcmp(optarg, "sim") && strcmp(optarg, "none"))
            {
                fprintf(stderr, "ndishost: --nic must be sim or none, not '%s'\n", optarg);
                return NDISHOST_EXIT_USAGE;
            }
            o.nic = optarg;
            break;
        case OPT_MAC_SEED:
            o.mac_seed = optarg;
            break;
        case 'j':
            o.json_path = optarg;
            break;
        case OPT_JUNIT:
            o.junit_path = optarg;
            break;
        case OPT_SARIF:
            o.sarif_path = optarg;
            break;
        case OPT_SOURCE_ROOT:
            report_set_source_root(optarg);
            break;
        case 'w':
            if (cli_parse_uint("--watchdog", optarg, 1, 3600000, &o.watchdog_ms))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'v':
            o.verbose++;
            break;
        case 'q':
            o.progress = false;
            break;
        case 'h':
            sweep_usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "ndishost: option '%s' needs a value (see 'ndishost sweep --help')\n", argv[optind - 1]);
            return NDISHOST_EXIT_USAGE;
        default:
            fprintf(stderr, "ndishost: unknown option '%s' (see 'ndishost sweep --help')\n", argv[optind - 1]);
            return NDISHOST_EXIT_USAGE;
        }
    }
    if (optind < argc)
        o.driver_path = argv[optind++];
    if (optind < argc)
    {
        fprintf(stderr, "ndishost: unexpected argument '%s'\n", argv[optind]);
        return NDISHOST_EXIT_USAGE;
    }
    if (!o.driver_path)
        o.driver_path = cli_default_driver();
    ndishost_sweep_result r;
    int rc = ndishost_sweep(&o, &r);
    if (rc == NDISHOST_EXIT_USAGE)
        fprintf(stderr, "ndishost: %s\n", r.error);
    return rc;
}

/* Shared by the ndishost subcommands (main.c, cmd_sweep.c, cmd_bridge.c). */
#ifndef NDISHOST_TOOLS_CLI_H
#define NDISHOST_TOOLS_CLI_H

/* Parses a decimal number in [min, max]; prints one "ndishost: ..." line and returns -1 otherwise. */
int cli_parse_uint(const char *opt, const char *s, unsigned min, unsigned max, unsigned *out);
/* The built-in reference driver (vnic.so) next to the executable or where it was installed. */
const char *cli_default_driver(void);
/* `ndishost sweep ...` (argv[0] is "sweep"). */
int cmd_sweep(int argc, char **argv);
/* `ndishost bridge ...` (argv[0] is "bridge"). */
int cmd_bridge(int argc, char **argv);

#endif

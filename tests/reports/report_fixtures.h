/* Representative findings for the report tests: every shape a writer meets (a source line, a leak,
 * no file but a module, no site at all, an id outside the rule table, a warning, a repeated
 * finding) and messages with everything XML and JSON must survive: markup, quotes, ampersands,
 * control characters, invalid UTF-8, "]]>", non-ASCII text and addresses that change per run. */
#ifndef NDISHOST_TESTS_REPORT_FIXTURES_H
#define NDISHOST_TESTS_REPORT_FIXTURES_H

#include <stdio.h>
#include <string.h>

#include "host/report.h"

#define FIXTURE_COUNT 7

/* Nasty driver message: tag-like text, both quotes, '&', "]]>", a tab, a newline, a carriage
 * return, C0 controls (0x01, 0x1b), DEL, a lone continuation byte, a truncated sequence, an
 * overlong '/' and a UTF-16 surrogate encoded in UTF-8, then valid non-ASCII (é, €, 😀). */
static const char fixture_nasty[] = "bad <tag attr=\"x\"> & 'q' ]]> tab\there\nline2\rcr \x01\x1b\x7f "
                                    "lone\x80 trunc\xe2\x82 over\xc0\xaf sur\xed\xa0\x80 "
                                    "ok:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";

/* Fills `f[0..FIXTURE_COUNT)` and `messages` (the messages are formatted into it so that the
 * address differs per `salt`). `srcdir` is where the "driver sources" live (under the source
 * root in the tests), `outside` a directory outside it. */
static inline void fixture_fill(vf_finding f[FIXTURE_COUNT], char messages[FIXTURE_COUNT][256], const char *srcdir,
                                const char *outside, unsigned long salt)
{
    static char files[3][512];
    snprintf(files[0], sizeof files[0], "%s/zoo/timer leak.c", srcdir);
    snprintf(files[1], sizeof files[1], "%s/vnic.c", srcdir);
    snprintf(files[2], sizeof files[2], "%s/other/driver.c", outside);
    memset(f, 0, sizeof(vf_finding) * FIXTURE_COUNT);

    snprintf(messages[0], 256,
             "timer object 0x%lx allocated in MiniportInitializeEx still allocated when "
             "MiniportHaltEx returned",
             0x7ffd1000UL + salt * 0x40);
    f[0] = (vf_finding){.rule = "HA-04",
                        .severity = VF_SEV_ERROR,
                        .callback = "MiniportInitializeEx",
                        .owner = "adapter 0",
                        .message = messages[0],
                        .seq = 1,
                        .count = 1,
                        .leak = true,
                        .site = {.file = files[0],
                                 .line = 87,
                                 .function = "ZooInitialize",
                                 .module = "/build/drivers/zoo_timer_leak.so",
                                 .offset = 0x1234 + salt}};

    snprintf(messages[1], 256, "%s", fixture_nasty);
    f[1] = (vf_finding){.rule = "IQ-01",
                        .severity = VF_SEV_ERROR,
                        .callback = "MiniportInterruptDPC",
                        .owner = "adapter 1",
                        .message = messages[1],
                        .seq = 2,
                        .count = 3,
                        .site = {.file = files[1], .line = 412, .function = "Vnic<Dpc>&\"x\"", .module = NULL}};

    snprintf(messages[2], 256, "NdisFreeSpinLock never called for lock at %p", (void *)(0x55aa0000UL + salt * 8));
    f[2] = (vf_finding){.rule = "HA-10",
                        .severity = VF_SEV_WARNING,
                        .callback = "MiniportHaltEx",
                        .owner = "adapter 0",
                        .message = messages[2],
                        .seq = 3,
                        .count = 1,
                        .leak = true,
                        .site = {.file = files[2], .line = 9, .function = "OtherHalt"}};

    snprintf(messages[3], 256, "call from an address outside any known source line");
    f[3] = (vf_finding){.rule = "TX-01",
                        .severity = VF_SEV_ERROR,
                        .callback = "MiniportSendNetBufferLists",
                        .owner = "adapter 0",
                        .message = messages[3],
                        .seq = 4,
                        .count = 1,
                        .site = {.module = "/build/drivers/stripped driver.so", .offset = 0x4000 + salt}};

    snprintf(messages[4], 256, "child process killed by signal 11 (SIGSEGV) after %lu ms", 1000 + salt);
    f[4] = (vf_finding){.rule = VF_RULE_HOST_ERROR,
                        .severity = VF_SEV_ERROR,
                        .callback = "host",
                        .owner = NULL,
                        .message = messages[4],
                        .seq = 5,
                        .count = 1};

    snprintf(messages[5], 256, "a rule id this version does not know");
    f[5] = (vf_finding){.rule = "ZZ-99",
                        .severity = VF_SEV_ERROR,
                        .callback = "MiniportHaltEx",
                        .owner = "driver",
                        .message = messages[5],
                        .seq = 6,
                        .count = 1,
                        .site = {.file = files[1], .line = 1, .function = "VnicHalt"}};

    /* Same rule, file, function and message shape as [0]: a second leak that differs only in its
     * numbers (the fingerprint is equal, told apart by its occurrence suffix). */
    snprintf(messages[6], 256,
             "timer object 0x%lx allocated in MiniportInitializeEx still allocated when "
             "MiniportHaltEx returned",
             0x7ffd2000UL + salt * 0x40);
    f[6] = (vf_finding){.rule = "HA-04",
                        .severity = VF_SEV_ERROR,
                        .callback = "MiniportInitializeEx",
                        .owner = "adapter 0",
                        .message = messages[6],
                        .seq = 7,
                        .count = 1,
                        .leak = true,
                        .site = {.file = files[0], .line = 91, .function = "ZooInitialize"}};
}

#endif

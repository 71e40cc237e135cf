/* NDIS version selection, as a driver project makes it: the build defines one of NDIS60_MINIPORT,
 * NDIS61_MINIPORT, NDIS620_MINIPORT, ... NDIS689_MINIPORT (or the NDISxxx protocol/filter
 * equivalents), and the headers derive NDIS_MINIPORT_MAJOR_VERSION / NDIS_MINIPORT_MINOR_VERSION
 * and the NDIS_SUPPORT_NDISxxx feature switches from it.
 *
 * Policy: with no version macro at all (the host's own code, tools) everything up to the newest
 * version is visible. Structures always carry every documented revision's fields; a driver picks
 * its revision through Header.Revision/Size, never through a shorter struct. */
#ifndef NDISHOST_DDK_NDIS_VERSION_H
#define NDISHOST_DDK_NDIS_VERSION_H

#if defined(NDIS689_MINIPORT) || defined(NDIS689)
#define NDISHOST_NDIS_MINOR 89
#elif defined(NDIS688_MINIPORT) || defined(NDIS688)
#define NDISHOST_NDIS_MINOR 88
#elif defined(NDIS687_MINIPORT) || defined(NDIS687)
#define NDISHOST_NDIS_MINOR 87
#elif defined(NDIS686_MINIPORT) || defined(NDIS686)
#define NDISHOST_NDIS_MINOR 86
#elif defined(NDIS685_MINIPORT) || defined(NDIS685)
#define NDISHOST_NDIS_MINOR 85
#elif defined(NDIS684_MINIPORT) || defined(NDIS684)
#define NDISHOST_NDIS_MINOR 84
#elif defined(NDIS683_MINIPORT) || defined(NDIS683)
#define NDISHOST_NDIS_MINOR 83
#elif defined(NDIS682_MINIPORT) || defined(NDIS682)
#define NDISHOST_NDIS_MINOR 82
#elif defined(NDIS681_MINIPORT) || defined(NDIS681)
#define NDISHOST_NDIS_MINOR 81
#elif defined(NDIS680_MINIPORT) || defined(NDIS680)
#define NDISHOST_NDIS_MINOR 80
#elif defined(NDIS670_MINIPORT) || defined(NDIS670)
#define NDISHOST_NDIS_MINOR 70
#elif defined(NDIS660_MINIPORT) || defined(NDIS660)
#define NDISHOST_NDIS_MINOR 60
#elif defined(NDIS651_MINIPORT) || defined(NDIS651)
#define NDISHOST_NDIS_MINOR 51
#elif defined(NDIS650_MINIPORT) || defined(NDIS650)
#define NDISHOST_NDIS_MINOR 50
#elif defined(NDIS640_MINIPORT) || defined(NDIS640)
#define NDISHOST_NDIS_MINOR 40
#elif defined(NDIS630_MINIPORT) || defined(NDIS630)
#define NDISHOST_NDIS_MINOR 30
#elif defined(NDIS620_MINIPORT) || defined(NDIS620)
#define NDISHOST_NDIS_MINOR 20
#elif defined(NDIS61_MINIPORT) || defined(NDIS61)
#define NDISHOST_NDIS_MINOR 1
#elif defined(NDIS60_MINIPORT) || defined(NDIS60)
#define NDISHOST_NDIS_MINOR 0
#else
#define NDISHOST_NDIS_MINOR 89
#define NDISHOST_NDIS_VERSION_DEFAULTED 1
#endif

#if !defined(NDISHOST_NDIS_VERSION_DEFAULTED)
#define NDIS_MINIPORT_MAJOR_VERSION 6
#define NDIS_MINIPORT_MINOR_VERSION NDISHOST_NDIS_MINOR
#endif

#define NDIS_SUPPORT_NDIS6 1
#define NDIS_SUPPORT_NDIS61 (NDISHOST_NDIS_MINOR >= 1)
#define NDIS_SUPPORT_NDIS620 (NDISHOST_NDIS_MINOR >= 20)
#define NDIS_SUPPORT_NDIS630 (NDISHOST_NDIS_MINOR >= 30)
#define NDIS_SUPPORT_NDIS640 (NDISHOST_NDIS_MINOR >= 40)
#define NDIS_SUPPORT_NDIS650 (NDISHOST_NDIS_MINOR >= 50)
#define NDIS_SUPPORT_NDIS651 (NDISHOST_NDIS_MINOR >= 51)
#define NDIS_SUPPORT_NDIS660 (NDISHOST_NDIS_MINOR >= 60)
#define NDIS_SUPPORT_NDIS670 (NDISHOST_NDIS_MINOR >= 70)
#define NDIS_SUPPORT_NDIS680 (NDISHOST_NDIS_MINOR >= 80)
#define NDIS_SUPPORT_NDIS681 (NDISHOST_NDIS_MINOR >= 81)
#define NDIS_SUPPORT_NDIS682 (NDISHOST_NDIS_MINOR >= 82)
#define NDIS_SUPPORT_NDIS683 (NDISHOST_NDIS_MINOR >= 83)
#define NDIS_SUPPORT_NDIS684 (NDISHOST_NDIS_MINOR >= 84)
#define NDIS_SUPPORT_NDIS685 (NDISHOST_NDIS_MINOR >= 85)
#define NDIS_SUPPORT_NDIS686 (NDISHOST_NDIS_MINOR >= 86)
#define NDIS_SUPPORT_NDIS687 (NDISHOST_NDIS_MINOR >= 87)
#define NDIS_SUPPORT_NDIS688 (NDISHOST_NDIS_MINOR >= 88)
#define NDIS_SUPPORT_NDIS689 (NDISHOST_NDIS_MINOR >= 89)

/* NdisGetVersion's encoding: major in the high word, minor in the low word. */
#define NDIS_RUNTIME_VERSION_60 ((6 << 16) | 0)
#define NDIS_RUNTIME_VERSION_61 ((6 << 16) | 1)
#define NDIS_RUNTIME_VERSION_620 ((6 << 16) | 20)
#define NDIS_RUNTIME_VERSION_630 ((6 << 16) | 30)
#define NDIS_RUNTIME_VERSION_640 ((6 << 16) | 40)
#define NDIS_RUNTIME_VERSION_650 ((6 << 16) | 50)
#define NDIS_RUNTIME_VERSION_651 ((6 << 16) | 51)
#define NDIS_RUNTIME_VERSION_660 ((6 << 16) | 60)
#define NDIS_RUNTIME_VERSION_670 ((6 << 16) | 70)
#define NDIS_RUNTIME_VERSION_680 ((6 << 16) | 80)
#define NDIS_RUNTIME_VERSION_681 ((6 << 16) | 81)
#define NDIS_RUNTIME_VERSION_682 ((6 << 16) | 82)
#define NDIS_RUNTIME_VERSION_683 ((6 << 16) | 83)
#define NDIS_RUNTIME_VERSION_684 ((6 << 16) | 84)
#define NDIS_RUNTIME_VERSION_685 ((6 << 16) | 85)
#define NDIS_RUNTIME_VERSION_686 ((6 << 16) | 86)
#define NDIS_RUNTIME_VERSION_687 ((6 << 16) | 87)
#define NDIS_RUNTIME_VERSION_688 ((6 << 16) | 88)
#define NDIS_RUNTIME_VERSION_689 ((6 << 16) | 89)

#endif

/* Rtl memory comparison, bit scans, byte swaps and bitmaps. */
#include "kernel_internal.h"

SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *a = Source1, *b = Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

SIZE_T RtlCompareMemoryUlong(PVOID Source, SIZE_T Length, ULONG Pattern)
{
    const ULONG *p = Source;
    SIZE_T n = Length / sizeof(ULONG), i = 0;
    while (i < n && p[i] == Pattern)
        i++;
    return i * sizeof(ULONG);
}

CCHAR RtlFindLeastSignificantBit(ULONGLONG Set)
{
    return Set ? (CCHAR)__builtin_ctzll(Set) : (CCHAR)-1;
}

CCHAR RtlFindMostSignificantBit(ULONGLONG Set)
{
    return Set ? (CCHAR)(63 - __builtin_clzll(Set)) : (CCHAR)-1;
}

UCHAR RtlNumberOfSetBitsUlongPtr(ULONG_PTR Target)
{
    return (UCHAR)__builtin_popcountll((unsigned long long)Target);
}

USHORT RtlUshortByteSwap(USHORT Source)
{
    return __builtin_bswap16(Source);
}

ULONG RtlUlongByteSwap(ULONG Source)
{
    return __builtin_bswap32(Source);
}

ULONGLONG RtlUlonglongByteSwap(ULONGLONG Source)
{
    return __builtin_bswap64(Source);
}

/* ---- bitmaps ---------------------------------------------------------------------------------- */

VOID RtlInitializeBitMap(PRTL_BITMAP BitMapHeader, PULONG BitMapBuffer, ULONG SizeOfBitMap)
{
    BitMapHeader->SizeOfBitMap = SizeOfBitMap;
    BitMapHeader->Buffer = BitMapBuffer;
}

static inline bool bit_get(const RTL_BITMAP *b, ULONG i)
{
    return (b->Buffer[i / 32] >> (i % 32)) & 1u;
}

static inline void bit_put(PRTL_BITMAP b, ULONG i, bool v)
{
    if (v)
        b->Buffer[i / 32] |= 1u << (i % 32);
    else
        b->Buffer[i / 32] &= ~(1u << (i % 32));
}

BOOLEAN RtlCheckBit(PRTL_BITMAP BitMapHeader, ULONG BitPosition)
{
    return BitPosition < BitMapHeader->SizeOfBitMap && bit_get(BitMapHeader, BitPosition);
}

BOOLEAN RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    return RtlCheckBit(BitMapHeader, BitNumber);
}

VOID RtlSetBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    if (BitNumber < BitMapHeader->SizeOfBitMap)
        bit_put(BitMapHeader, BitNumber, true);
}

VOID RtlClearBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    if (BitNumber < BitMapHeader->SizeOfBitMap)
        bit_put(BitMapHeader, BitNumber, false);
}

VOID RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToSet)
{
    for (ULONG i = 0; i < NumberToSet && StartingIndex + i < BitMapHeader->SizeOfBitMap; i++)
        bit_put(BitMapHeader, StartingIndex + i, true);
}

VOID RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToClear)
{
    for (ULONG i = 0; i < NumberToClear && StartingIndex + i < BitMapHeader->SizeOfBitMap; i++)
        bit_put(BitMapHeader, StartingIndex + i, false);
}

VOID RtlSetAllBits(PRTL_BITMAP BitMapHeader)
{
    RtlSetBits(BitMapHeader, 0, BitMapHeader->SizeOfBitMap);
}

VOID RtlClearAllBits(PRTL_BITMAP BitMapHeader)
{
    RtlClearBits(BitMapHeader, 0, BitMapHeader->SizeOfBitMap);
}

ULONG RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader)
{
    ULONG n = 0;
    for (ULONG i = 0; i < BitMapHeader->SizeOfBitMap; i++)
        n += bit_get(BitMapHeader, i);
    return n;
}

ULONG RtlNumberOfClearBits(PRTL_BITMAP BitMapHeader)
{
    return BitMapHeader->SizeOfBitMap - RtlNumberOfSetBits(BitMapHeader);
}

static bool run_is(const RTL_BITMAP *b, ULONG start, ULONG len, bool v)
{
    if ((ULONGLONG)start + len > b->SizeOfBitMap)
        return false;
    for (ULONG i = 0; i < len; i++)
        if (bit_get(b, start + i) != v)
            return false;
    return true;
}

BOOLEAN RtlAreBitsClear(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
    return run_is(BitMapHeader, StartingIndex, Length, false);
}

BOOLEAN RtlAreBitsSet(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
    return run_is(BitMapHeader, StartingIndex, Length, true);
}

/* Searches from the hint to the end, then wraps to the start, as documented. */
static ULONG find_run(PRTL_BITMAP b, ULONG n, ULONG hint, bool v)
{
    ULONG size = b->SizeOfBitMap;
    if (n == 0 || n > size)
        return n == 0 ? 0 : 0xFFFFFFFFu;
    if (hint >= size)
        hint = 0;
    for (ULONG pass = 0; pass < 2; pass++)
    {
        ULONG from = pass ? 0 : hint, to = size - n;
        for (ULONG i = from; i <= to; i++)
            if (run_is(b, i, n, v))
                return i;
    }
    return 0xFFFFFFFFu;
}

ULONG RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    return find_run(BitMapHeader, NumberToFind, HintIndex, false);
}

ULONG RtlFindSetBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    return find_run(BitMapHeader, NumberToFind, HintIndex, true);
}

ULONG RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    ULONG i = find_run(BitMapHeader, NumberToFind, HintIndex, false);
    if (i != 0xFFFFFFFFu)
        RtlSetBits(BitMapHeader, i, NumberToFind);
    return i;
}

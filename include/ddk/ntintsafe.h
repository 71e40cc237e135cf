/* ntintsafe.h for drivers built against ndishost: overflow-checked integer arithmetic and
 * conversions (Rtl<Type>Add / Sub / Mult and Rtl<From>To<To>), as documented for the WDK's
 * ntintsafe.h. Each returns STATUS_SUCCESS with the result, or STATUS_INTEGER_OVERFLOW with the
 * result set to the type's error value (all bits set for unsigned types, -1 for signed ones).
 * Implemented with the compiler's overflow builtins; static inline, as in the WDK. */
#ifndef NDISHOST_DDK_NTINTSAFE_H
#define NDISHOST_DDK_NTINTSAFE_H

#include "ntdef.h"
#include "ntstatus.h"

#define NDISHOST_INTSAFE static inline __attribute__((unused)) NTSTATUS

#define INTSAFE_E_ARITHMETIC_OVERFLOW STATUS_INTEGER_OVERFLOW
#define UCHAR_ERROR 0xffU
#define USHORT_ERROR 0xffffU
#define UINT_ERROR 0xffffffffU
#define ULONG_ERROR 0xffffffffUL
#define ULONGLONG_ERROR 0xffffffffffffffffULL
#define SIZET_ERROR ULONGLONG_ERROR
#define ULONG_PTR_ERROR ULONGLONG_ERROR
#define DWORD_ERROR ULONG_ERROR
#define SHORT_ERROR (-1)
#define INT_ERROR (-1)
#define LONG_ERROR (-1L)
#define LONGLONG_ERROR (-1LL)
#define LONG_PTR_ERROR (-1LL)
#define SSIZET_ERROR (-1LL)
#define INT8_ERROR (-1)
#define UINT8_ERROR 0xffU
#define INT16_ERROR (-1)
#define UINT16_ERROR 0xffffU
#define INT32_ERROR (-1)
#define UINT32_ERROR 0xffffffffU
#define INT64_ERROR (-1LL)
#define UINT64_ERROR 0xffffffffffffffffULL

NDISHOST_INTSAFE RtlUCharAdd(UCHAR Augend, UCHAR Addend, UCHAR *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharSub(UCHAR Minuend, UCHAR Subtrahend, UCHAR *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharMult(UCHAR Multiplicand, UCHAR Multiplier, UCHAR *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortAdd(USHORT Augend, USHORT Addend, USHORT *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortSub(USHORT Minuend, USHORT Subtrahend, USHORT *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortMult(USHORT Multiplicand, USHORT Multiplier, USHORT *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntAdd(UINT Augend, UINT Addend, UINT *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntSub(UINT Minuend, UINT Subtrahend, UINT *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntMult(UINT Multiplicand, UINT Multiplier, UINT *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongAdd(ULONG Augend, ULONG Addend, ULONG *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongSub(ULONG Minuend, ULONG Subtrahend, ULONG *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongMult(ULONG Multiplicand, ULONG Multiplier, ULONG *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongAdd(ULONGLONG Augend, ULONGLONG Addend, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongSub(ULONGLONG Minuend, ULONGLONG Subtrahend, ULONGLONG *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongMult(ULONGLONG Multiplicand, ULONGLONG Multiplier, ULONGLONG *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTAdd(SIZE_T Augend, SIZE_T Addend, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTSub(SIZE_T Minuend, SIZE_T Subtrahend, SIZE_T *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTMult(SIZE_T Multiplicand, SIZE_T Multiplier, SIZE_T *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrAdd(ULONG_PTR Augend, ULONG_PTR Addend, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrSub(ULONG_PTR Minuend, ULONG_PTR Subtrahend, ULONG_PTR *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrMult(ULONG_PTR Multiplicand, ULONG_PTR Multiplier, ULONG_PTR *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordAdd(DWORD Augend, DWORD Addend, DWORD *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordSub(DWORD Minuend, DWORD Subtrahend, DWORD *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordMult(DWORD Multiplicand, DWORD Multiplier, DWORD *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordPtrAdd(DWORD_PTR Augend, DWORD_PTR Addend, DWORD_PTR *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (DWORD_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordPtrSub(DWORD_PTR Minuend, DWORD_PTR Subtrahend, DWORD_PTR *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (DWORD_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordPtrMult(DWORD_PTR Multiplicand, DWORD_PTR Multiplier, DWORD_PTR *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (DWORD_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8Add(UINT8 Augend, UINT8 Addend, UINT8 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8Sub(UINT8 Minuend, UINT8 Subtrahend, UINT8 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8Mult(UINT8 Multiplicand, UINT8 Multiplier, UINT8 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt16Add(UINT16 Augend, UINT16 Addend, UINT16 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (UINT16)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt16Sub(UINT16 Minuend, UINT16 Subtrahend, UINT16 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (UINT16)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt16Mult(UINT16 Multiplicand, UINT16 Multiplier, UINT16 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (UINT16)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32Add(UINT32 Augend, UINT32 Addend, UINT32 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32Sub(UINT32 Minuend, UINT32 Subtrahend, UINT32 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32Mult(UINT32 Multiplicand, UINT32 Multiplier, UINT32 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt64Add(UINT64 Augend, UINT64 Addend, UINT64 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (UINT64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt64Sub(UINT64 Minuend, UINT64 Subtrahend, UINT64 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (UINT64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt64Mult(UINT64 Multiplicand, UINT64 Multiplier, UINT64 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (UINT64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWord64Add(DWORD64 Augend, DWORD64 Addend, DWORD64 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (DWORD64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWord64Sub(DWORD64 Minuend, DWORD64 Subtrahend, DWORD64 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (DWORD64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWord64Mult(DWORD64 Multiplicand, DWORD64 Multiplier, DWORD64 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (DWORD64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULong64Add(ULONG64 Augend, ULONG64 Addend, ULONG64 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (ULONG64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULong64Sub(ULONG64 Minuend, ULONG64 Subtrahend, ULONG64 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (ULONG64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULong64Mult(ULONG64 Multiplicand, ULONG64 Multiplier, ULONG64 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (ULONG64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortAdd(SHORT Augend, SHORT Addend, SHORT *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortSub(SHORT Minuend, SHORT Subtrahend, SHORT *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortMult(SHORT Multiplicand, SHORT Multiplier, SHORT *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntAdd(INT Augend, INT Addend, INT *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntSub(INT Minuend, INT Subtrahend, INT *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntMult(INT Multiplicand, INT Multiplier, INT *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongAdd(LONG Augend, LONG Addend, LONG *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongSub(LONG Minuend, LONG Subtrahend, LONG *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongMult(LONG Multiplicand, LONG Multiplier, LONG *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongAdd(LONGLONG Augend, LONGLONG Addend, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongSub(LONGLONG Minuend, LONGLONG Subtrahend, LONGLONG *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongMult(LONGLONG Multiplicand, LONGLONG Multiplier, LONGLONG *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8Add(INT8 Augend, INT8 Addend, INT8 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8Sub(INT8 Minuend, INT8 Subtrahend, INT8 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8Mult(INT8 Multiplicand, INT8 Multiplier, INT8 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt16Add(INT16 Augend, INT16 Addend, INT16 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (INT16)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt16Sub(INT16 Minuend, INT16 Subtrahend, INT16 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (INT16)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt16Mult(INT16 Multiplicand, INT16 Multiplier, INT16 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (INT16)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32Add(INT32 Augend, INT32 Addend, INT32 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32Sub(INT32 Minuend, INT32 Subtrahend, INT32 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32Mult(INT32 Multiplicand, INT32 Multiplier, INT32 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt64Add(INT64 Augend, INT64 Addend, INT64 *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (INT64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt64Sub(INT64 Minuend, INT64 Subtrahend, INT64 *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (INT64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt64Mult(INT64 Multiplicand, INT64 Multiplier, INT64 *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (INT64)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrAdd(LONG_PTR Augend, LONG_PTR Addend, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrSub(LONG_PTR Minuend, LONG_PTR Subtrahend, LONG_PTR *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrMult(LONG_PTR Multiplicand, LONG_PTR Multiplier, LONG_PTR *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTAdd(SSIZE_T Augend, SSIZE_T Addend, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Augend, Addend, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTSub(SSIZE_T Minuend, SSIZE_T Subtrahend, SSIZE_T *pResult)
{
    if (__builtin_sub_overflow(Minuend, Subtrahend, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTMult(SSIZE_T Multiplicand, SSIZE_T Multiplier, SSIZE_T *pResult)
{
    if (__builtin_mul_overflow(Multiplicand, Multiplier, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToUShort(ULONG Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToUChar(ULONG Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToUInt(ULONG Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToLong(ULONG Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToInt(ULONG Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToShort(ULONG Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToULongLong(ULONG Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToLongLong(ULONG Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToSizeT(ULONG Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToULongPtr(ULONG Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToLongPtr(ULONG Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToDWord(ULONG Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToInt8(ULONG Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToUInt8(ULONG Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToSSizeT(ULONG Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToInt32(ULONG Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongToUInt32(ULONG Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToULong(USHORT Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToUChar(USHORT Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToUInt(USHORT Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToLong(USHORT Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToInt(USHORT Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToShort(USHORT Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToULongLong(USHORT Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToLongLong(USHORT Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToSizeT(USHORT Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToULongPtr(USHORT Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToLongPtr(USHORT Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToDWord(USHORT Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToInt8(USHORT Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToUInt8(USHORT Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToSSizeT(USHORT Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToInt32(USHORT Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUShortToUInt32(USHORT Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToULong(UCHAR Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToUShort(UCHAR Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToUInt(UCHAR Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToLong(UCHAR Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToInt(UCHAR Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToShort(UCHAR Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToULongLong(UCHAR Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToLongLong(UCHAR Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToSizeT(UCHAR Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToULongPtr(UCHAR Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToLongPtr(UCHAR Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToDWord(UCHAR Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToInt8(UCHAR Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToUInt8(UCHAR Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToSSizeT(UCHAR Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToInt32(UCHAR Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUCharToUInt32(UCHAR Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToULong(UINT Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToUShort(UINT Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToUChar(UINT Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToLong(UINT Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToInt(UINT Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToShort(UINT Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToULongLong(UINT Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToLongLong(UINT Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToSizeT(UINT Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToULongPtr(UINT Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToLongPtr(UINT Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToDWord(UINT Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToInt8(UINT Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToUInt8(UINT Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToSSizeT(UINT Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToInt32(UINT Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUIntToUInt32(UINT Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToULong(LONG Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToUShort(LONG Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToUChar(LONG Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToUInt(LONG Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToInt(LONG Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToShort(LONG Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToULongLong(LONG Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToLongLong(LONG Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToSizeT(LONG Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToULongPtr(LONG Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToLongPtr(LONG Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToDWord(LONG Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToInt8(LONG Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToUInt8(LONG Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToSSizeT(LONG Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToInt32(LONG Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongToUInt32(LONG Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToULong(INT Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToUShort(INT Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToUChar(INT Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToUInt(INT Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToLong(INT Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToShort(INT Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToULongLong(INT Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToLongLong(INT Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToSizeT(INT Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToULongPtr(INT Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToLongPtr(INT Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToDWord(INT Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToInt8(INT Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToUInt8(INT Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToSSizeT(INT Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToInt32(INT Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlIntToUInt32(INT Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToULong(SHORT Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToUShort(SHORT Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToUChar(SHORT Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToUInt(SHORT Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToLong(SHORT Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToInt(SHORT Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToULongLong(SHORT Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToLongLong(SHORT Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToSizeT(SHORT Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToULongPtr(SHORT Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToLongPtr(SHORT Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToDWord(SHORT Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToInt8(SHORT Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToUInt8(SHORT Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToSSizeT(SHORT Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToInt32(SHORT Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlShortToUInt32(SHORT Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToULong(ULONGLONG Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToUShort(ULONGLONG Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToUChar(ULONGLONG Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToUInt(ULONGLONG Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToLong(ULONGLONG Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToInt(ULONGLONG Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToShort(ULONGLONG Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToLongLong(ULONGLONG Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToSizeT(ULONGLONG Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToULongPtr(ULONGLONG Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToLongPtr(ULONGLONG Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToDWord(ULONGLONG Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToInt8(ULONGLONG Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToUInt8(ULONGLONG Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToSSizeT(ULONGLONG Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToInt32(ULONGLONG Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongLongToUInt32(ULONGLONG Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToULong(LONGLONG Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToUShort(LONGLONG Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToUChar(LONGLONG Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToUInt(LONGLONG Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToLong(LONGLONG Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToInt(LONGLONG Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToShort(LONGLONG Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToULongLong(LONGLONG Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToSizeT(LONGLONG Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToULongPtr(LONGLONG Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToLongPtr(LONGLONG Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToDWord(LONGLONG Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToInt8(LONGLONG Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToUInt8(LONGLONG Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToSSizeT(LONGLONG Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToInt32(LONGLONG Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongLongToUInt32(LONGLONG Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToULong(SIZE_T Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToUShort(SIZE_T Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToUChar(SIZE_T Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToUInt(SIZE_T Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToLong(SIZE_T Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToInt(SIZE_T Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToShort(SIZE_T Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToULongLong(SIZE_T Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToLongLong(SIZE_T Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToULongPtr(SIZE_T Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToLongPtr(SIZE_T Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToDWord(SIZE_T Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToInt8(SIZE_T Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToUInt8(SIZE_T Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToSSizeT(SIZE_T Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToInt32(SIZE_T Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSizeTToUInt32(SIZE_T Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToULong(ULONG_PTR Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToUShort(ULONG_PTR Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToUChar(ULONG_PTR Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToUInt(ULONG_PTR Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToLong(ULONG_PTR Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToInt(ULONG_PTR Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToShort(ULONG_PTR Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToULongLong(ULONG_PTR Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToLongLong(ULONG_PTR Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToSizeT(ULONG_PTR Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToLongPtr(ULONG_PTR Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToDWord(ULONG_PTR Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToInt8(ULONG_PTR Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToUInt8(ULONG_PTR Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToSSizeT(ULONG_PTR Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToInt32(ULONG_PTR Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlULongPtrToUInt32(ULONG_PTR Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToULong(LONG_PTR Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToUShort(LONG_PTR Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToUChar(LONG_PTR Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToUInt(LONG_PTR Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToLong(LONG_PTR Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToInt(LONG_PTR Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToShort(LONG_PTR Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToULongLong(LONG_PTR Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToLongLong(LONG_PTR Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToSizeT(LONG_PTR Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToULongPtr(LONG_PTR Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToDWord(LONG_PTR Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToInt8(LONG_PTR Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToUInt8(LONG_PTR Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToSSizeT(LONG_PTR Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToInt32(LONG_PTR Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlLongPtrToUInt32(LONG_PTR Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToULong(DWORD Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToUShort(DWORD Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToUChar(DWORD Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToUInt(DWORD Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToLong(DWORD Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToInt(DWORD Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToShort(DWORD Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToULongLong(DWORD Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToLongLong(DWORD Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToSizeT(DWORD Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToULongPtr(DWORD Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToLongPtr(DWORD Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToInt8(DWORD Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToUInt8(DWORD Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToSSizeT(DWORD Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToInt32(DWORD Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlDWordToUInt32(DWORD Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToULong(INT8 Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToUShort(INT8 Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToUChar(INT8 Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToUInt(INT8 Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToLong(INT8 Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToInt(INT8 Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToShort(INT8 Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToULongLong(INT8 Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToLongLong(INT8 Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToSizeT(INT8 Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToULongPtr(INT8 Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToLongPtr(INT8 Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToDWord(INT8 Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToUInt8(INT8 Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToSSizeT(INT8 Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToInt32(INT8 Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt8ToUInt32(INT8 Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToULong(UINT8 Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToUShort(UINT8 Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToUChar(UINT8 Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToUInt(UINT8 Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToLong(UINT8 Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToInt(UINT8 Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToShort(UINT8 Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToULongLong(UINT8 Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToLongLong(UINT8 Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToSizeT(UINT8 Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToULongPtr(UINT8 Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToLongPtr(UINT8 Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToDWord(UINT8 Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToInt8(UINT8 Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToSSizeT(UINT8 Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToInt32(UINT8 Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt8ToUInt32(UINT8 Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToULong(SSIZE_T Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToUShort(SSIZE_T Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToUChar(SSIZE_T Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToUInt(SSIZE_T Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToLong(SSIZE_T Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToInt(SSIZE_T Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToShort(SSIZE_T Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToULongLong(SSIZE_T Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToLongLong(SSIZE_T Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToSizeT(SSIZE_T Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToULongPtr(SSIZE_T Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToLongPtr(SSIZE_T Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToDWord(SSIZE_T Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToInt8(SSIZE_T Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToUInt8(SSIZE_T Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToInt32(SSIZE_T Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlSSizeTToUInt32(SSIZE_T Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToULong(INT32 Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToUShort(INT32 Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToUChar(INT32 Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToUInt(INT32 Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToLong(INT32 Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToInt(INT32 Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToShort(INT32 Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToULongLong(INT32 Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToLongLong(INT32 Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToSizeT(INT32 Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToULongPtr(INT32 Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToLongPtr(INT32 Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToDWord(INT32 Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToInt8(INT32 Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToUInt8(INT32 Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToSSizeT(INT32 Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlInt32ToUInt32(INT32 Operand, UINT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToULong(UINT32 Operand, ULONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToUShort(UINT32 Operand, USHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (USHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToUChar(UINT32 Operand, UCHAR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UCHAR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToUInt(UINT32 Operand, UINT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToLong(UINT32 Operand, LONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToInt(UINT32 Operand, INT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToShort(UINT32 Operand, SHORT *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SHORT)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToULongLong(UINT32 Operand, ULONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToLongLong(UINT32 Operand, LONGLONG *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONGLONG)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToSizeT(UINT32 Operand, SIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToULongPtr(UINT32 Operand, ULONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (ULONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToLongPtr(UINT32 Operand, LONG_PTR *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (LONG_PTR)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToDWord(UINT32 Operand, DWORD *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (DWORD)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToInt8(UINT32 Operand, INT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToUInt8(UINT32 Operand, UINT8 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (UINT8)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToSSizeT(UINT32 Operand, SSIZE_T *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (SSIZE_T)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

NDISHOST_INTSAFE RtlUInt32ToInt32(UINT32 Operand, INT32 *pResult)
{
    if (__builtin_add_overflow(Operand, 0, pResult))
    {
        *pResult = (INT32)-1;
        return STATUS_INTEGER_OVERFLOW;
    }
    return STATUS_SUCCESS;
}

#endif

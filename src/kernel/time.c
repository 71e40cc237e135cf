/* Time: system time (wall clock, 100 ns since 1601), interrupt time and tick count (since the
 * host started), the performance counter, and busy-wait stalls. */
#include "kernel_internal.h"

#include <time.h>

/* Policy: the clock tick is the Windows default, 15.625 ms (156250 x 100 ns). */
#define TIME_INCREMENT_100NS 156250u
/* Policy: the performance counter runs at 10 MHz, as on current Windows x64. */
#define PERF_FREQUENCY 10000000ll

static uint64_t boot_ns;

static uint64_t since_boot_ns(void)
{
    uint64_t now = exec_now_ns();
    uint64_t b = __atomic_load_n(&boot_ns, __ATOMIC_ACQUIRE);
    if (!b)
    {
        uint64_t zero = 0;
        __atomic_compare_exchange_n(&boot_ns, &zero, now, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        b = __atomic_load_n(&boot_ns, __ATOMIC_ACQUIRE);
    }
    return now - b;
}

__attribute__((constructor)) static void time_init(void)
{
    (void)since_boot_ns();
}

ULONG64 ndishost_ke_tick_count(void)
{
    return since_boot_ns() / 100u / TIME_INCREMENT_100NS;
}

ULONG KeQueryTimeIncrement(void)
{
    return TIME_INCREMENT_100NS;
}

LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    if (PerformanceFrequency)
        PerformanceFrequency->QuadPart = PERF_FREQUENCY;
    LARGE_INTEGER li;
    li.QuadPart = (LONGLONG)(since_boot_ns() / 100u);
    return li;
}

VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = exec_system_time();
}

VOID KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = exec_system_time();
}

ULONGLONG KeQueryInterruptTime(void)
{
    return since_boot_ns() / 100u;
}

ULONGLONG KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp)
{
    ULONGLONG t = since_boot_ns() / 100u;
    if (QpcTimeStamp)
        *QpcTimeStamp = t;
    return t;
}

ULONGLONG KeQueryUnbiasedInterruptTime(void)
{
    return since_boot_ns() / 100u;
}

VOID KeStallExecutionProcessor(ULONG MicroSeconds)
{
    exec_stall_ns((uint64_t)MicroSeconds * 1000u);
}

VOID RtlTimeToTimeFields(PLARGE_INTEGER Time, PTIME_FIELDS TimeFields)
{
    /* 1601-01-01 was a Monday; Weekday counts from Sunday = 0. */
    int64_t t = Time->QuadPart;
    int64_t ms_total = t / 10000;
    int64_t days = ms_total / 86400000;
    int64_t ms = ms_total % 86400000;
    TimeFields->Milliseconds = (CSHORT)(ms % 1000);
    TimeFields->Second = (CSHORT)((ms / 1000) % 60);
    TimeFields->Minute = (CSHORT)((ms / 60000) % 60);
    TimeFields->Hour = (CSHORT)(ms / 3600000);
    TimeFields->Weekday = (CSHORT)((days + 1) % 7);
    /* Civil date from days since 1601-01-01 (a 400-year cycle start). */
    int64_t year = 1601 + (days / 146097) * 400;
    days %= 146097;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (;;)
    {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        int ylen = leap ? 366 : 365;
        if (days < ylen)
        {
            int m = 0;
            for (; m < 12; m++)
            {
                int ml = mdays[m] + (m == 1 && leap);
                if (days < ml)
                    break;
                days -= ml;
            }
            TimeFields->Year = (CSHORT)year;
            TimeFields->Month = (CSHORT)(m + 1);
            TimeFields->Day = (CSHORT)(days + 1);
            return;
        }
        days -= ylen;
        year++;
    }
}

VOID ExSystemTimeToLocalTime(PLARGE_INTEGER SystemTime, PLARGE_INTEGER LocalTime)
{
    time_t now = time(NULL);
    struct tm lt;
    localtime_r(&now, &lt);
    LocalTime->QuadPart = SystemTime->QuadPart + (LONGLONG)lt.tm_gmtoff * 10000000ll;
}

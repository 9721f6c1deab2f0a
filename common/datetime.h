// TIMESTAMP, TIMESTAMPTZ and INTERVAL as PostgreSQL 15 stores, reads, prints and computes them
// (DateStyle ISO, IntervalStyle postgres, TimeZone UTC). Errors are flern::Error with
// PostgreSQL's SQLSTATEs (22007 bad syntax, 22008 out of range, 22023 bad unit).
#pragma once

#include "common/types.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace flern {

/// The code extract/date_part take for a value's type: 'd' date, 't' timestamp, 'z' timestamptz,
/// 'i' interval (shared by bind-time folding and the run-time functions).
inline char datetimeKindCode(TypeId id) {
  switch (id) {
  case TypeId::Date:
    return 'd';
  case TypeId::TimestampTz:
    return 'z';
  case TypeId::Interval:
    return 'i';
  default:
    return 't';
  }
}

inline constexpr int64_t kUsecPerSecond = 1000000;
inline constexpr int64_t kUsecPerMinute = 60 * kUsecPerSecond;
inline constexpr int64_t kUsecPerHour = 60 * kUsecPerMinute;
inline constexpr int64_t kUsecPerDay = 24 * kUsecPerHour;

/// PostgreSQL's interval: months, days and microseconds kept apart (a month is not a fixed
/// number of days). 16 bytes; in generated code one i128 (micros in the low 64 bits).
struct Interval {
  int64_t micros = 0;
  int32_t days = 0;
  int32_t months = 0;
};
static_assert(sizeof(Interval) == 16);

__int128 packInterval(const Interval& value);
Interval unpackInterval(__int128 packed);
/// The value intervals compare, hash and equal by: 30 days a month, 24 hours a day (as
/// PostgreSQL's interval_cmp_value), so '1 mon' = '30 days'.
__int128 intervalCompareKey(const Interval& value);

/// A broken-down timestamp (proleptic Gregorian, year 0 = 1 BC).
struct CivilTime {
  int year = 2000, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
};
CivilTime civilFromTimestamp(int64_t timestamp);
void civilFromDays(int32_t days, int& year, int& month, int& day);
/// Microseconds since 2000-01-01 of a civil time; raises 22008 "timestamp out of range".
int64_t timestampFromCivil(const CivilTime& time);

/// Input: ISO forms 'YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][zone]', a date alone, 'epoch'. A zone
/// (Z, UTC, +HH[:MM]) shifts a TIMESTAMPTZ to UTC and is ignored for TIMESTAMP, as in PostgreSQL.
int64_t parseTimestamp(std::string_view text, bool withTimeZone);
std::string formatTimestamp(int64_t timestamp, bool withTimeZone);
/// DATE to TIMESTAMP; raises 22008 "date out of range for timestamp" beyond 294276 AD.
int64_t dateToTimestamp(int32_t days);
/// make_date(year, month, day): negative years are BC; raises 22008 for a day that does not exist.
int32_t makeDate(int year, int month, int day);
/// TIMESTAMP to DATE (the day it falls in).
int32_t timestampToDate(int64_t timestamp);

/// Input in PostgreSQL's forms ('1 year 2 mons', '3 days 04:05:06', '90', '-1.5 hours ago').
/// `fields` is the INTERVAL_MASK of a qualifier such as INTERVAL '90' DAY (0 for none): a bare
/// number counts in the qualifier's last unit, and lower fields are dropped.
Interval parseInterval(std::string_view text, int fields = 0);
std::string formatInterval(const Interval& value);

// Arithmetic (results out of range raise 22008).
int64_t timestampPlusInterval(int64_t timestamp, const Interval& span);
Interval timestampDifference(int64_t a, int64_t b);
Interval intervalAdd(const Interval& a, const Interval& b);
Interval intervalNegate(const Interval& a);
Interval intervalMultiply(const Interval& a, double factor);
Interval intervalDivide(const Interval& a, double divisor);

/// The fields extract/date_part accept, as codes (see datetime.cpp's unit table).
enum class DateField : int {
  Microseconds,
  Milliseconds,
  Second,
  Minute,
  Hour,
  Day,
  Week,
  Month,
  Quarter,
  Year,
  Decade,
  Century,
  Millennium,
  Dow,
  IsoDow,
  Doy,
  IsoYear,
  Epoch,
  Julian,
  Timezone,
};
/// Parses a unit name (case-insensitive, plural and abbreviations accepted); -1 when unknown.
int dateFieldCode(std::string_view unit);
/// extract(field from x) as a scaled integer: the value times 10^scale, where `scale` is what
/// PostgreSQL 15's numeric result shows (6 for second/epoch of timestamps, 3 for milliseconds,
/// 0 otherwise). `kind` is 'd' date (days), 't' timestamp, 'z' timestamptz, 'i' interval.
/// Raises 0A000 for a unit the type does not have.
__int128 extractField(int field, char kind, __int128 value, int& scale);
/// The numeric scale extractField gives for this field and kind (known at bind time).
int extractScale(int field, char kind);
/// Checks that `kind` supports `field` (raises as extractField would), naming `typeName`.
void checkExtractField(int field, char kind, const std::string& unitText,
                       const std::string& typeName);
/// date_trunc(unit, timestamp): the timestamp truncated to the unit (week starts on Monday).
int64_t truncateTimestamp(int field, int64_t timestamp);
/// date_trunc(unit, interval).
Interval truncateInterval(int field, const Interval& value);
/// to_char(timestamp, format) for the date/time template patterns.
std::string formatWithTemplate(int64_t timestamp, std::string_view format, bool withTimeZone);

} // namespace flern

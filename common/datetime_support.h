// Helpers shared by the date/time source files of common/ (not part of the public API).
#pragma once

#include "common/datetime.h"
#include "common/error.h"
#include "common/types.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace flern::datetime_detail {

// PostgreSQL's timestamp range: 4714-11-24 BC to 294276-12-31 AD (as days since 2000-01-01).
inline constexpr int64_t kMinTimestampDays = -2451545;  // 4714-11-24 BC
inline constexpr int64_t kEndTimestampDays = 106741034; // 294277-01-01
inline constexpr int32_t kSecondsPerDay = 86400;
inline constexpr int32_t kDaysPerMonth = 30;

[[noreturn]] inline void timestampOutOfRange() {
  throw Error(SqlState::DatetimeFieldOverflow, "timestamp out of range");
}
[[noreturn]] inline void intervalOutOfRange() {
  throw Error(SqlState::DatetimeFieldOverflow, "interval out of range");
}

inline int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

inline bool isLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

inline int daysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1] + (month == 2 && isLeap(year) ? 1 : 0);
}

inline int32_t checkedInt32(int64_t value) {
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max())
    intervalOutOfRange();
  return static_cast<int32_t>(value);
}

inline int64_t checkedAdd(int64_t a, int64_t b) {
  int64_t result;
  if (__builtin_add_overflow(a, b, &result)) intervalOutOfRange();
  return result;
}

/// rint(x * 1e6) / 1e6: PostgreSQL's TSROUND, which keeps microsecond precision.
inline double tsRound(double x) {
  return std::rint(x * 1e6) / 1e6;
}

/// Reads digits at text[pos...]; returns the count read (0 when none).
inline int readNumber(std::string_view text, size_t& pos, int64_t& value, int maxDigits = 18) {
  value = 0;
  int count = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) &&
         count < maxDigits) {
    value = value * 10 + (text[pos++] - '0');
    ++count;
  }
  return count;
}

/// Reads ".ffffff" as microseconds (rounded, as PostgreSQL does past six digits).
inline bool readFraction(std::string_view text, size_t& pos, int64_t& micros) {
  micros = 0;
  if (pos >= text.size() || text[pos] != '.') return true;
  ++pos;
  size_t start = pos;
  double scale = 1e5, value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    value += (text[pos++] - '0') * scale;
    scale /= 10;
  }
  micros = static_cast<int64_t>(std::rint(value));
  return pos > start || true;
}

inline std::string lowerTrimmed(std::string_view text) {
  std::string out;
  for (char c : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  size_t begin = out.find_first_not_of(" \t\n");
  if (begin == std::string::npos) return "";
  return out.substr(begin, out.find_last_not_of(" \t\n") - begin + 1);
}

/// Day of the week, 0 = Sunday.
inline int dayOfWeek(int64_t days) {
  return static_cast<int>(((days + 6) % 7 + 7) % 7); // 2000-01-01 was a Saturday
}

/// ISO 8601 week-numbering year and week of a day.
inline void isoWeek(int64_t days, int& isoYear, int& week) {
  int isoDow = dayOfWeek(days) == 0 ? 7 : dayOfWeek(days);
  int64_t thursday = days - isoDow + 4; // the Thursday of this ISO week decides its year
  int year, month, day;
  civilFromDays(static_cast<int32_t>(thursday), year, month, day);
  int64_t firstOfYear = daysFromCivil(year, 1, 1);
  isoYear = year;
  week = static_cast<int>((thursday - firstOfYear) / 7 + 1);
}

inline int64_t isoWeekStart(int64_t days) {
  int isoDow = dayOfWeek(days) == 0 ? 7 : dayOfWeek(days);
  return days - (isoDow - 1);
}

} // namespace flern::datetime_detail

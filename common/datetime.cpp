#include "common/datetime.h"

#include "common/datetime_support.h"
#include "common/types.h"

#include <cstring>

namespace flern {

using namespace datetime_detail;

__int128 packInterval(const Interval& value) {
  __int128 packed;
  std::memcpy(&packed, &value, sizeof packed);
  return packed;
}

Interval unpackInterval(__int128 packed) {
  Interval value;
  std::memcpy(static_cast<void*>(&value), &packed, sizeof value);
  return value;
}

__int128 intervalCompareKey(const Interval& value) {
  return static_cast<__int128>(value.micros) +
         (static_cast<__int128>(value.days) + static_cast<__int128>(value.months) * kDaysPerMonth) *
             kUsecPerDay;
}

void civilFromDays(int32_t days, int& year, int& month, int& day) {
  int64_t z = static_cast<int64_t>(days) + 10957 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (month <= 2));
}

CivilTime civilFromTimestamp(int64_t timestamp) {
  CivilTime time;
  int64_t days = floorDiv(timestamp, kUsecPerDay);
  int64_t rest = timestamp - days * kUsecPerDay;
  civilFromDays(static_cast<int32_t>(days), time.year, time.month, time.day);
  time.hour = static_cast<int>(rest / kUsecPerHour);
  rest %= kUsecPerHour;
  time.minute = static_cast<int>(rest / kUsecPerMinute);
  rest %= kUsecPerMinute;
  time.second = static_cast<int>(rest / kUsecPerSecond);
  time.micros = static_cast<int>(rest % kUsecPerSecond);
  return time;
}

int64_t timestampFromCivil(const CivilTime& time) {
  int64_t days =
      daysFromCivil(time.year, static_cast<unsigned>(time.month), static_cast<unsigned>(time.day));
  if (days < kMinTimestampDays || days >= kEndTimestampDays) timestampOutOfRange();
  return days * kUsecPerDay + time.hour * kUsecPerHour + time.minute * kUsecPerMinute +
         time.second * kUsecPerSecond + time.micros;
}

int64_t dateToTimestamp(int32_t days) {
  if (days >= kEndTimestampDays)
    throw Error(SqlState::DatetimeFieldOverflow, "date out of range for timestamp");
  return static_cast<int64_t>(days) * kUsecPerDay;
}

int32_t makeDate(int year, int month, int day) {
  int civilYear = year < 0 ? year + 1 : year;
  if (year == 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(civilYear, month))
    throw Error(SqlState::DatetimeFieldOverflow,
                "date field value out of range: " + std::to_string(year) + "-" +
                    (month < 10 ? "0" : "") + std::to_string(month) + "-" + (day < 10 ? "0" : "") +
                    std::to_string(day));
  return daysFromCivil(civilYear, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

int32_t timestampToDate(int64_t timestamp) {
  return static_cast<int32_t>(floorDiv(timestamp, kUsecPerDay));
}

//===-- Timestamp text ------------------------------------------------------------------------===//

int64_t parseTimestamp(std::string_view input, bool withTimeZone) {
  const char* typeName = withTimeZone ? "timestamp with time zone" : "timestamp without time zone";
  auto bad = [&]() -> Error {
    return Error(SqlState::InvalidDatetimeFormat, std::string("invalid input syntax for type ") +
                                                      typeName + ": \"" + std::string(input) +
                                                      "\"");
  };
  auto outOfRange = [&]() -> Error {
    return std::move(Error(SqlState::DatetimeFieldOverflow,
                           "date/time field value out of range: \"" + std::string(input) + "\"")
                         .withHint("Perhaps you need a different \"datestyle\" setting."));
  };
  std::string text = lowerTrimmed(input);
  if (text == "epoch") return dateToTimestamp(-10957);
  if (text == "now" || text == "today" || text == "tomorrow" || text == "yesterday")
    throw Error(SqlState::FeatureNotSupported,
                "the input \"" + text + "\" is not supported; use now() or current_date");
  if (text == "infinity" || text == "-infinity")
    throw Error(SqlState::FeatureNotSupported, "infinite timestamps are not supported");
  size_t pos = 0;
  bool negativeYear = false;
  int64_t year, month, day, hour = 0, minute = 0, second = 0, micros = 0;
  if (!readNumber(text, pos, year, 9) || pos >= text.size() || text[pos++] != '-' ||
      !readNumber(text, pos, month, 2) || pos >= text.size() || text[pos++] != '-' ||
      !readNumber(text, pos, day, 2))
    throw bad();
  if (pos < text.size() && (text[pos] == ' ' || text[pos] == 't')) {
    size_t save = pos++;
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
    if (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (!readNumber(text, pos, hour, 2) || pos >= text.size() || text[pos++] != ':' ||
          readNumber(text, pos, minute, 2) != 2)
        throw bad();
      if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (readNumber(text, pos, second, 2) != 2) throw bad();
        readFraction(text, pos, micros);
      }
    } else {
      pos = save;
    }
  }
  // Optional zone: z, utc, gmt, +hh[:mm], -hh[:mm]; then optional " bc".
  int64_t offsetSeconds = 0;
  while (pos < text.size() && text[pos] == ' ')
    ++pos;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos++] == '-' ? -1 : 1;
    int64_t hours = 0, minutes = 0;
    int digits = readNumber(text, pos, hours, 4);
    if (digits == 0) throw bad();
    if (digits == 4) {
      minutes = hours % 100;
      hours /= 100;
    } else if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (readNumber(text, pos, minutes, 2) != 2) throw bad();
    }
    if (hours > 15 || minutes > 59) throw outOfRange();
    offsetSeconds = sign * (hours * 3600 + minutes * 60);
  } else if (text.compare(pos, 3, "utc") == 0 || text.compare(pos, 3, "gmt") == 0) {
    pos += 3;
  } else if (pos < text.size() && text[pos] == 'z') {
    ++pos;
  }
  while (pos < text.size() && text[pos] == ' ')
    ++pos;
  if (text.compare(pos, 2, "bc") == 0) {
    negativeYear = true;
    pos += 2;
  }
  if (pos != text.size()) throw bad();
  if (year == 0) throw outOfRange();
  if (negativeYear) year = 1 - year;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(static_cast<int>(year), month) ||
      hour > 24 || minute > 59 || second > 60 ||
      (hour == 24 && (minute != 0 || second != 0 || micros != 0)))
    throw outOfRange();
  CivilTime time{static_cast<int>(year),
                 static_cast<int>(month),
                 static_cast<int>(day),
                 0,
                 static_cast<int>(minute),
                 static_cast<int>(second),
                 0};
  int64_t value = timestampFromCivil(time);
  value += hour * kUsecPerHour + micros;
  if (withTimeZone) value -= offsetSeconds * kUsecPerSecond;
  return value;
}

std::string formatTimestamp(int64_t timestamp, bool withTimeZone) {
  CivilTime t = civilFromTimestamp(timestamp);
  bool bc = t.year <= 0;
  char buffer[64];
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d",
                        bc ? 1 - t.year : t.year, t.month, t.day, t.hour, t.minute, t.second);
  std::string out(buffer, static_cast<size_t>(n));
  if (t.micros != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06d", t.micros);
    std::string fraction(buffer);
    while (fraction.back() == '0')
      fraction.pop_back();
    out += fraction;
  }
  if (withTimeZone) out += "+00";
  if (bc) out += " BC";
  return out;
}

//===-- Arithmetic ----------------------------------------------------------------------------===//

int64_t timestampPlusInterval(int64_t timestamp, const Interval& span) {
  if (span.months != 0) {
    CivilTime t = civilFromTimestamp(timestamp);
    int64_t month = static_cast<int64_t>(t.year) * 12 + (t.month - 1) + span.months;
    t.year = static_cast<int>(floorDiv(month, 12));
    t.month = static_cast<int>(month - floorDiv(month, 12) * 12) + 1;
    if (t.year < -4714 || t.year > 294277) timestampOutOfRange();
    // The day clamps to the end of a shorter month, as in PostgreSQL.
    t.day = std::min(t.day, daysInMonth(t.year, t.month));
    timestamp = timestampFromCivil(t);
  }
  int64_t result;
  if (__builtin_add_overflow(timestamp, static_cast<int64_t>(span.days) * kUsecPerDay, &result) ||
      __builtin_add_overflow(result, span.micros, &result))
    timestampOutOfRange();
  if (result < kMinTimestampDays * kUsecPerDay || result >= kEndTimestampDays * kUsecPerDay)
    timestampOutOfRange();
  return result;
}

Interval timestampDifference(int64_t a, int64_t b) {
  int64_t diff;
  if (__builtin_sub_overflow(a, b, &diff)) intervalOutOfRange();
  // justify_hours: whole days move into the day field.
  Interval result;
  result.days = static_cast<int32_t>(diff / kUsecPerDay);
  result.micros = diff - static_cast<int64_t>(result.days) * kUsecPerDay;
  return result;
}

} // namespace flern

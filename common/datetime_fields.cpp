// Field access on dates, timestamps and intervals: extract/date_part and date_trunc.
#include "common/datetime.h"

#include "common/datetime_support.h"

#include "common/error.h"
#include "common/types.h"

#include <cctype>
#include <cstring>

namespace flern {

using namespace datetime_detail;

namespace {

using F = DateField;

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

/// PostgreSQL shows years before 1 AD as negative years without a year 0.
int64_t signedYear(int year) {
  return year > 0 ? year : year - 1;
}

bool supports(int field, char kind) {
  auto f = static_cast<F>(field);
  if (f == F::Julian) return false; // not implemented in Flern
  if (kind == 'd')
    return !(f == F::Microseconds || f == F::Milliseconds || f == F::Second || f == F::Minute ||
             f == F::Hour || f == F::Timezone);
  if (kind == 'i')
    return !(f == F::Week || f == F::Dow || f == F::IsoDow || f == F::Doy || f == F::IsoYear ||
             f == F::Timezone);
  if (kind == 't') return f != F::Timezone;
  return true;
}

} // namespace

int dateFieldCode(std::string_view unit) {
  static const std::pair<const char*, F> kNames[] = {{"microsecond", F::Microseconds},
                                                     {"microseconds", F::Microseconds},
                                                     {"us", F::Microseconds},
                                                     {"usec", F::Microseconds},
                                                     {"usecs", F::Microseconds},
                                                     {"millisecond", F::Milliseconds},
                                                     {"milliseconds", F::Milliseconds},
                                                     {"ms", F::Milliseconds},
                                                     {"msec", F::Milliseconds},
                                                     {"msecs", F::Milliseconds},
                                                     {"second", F::Second},
                                                     {"seconds", F::Second},
                                                     {"sec", F::Second},
                                                     {"secs", F::Second},
                                                     {"s", F::Second},
                                                     {"minute", F::Minute},
                                                     {"minutes", F::Minute},
                                                     {"min", F::Minute},
                                                     {"mins", F::Minute},
                                                     {"m", F::Minute},
                                                     {"hour", F::Hour},
                                                     {"hours", F::Hour},
                                                     {"hr", F::Hour},
                                                     {"hrs", F::Hour},
                                                     {"h", F::Hour},
                                                     {"day", F::Day},
                                                     {"days", F::Day},
                                                     {"d", F::Day},
                                                     {"week", F::Week},
                                                     {"weeks", F::Week},
                                                     {"w", F::Week},
                                                     {"month", F::Month},
                                                     {"months", F::Month},
                                                     {"mon", F::Month},
                                                     {"mons", F::Month},
                                                     {"quarter", F::Quarter},
                                                     {"qtr", F::Quarter},
                                                     {"year", F::Year},
                                                     {"years", F::Year},
                                                     {"yr", F::Year},
                                                     {"yrs", F::Year},
                                                     {"y", F::Year},
                                                     {"decade", F::Decade},
                                                     {"decades", F::Decade},
                                                     {"century", F::Century},
                                                     {"centuries", F::Century},
                                                     {"millennium", F::Millennium},
                                                     {"millennia", F::Millennium},
                                                     {"dow", F::Dow},
                                                     {"isodow", F::IsoDow},
                                                     {"doy", F::Doy},
                                                     {"isoyear", F::IsoYear},
                                                     {"epoch", F::Epoch},
                                                     {"julian", F::Julian},
                                                     {"timezone", F::Timezone},
                                                     {"timezone_hour", F::Timezone},
                                                     {"timezone_minute", F::Timezone}};
  std::string name = lower(unit);
  for (const auto& [text, field] : kNames)
    if (name == text) return static_cast<int>(field);
  return -1;
}

void checkExtractField(int field, char kind, const std::string& unitText,
                       const std::string& typeName) {
  if (field < 0)
    throw Error(SqlState::InvalidParameterValue,
                "unit \"" + lower(unitText) + "\" not recognized for type " + typeName);
  if (!supports(field, kind)) {
    if (static_cast<F>(field) == F::Julian)
      throw Error(SqlState::FeatureNotSupported, "the julian unit is not supported by Flern");
    throw Error(SqlState::FeatureNotSupported,
                "unit \"" + lower(unitText) + "\" not supported for type " + typeName);
  }
}

int extractScale(int field, char kind) {
  if (kind == 'd') return 0;
  switch (static_cast<F>(field)) {
  case F::Second:
  case F::Epoch:
    return 6;
  case F::Milliseconds:
    return 3;
  default:
    return 0;
  }
}

__int128 extractField(int field, char kind, __int128 value, int& scale) {
  scale = extractScale(field, kind);
  auto f = static_cast<F>(field);
  if (kind == 'i') {
    Interval span = unpackInterval(value);
    int64_t micros = span.micros;
    switch (f) {
    case F::Microseconds:
      return micros % kUsecPerMinute;
    case F::Milliseconds:
    case F::Second:
      return micros % kUsecPerMinute;
    case F::Minute:
      return micros % kUsecPerHour / kUsecPerMinute;
    case F::Hour:
      return micros / kUsecPerHour;
    case F::Day:
      return span.days;
    case F::Month:
      return span.months % 12;
    case F::Quarter:
      return span.months % 12 / 3 + 1;
    case F::Year:
      return span.months / 12;
    case F::Decade:
      return span.months / 120;
    case F::Century:
      return span.months / 1200;
    case F::Millennium:
      return span.months / 12000;
    case F::Epoch: {
      __int128 seconds =
          (static_cast<__int128>(1461) * (span.months / 12) +
           static_cast<__int128>(120) * (span.months % 12) + static_cast<__int128>(4) * span.days) *
          21600;
      return seconds * kUsecPerSecond + micros;
    }
    default:
      break;
    }
    throw Error(SqlState::FeatureNotSupported, "unit not supported for type interval");
  }
  int64_t timestamp =
      kind == 'd' ? static_cast<int64_t>(value) * kUsecPerDay : static_cast<int64_t>(value);
  int64_t days = floorDiv(timestamp, kUsecPerDay);
  CivilTime t = civilFromTimestamp(timestamp);
  int64_t secondMicros = static_cast<int64_t>(t.second) * kUsecPerSecond + t.micros;
  switch (f) {
  case F::Microseconds:
    return secondMicros;
  case F::Milliseconds:
  case F::Second:
    return secondMicros;
  case F::Minute:
    return t.minute;
  case F::Hour:
    return t.hour;
  case F::Day:
    return t.day;
  case F::Week: {
    int isoYear, week;
    isoWeek(days, isoYear, week);
    return week;
  }
  case F::Month:
    return t.month;
  case F::Quarter:
    return (t.month - 1) / 3 + 1;
  case F::Year:
    return signedYear(t.year);
  case F::Decade:
    return t.year >= 0 ? t.year / 10 : -((8 - (t.year - 1)) / 10);
  case F::Century:
    return t.year > 0 ? (t.year + 99) / 100 : -((99 - (t.year - 1)) / 100);
  case F::Millennium:
    return t.year > 0 ? (t.year + 999) / 1000 : -((999 - (t.year - 1)) / 1000);
  case F::Dow:
    return dayOfWeek(days);
  case F::IsoDow:
    return dayOfWeek(days) == 0 ? 7 : dayOfWeek(days);
  case F::Doy:
    return days - daysFromCivil(t.year, 1, 1) + 1;
  case F::IsoYear: {
    int isoYear, week;
    isoWeek(days, isoYear, week);
    return signedYear(isoYear);
  }
  case F::Epoch: {
    __int128 epoch = static_cast<__int128>(timestamp) + static_cast<__int128>(10957) * kUsecPerDay;
    return kind == 'd' ? epoch / kUsecPerSecond : epoch;
  }
  case F::Timezone:
    return 0;
  case F::Julian:
    break;
  }
  throw Error(SqlState::FeatureNotSupported, "unit not supported");
}

int64_t truncateTimestamp(int field, int64_t timestamp) {
  CivilTime t = civilFromTimestamp(timestamp);
  int64_t days = floorDiv(timestamp, kUsecPerDay);
  auto f = static_cast<F>(field);
  switch (f) {
  case F::Millennium:
    t.year = t.year > 0 ? (t.year + 999) / 1000 * 1000 - 999 : t.year;
    t.month = 1;
    t.day = 1;
    break;
  case F::Century:
    t.year = t.year > 0 ? (t.year + 99) / 100 * 100 - 99 : t.year;
    t.month = 1;
    t.day = 1;
    break;
  case F::Decade:
    t.year = t.year > 0 ? t.year / 10 * 10 : t.year;
    t.month = 1;
    t.day = 1;
    break;
  case F::Year:
    t.month = 1;
    t.day = 1;
    break;
  case F::Quarter:
    t.month = (t.month - 1) / 3 * 3 + 1;
    t.day = 1;
    break;
  case F::Month:
    t.day = 1;
    break;
  case F::Week:
    return isoWeekStart(days) * kUsecPerDay;
  case F::Day:
    break;
  case F::Hour:
    return days * kUsecPerDay + t.hour * kUsecPerHour;
  case F::Minute:
    return days * kUsecPerDay + t.hour * kUsecPerHour + t.minute * kUsecPerMinute;
  case F::Second:
    return floorDiv(timestamp, kUsecPerSecond) * kUsecPerSecond;
  case F::Milliseconds:
    return floorDiv(timestamp, 1000) * 1000;
  case F::Microseconds:
    return timestamp;
  default:
    internalError("date_trunc unit checked at bind time");
  }
  t.hour = t.minute = t.second = t.micros = 0;
  return timestampFromCivil(t);
}

Interval truncateInterval(int field, const Interval& value) {
  Interval out = value;
  switch (static_cast<F>(field)) {
  case F::Millennium:
    out.months = value.months / 12000 * 12000;
    out.days = 0;
    out.micros = 0;
    break;
  case F::Century:
    out.months = value.months / 1200 * 1200;
    out.days = 0;
    out.micros = 0;
    break;
  case F::Decade:
    out.months = value.months / 120 * 120;
    out.days = 0;
    out.micros = 0;
    break;
  case F::Year:
    out.months = value.months / 12 * 12;
    out.days = 0;
    out.micros = 0;
    break;
  case F::Quarter:
    out.months = value.months / 3 * 3;
    out.days = 0;
    out.micros = 0;
    break;
  case F::Month:
    out.days = 0;
    out.micros = 0;
    break;
  case F::Day:
    out.micros = 0;
    break;
  case F::Hour:
    out.micros = value.micros / kUsecPerHour * kUsecPerHour;
    break;
  case F::Minute:
    out.micros = value.micros / kUsecPerMinute * kUsecPerMinute;
    break;
  case F::Second:
    out.micros = value.micros / kUsecPerSecond * kUsecPerSecond;
    break;
  case F::Milliseconds:
    out.micros = value.micros / 1000 * 1000;
    break;
  default:
    break;
  }
  return out;
}

} // namespace flern

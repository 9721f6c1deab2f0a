// Field access on dates, timestamps and intervals: extract/date_part, date_trunc, to_char.
#include "common/datetime.h"

#include "common/error.h"
#include "common/types.h"

#include <cctype>
#include <cstring>

namespace flern {

namespace {

using F = DateField;

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// Day of the week, 0 = Sunday.
int dayOfWeek(int64_t days) {
  return static_cast<int>(((days + 6) % 7 + 7) % 7); // 2000-01-01 was a Saturday
}

/// ISO 8601 week-numbering year and week of a day.
void isoWeek(int64_t days, int& isoYear, int& week) {
  int isoDow = dayOfWeek(days) == 0 ? 7 : dayOfWeek(days);
  int64_t thursday = days - isoDow + 4; // the Thursday of this ISO week decides its year
  int year, month, day;
  civilFromDays(static_cast<int32_t>(thursday), year, month, day);
  int64_t firstOfYear = daysFromCivil(year, 1, 1);
  isoYear = year;
  week = static_cast<int>((thursday - firstOfYear) / 7 + 1);
}

int64_t isoWeekStart(int64_t days) {
  int isoDow = dayOfWeek(days) == 0 ? 7 : dayOfWeek(days);
  return days - (isoDow - 1);
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
                                                     {"timezone", F::Timezone}};
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

//===-- to_char -------------------------------------------------------------------------------===//

namespace {

const char* const kMonths[] = {"January",   "February", "March",    "April",
                               "May",       "June",     "July",     "August",
                               "September", "October",  "November", "December"};
const char* const kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};

/// A name in the case the pattern is written in: "MONTH", "Month" or "month".
std::string cased(std::string name, std::string_view pattern) {
  if (std::isupper(static_cast<unsigned char>(pattern[1])))
    for (auto& c : name)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  else if (std::islower(static_cast<unsigned char>(pattern[0])))
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string number(int64_t value, int width, bool fillMode) {
  char buffer[32];
  if (fillMode)
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(value));
  else // the sign takes a place of its own, as in PostgreSQL ("-01")
    std::snprintf(buffer, sizeof buffer, "%0*lld", value < 0 ? width + 1 : width,
                  static_cast<long long>(value));
  return buffer;
}

} // namespace

std::string formatWithTemplate(int64_t timestamp, std::string_view format, bool withTimeZone) {
  CivilTime t = civilFromTimestamp(timestamp);
  int64_t days = floorDiv(timestamp, kUsecPerDay);
  int year = t.year > 0 ? t.year : 1 - t.year;
  std::string out;
  size_t i = 0;
  auto starts = [&](const char* pattern) {
    size_t n = std::strlen(pattern);
    if (format.size() - i < n) return false;
    for (size_t k = 0; k < n; ++k)
      if (std::toupper(static_cast<unsigned char>(format[i + k])) != pattern[k]) return false;
    return true;
  };
  while (i < format.size()) {
    bool fill = false;
    if (starts("FM")) {
      fill = true;
      i += 2;
      if (i >= format.size()) break;
    }
    std::string_view here = format.substr(i);
    int hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
    if (starts("HH24")) {
      out += number(t.hour, 2, fill), i += 4;
    } else if (starts("HH12")) {
      out += number(hour12, 2, fill), i += 4;
    } else if (starts("HH")) {
      out += number(hour12, 2, fill), i += 2;
    } else if (starts("MI")) {
      out += number(t.minute, 2, fill), i += 2;
    } else if (starts("SSSS")) {
      out += number(t.hour * 3600 + t.minute * 60 + t.second, 1, true), i += 4;
    } else if (starts("SS")) {
      out += number(t.second, 2, fill), i += 2;
    } else if (starts("MS")) {
      out += number(t.micros / 1000, 3, fill), i += 2;
    } else if (starts("US")) {
      out += number(t.micros, 6, fill), i += 2;
    } else if (starts("AM") || starts("PM")) {
      bool upper = std::isupper(static_cast<unsigned char>(here[0]));
      out += t.hour < 12 ? (upper ? "AM" : "am") : (upper ? "PM" : "pm");
      i += 2;
    } else if (starts("YYYY")) {
      out += number(year, 4, fill), i += 4;
    } else if (starts("YYY")) {
      out += number(year % 1000, 3, fill), i += 3;
    } else if (starts("YY")) {
      out += number(year % 100, 2, fill), i += 2;
    } else if (starts("Y")) {
      out += number(year % 10, 1, fill), i += 1;
    } else if (starts("MONTH")) {
      std::string name = cased(kMonths[t.month - 1], here);
      if (!fill) name.resize(9, ' ');
      out += name, i += 5;
    } else if (starts("MON")) {
      out += cased(std::string(kMonths[t.month - 1]).substr(0, 3), here), i += 3;
    } else if (starts("MM")) {
      out += number(t.month, 2, fill), i += 2;
    } else if (starts("DAY")) {
      std::string name = cased(kDays[dayOfWeek(days)], here);
      if (!fill) name.resize(9, ' ');
      out += name, i += 3;
    } else if (starts("DY")) {
      out += cased(std::string(kDays[dayOfWeek(days)]).substr(0, 3), here), i += 2;
    } else if (starts("DDD")) {
      out += number(days - daysFromCivil(t.year, 1, 1) + 1, 3, fill), i += 3;
    } else if (starts("DD")) {
      out += number(t.day, 2, fill), i += 2;
    } else if (starts("D")) {
      out += number(dayOfWeek(days) + 1, 1, fill), i += 1;
    } else if (starts("WW")) {
      out += number((days - daysFromCivil(t.year, 1, 1)) / 7 + 1, 2, fill), i += 2;
    } else if (starts("IW")) {
      int isoYear, week;
      isoWeek(days, isoYear, week);
      out += number(week, 2, fill), i += 2;
    } else if (starts("Q")) {
      out += number((t.month - 1) / 3 + 1, 1, fill), i += 1;
    } else if (starts("CC")) {
      out += number(t.year > 0 ? (t.year + 99) / 100 : -((99 - (t.year - 1)) / 100), 2, fill);
      i += 2;
    } else if (starts("TZ")) {
      if (withTimeZone) out += std::isupper(static_cast<unsigned char>(here[0])) ? "UTC" : "utc";
      i += 2;
    } else if (starts("OF")) {
      if (withTimeZone) out += "+00";
      i += 2;
    } else if (format[i] == '"') {
      // Quoted literal text; backslash escapes a quote inside.
      ++i;
      while (i < format.size() && format[i] != '"') {
        if (format[i] == '\\' && i + 1 < format.size()) ++i;
        out += format[i++];
      }
      ++i;
    } else if (format[i] == '\\' && i + 1 < format.size() && format[i + 1] == '"') {
      out += '"';
      i += 2;
    } else {
      out += format[i++];
    }
  }
  return out;
}

} // namespace flern

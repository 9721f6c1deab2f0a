// to_char(timestamp, template): the date/time template patterns of PostgreSQL's formatting.c.
#include "common/datetime.h"

#include "common/datetime_support.h"

#include <cctype>
#include <cstring>

namespace flern {

using namespace datetime_detail;

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
    } else if (starts("IYYY")) {
      int isoYear, week;
      isoWeek(days, isoYear, week);
      out += number(isoYear > 0 ? isoYear : 1 - isoYear, 4, fill), i += 4;
    } else if (starts("ID")) {
      out += number(dayOfWeek(days) == 0 ? 7 : dayOfWeek(days), 1, fill), i += 2;
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

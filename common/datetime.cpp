#include "common/datetime.h"

#include "common/error.h"
#include "common/types.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

namespace flern {

namespace {

// PostgreSQL's timestamp range: 4714-11-24 BC to 294276-12-31 AD (as days since 2000-01-01).
constexpr int64_t kMinTimestampDays = -2451545;  // 4714-11-24 BC
constexpr int64_t kEndTimestampDays = 106741034; // 294277-01-01
constexpr int32_t kSecondsPerDay = 86400;
constexpr int32_t kDaysPerMonth = 30;

[[noreturn]] void timestampOutOfRange() {
  throw Error(SqlState::DatetimeFieldOverflow, "timestamp out of range");
}
[[noreturn]] void intervalOutOfRange() {
  throw Error(SqlState::DatetimeFieldOverflow, "interval out of range");
}

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool isLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1] + (month == 2 && isLeap(year) ? 1 : 0);
}

int32_t checkedInt32(int64_t value) {
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max())
    intervalOutOfRange();
  return static_cast<int32_t>(value);
}

int64_t checkedAdd(int64_t a, int64_t b) {
  int64_t result;
  if (__builtin_add_overflow(a, b, &result)) intervalOutOfRange();
  return result;
}

/// rint(x * 1e6) / 1e6: PostgreSQL's TSROUND, which keeps microsecond precision.
double tsRound(double x) {
  return std::rint(x * 1e6) / 1e6;
}

} // namespace

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

namespace {

/// Reads digits at text[pos...]; returns the count read (0 when none).
int readNumber(std::string_view text, size_t& pos, int64_t& value, int maxDigits = 18) {
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
bool readFraction(std::string_view text, size_t& pos, int64_t& micros) {
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

std::string lowerTrimmed(std::string_view text) {
  std::string out;
  for (char c : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  size_t begin = out.find_first_not_of(" \t\n");
  if (begin == std::string::npos) return "";
  return out.substr(begin, out.find_last_not_of(" \t\n") - begin + 1);
}

} // namespace

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

//===-- Interval text -------------------------------------------------------------------------===//

namespace {

// PostgreSQL's INTERVAL_MASK bits for the qualifiers.
constexpr int kMaskMonth = 1 << 1, kMaskYear = 1 << 2, kMaskDay = 1 << 3, kMaskHour = 1 << 10,
              kMaskMinute = 1 << 11, kMaskSecond = 1 << 12;

enum class Unit {
  Micro,
  Milli,
  Second,
  Minute,
  Hour,
  Day,
  Week,
  Month,
  Year,
  Decade,
  Century,
  Millennium,
  None
};

Unit unitOf(const std::string& word) {
  static const std::pair<const char*, Unit> kUnits[] = {{"microsecond", Unit::Micro},
                                                        {"microseconds", Unit::Micro},
                                                        {"us", Unit::Micro},
                                                        {"usec", Unit::Micro},
                                                        {"usecs", Unit::Micro},
                                                        {"millisecond", Unit::Milli},
                                                        {"milliseconds", Unit::Milli},
                                                        {"ms", Unit::Milli},
                                                        {"msec", Unit::Milli},
                                                        {"msecs", Unit::Milli},
                                                        {"second", Unit::Second},
                                                        {"seconds", Unit::Second},
                                                        {"sec", Unit::Second},
                                                        {"secs", Unit::Second},
                                                        {"s", Unit::Second},
                                                        {"minute", Unit::Minute},
                                                        {"minutes", Unit::Minute},
                                                        {"min", Unit::Minute},
                                                        {"mins", Unit::Minute},
                                                        {"m", Unit::Minute},
                                                        {"hour", Unit::Hour},
                                                        {"hours", Unit::Hour},
                                                        {"hr", Unit::Hour},
                                                        {"hrs", Unit::Hour},
                                                        {"h", Unit::Hour},
                                                        {"day", Unit::Day},
                                                        {"days", Unit::Day},
                                                        {"d", Unit::Day},
                                                        {"week", Unit::Week},
                                                        {"weeks", Unit::Week},
                                                        {"w", Unit::Week},
                                                        {"month", Unit::Month},
                                                        {"months", Unit::Month},
                                                        {"mon", Unit::Month},
                                                        {"mons", Unit::Month},
                                                        {"year", Unit::Year},
                                                        {"years", Unit::Year},
                                                        {"yr", Unit::Year},
                                                        {"yrs", Unit::Year},
                                                        {"y", Unit::Year},
                                                        {"decade", Unit::Decade},
                                                        {"decades", Unit::Decade},
                                                        {"century", Unit::Century},
                                                        {"centuries", Unit::Century},
                                                        {"millennium", Unit::Millennium},
                                                        {"millennia", Unit::Millennium},
                                                        {"millenniums", Unit::Millennium}};
  for (const auto& [name, unit] : kUnits)
    if (word == name) return unit;
  return Unit::None;
}

/// The unit a bare number counts in under a qualifier (its lowest field).
Unit bareUnit(int fields) {
  if (fields & kMaskSecond) return Unit::Second;
  if (fields & kMaskMinute) return Unit::Minute;
  if (fields & kMaskHour) return Unit::Hour;
  if (fields & kMaskDay) return Unit::Day;
  if (fields & kMaskMonth) return Unit::Month;
  if (fields & kMaskYear) return Unit::Year;
  return Unit::Second;
}

/// Adds `value` (with its fraction) of `unit`, cascading fractions down as PostgreSQL does.
void addUnit(Interval& result, double value, Unit unit, double& fractionalMicros) {
  auto addMonths = [&](double months) {
    double whole = std::trunc(months);
    result.months = checkedInt32(result.months + static_cast<int64_t>(whole));
    double days = (months - whole) * kDaysPerMonth;
    double wholeDays = std::trunc(days);
    result.days = checkedInt32(result.days + static_cast<int64_t>(wholeDays));
    fractionalMicros += (days - wholeDays) * kUsecPerDay;
  };
  switch (unit) {
  case Unit::Micro:
    fractionalMicros += value;
    return;
  case Unit::Milli:
    fractionalMicros += value * 1000;
    return;
  case Unit::Second:
    fractionalMicros += value * kUsecPerSecond;
    return;
  case Unit::Minute:
    fractionalMicros += value * kUsecPerMinute;
    return;
  case Unit::Hour:
    fractionalMicros += value * kUsecPerHour;
    return;
  case Unit::Day:
  case Unit::Week: {
    double days = unit == Unit::Week ? value * 7 : value;
    double whole = std::trunc(days);
    result.days = checkedInt32(result.days + static_cast<int64_t>(whole));
    fractionalMicros += (days - whole) * kUsecPerDay;
    return;
  }
  case Unit::Month:
    addMonths(value);
    return;
  case Unit::Year:
    result.months = checkedInt32(result.months + static_cast<int64_t>(std::trunc(value)) * 12 +
                                 static_cast<int64_t>(std::rint((value - std::trunc(value)) * 12)));
    return;
  case Unit::Decade:
    addUnit(result, value * 10, Unit::Year, fractionalMicros);
    return;
  case Unit::Century:
    addUnit(result, value * 100, Unit::Year, fractionalMicros);
    return;
  case Unit::Millennium:
    addUnit(result, value * 1000, Unit::Year, fractionalMicros);
    return;
  case Unit::None:
    return;
  }
}

/// Drops the fields below a qualifier's lowest one (AdjustIntervalForTypmod).
void applyQualifier(Interval& value, int fields) {
  if (fields == 0) return;
  if (fields == kMaskYear) {
    value.months = value.months / 12 * 12;
    value.days = 0;
    value.micros = 0;
  } else if (fields == kMaskMonth || fields == (kMaskYear | kMaskMonth)) {
    value.days = 0;
    value.micros = 0;
  } else if (fields == kMaskDay || fields == (kMaskMonth | kMaskDay) ||
             fields == (kMaskYear | kMaskMonth | kMaskDay)) {
    value.micros = 0;
  } else if (!(fields & kMaskMinute) && !(fields & kMaskSecond) && (fields & kMaskHour)) {
    value.micros = value.micros / kUsecPerHour * kUsecPerHour;
  } else if (!(fields & kMaskSecond) && (fields & kMaskMinute)) {
    value.micros = value.micros / kUsecPerMinute * kUsecPerMinute;
  }
}

} // namespace

Interval parseInterval(std::string_view input, int fields) {
  auto bad = [&]() -> Error {
    return Error(SqlState::InvalidDatetimeFormat,
                 "invalid input syntax for type interval: \"" + std::string(input) + "\"");
  };
  std::string text = lowerTrimmed(input);
  Interval result;
  double micros = 0;
  size_t pos = 0;
  bool any = false, ago = false, sawBare = false, sawTime = false;
  if (!text.empty() && text[0] == '@') ++pos;
  while (true) {
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
    if (pos >= text.size()) break;
    if (text.compare(pos, 3, "ago") == 0 && pos + 3 == text.size()) {
      ago = true;
      break;
    }
    int sign = 1;
    size_t start = pos;
    if (text[pos] == '+' || text[pos] == '-') sign = text[pos++] == '-' ? -1 : 1;
    if (pos >= text.size() ||
        !(std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
      throw bad();
    size_t numberEnd = pos;
    while (numberEnd < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[numberEnd])) || text[numberEnd] == '.'))
      ++numberEnd;
    if (numberEnd < text.size() && text[numberEnd] == ':') {
      // hh:mm[:ss[.ffffff]]
      int64_t hours, minutes, seconds = 0, fraction = 0;
      size_t p = pos;
      if (!readNumber(text, p, hours) || text[p++] != ':' || readNumber(text, p, minutes) == 0)
        throw bad();
      if (p < text.size() && text[p] == ':') {
        ++p;
        if (readNumber(text, p, seconds) == 0) throw bad();
        readFraction(text, p, fraction);
      }
      if (minutes > 59 || seconds > 59)
        throw Error(SqlState::DatetimeFieldOverflow,
                    "interval field value out of range: \"" + std::string(input) + "\"");
      micros += sign * static_cast<double>(hours * kUsecPerHour + minutes * kUsecPerMinute +
                                           seconds * kUsecPerSecond + fraction);
      pos = p;
      any = true;
      sawTime = true;
      continue;
    }
    if (numberEnd + 1 < text.size() && text[numberEnd] == '-' &&
        std::isdigit(static_cast<unsigned char>(text[numberEnd + 1])) &&
        text.find('.', pos) >= numberEnd) {
      // SQL-standard year-month literal: Y-M.
      int64_t years, months;
      size_t p = pos;
      readNumber(text, p, years);
      ++p;
      readNumber(text, p, months);
      if (months > 11 || (p < text.size() && text[p] != ' '))
        throw Error(SqlState::DatetimeFieldOverflow,
                    "interval field value out of range: \"" + std::string(input) + "\"");
      result.months = checkedInt32(result.months + sign * (years * 12 + months));
      pos = p;
      any = true;
      continue;
    }
    char* end = nullptr;
    std::string number = text.substr(pos, numberEnd - pos);
    double value = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0') throw bad();
    pos = numberEnd;
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
    size_t wordStart = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos])))
      ++pos;
    std::string word = text.substr(wordStart, pos - wordStart);
    bool bare = word.empty() || word == "ago";
    Unit unit = bare ? bareUnit(fields) : unitOf(word);
    if (word == "ago") pos = wordStart;
    if (unit == Unit::None) throw bad();
    if (bare) {
      // A bare number is allowed once, before any time field; one followed by a time field
      // counts days ('1 2:03:04' is 1 day 02:03:04).
      if (sawBare || sawTime) throw bad();
      sawBare = true;
      size_t next = pos;
      while (next < text.size() && text[next] == ' ')
        ++next;
      size_t digitsEnd = next;
      while (digitsEnd < text.size() && std::isdigit(static_cast<unsigned char>(text[digitsEnd])))
        ++digitsEnd;
      if (digitsEnd > next && digitsEnd < text.size() && text[digitsEnd] == ':') unit = Unit::Day;
    }
    (void)start;
    addUnit(result, sign * value, unit, micros);
    any = true;
  }
  if (!any) throw bad();
  double rounded = std::rint(micros);
  if (!(std::fabs(rounded) < 9.2e18)) intervalOutOfRange();
  result.micros = static_cast<int64_t>(rounded);
  if (ago) result = intervalNegate(result);
  applyQualifier(result, fields);
  return result;
}

std::string formatInterval(const Interval& value) {
  std::string out;
  bool isZero = true, isBefore = false;
  auto part = [&](int64_t amount, const char* unit) {
    if (amount == 0) return;
    if (!out.empty()) out += ' ';
    if (!isZero && isBefore && amount > 0) out += '+';
    out += std::to_string(amount) + " " + unit + (amount != 1 ? "s" : "");
    isBefore = amount < 0;
    isZero = false;
  };
  part(value.months / 12, "year");
  part(value.months % 12, "mon");
  part(value.days, "day");
  int64_t micros = value.micros;
  if (isZero || micros != 0) {
    bool minus = micros < 0;
    uint64_t magnitude = minus ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
    uint64_t hours = magnitude / kUsecPerHour;
    magnitude %= kUsecPerHour;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s%s%02llu:%02llu:%02llu", isZero ? "" : " ",
                  minus ? "-" : (isBefore ? "+" : ""), static_cast<unsigned long long>(hours),
                  static_cast<unsigned long long>(magnitude / kUsecPerMinute),
                  static_cast<unsigned long long>(magnitude % kUsecPerMinute / kUsecPerSecond));
    out += buffer;
    if (uint64_t fraction = magnitude % kUsecPerSecond) {
      std::snprintf(buffer, sizeof buffer, ".%06llu", static_cast<unsigned long long>(fraction));
      std::string digits(buffer);
      while (digits.back() == '0')
        digits.pop_back();
      out += digits;
    }
  }
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

Interval intervalAdd(const Interval& a, const Interval& b) {
  Interval result;
  result.months = checkedInt32(static_cast<int64_t>(a.months) + b.months);
  result.days = checkedInt32(static_cast<int64_t>(a.days) + b.days);
  result.micros = checkedAdd(a.micros, b.micros);
  return result;
}

Interval intervalNegate(const Interval& a) {
  if (a.micros == std::numeric_limits<int64_t>::min()) intervalOutOfRange();
  Interval result;
  result.months = checkedInt32(-static_cast<int64_t>(a.months));
  result.days = checkedInt32(-static_cast<int64_t>(a.days));
  result.micros = -a.micros;
  return result;
}

namespace {

/// The shared tail of interval_mul and interval_div: fractional months become days, fractional
/// days become seconds (PostgreSQL 15's cascade, rounded to microseconds).
Interval scaleInterval(const Interval& span, double monthsValue, double daysValue,
                       double microsValue) {
  if (std::isnan(monthsValue) || monthsValue > std::numeric_limits<int32_t>::max() ||
      monthsValue < std::numeric_limits<int32_t>::min() || std::isnan(daysValue) ||
      daysValue > std::numeric_limits<int32_t>::max() ||
      daysValue < std::numeric_limits<int32_t>::min())
    intervalOutOfRange();
  (void)span;
  Interval result;
  result.months = static_cast<int32_t>(monthsValue);
  result.days = static_cast<int32_t>(daysValue);
  double monthRemainderDays = tsRound((monthsValue - result.months) * kDaysPerMonth);
  double secondRemainder = tsRound(
      (daysValue - result.days + monthRemainderDays - static_cast<int>(monthRemainderDays)) *
      kSecondsPerDay);
  if (std::fabs(secondRemainder) >= kSecondsPerDay) {
    int wholeDays = static_cast<int>(secondRemainder / kSecondsPerDay);
    result.days = checkedInt32(static_cast<int64_t>(result.days) + wholeDays);
    secondRemainder -= static_cast<double>(wholeDays) * kSecondsPerDay;
  }
  result.days =
      checkedInt32(static_cast<int64_t>(result.days) + static_cast<int32_t>(monthRemainderDays));
  double micros = std::rint(microsValue + secondRemainder * kUsecPerSecond);
  if (std::isnan(micros) || std::fabs(micros) >= 9.2e18) intervalOutOfRange();
  result.micros = static_cast<int64_t>(micros);
  return result;
}

} // namespace

Interval intervalMultiply(const Interval& a, double factor) {
  return scaleInterval(a, a.months * factor, a.days * factor,
                       static_cast<double>(a.micros) * factor);
}

Interval intervalDivide(const Interval& a, double divisor) {
  if (divisor == 0) throw Error(SqlState::DivisionByZero, "division by zero");
  return scaleInterval(a, a.months / divisor, a.days / divisor,
                       static_cast<double>(a.micros) / divisor);
}

} // namespace flern

// INTERVAL: PostgreSQL's input forms, IntervalStyle postgres output, and interval arithmetic.
#include "common/datetime.h"

#include "common/datetime_support.h"

#include <cstdlib>

namespace flern {

using namespace datetime_detail;

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

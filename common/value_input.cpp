#include "common/value_input.h"

#include "common/datetime.h"
#include "common/error.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace flern {

namespace {

[[noreturn]] void invalid(const char* typeName, std::string_view text) {
  throw Error(SqlState::InvalidTextRepresentation, std::string("invalid input syntax for type ") +
                                                       typeName + ": \"" + std::string(text) +
                                                       "\"");
}

bool parseBoolean(std::string_view text, bool& value) {
  std::string lower;
  for (char c : text)
    if (c != ' ') lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "t" || lower == "true" || lower == "yes" || lower == "y" || lower == "on" ||
      lower == "1")
    value = true;
  else if (lower == "f" || lower == "false" || lower == "no" || lower == "n" || lower == "off" ||
           lower == "0")
    value = false;
  else
    return false;
  return true;
}

/// VARCHAR(n): counted in characters; an explicit cast truncates, an assignment raises 22001.
std::string limitVarchar(std::string_view text, int length, bool explicitCast) {
  if (length <= 0 || static_cast<int>(text.size()) <= length) return std::string(text);
  int64_t characters = 0;
  size_t cut = text.size();
  for (size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && characters++ == length) cut = i;
  if (characters <= length) return std::string(text);
  if (!explicitCast)
    throw Error(SqlState::StringDataRightTruncation,
                "value too long for type character varying(" + std::to_string(length) + ")");
  return std::string(text.substr(0, cut));
}

/// A date written as digits alone, as date_in reads it: YYMMDD or YYYYMMDD; shorter forms are
/// one field of an incomplete date (22007), unless that field is out of range already (22008:
/// a month outside 1-12 for one or two digits, a zero otherwise).
std::optional<int32_t> parseDigitsOnlyDate(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty() || text.size() > 8 || text.size() == 7 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  auto number = [&](size_t from, size_t length) {
    int value = 0;
    for (size_t i = from; i < from + length; ++i)
      value = value * 10 + (text[i] - '0');
    return value;
  };
  auto outOfRange = [&]() {
    return Error(SqlState::DatetimeFieldOverflow,
                 "date/time field value out of range: \"" + std::string(text) + "\"");
  };
  int whole = text.size() <= 5 ? number(0, text.size()) : 0;
  if (text.size() <= 2 && (whole < 1 || whole > 12)) throw outOfRange();
  if (text.size() <= 5) {
    if (whole == 0) throw outOfRange();
    return std::nullopt;
  }
  bool shortYear = text.size() == 6;
  int year = number(0, shortYear ? 2 : 4);
  if (shortYear) year += year < 70 ? 2000 : 1900;
  char iso[32];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, number(text.size() - 4, 2),
                number(text.size() - 2, 2));
  auto parsed = year == 0 ? std::nullopt : parseDate(iso);
  if (!parsed) throw outOfRange();
  return parsed;
}

} // namespace

InputValue parseInput(std::string_view text, const SqlType& type, bool explicitCast) {
  InputValue value;
  switch (type.id) {
  case TypeId::Unknown:
  case TypeId::Text:
    value.text = std::string(text);
    return value;
  case TypeId::Varchar:
    value.text = limitVarchar(text, type.length, explicitCast);
    return value;
  case TypeId::Char: {
    auto padded = toCharacter(text, type.length, explicitCast);
    if (!padded)
      throw Error(SqlState::StringDataRightTruncation,
                  "value too long for type character(" + std::to_string(type.length) + ")");
    value.text = std::move(*padded);
    return value;
  }
  case TypeId::Bool: {
    bool b;
    if (!parseBoolean(text, b)) invalid("boolean", text);
    value.integer = b;
    return value;
  }
  case TypeId::Int16:
  case TypeId::Int32:
  case TypeId::Int64: {
    auto parsed = parseDecimal(text, 0);
    if (!parsed || text.find_first_of(".eE") != std::string_view::npos)
      invalid(type.name().c_str(), text);
    __int128 limit = type.id == TypeId::Int16   ? INT16_MAX
                     : type.id == TypeId::Int32 ? INT32_MAX
                                                : INT64_MAX;
    if (*parsed > limit || *parsed < -limit - 1)
      throw Error(SqlState::NumericValueOutOfRange,
                  "value \"" + std::string(text) + "\" is out of range for type " + type.name());
    value.integer = static_cast<int64_t>(*parsed);
    return value;
  }
  case TypeId::Float64: {
    // As float8in: blanks around the number are allowed (strtod skips the leading ones), and a
    // finite text beyond the range (1e400, 1e-400) is 22003, not infinity or zero.
    std::string copy(text);
    char* end = nullptr;
    errno = 0;
    value.floating = std::strtod(copy.c_str(), &end);
    bool none = end == copy.c_str();
    while (end && std::isspace(static_cast<unsigned char>(*end)))
      ++end;
    if (none || *end != '\0') invalid("double precision", text);
    if (errno == ERANGE && (value.floating == 0 || std::isinf(value.floating)))
      throw Error(SqlState::NumericValueOutOfRange,
                  "\"" + std::string(text) + "\" is out of range for type double precision");
    return value;
  }
  case TypeId::Float32: {
    std::string copy(text);
    char* end = nullptr;
    errno = 0;
    float parsed = std::strtof(copy.c_str(), &end);
    bool none = end == copy.c_str();
    while (end && std::isspace(static_cast<unsigned char>(*end)))
      ++end;
    if (none || *end != '\0') invalid("real", text);
    // strtof reports overflow and underflow through errno, as float4in checks.
    if (errno == ERANGE && (std::isinf(parsed) || parsed == 0))
      throw Error(SqlState::NumericValueOutOfRange,
                  "\"" + std::string(text) + "\" is out of range for type real");
    value.floating = parsed;
    return value;
  }
  case TypeId::Timestamp:
  case TypeId::TimestampTz:
    value.integer = parseTimestamp(text, type.id == TypeId::TimestampTz);
    return value;
  case TypeId::Interval:
    value.numeric = packInterval(parseInterval(text, type.length));
    return value;
  case TypeId::Numeric: {
    bool dynamic = type.scale == kDynamicScale;
    int scale = dynamic ? literalScale(text) : type.scale;
    if (auto e = text.find_first_of("eE"); dynamic && e != std::string_view::npos) {
      // '1e-40' has 40 decimals, '1.5e3' none (PostgreSQL's display scale of the value).
      int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
      scale = std::max(0, std::max(scale, 0) - std::clamp(exponent, -1000, 1000));
      if (scale > 255) // the packed form keeps the scale in one byte
        throw Error(SqlState::NumericValueOutOfRange, "value overflows numeric format");
    }
    auto parsed = parseDecimal(text, scale);
    if (!parsed) invalid("numeric", text);
    // More than precision - scale integer digits: |value| >= 10^precision at the type's scale.
    __int128 limit = type.precision > 0 ? pow10i128(type.precision) : 0;
    if (type.precision > 0 && (*parsed >= limit || *parsed <= -limit))
      throw Error(SqlState::NumericValueOutOfRange, "numeric field overflow")
          .withDetail("A field with precision " + std::to_string(type.precision) + ", scale " +
                      std::to_string(type.scale) +
                      " must round to an absolute value less than 10^" +
                      std::to_string(type.precision - type.scale) + ".");
    value.numeric = dynamic ? packNumeric(*parsed, scale) : *parsed;
    return value;
  }
  case TypeId::Date: {
    auto parsed = parseDate(text);
    if (!parsed) parsed = parseDigitsOnlyDate(text);
    if (!parsed && text.find_first_of(" Tt:") != std::string_view::npos) {
      // A date with a time, as date_in accepts: the time is dropped.
      try {
        parsed = timestampToDate(parseTimestamp(text, false));
      } catch (const Error& error) {
        if (error.state() == SqlState::DatetimeFieldOverflow) throw;
      }
    }
    if (!parsed) {
      if (parseDate(text, /*checkRanges=*/false))
        throw Error(SqlState::DatetimeFieldOverflow,
                    "date/time field value out of range: \"" + std::string(text) + "\"")
            .withHint("Perhaps you need a different \"datestyle\" setting.");
      throw Error(SqlState::InvalidDatetimeFormat,
                  "invalid input syntax for type date: \"" + std::string(text) + "\"");
    }
    value.integer = *parsed;
    return value;
  }
  }
  internalError("no input function for " + type.name());
}

namespace {

/// Value of the digits of text[from, to), all of which must be digits (at most 18 of them).
bool plainDigits(std::string_view text, size_t from, size_t to, int64_t& value) {
  if (from >= to || to - from > 18) return false;
  int64_t result = 0;
  for (size_t i = from; i < to; ++i) {
    unsigned digit = static_cast<unsigned char>(text[i]) - '0';
    if (digit > 9) return false;
    result = result * 10 + digit;
  }
  value = result;
  return true;
}

} // namespace

bool parseCommonInput(std::string_view text, const SqlType& type, void* slot) {
  bool negative = !text.empty() && text[0] == '-';
  size_t first = negative ? 1 : 0;
  switch (type.id) {
  case TypeId::Int32:
  case TypeId::Int64: {
    int64_t value;
    size_t maxDigits = type.id == TypeId::Int32 ? 9 : 18; // cannot overflow
    if (text.size() - first > maxDigits || !plainDigits(text, first, text.size(), value))
      return false;
    value = negative ? -value : value;
    if (type.id == TypeId::Int32)
      *static_cast<int32_t*>(slot) = static_cast<int32_t>(value);
    else
      *static_cast<int64_t*>(slot) = value;
    return true;
  }
  case TypeId::Date: {
    int64_t year, month, day;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !plainDigits(text, 0, 4, year) ||
        !plainDigits(text, 5, 7, month) || !plainDigits(text, 8, 10, day))
      return false;
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
    *static_cast<int32_t*>(slot) = daysFromCivil(
        static_cast<int>(year), static_cast<unsigned>(month), static_cast<unsigned>(day));
    return true;
  }
  case TypeId::Numeric: {
    if (type.scale == kDynamicScale || type.scale > 18) return false;
    // One pass: integer digits, then at most `scale` fraction digits after a point.
    size_t position = first;
    int64_t scaled = 0;
    while (position < text.size() && position - first < 18 &&
           static_cast<unsigned>(text[position] - '0') <= 9)
      scaled = scaled * 10 + (text[position++] - '0');
    size_t integerDigits = position - first;
    // No digits, or too many for the type (an error) or for int64 (rare): the general path.
    if (integerDigits == 0 || integerDigits + static_cast<size_t>(type.scale) > 18 ||
        (type.precision > 0 && integerDigits > static_cast<size_t>(type.precision - type.scale)))
      return false;
    int fractionDigits = 0;
    if (position < text.size()) {
      if (text[position++] != '.' || position == text.size()) return false;
      for (; position < text.size(); ++position, ++fractionDigits) {
        unsigned digit = static_cast<unsigned>(text[position] - '0');
        if (digit > 9 || fractionDigits == type.scale) return false;
        scaled = scaled * 10 + digit;
      }
    }
    static constexpr auto kPowers = [] {
      std::array<int64_t, 19> powers{1};
      for (size_t k = 1; k < powers.size(); ++k)
        powers[k] = powers[k - 1] * 10;
      return powers;
    }();
    scaled *= kPowers[type.scale - fractionDigits];
    *static_cast<__int128*>(slot) = negative ? -scaled : scaled;
    return true;
  }
  default:
    return false;
  }
}

} // namespace flern

#include "common/types.h"

#include "common/datetime.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace flern {

std::string SqlType::name() const {
  switch (id) {
  case TypeId::Unknown:
    return "unknown";
  case TypeId::Bool:
    return "boolean";
  case TypeId::Int32:
    return "integer";
  case TypeId::Int64:
    return "bigint";
  case TypeId::Float64:
    return "double precision";
  case TypeId::Numeric:
    return "numeric";
  case TypeId::Text:
    return "text";
  case TypeId::Varchar:
    return "character varying";
  case TypeId::Date:
    return "date";
  case TypeId::Char:
    return "character";
  case TypeId::Int16:
    return "smallint";
  case TypeId::Float32:
    return "real";
  case TypeId::Timestamp:
    return "timestamp without time zone";
  case TypeId::TimestampTz:
    return "timestamp with time zone";
  case TypeId::Interval:
    return "interval";
  }
  return "unknown";
}

uint32_t SqlType::oid() const {
  switch (id) {
  case TypeId::Unknown:
    return 25; // PostgreSQL resolves an untyped literal in a target list to text
  case TypeId::Bool:
    return 16;
  case TypeId::Int32:
    return 23;
  case TypeId::Int64:
    return 20;
  case TypeId::Float64:
    return 701;
  case TypeId::Numeric:
    return 1700;
  case TypeId::Text:
    return 25;
  case TypeId::Varchar:
    return 1043;
  case TypeId::Date:
    return 1082;
  case TypeId::Char:
    return 1042;
  case TypeId::Int16:
    return 21;
  case TypeId::Float32:
    return 700;
  case TypeId::Timestamp:
    return 1114;
  case TypeId::TimestampTz:
    return 1184;
  case TypeId::Interval:
    return 1186;
  }
  return 25;
}

int32_t SqlType::typmod() const {
  if (id == TypeId::Numeric && precision > 0) return ((precision << 16) | scale) + 4;
  if (id == TypeId::Varchar && length > 0) return length + 4;
  return -1;
}

int SqlType::byteWidth() const {
  switch (id) {
  case TypeId::Bool:
    return 1;
  case TypeId::Int16:
    return 2;
  case TypeId::Int32:
  case TypeId::Float32:
  case TypeId::Date:
    return 4;
  case TypeId::Int64:
  case TypeId::Float64:
  case TypeId::Timestamp:
  case TypeId::TimestampTz:
    return 8;
  case TypeId::Numeric:
  case TypeId::Interval:
  case TypeId::Text:
  case TypeId::Varchar:
  case TypeId::Char:
  case TypeId::Unknown:
    return 16;
  }
  return 16;
}

__int128 pow10i128(int n) {
  static const auto powers = [] {
    std::array<__int128, 39> table{};
    table[0] = 1;
    for (size_t i = 1; i < table.size(); ++i)
      table[i] = table[i - 1] * 10;
    return table;
  }();
  if (n >= 0 && n < static_cast<int>(powers.size())) return powers[n];
  __int128 result = 1; // beyond 10^38 the value wraps, as the loop always did
  for (int i = 0; i < n; ++i)
    result *= 10;
  return result;
}

int literalScale(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return 0;
  size_t end = text.find_first_of("eE", dot);
  if (end == std::string_view::npos) end = text.size();
  return static_cast<int>(end - dot - 1);
}

std::optional<__int128> parseDecimal(std::string_view text, int scale) {
  // Fast path for the common shape: [-]digits[.digits], no more fraction digits than the scale,
  // at most 18 digits (fits int64 while accumulating).
  if (!text.empty() && text.size() <= 20) {
    size_t k = text[0] == '-' ? 1 : 0;
    int64_t digits = 0;
    int count = 0, fraction = -1;
    bool plain = k < text.size();
    for (; k < text.size() && plain; ++k) {
      char c = text[k];
      if (c >= '0' && c <= '9') {
        digits = digits * 10 + (c - '0');
        ++count;
        if (fraction >= 0) ++fraction;
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        plain = false;
      }
    }
    if (plain && count > 0 && count <= 18 && fraction <= scale) {
      __int128 value = static_cast<__int128>(digits) * pow10i128(scale - std::max(fraction, 0));
      return text[0] == '-' ? -value : value;
    }
  }
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
    ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  __int128 digits = 0;
  int fractionDigits = 0, digitCount = 0;
  bool seenDot = false, roundUp = false, sawAny = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !seenDot) {
      seenDot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    sawAny = true;
    if (seenDot && fractionDigits >= scale) {
      // The first dropped digit decides rounding (half away from zero).
      if (fractionDigits == scale) roundUp = c >= '5';
      ++fractionDigits;
      continue;
    }
    if (seenDot) ++fractionDigits;
    if (digitCount > 36) return std::nullopt;
    digits = digits * 10 + (c - '0');
    if (digits != 0) ++digitCount;
  }
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + text.size(), exponent);
    if (ec != std::errc()) return std::nullopt;
    i = ptr - text.data();
    if (exponent != 0) {
      // Rare path: rescale through the exact digits written.
      auto plain = parseDecimal(text.substr(0, text.find_first_of("eE")), 38 - digitCount);
      if (!plain) return std::nullopt;
      int fromScale = 38 - digitCount - exponent;
      if (fromScale < 0) return std::nullopt;
      return rescaleNumeric(*plain, fromScale, scale);
    }
  }
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
    ++i;
  if (!sawAny || i != text.size()) return std::nullopt;
  int kept = std::min(fractionDigits, scale);
  for (int k = kept; k < scale; ++k)
    digits *= 10;
  if (roundUp) digits += 1;
  return negative ? -digits : digits;
}

__int128 rescaleNumeric(__int128 value, int fromScale, int toScale) {
  if (toScale >= fromScale) return value * pow10i128(toScale - fromScale);
  if (fromScale - toScale > 38) return 0; // below half of the last kept digit
  __int128 divisor = pow10i128(fromScale - toScale);
  __int128 quotient = value / divisor, remainder = value % divisor;
  if (remainder * 2 >= divisor)
    ++quotient;
  else if (remainder * 2 <= -divisor)
    --quotient;
  return quotient;
}

namespace {

/// Weight and first digit of a value in PostgreSQL's base-10000 representation.
void baseTenThousandLead(__int128 value, int scale, int& weight, __int128& firstDigit) {
  weight = 0;
  firstDigit = 0;
  if (value == 0) return;
  if (value < 0) value = -value;
  int alignedScale = (scale + 3) / 4 * 4;
  value *= pow10i128(alignedScale - scale);
  int groups = 0;
  __int128 lead = value;
  while (lead >= 10000) {
    lead /= 10000;
    ++groups;
  }
  weight = groups - alignedScale / 4;
  firstDigit = lead;
}

} // namespace

int divisionScale(__int128 a, int scaleA, __int128 b, int scaleB) {
  constexpr int kMinSignificantDigits = 16, kMaxDisplayScale = 1000;
  int weightA, weightB;
  __int128 firstA, firstB;
  baseTenThousandLead(a, scaleA, weightA, firstA);
  baseTenThousandLead(b, scaleB, weightB, firstB);
  int quotientWeight = weightA - weightB;
  if (firstA <= firstB) --quotientWeight;
  int scale = kMinSignificantDigits - quotientWeight * 4;
  scale = std::max({scale, scaleA, scaleB, 0});
  return std::min(scale, kMaxDisplayScale);
}

__int128 divideNumeric(__int128 a, int scaleA, __int128 b, int scaleB, int resultScale) {
  // a/10^sa / (b/10^sb) * 10^r = a * 10^(r + sb - sa) / b, with one extra digit to round.
  int shift = resultScale + scaleB - scaleA + 1;
  if (shift >= 0)
    a *= pow10i128(shift);
  else
    b *= pow10i128(-shift);
  __int128 quotient = a / b;
  return (quotient + (quotient >= 0 ? 5 : -5)) / 10;
}

std::optional<std::string> toCharacter(std::string_view text, int length, bool explicitCast) {
  if (length <= 0) // CHAR without a width (bpchar): no padding, no limit
    return std::string(text);
  int64_t characters = 0;
  size_t cut = text.size();
  for (size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && characters++ == length) cut = i;
  if (characters > length) {
    // Only trailing blanks may be dropped on assignment, as in PostgreSQL.
    if (!explicitCast && text.find_first_not_of(' ', cut) != std::string_view::npos)
      return std::nullopt;
    return std::string(text.substr(0, cut));
  }
  std::string padded(text);
  padded.append(static_cast<size_t>(length - characters), ' ');
  return padded;
}

std::string_view trimTrailingBlanks(std::string_view text) {
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

int integerDigits(__int128 value, int scale) {
  if (value < 0) value = -value;
  value /= pow10i128(scale);
  int digits = 0;
  while (value != 0) {
    value /= 10;
    ++digits;
  }
  return digits;
}

std::string formatNumeric(__int128 value, int scale) {
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? static_cast<unsigned __int128>(-(value + 1)) + 1
                                         : static_cast<unsigned __int128>(value);
  // Reversed digits; a static scale may exceed the 39 digits of the magnitude (1e-300 has 300).
  std::string reversed;
  do {
    reversed.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  while (static_cast<int>(reversed.size()) <= scale)
    reversed.push_back('0');
  std::string out;
  if (negative) out.push_back('-');
  for (int i = static_cast<int>(reversed.size()) - 1; i >= 0; --i) {
    out.push_back(reversed[i]);
    if (i == scale && scale > 0) out.push_back('.');
  }
  return out;
}

namespace {

/// Shortest round-trip digits laid out as PostgreSQL does: plain notation for decimal exponents
/// in [-4, scientificFrom), scientific with a two-digit exponent otherwise.
template <typename Float> std::string formatShortest(Float value, int scientificFrom) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string sci(buffer, result.ptr);
  auto ePos = sci.find('e');
  int exponent = std::stoi(sci.substr(ePos + 1));
  std::string mantissa = sci.substr(0, ePos);
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits.push_back(c);
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= scientificFrom) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
  }
  if (exponent < 0) return out + "0." + std::string(-exponent - 1, '0') + digits;
  if (static_cast<int>(digits.size()) <= exponent + 1)
    return out + digits + std::string(exponent + 1 - digits.size(), '0');
  return out + digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
}

} // namespace

std::string formatFloat64(double value) {
  return formatShortest(value, 15);
}

std::string formatFloat32(float value) {
  return formatShortest(value, 6);
}

int32_t daysFromCivil(int year, unsigned month, unsigned day) {
  // Howard Hinnant's days-from-civil algorithm, shifted to PostgreSQL's 2000-01-01 epoch.
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468 - 10957;
}

std::optional<int32_t> parseDate(std::string_view text, bool checkRanges) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  int year = 0;
  unsigned month = 0, day = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end || *p == '-') return std::nullopt; // not a date's syntax (BC dates need " BC")
  auto r1 = std::from_chars(p, end, year);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != '-') return std::nullopt;
  auto r2 = std::from_chars(r1.ptr + 1, end, month);
  if (r2.ec != std::errc() || r2.ptr == end || *r2.ptr != '-') return std::nullopt;
  auto r3 = std::from_chars(r2.ptr + 1, end, day);
  if (r3.ec != std::errc() || r3.ptr != end) return std::nullopt;
  if (r1.ptr - p <= 2) {
    // A first field of one or two digits is a month (DateStyle MDY): M-D-Y, and a year of at
    // most two digits is 1970-2069, as date_in reads it.
    int first = year;
    year = static_cast<int>(day);
    day = month;
    month = static_cast<unsigned>(first);
    if (end - r2.ptr - 1 <= 2) year += year < 70 ? 2000 : 1900;
  }
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!checkRanges) return 0;
  if (year == 0 || month < 1 || month > 12 || day < 1) return std::nullopt; // no year 0 AD
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  unsigned limit = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > limit) return std::nullopt;
  return daysFromCivil(year, month, day);
}

std::string formatDate(int32_t days) {
  int64_t z = static_cast<int64_t>(days) + 10957 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  year += month <= 2;
  char buffer[32];
  // Year 0 is 1 BC: PostgreSQL prints years before 1 AD with a " BC" suffix.
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u%s",
                static_cast<long long>(year > 0 ? year : 1 - year), month, day,
                year > 0 ? "" : " BC");
  return buffer;
}

void appendValueText(std::string& out, const SqlType& type, const uint8_t* data, int64_t row) {
  char buffer[32];
  switch (type.id) {
  case TypeId::Int16: {
    int16_t v;
    std::memcpy(&v, data + row * 2, 2);
    out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
    return;
  }
  case TypeId::Float32: {
    float v;
    std::memcpy(&v, data + row * 4, 4);
    out += formatFloat32(v);
    return;
  }
  case TypeId::Timestamp:
  case TypeId::TimestampTz: {
    int64_t v;
    std::memcpy(&v, data + row * 8, 8);
    out += formatTimestamp(v, type.id == TypeId::TimestampTz);
    return;
  }
  case TypeId::Interval: {
    Interval v;
    std::memcpy(&v, data + row * 16, 16);
    out += formatInterval(v);
    return;
  }
  case TypeId::Bool:
    out.push_back(data[row] ? 't' : 'f');
    return;
  case TypeId::Int32: {
    int32_t v;
    std::memcpy(&v, data + row * 4, 4);
    out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
    return;
  }
  case TypeId::Int64: {
    int64_t v;
    std::memcpy(&v, data + row * 8, 8);
    out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
    return;
  }
  case TypeId::Float64: {
    double v;
    std::memcpy(&v, data + row * 8, 8);
    out += formatFloat64(v);
    return;
  }
  case TypeId::Numeric: {
    __int128 v;
    std::memcpy(&v, data + row * 16, 16);
    if (type.scale == kDynamicScale)
      out += formatNumeric(packedDigits(v), packedScale(v));
    else
      out += formatNumeric(v, type.scale);
    return;
  }
  case TypeId::Date: {
    int32_t v;
    std::memcpy(&v, data + row * 4, 4);
    out += formatDate(v);
    return;
  }
  case TypeId::Text:
  case TypeId::Varchar:
  case TypeId::Char:
  case TypeId::Unknown: {
    StringRef s;
    std::memcpy(&s, data + row * 16, 16);
    out.append(s.data(), s.length);
    return;
  }
  }
}

} // namespace flern

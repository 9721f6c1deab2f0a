#include "ir/runtime/aggregate_functions.h"

#include "ir/runtime/string_functions.h"

#include <boost/multiprecision/cpp_int.hpp>

#include <cmath>
#include <cstring>

namespace flern::ir {

namespace {

// N * sum(x^2) - sum(x)^2 outgrows 128 bits long before the sums do: arbitrary precision.
using Big = boost::multiprecision::cpp_int;

Big pow10(int exponent) {
  Big result = 1;
  for (int i = 0; i < exponent; ++i)
    result *= 10;
  return result;
}

/// Rounds a non-negative numerator / denominator half up.
Big divideRounded(const Big& numerator, const Big& denominator) {
  return (2 * numerator + denominator) / (2 * denominator);
}

/// Weight and first digit of the positive value digits * 10^-scale in PostgreSQL's base-10000
/// representation.
void lead(const Big& digits, int scale, int& weight, Big& first) {
  int decimalDigits = static_cast<int>(digits.str().size());
  int exponent = decimalDigits - 1 - scale; // of the leading decimal digit
  weight = exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4);
  int shift = scale + 4 * weight; // value / 10000^weight = digits / 10^shift
  first = shift >= 0 ? digits / pow10(shift) : digits * pow10(-shift);
}

/// PostgreSQL's result scale of a / b: at least 16 significant digits, and no fewer decimals
/// than either operand (both positive here).
int divisionScale(const Big& a, int scaleA, const Big& b, int scaleB) {
  int weightA, weightB;
  Big firstA, firstB;
  lead(a, scaleA, weightA, firstA);
  lead(b, scaleB, weightB, firstB);
  int quotientWeight = weightA - weightB;
  if (firstA <= firstB) --quotientWeight;
  int scale = 16 - quotientWeight * 4;
  return std::min(std::max({scale, scaleA, scaleB, 0}), 1000);
}

__int128 packChecked(QueryContext* context, const Big& digits, int scale) {
  static const Big limit = Big(1) << 119;
  if (digits >= limit || scale > 255)
    raiseFromRuntime(context, SqlState::NumericValueOutOfRange, "value overflows numeric format");
  return packNumeric(static_cast<__int128>(digits), scale);
}

Big toBig(__int128 value) {
  bool negative = value < 0;
  unsigned __int128 magnitude =
      negative ? -static_cast<unsigned __int128>(value) : static_cast<unsigned __int128>(value);
  Big result = static_cast<uint64_t>(magnitude >> 64);
  result <<= 64;
  result += static_cast<uint64_t>(magnitude);
  return negative ? Big(-result) : result;
}

} // namespace

} // namespace flern::ir

using namespace flern;

extern "C" {

__int128 flern_rt_numeric_variance(ir::QueryContext* context, __int128 sumX, __int128 sumX2,
                                   int64_t count, int32_t scaleX, int32_t scaleX2, int32_t flags) {
  bool sample = flags & ir::kVarianceSample;
  if (count == 0 || (sample && count == 1)) return 0;
  if (scaleX == kDynamicScale) {
    scaleX = packedScale(sumX);
    sumX = packedDigits(sumX);
  }
  if (scaleX2 == kDynamicScale) {
    scaleX2 = packedScale(sumX2);
    sumX2 = packedDigits(sumX2);
  }
  // PostgreSQL computes N * sum(x^2) - sum(x)^2 at twice the scale of sum(x).
  const int numeratorScale = 2 * scaleX;
  ir::Big squares = ir::toBig(sumX2);
  if (scaleX2 <= numeratorScale)
    squares *= ir::pow10(numeratorScale - scaleX2);
  else
    squares = ir::divideRounded(squares, ir::pow10(scaleX2 - numeratorScale));
  ir::Big x = ir::toBig(sumX);
  ir::Big numerator = ir::Big(count) * squares - x * x;
  // Exact sums cannot give a negative numerator; all-equal inputs give 0 (printed as "0").
  if (numerator <= 0) return 0;
  ir::Big n = count;
  ir::Big denominator = sample ? ir::Big(n * (n - 1)) : ir::Big(n * n);
  int scale = ir::divisionScale(numerator, numeratorScale, denominator, 0);
  ir::Big quotient =
      ir::divideRounded(numerator * ir::pow10(scale), denominator * ir::pow10(numeratorScale));
  if (!(flags & ir::kVarianceStddev)) return ir::packChecked(context, quotient, scale);
  // sqrt(q * 10^-scale) at `scale` decimals is sqrt(q * 10^scale) rounded half up:
  // floor(2 * sqrt(m)) = isqrt(4m), and round(sqrt(m)) = (isqrt(4m) + 1) / 2.
  ir::Big twice = boost::multiprecision::sqrt(ir::Big(4 * quotient * ir::pow10(scale)));
  return ir::packChecked(context, ir::Big((twice + 1) / 2), scale);
}

double flern_rt_float_variance(double count, double squaredDeviations, int32_t flags) {
  double divisor = (flags & ir::kVarianceSample) ? count - 1.0 : count;
  double variance = squaredDeviations / divisor;
  return (flags & ir::kVarianceStddev) ? std::sqrt(variance) : variance;
}

StringRef flern_rt_string_agg_append(ir::QueryContext* context, int32_t first, StringRef current,
                                     StringRef delimiter, StringRef value) {
  const uint64_t oldLength = first ? 0 : current.length;
  const uint64_t delimiterLength = first ? 0 : delimiter.length;
  const uint64_t length = oldLength + delimiterLength + value.length;
  if (length >= (uint64_t(1) << 30))
    ir::raiseFromRuntime(context, SqlState::ProgramLimitExceeded,
                         "out of memory: string_agg result exceeds 1 GB");
  if (length <= StringRef::kInlineLimit) {
    char bytes[StringRef::kInlineLimit];
    std::memcpy(bytes, current.data(), oldLength);
    std::memcpy(bytes + oldLength, delimiter.data(), delimiterLength);
    std::memcpy(bytes + oldLength + delimiterLength, value.data(), value.length);
    return makeStringRef(std::string_view(bytes, length));
  }
  // A result longer than the inline limit is always one this function allocated, with its
  // capacity in the 8 bytes before the text.
  char* buffer = nullptr;
  if (oldLength > StringRef::kInlineLimit) {
    buffer = const_cast<char*>(current.pointer);
    uint64_t capacity;
    std::memcpy(&capacity, buffer - 8, 8);
    if (capacity < length) buffer = nullptr;
  }
  if (!buffer) {
    uint64_t capacity = std::max<uint64_t>(64, length * 2);
    char* block = context->arena.allocate(capacity + 8);
    std::memcpy(block, &capacity, 8);
    buffer = block + 8;
    std::memcpy(buffer, current.data(), oldLength);
  }
  std::memcpy(buffer + oldLength, delimiter.data(), delimiterLength);
  std::memcpy(buffer + oldLength + delimiterLength, value.data(), value.length);
  return makeStringRef(std::string_view(buffer, length));
}

} // extern "C"

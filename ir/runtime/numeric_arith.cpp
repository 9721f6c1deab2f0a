// Checked NUMERIC arithmetic on 128-bit digits. PostgreSQL's numeric has no practical limit, so
// every overflow here is Flern's limit (38 digits, 35 for per-value-scale values, whose digits
// share the 128 bits with the scale byte); it raises 22003 rather than answer wrong.
#include "ir/runtime/numeric_arith.h"

#include "common/types.h"
#include "ir/runtime/string_functions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace flern::ir {

namespace {

/// Packed values keep digits * 256 + scale in 128 bits.
constexpr __int128 kPackLimit = __int128(1) << 119;
constexpr int kMaxPackedScale = 255;

[[noreturn]] void overflow(QueryContext* context) {
  raiseFromRuntime(context, SqlState::NumericValueOutOfRange, "value overflows numeric format");
}

void unpack(__int128& value, int32_t& scale) {
  if (scale == kDynamicScale) {
    scale = packedScale(value);
    value = packedDigits(value);
  }
}

__int128 pack(QueryContext* context, __int128 digits, int scale) {
  if (digits >= kPackLimit || digits <= -kPackLimit || scale < 0 || scale > kMaxPackedScale)
    overflow(context);
  return packNumeric(digits, scale);
}

/// value * 10^(to - from) exactly, or rounded half away from zero when `to` is smaller.
__int128 rescale(QueryContext* context, __int128 value, int from, int to) {
  if (to >= from) {
    if (value == 0) return 0;
    __int128 result = value;
    for (int i = from; i < to; ++i) // at most 38 steps before any non-zero value overflows
      if (__builtin_mul_overflow(result, 10, &result)) overflow(context);
    return result;
  }
  if (from - to > 38) return 0;
  return rescaleNumeric(value, from, to);
}

/// |a| * 10^shift / |b|, truncated; nullopt when an intermediate does not fit 128 bits.
std::optional<__int128> scaledQuotient(__int128 a, __int128 b, int shift) {
  if (shift < 0) {
    for (int i = 0; i < -shift; ++i)
      if (__builtin_mul_overflow(b, 10, &b)) return 0; // the divisor outgrew any dividend
    return a / b;
  }
  // Long division one decimal digit at a time, so that a * 10^shift itself need not fit.
  __int128 quotient = a / b, rest = a % b;
  for (int i = 0; i < shift; ++i) {
    if (__builtin_mul_overflow(quotient, 10, &quotient) || __builtin_mul_overflow(rest, 10, &rest))
      return std::nullopt;
    quotient += rest / b;
    rest %= b;
  }
  return quotient;
}

} // namespace

__int128 floatToNumeric(QueryContext* context, double value, int significantDigits, int scale) {
  if (!std::isfinite(value))
    raiseFromRuntime(context, SqlState::FeatureNotSupported,
                     "cannot convert infinity or NaN to numeric");
  // "d.ddde[+-]x": the mantissa digits and the decimal exponent of the first one.
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*e", significantDigits - 1, std::fabs(value));
  __int128 digits = 0;
  int count = 0;
  const char* p = buffer;
  for (; *p != 'e'; ++p)
    if (*p != '.') {
      digits = digits * 10 + (*p - '0');
      ++count;
    }
  int exponent = std::atoi(p + 1);
  while (digits != 0 && digits % 10 == 0) { // %g drops trailing zeros, so does the display scale
    digits /= 10;
    --count;
  }
  if (digits == 0) return 0; // also -0: NUMERIC has no negative zero; packed 0 is 0 too
  // value = digits * 10^-written, written being the fraction digits %g shows (at least 0).
  int written = count - 1 - exponent;
  if (value < 0) digits = -digits;
  if (written < 0) {
    digits = rescale(context, digits, 0, -written);
    written = 0;
  }
  if (scale == kDynamicScale) return pack(context, digits, written);
  return rescale(context, digits, written, scale);
}

} // namespace flern::ir

extern "C" {

__int128 flern_rt_numeric_div(flern::ir::QueryContext* context, __int128 a, int32_t scaleA,
                              __int128 b, int32_t scaleB, int32_t remainder) {
  namespace ir = flern::ir;
  ir::unpack(a, scaleA);
  ir::unpack(b, scaleB);
  if (b == 0) ir::raiseFromRuntime(context, flern::SqlState::DivisionByZero, "division by zero");
  if (remainder) { // the remainder has the dividend's sign, as in PostgreSQL
    int scale = std::max(scaleA, scaleB);
    return ir::pack(context,
                    ir::rescale(context, a, scaleA, scale) % ir::rescale(context, b, scaleB, scale),
                    scale);
  }
  int scale = flern::divisionScale(a, scaleA, b, scaleB);
  if (scale > ir::kMaxPackedScale) ir::overflow(context);
  // One digit more than the result scale, to round half away from zero.
  auto quotient = ir::scaledQuotient(a < 0 ? -a : a, b < 0 ? -b : b, scale + scaleB - scaleA + 1);
  if (!quotient) ir::overflow(context);
  __int128 rounded = (*quotient + 5) / 10;
  return ir::pack(context, (a < 0) != (b < 0) ? -rounded : rounded, scale);
}

__int128 flern_rt_numeric_arith(flern::ir::QueryContext* context, __int128 a, __int128 b,
                                int32_t op, int32_t scaleA, int32_t scaleB) {
  namespace ir = flern::ir;
  ir::unpack(a, scaleA);
  ir::unpack(b, scaleB);
  __int128 result;
  if (op == '*') {
    if (__builtin_mul_overflow(a, b, &result)) ir::overflow(context);
    return ir::pack(context, result, scaleA + scaleB);
  }
  int scale = std::max(scaleA, scaleB);
  a = ir::rescale(context, a, scaleA, scale);
  b = ir::rescale(context, b, scaleB, scale);
  bool overflowed =
      op == '+' ? __builtin_add_overflow(a, b, &result) : __builtin_sub_overflow(a, b, &result);
  if (overflowed) ir::overflow(context);
  return ir::pack(context, result, scale);
}

__int128 flern_rt_numeric_rescale(flern::ir::QueryContext* context, __int128 value,
                                  int32_t fromScale, int32_t toScale) {
  namespace ir = flern::ir;
  ir::unpack(value, fromScale);
  if (toScale == flern::kDynamicScale) return ir::pack(context, value, fromScale);
  return ir::rescale(context, value, fromScale, toScale);
}

} // extern "C"

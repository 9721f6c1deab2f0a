// Math builtins with PostgreSQL 15's results and errors (float.c, numeric.c). NUMERIC results
// use PostgreSQL's result-scale rules, which depend on the value's base-10000 digit groups;
// transcendental values are computed
// to that scale, in binary128 (libquadmath, about 33 significant digits), so results needing more
// significant digits than that may differ in the last places from PostgreSQL's
// arbitrary-precision ones.
#include "ir/runtime/math_functions.h"

#include "common/types.h"
#include "ir/runtime/string_functions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <quadmath.h>
#include <string>
#include <vector>

namespace flern::ir {

namespace {

constexpr int kMinSignificantDigits = 16; // NUMERIC_MIN_SIG_DIGITS
constexpr int kMaxScale = 38;             // what 128-bit digits can hold

[[noreturn]] void overflow(QueryContext* context) {
  raiseFromRuntime(context, SqlState::NumericValueOutOfRange, "value overflows numeric format");
}

void unpack(__int128& value, int32_t& scale) {
  if (scale == kDynamicScale) {
    scale = packedScale(value);
    value = packedDigits(value);
  }
}

/// A positive NUMERIC as PostgreSQL stores it: base-10000 digit groups aligned at the decimal
/// point, the first one at `weight` (10000^weight).
struct Groups {
  int weight = 0;
  std::vector<int> digits;
};

Groups toGroups(__int128 value, int scale) {
  Groups groups;
  if (value < 0) value = -value;
  if (value == 0) return groups;
  std::string text = formatNumeric(value, scale);
  size_t point = text.find('.');
  std::string whole = text.substr(0, point);
  std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
  whole.insert(0, (4 - whole.size() % 4) % 4, '0');
  fraction.append((4 - fraction.size() % 4) % 4, '0');
  std::string all = whole + fraction;
  groups.weight = static_cast<int>(whole.size() / 4) - 1;
  for (size_t i = 0; i < all.size(); i += 4)
    groups.digits.push_back(std::stoi(all.substr(i, 4)));
  while (!groups.digits.empty() && groups.digits.front() == 0) {
    groups.digits.erase(groups.digits.begin());
    --groups.weight;
  }
  while (!groups.digits.empty() && groups.digits.back() == 0)
    groups.digits.pop_back();
  return groups;
}

using Quad = __float128;

Quad toQuad(__int128 value, int scale) {
  return static_cast<Quad>(value) / powq(10, scale);
}

/// estimate_ln_dweight: the decimal weight PostgreSQL expects ln(value) to have.
int lnDecimalWeight(__int128 value, int scale) {
  if (value <= 0) return 0;
  Quad v = toQuad(value, scale);
  if (v >= Quad(9) / 10 && v <= Quad(11) / 10 && scale <= 38) {
    __int128 one = pow10i128(scale);
    // 0.9 <= value <= 1.1: the decimal weight of value - 1, taken exactly from the digits.
    __int128 x = value > one ? value - one : one - value;
    if (x == 0) return 0;
    int digits = 0;
    for (; x > 0; x /= 10)
      ++digits;
    return digits - 1 - scale;
  }
  Groups groups = toGroups(value, scale);
  double digits = groups.digits[0];
  int dweight = groups.weight * 4;
  if (groups.digits.size() > 1) {
    digits = digits * 10000 + groups.digits[1];
    dweight -= 4;
  }
  double lnValue = std::log(digits) + dweight * 2.302585092994046;
  return static_cast<int>(std::log10(std::fabs(lnValue)));
}

/// `result` rounded to `scale` decimal places, packed; 22003 when it cannot be held.
__int128 packResult(QueryContext* context, Quad result, int scale) {
  if (isinfq(result) || isnanq(result) || scale > kMaxScale || fabsq(result) >= Quad(1e37))
    overflow(context);
  char text[128];
  quadmath_snprintf(text, sizeof text, "%.*Qf", scale, result);
  auto digits = parseDecimal(text, scale);
  constexpr __int128 kPackLimit = (__int128(1) << 118);
  if (!digits || *digits >= kPackLimit || *digits <= -kPackLimit) overflow(context);
  return packNumeric(*digits, scale);
}

int resultScale(int rscale, std::initializer_list<int> inputScales) {
  for (int scale : inputScales)
    rscale = std::max(rscale, scale);
  return std::min(std::max(rscale, 0), 1000);
}

} // namespace

} // namespace flern::ir

using flern::ir::MathOp;

extern "C" {

double flern_rt_f64_math(QueryContext* context, int32_t op, double x, double y) {
  using flern::SqlState;
  using flern::ir::raiseFromRuntime;
  auto checkRange = [&](double result, bool inputsFinite, bool mayUnderflow) {
    if (std::isinf(result) && inputsFinite)
      raiseFromRuntime(context, SqlState::NumericValueOutOfRange, "value out of range: overflow");
    if (result == 0 && mayUnderflow)
      raiseFromRuntime(context, SqlState::NumericValueOutOfRange, "value out of range: underflow");
    return result;
  };
  switch (static_cast<MathOp>(op)) {
  case MathOp::Sqrt:
    if (x < 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForPowerFunction,
                       "cannot take square root of a negative number");
    return std::sqrt(x);
  case MathOp::Exp:
    return checkRange(std::exp(x), std::isfinite(x), std::isfinite(x));
  case MathOp::Ln:
  case MathOp::Log10:
  case MathOp::Log:
    if (x == 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForLogarithm,
                       "cannot take logarithm of zero");
    if (x < 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForLogarithm,
                       "cannot take logarithm of a negative number");
    return static_cast<MathOp>(op) == MathOp::Ln ? std::log(x) : std::log10(x);
  case MathOp::Power:
    if (x == 0 && y < 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForPowerFunction,
                       "zero raised to a negative power is undefined");
    if (x < 0 && std::isfinite(y) && std::floor(y) != y)
      raiseFromRuntime(context, SqlState::InvalidArgumentForPowerFunction,
                       "a negative number raised to a non-integer power yields a complex result");
    return checkRange(std::pow(x, y), std::isfinite(x) && std::isfinite(y),
                      x != 0 && std::isfinite(x) && std::isfinite(y));
  }
  return 0;
}

__int128 flern_rt_numeric_math(QueryContext* context, __int128 x, __int128 y, int32_t op,
                               int32_t scaleX, int32_t scaleY) {
  using flern::SqlState;
  using flern::ir::raiseFromRuntime;
  namespace m = flern::ir;
  m::unpack(x, scaleX);
  m::unpack(y, scaleY);
  m::Quad vx = m::toQuad(x, scaleX), vy = m::toQuad(y, scaleY);
  auto checkLogArgument = [&](__int128 v) {
    if (v == 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForLogarithm,
                       "cannot take logarithm of zero");
    if (v < 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForLogarithm,
                       "cannot take logarithm of a negative number");
  };
  switch (static_cast<MathOp>(op)) {
  case MathOp::Sqrt: {
    if (x < 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForPowerFunction,
                       "cannot take square root of a negative number");
    int weight = x == 0 ? 0 : m::toGroups(x, scaleX).weight;
    int sweight = (weight + 1) * 4 / 2 - 1;
    return m::packResult(context, sqrtq(vx),
                         m::resultScale(m::kMinSignificantDigits - sweight, {scaleX}));
  }
  case MathOp::Exp: {
    double weight = std::clamp(static_cast<double>(vx) * 0.434294481903252, -2000.0, 2000.0);
    int rscale = m::resultScale(m::kMinSignificantDigits - static_cast<int>(weight), {scaleX});
    return m::packResult(context, expq(vx), rscale);
  }
  case MathOp::Ln: {
    checkLogArgument(x);
    int rscale = m::resultScale(m::kMinSignificantDigits - m::lnDecimalWeight(x, scaleX), {scaleX});
    return m::packResult(context, logq(vx), rscale);
  }
  case MathOp::Log10:
  case MathOp::Log: {
    // log(base, x); log10(x) and log(x) are log(10, x).
    bool hasBase = static_cast<MathOp>(op) == MathOp::Log;
    __int128 base = hasBase ? x : 10, value = hasBase ? y : x;
    int baseScale = hasBase ? scaleX : 0, valueScale = hasBase ? scaleY : scaleX;
    checkLogArgument(base);
    checkLogArgument(value);
    m::Quad lnBase = logq(m::toQuad(base, baseScale));
    if (lnBase == 0) raiseFromRuntime(context, SqlState::DivisionByZero, "division by zero");
    int dweight = m::lnDecimalWeight(value, valueScale) - m::lnDecimalWeight(base, baseScale);
    int rscale = m::resultScale(m::kMinSignificantDigits - dweight, {baseScale, valueScale});
    return m::packResult(context, logq(m::toQuad(value, valueScale)) / lnBase, rscale);
  }
  case MathOp::Power: {
    if (x == 0 && y < 0)
      raiseFromRuntime(context, SqlState::InvalidArgumentForPowerFunction,
                       "zero raised to a negative power is undefined");
    bool integerExponent = vy == floorq(vy);
    if (x < 0 && !integerExponent)
      raiseFromRuntime(context, SqlState::InvalidArgumentForPowerFunction,
                       "a negative number raised to a non-integer power yields a complex result");
    // PostgreSQL 15 gives an integer exponent max(16, base scale) decimals; otherwise the
    // scale follows the result's estimated weight (power_var).
    int rscale;
    if (integerExponent) {
      rscale = m::resultScale(m::kMinSignificantDigits, {scaleX});
    } else if (x == 0) {
      rscale = m::kMinSignificantDigits;
    } else {
      double weight = static_cast<double>(vy * logq(vx)) * 0.434294481903252;
      if (weight > 1000) m::overflow(context);
      rscale =
          m::resultScale(m::kMinSignificantDigits - static_cast<int>(weight), {scaleX, scaleY});
    }
    return m::packResult(context, powq(vx, vy), rscale);
  }
  }
  return 0;
}

/// round(value, digits) / trunc(value, digits): the result's scale is max(digits, 0).
__int128 flern_rt_numeric_round(QueryContext* context, __int128 value, int32_t scale,
                                int64_t digits, int32_t truncate) {
  flern::ir::unpack(value, scale);
  int target = static_cast<int>(std::clamp<int64_t>(digits, -1000, 1000));
  __int128 result;
  if (target >= scale) {
    if (target > flern::ir::kMaxScale) flern::ir::overflow(context);
    __int128 factor = flern::pow10i128(target - scale);
    if (__builtin_mul_overflow(value, factor, &result)) flern::ir::overflow(context);
  } else {
    int drop = scale - target;
    if (drop > flern::ir::kMaxScale) return flern::packNumeric(0, std::max(target, 0));
    __int128 factor = flern::pow10i128(drop);
    __int128 quotient = value / factor, remainder = value % factor;
    __int128 magnitude = remainder < 0 ? -remainder : remainder;
    if (!truncate && magnitude >= factor - magnitude) // half away from zero
      quotient += value < 0 ? -1 : 1;
    result = quotient;
    // A negative target keeps the digits' magnitude: round(1234, -2) is 1200.
    if (target < 0) {
      if (-target > flern::ir::kMaxScale) return flern::packNumeric(0, 0);
      if (__builtin_mul_overflow(result, flern::pow10i128(-target), &result))
        flern::ir::overflow(context);
    }
  }
  constexpr __int128 kPackLimit = (__int128(1) << 118);
  if (result >= kPackLimit || result <= -kPackLimit) flern::ir::overflow(context);
  return flern::packNumeric(result, std::max(target, 0));
}

__int128 flern_rt_numeric_floor(__int128 value, int32_t scale, int32_t ceil) {
  flern::ir::unpack(value, scale);
  if (scale <= 0) return value;
  __int128 factor = flern::pow10i128(std::min(scale, 38));
  __int128 quotient = value / factor, remainder = value % factor;
  if (!ceil && remainder < 0) --quotient;
  if (ceil && remainder > 0) ++quotient;
  return quotient;
}

} // extern "C"

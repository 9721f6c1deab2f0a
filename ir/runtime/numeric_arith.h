// NUMERIC arithmetic that generated code calls where values carry a per-value scale (packed
// digits * 256 + scale), with every intermediate checked: what does not fit Flern's 128-bit
// digits raises 22003 instead of wrapping.
#pragma once

#include "ir/runtime/query_context.h"

#include <cstdint>

namespace flern::ir {
/// A float as NUMERIC the way PostgreSQL's float8_numeric / float4_numeric do it: the value
/// printed with `significantDigits` digits (DBL_DIG or FLT_DIG), read back as a decimal whose
/// display scale is the fraction digits written; then rounded to `scale` unless that is
/// kDynamicScale (the result is then packed). What does not fit Flern's digits raises 22003.
__int128 floatToNumeric(QueryContext* context, double value, int significantDigits, int scale);
} // namespace flern::ir

extern "C" {
/// a / b (or a % b) with PostgreSQL's per-value result scale; result packed. 22012 for b = 0.
__int128 flern_rt_numeric_div(flern::ir::QueryContext* context, __int128 a, int32_t scaleA,
                              __int128 b, int32_t scaleB, int32_t remainder);
/// a op b for op in + - * where at least one side has a per-value scale; result packed. The
/// 128-bit arguments come first: when one no longer fits the argument registers it goes to the
/// stack, and GCC then gives the register left over to a later small argument while LLVM does
/// not, so a small argument after it would be read from the wrong place.
__int128 flern_rt_numeric_arith(flern::ir::QueryContext* context, __int128 a, __int128 b,
                                int32_t op, int32_t scaleA, int32_t scaleB);
/// `value` from one scale to another (either may be kDynamicScale), rounding half away from zero.
__int128 flern_rt_numeric_rescale(flern::ir::QueryContext* context, __int128 value,
                                  int32_t fromScale, int32_t toScale);
}

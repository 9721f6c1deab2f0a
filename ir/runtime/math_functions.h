// Runtime side of the math builtins that generated code calls (float8 with PostgreSQL's error
// checks, NUMERIC on scaled 128-bit digits).
#pragma once

#include "ir/runtime/query_context.h"

#include <cstdint>

namespace flern::ir {

/// Which function flern_rt_f64_math / flern_rt_numeric_math computes.
enum class MathOp : int32_t { Sqrt, Exp, Ln, Log10, Log, Power };

} // namespace flern::ir

extern "C" {
double flern_rt_f64_math(flern::ir::QueryContext* context, int32_t op, double x, double y);
/// Results are packed (digits * 256 + scale); inputs of kDynamicScale are unpacked first.
/// (128-bit arguments first: see flern_rt_numeric_arith.)
__int128 flern_rt_numeric_math(flern::ir::QueryContext* context, __int128 x, __int128 y, int32_t op,
                               int32_t scaleX, int32_t scaleY);
__int128 flern_rt_numeric_round(flern::ir::QueryContext* context, __int128 value, int32_t scale,
                                int64_t digits, int32_t truncate);
/// floor / ceil as digits at scale 0.
__int128 flern_rt_numeric_floor(__int128 value, int32_t scale, int32_t ceil);
}

// Runtime side of the aggregates whose per-group work does not fit a few IR ops: the exact
// NUMERIC result of variance/stddev over exact sums, and string_agg's growing string.
#pragma once

#include "common/types.h"
#include "ir/runtime/query_context.h"

#include <cstdint>

namespace flern::ir {

/// Flags of flern_rt_numeric_variance and flern_rt_float_variance.
enum VarianceFlags : int32_t { kVarianceSample = 1, kVarianceStddev = 2 };

} // namespace flern::ir

extern "C" {
/// var_samp/var_pop/stddev_samp/stddev_pop of `count` exact values from their sum and sum of
/// squares (either may carry kDynamicScale), with PostgreSQL's result scale; result packed.
/// Returns 0 where the result is null (no rows; one row for the sample forms).
__int128 flern_rt_numeric_variance(flern::ir::QueryContext* context, __int128 sumX, __int128 sumX2,
                                   int64_t count, int32_t scaleX, int32_t scaleX2, int32_t flags);
/// The float result from Youngs-Cramer state (count, sum of squared deviations).
double flern_rt_float_variance(double count, double squaredDeviations, int32_t flags);
/// string_agg: `current` (first when `first`) followed by the delimiter and `value`. The
/// result lives in the query arena with spare room after it, so appending is amortized O(1).
/// `first` comes before the strings: the third string goes to the stack, and an argument after
/// it would be read from a register by GCC but from the stack by LLVM.
flern::StringRef flern_rt_string_agg_append(flern::ir::QueryContext* context, int32_t first,
                                            flern::StringRef current, flern::StringRef delimiter,
                                            flern::StringRef value);
}

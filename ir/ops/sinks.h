// Pipeline roots: the result sink (query results and INSERT ... SELECT rows) and the training
// sink that feeds a model's normal equations.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

/// Appends every row to the columnar buffer bound to state slot "result".
class ResultSink final {
public:
  static constexpr const char* kSlot = "result";
  /// Emits the whole query function body: produce `root` and store its rows.
  static void emit(CodegenContext& ctx, const PhysicalOperator& root);
};

/// Accumulates X^T X and X^T y over rows (features..., target) into the f64 state bound to slot
/// "train" (layout: k*k gram matrix, then k moment vector, then the row count), with x
/// prefixed by a constant 1 for the intercept.
class TrainSink final {
public:
  static constexpr const char* kSlot = "train";
  static void emit(CodegenContext& ctx, const PhysicalOperator& root);
};

} // namespace flern::ir

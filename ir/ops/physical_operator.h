// The physical operator interface: every operator is a code generator (produce/consume).
//
// produce(ctx, consume) emits the code that computes the operator's rows and calls `consume`
// once, at generation time, with the staged values of "the current row": the emitted program
// then runs the consumer's code inside the producer's loop. Pipeline breakers (hash join build,
// aggregation, sort) emit their build loop, then a loop over their own state.
// Operators are immutable after planning; generation-time state lives in CodegenContext and
// run-time state in slots registered through it.
#pragma once

#include "ir/codegen.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flern::ir {

class PhysicalOperator {
public:
  explicit PhysicalOperator(std::vector<SqlType> outputTypes)
      : outputTypes_(std::move(outputTypes)) {}
  virtual ~PhysicalOperator() = default;

  /// Types of the rows this operator produces.
  const std::vector<SqlType>& outputTypes() const { return outputTypes_; }
  /// One line for EXPLAIN.
  virtual std::string explain() const = 0;
  /// Inputs, for EXPLAIN.
  virtual std::vector<const PhysicalOperator*> children() const { return {}; }
  /// Emits the code producing this operator's rows, handing each to `consume`.
  virtual void produce(CodegenContext& ctx, const ConsumeFn& consume) const = 0;
  /// The optimizer's estimate of the rows this operator produces (negative: none), for EXPLAIN.
  double estimatedRows() const { return estimatedRows_; }
  void setEstimatedRows(double rows) { estimatedRows_ = rows; }

private:
  std::vector<SqlType> outputTypes_;
  double estimatedRows_ = -1;
};

using PhysicalOperatorPtr = std::unique_ptr<PhysicalOperator>;

/// Rows each counted operator produced (EXPLAIN ANALYZE), by counter slot name.
using RowCounts = std::map<std::string, int64_t>;

/// The plan as an indented tree, PostgreSQL EXPLAIN style, with estimated rows and, from
/// `actual`, the rows operators produced.
std::vector<std::string> explainTree(const PhysicalOperator& root,
                                     const RowCounts* actual = nullptr);

} // namespace flern::ir

// Building blocks of UNION / INTERSECT / EXCEPT: appending inputs and repeating rows. The
// planner composes them with HashAggregate (which groups nulls together, as set operations
// compare rows).
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

/// The rows of every input, one input after the other (UNION ALL).
class Append final : public PhysicalOperator {
public:
  explicit Append(std::vector<PhysicalOperatorPtr> inputs);
  std::string explain() const override { return "Append"; }
  std::vector<const PhysicalOperator*> children() const override;
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  std::vector<PhysicalOperatorPtr> inputs_;
};

/// Each input row `count` times (an int8 expression; none when not positive), without the
/// count column: INTERSECT ALL and EXCEPT ALL emit a row as often as it survives.
class RepeatRows final : public PhysicalOperator {
public:
  RepeatRows(PhysicalOperatorPtr child, BoundExprPtr count, size_t width);
  std::string explain() const override { return "Repeat Rows: " + count_->toString(); }
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  PhysicalOperatorPtr child_;
  BoundExprPtr count_;
  size_t width_;
};

} // namespace flern::ir

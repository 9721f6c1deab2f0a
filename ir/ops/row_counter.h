// Counts the rows an operator produces, for EXPLAIN ANALYZE: wraps the operator, adds one to a
// run-time counter per row, and passes the row on. Plans that are not analyzed have none.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

class RowCounter final : public PhysicalOperator {
public:
  RowCounter(PhysicalOperatorPtr child, std::string slot);
  std::string explain() const override { return child_->explain(); }
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;
  const PhysicalOperator& counted() const { return *child_; }
  /// The state slot holding the count (an int64_t).
  const std::string& slot() const { return slot_; }
  /// Prefix of every counter's slot name.
  static constexpr const char* kSlotPrefix = "rows.";

private:
  PhysicalOperatorPtr child_;
  std::string slot_;
};

} // namespace flern::ir

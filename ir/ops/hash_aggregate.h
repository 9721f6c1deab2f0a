// Grouped aggregation in a hash table (and its one-group form without GROUP BY). Output rows are
// the group keys followed by the aggregate values.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

class HashAggregate final : public PhysicalOperator {
public:
  HashAggregate(PhysicalOperatorPtr child, std::vector<BoundExprPtr> groupKeys,
                std::vector<AggregateSpec> aggregates);
  std::string explain() const override;
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  /// Types of the per-group state: keys, then each aggregate's state fields.
  std::vector<SqlType> stateTypes() const;
  void initializeState(CodegenContext& ctx, Value state, const RowLayout& layout) const;
  void updateState(CodegenContext& ctx, Value state, const RowLayout& layout, const Row& row) const;
  Row finalizeState(CodegenContext& ctx, Value state, const RowLayout& layout) const;
  /// Field index of aggregate i's first state field in the state layout.
  size_t accumulatorField(size_t aggregate) const;

  PhysicalOperatorPtr child_;
  std::vector<BoundExprPtr> groupKeys_;
  std::vector<AggregateSpec> aggregates_;
};

} // namespace flern::ir

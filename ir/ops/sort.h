// ORDER BY: materializes its input's rows into a sort buffer, sorts them with a generated
// comparator function, then produces them in order.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

struct SortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nullsFirst = false; ///< PostgreSQL default: nulls last for ASC, first for DESC
};

class Sort final : public PhysicalOperator {
public:
  Sort(PhysicalOperatorPtr child, std::vector<SortKey> keys);
  std::string explain() const override;
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  PhysicalOperatorPtr child_;
  std::vector<SortKey> keys_;
};

} // namespace flern::ir

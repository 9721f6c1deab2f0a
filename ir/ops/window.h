// Window functions over one window (partition keys, order keys): materializes the input's rows,
// sorts them by (partition keys, order keys), computes every function's value per row in
// generated code, then produces each input row followed by those values. Queries with several
// different windows chain one Window operator per window.
#pragma once

#include "ir/ops/physical_operator.h"
#include "ir/window_function.h"

namespace flern::ir {

class Window final : public PhysicalOperator {
public:
  /// Every function in `functions` has the same partition and order keys.
  Window(PhysicalOperatorPtr child, std::vector<WindowExpr> functions);
  std::string explain() const override;
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  PhysicalOperatorPtr child_;
  std::vector<WindowExpr> functions_;
};

} // namespace flern::ir

// Inner equi-join: builds a hash table over the right input, probes it with the left input's
// rows inside the left pipeline. Output rows are left columns followed by right columns.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

class HashJoin final : public PhysicalOperator {
public:
  HashJoin(PhysicalOperatorPtr probe, PhysicalOperatorPtr build,
           std::vector<BoundExprPtr> probeKeys, std::vector<BoundExprPtr> buildKeys);
  std::string explain() const override;
  std::vector<const PhysicalOperator*> children() const override {
    return {probe_.get(), build_.get()};
  }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  PhysicalOperatorPtr probe_;
  PhysicalOperatorPtr build_;
  std::vector<BoundExprPtr> probeKeys_; ///< over the probe (left) row
  std::vector<BoundExprPtr> buildKeys_; ///< over the build (right) row
};

} // namespace flern::ir

// Operators that stay inside their input's pipeline: filter, projection, limit.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

/// Passes on the rows for which `predicate` is true.
class Filter final : public PhysicalOperator {
public:
  Filter(PhysicalOperatorPtr child, BoundExprPtr predicate);
  std::string explain() const override { return "Filter: " + predicate_->toString(); }
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  PhysicalOperatorPtr child_;
  BoundExprPtr predicate_;
};

/// Computes one expression per output column.
class Projection final : public PhysicalOperator {
public:
  Projection(PhysicalOperatorPtr child, std::vector<BoundExprPtr> expressions);
  std::string explain() const override;
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  PhysicalOperatorPtr child_;
  std::vector<BoundExprPtr> expressions_;
};

/// Skips `offset` rows then passes on at most `limit` (-1: no limit).
class Limit final : public PhysicalOperator {
public:
  Limit(PhysicalOperatorPtr child, int64_t limit, int64_t offset);
  std::string explain() const override;
  std::vector<const PhysicalOperator*> children() const override { return {child_.get()}; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  PhysicalOperatorPtr child_;
  int64_t limit_;
  int64_t offset_;
};

} // namespace flern::ir

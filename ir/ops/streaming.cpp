#include "ir/ops/streaming.h"

namespace flern::ir {

//===-- Filter ------------------------------------------------------------------------------===//

Filter::Filter(PhysicalOperatorPtr child, BoundExprPtr predicate)
    : PhysicalOperator(child->outputTypes()), child_(std::move(child)),
      predicate_(std::move(predicate)) {}

void Filter::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  child_->produce(ctx, [&](const Row& row) {
    SqlValue passes = ctx.eval(*predicate_, row);
    ctx.b().ifThen(ctx.isTrue(passes), [&] { consume(row); });
  });
}

//===-- Projection --------------------------------------------------------------------------===//

static std::vector<SqlType> typesOf(const std::vector<BoundExprPtr>& expressions) {
  std::vector<SqlType> types;
  for (const auto& expr : expressions)
    types.push_back(expr->type);
  return types;
}

Projection::Projection(PhysicalOperatorPtr child, std::vector<BoundExprPtr> expressions)
    : PhysicalOperator(typesOf(expressions)), child_(std::move(child)),
      expressions_(std::move(expressions)) {}

std::string Projection::explain() const {
  std::string text = "Project:";
  for (size_t i = 0; i < expressions_.size(); ++i)
    text += (i ? ", " : " ") + expressions_[i]->toString();
  return text;
}

void Projection::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  child_->produce(ctx, [&](const Row& row) {
    Row out;
    for (const auto& expr : expressions_)
      out.push_back(ctx.eval(*expr, row));
    consume(out);
  });
}

//===-- Limit -------------------------------------------------------------------------------===//

Limit::Limit(PhysicalOperatorPtr child, int64_t limit, int64_t offset)
    : PhysicalOperator(child->outputTypes()), child_(std::move(child)), limit_(limit),
      offset_(offset) {}

std::string Limit::explain() const {
  std::string text = "Limit";
  if (limit_ >= 0) text += " " + std::to_string(limit_);
  if (offset_ > 0) text += " offset " + std::to_string(offset_);
  return text;
}

void Limit::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  Value seen = b.var(Type::I64);
  b.store(seen, b.constI64(0));
  child_->produce(ctx, [&](const Row& row) {
    Value index = b.load(Type::I64, seen);
    b.store(seen, b.add(index, b.constI64(1)));
    Value wanted = b.compare(OpCode::Ge, index, b.constI64(offset_));
    if (limit_ >= 0)
      wanted = b.logicalAnd(wanted, b.compare(OpCode::Lt, index, b.constI64(offset_ + limit_)));
    b.ifThen(wanted, [&] { consume(row); });
  });
}

} // namespace flern::ir

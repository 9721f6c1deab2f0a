#include "ir/ops/set_operations.h"

namespace flern::ir {

//===-- Append ------------------------------------------------------------------------------===//

Append::Append(std::vector<PhysicalOperatorPtr> inputs)
    : PhysicalOperator(inputs.front()->outputTypes()), inputs_(std::move(inputs)) {}

std::vector<const PhysicalOperator*> Append::children() const {
  std::vector<const PhysicalOperator*> children;
  for (const auto& input : inputs_)
    children.push_back(input.get());
  return children;
}

void Append::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  // The consumer's code is generated once per input, each copy inside that input's loop.
  for (const auto& input : inputs_)
    input->produce(ctx, consume);
}

//===-- RepeatRows --------------------------------------------------------------------------===//

static std::vector<SqlType> firstTypes(const PhysicalOperator& child, size_t width) {
  const auto& types = child.outputTypes();
  return {types.begin(), types.begin() + static_cast<long>(width)};
}

RepeatRows::RepeatRows(PhysicalOperatorPtr child, BoundExprPtr count, size_t width)
    : PhysicalOperator(firstTypes(*child, width)), child_(std::move(child)),
      count_(std::move(count)), width_(width) {}

void RepeatRows::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  child_->produce(ctx, [&](const Row& row) {
    SqlValue count = ctx.eval(*count_, row);
    Value times = b.select(count.isNull, b.constI64(0), b.cast(count.value, Type::I64));
    Row out(row.begin(), row.begin() + static_cast<long>(width_));
    b.forRange(b.constI64(0), times, [&](Value) { consume(out); });
  });
}

} // namespace flern::ir

#include "ir/ops/row_counter.h"

namespace flern::ir {

RowCounter::RowCounter(PhysicalOperatorPtr child, std::string slot)
    : PhysicalOperator(child->outputTypes()), child_(std::move(child)), slot_(std::move(slot)) {
  setEstimatedRows(child_->estimatedRows());
}

void RowCounter::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  Value counter = ctx.state(slot_, [] {
    return std::shared_ptr<void>(new int64_t(0), [](void* p) { delete static_cast<int64_t*>(p); });
  });
  child_->produce(ctx, [&](const Row& row) {
    b.store(counter, b.add(b.load(Type::I64, counter), b.constI64(1)));
    consume(row);
  });
}

} // namespace flern::ir

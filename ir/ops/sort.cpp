#include "ir/ops/sort.h"

#include "ir/runtime/query_context.h"

namespace flern::ir {

//===-- Construction ------------------------------------------------------------------------===//

Sort::Sort(PhysicalOperatorPtr child, std::vector<SortKey> keys)
    : PhysicalOperator(child->outputTypes()), child_(std::move(child)), keys_(std::move(keys)) {}

std::string Sort::explain() const {
  std::string text = "Sort:";
  for (size_t i = 0; i < keys_.size(); ++i)
    text += (i ? ", " : " ") + keys_[i].expr->toString() + (keys_[i].descending ? " DESC" : "");
  return text;
}

//===-- Produce -----------------------------------------------------------------------------===//

void Sort::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  // Row storage: the input row, then the evaluated sort keys.
  std::vector<SqlType> types = outputTypes();
  for (const auto& key : keys_)
    types.push_back(key.expr->type);
  RowLayout layout(types);
  const size_t width = outputTypes().size();
  Value buffer = ctx.state(ctx.uniqueName("sort"),
                           [size = layout.size] { return std::make_shared<SortBuffer>(size); });

  child_->produce(ctx, [&](const Row& row) {
    Row stored = row;
    for (const auto& key : keys_)
      stored.push_back(ctx.eval(*key.expr, row));
    ctx.storeRow(b.emit(OpCode::SortAppend, Type::Ptr, {buffer}), layout, stored);
  });

  std::string comparator = ctx.uniqueName("compare");
  ctx.emitComparator(comparator, [&](Value left, Value right) {
    Builder& cb = ctx.b();
    Value result = cb.var(Type::I32);
    cb.store(result, cb.constI32(0));
    for (size_t k = 0; k < keys_.size(); ++k) {
      const SortKey& key = keys_[k];
      // Keys decide in order: only look at key k while the earlier keys compared equal.
      cb.ifThen(cb.compare(OpCode::Eq, cb.load(Type::I32, result), cb.constI32(0)), [&] {
        SqlValue a = ctx.loadField(left, layout, width + k);
        SqlValue c = ctx.loadField(right, layout, width + k);
        Value order = ctx.compareValues(a, c);
        if (key.descending) order = cb.sub(cb.constI32(0), order);
        Value nullOrder = cb.sub(cb.cast(a.isNull, Type::I32), cb.cast(c.isNull, Type::I32));
        if (key.nullsFirst) nullOrder = cb.sub(cb.constI32(0), nullOrder);
        Value eitherNull = cb.logicalOr(a.isNull, c.isNull);
        cb.store(result, cb.select(eitherNull, nullOrder, order));
      });
    }
    cb.emit(OpCode::Yield, Type::Void, {cb.load(Type::I32, result)});
  });
  b.emitWith(OpCode::SortRun, Type::Void, {buffer}, [&](Op& op) { op.name = comparator; });

  Value count = b.emit(OpCode::SortSize, Type::I64, {buffer});
  b.forRange(b.constI64(0), count, [&](Value i) {
    Value rowPointer = b.emit(OpCode::SortRowAt, Type::Ptr, {buffer, i});
    Row row;
    for (size_t c = 0; c < width; ++c)
      row.push_back(ctx.loadField(rowPointer, layout, c));
    consume(row);
  });
}

} // namespace flern::ir

#include "ir/ops/cte.h"

#include "ir/ops/row_counter.h"
#include "ir/ops/scans.h"
#include "ir/runtime/query_context.h"

namespace flern::ir {

void appendRow(CodegenContext& ctx, Value buffer, const std::vector<SqlType>& types, const Row& row,
               Value rowIndexSlot) {
  Builder& b = ctx.b();
  const int64_t columns = static_cast<int64_t>(types.size());
  Value pointers = b.call("flern_rt_buffer_append_row", Type::Ptr, {buffer, rowIndexSlot});
  Value index = b.load(Type::I64, rowIndexSlot);
  for (int64_t c = 0; c < columns; ++c) {
    SqlValue value = ctx.coerce(row[c], types[c]);
    Value data = b.load(Type::Ptr, b.offset(pointers, c * 8));
    Value nulls = b.load(Type::Ptr, b.offset(pointers, (columns + c) * 8));
    int64_t width = types[c].id == TypeId::Bool ? 1 : types[c].byteWidth();
    Value stored = value.value.type == Type::I1 ? b.cast(value.value, Type::I8) : value.value;
    b.store(b.offset(data, b.mul(index, b.constI64(width))), stored);
    b.store(b.offset(nulls, index), b.cast(value.isNull, Type::I8));
  }
}

//===-- CteMaterialize ----------------------------------------------------------------------===//

CteMaterialize::CteMaterialize(std::string name, std::string buffer,
                               std::vector<SqlType> bufferTypes, PhysicalOperatorPtr producer,
                               PhysicalOperatorPtr consumer)
    : PhysicalOperator(consumer->outputTypes()), name_(std::move(name)), buffer_(std::move(buffer)),
      bufferTypes_(std::move(bufferTypes)), producer_(std::move(producer)),
      consumer_(std::move(consumer)) {}

void CteMaterialize::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  Value buffer = ctx.externalState(TableScan::slotName(buffer_));
  Value rowIndex = b.var(Type::I64);
  producer_->produce(ctx,
                     [&](const Row& row) { appendRow(ctx, buffer, bufferTypes_, row, rowIndex); });
  consumer_->produce(ctx, consume);
}

//===-- RecursiveUnion ----------------------------------------------------------------------===//

RecursiveUnion::RecursiveUnion(std::string name, std::vector<SqlType> types, std::string working,
                               std::string next, bool all, PhysicalOperatorPtr start,
                               PhysicalOperatorPtr step)
    : PhysicalOperator(std::move(types)), name_(std::move(name)), working_(std::move(working)),
      next_(std::move(next)), all_(all), start_(std::move(start)), step_(std::move(step)) {}

void RecursiveUnion::emitRow(CodegenContext& ctx, Value seen, Value buffer, Value rowIndexSlot,
                             const Row& input, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  const auto& types = outputTypes();
  Row row;
  for (size_t c = 0; c < types.size(); ++c)
    row.push_back(ctx.coerce(input[c], types[c]));
  auto keep = [&] {
    appendRow(ctx, buffer, types, row, rowIndexSlot);
    consume(row);
  };
  if (all_) {
    keep();
    return;
  }
  RowLayout layout(types);
  Value hash = ctx.hashValues(row);
  // UNION compares rows whole, nulls equal to nulls.
  Value found = ctx.findNullSafeEntry(seen, hash, layout, row);
  b.ifThen(b.compare(OpCode::Eq, b.load(Type::Ptr, found), b.nullPtr()), [&] {
    ctx.storeRow(b.emit(OpCode::HashTableInsert, Type::Ptr, {seen, hash}), layout, row);
    keep();
  });
}

void RecursiveUnion::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  Value working = ctx.externalState(TableScan::slotName(working_));
  Value next = ctx.externalState(TableScan::slotName(next_));
  Value seen = b.nullPtr();
  if (!all_)
    seen = ctx.state(ctx.uniqueName("recursive_seen"), [size = RowLayout(outputTypes()).size] {
      return std::make_shared<HashTable>(size);
    });
  // The slots of the state the recursive term creates, recreated after each iteration.
  auto recreated = std::make_shared<std::vector<int64_t>>();
  Value recreatedSlots =
      ctx.state(ctx.uniqueName("recursive_states"), [recreated] { return recreated; });
  Value rowIndex = b.var(Type::I64);
  Value iterations = b.var(Type::I64);
  b.store(iterations, b.constI64(0));
  start_->produce(ctx,
                  [&](const Row& row) { emitRow(ctx, seen, working, rowIndex, row, consume); });
  std::vector<std::string> names;
  b.whileLoop(
      [&] {
        return b.compare(OpCode::Gt, b.call("flern_rt_buffer_row_count", Type::I64, {working}),
                         b.constI64(0));
      },
      [&] {
        Value count = b.add(b.load(Type::I64, iterations), b.constI64(1));
        b.store(iterations, count);
        b.ifThen(b.compare(OpCode::Gt, count, b.constI64(kMaxIterations)), [&] {
          b.raise("54000", "recursive query \"" + name_ + "\" did not end after " +
                               std::to_string(kMaxIterations) + " iterations");
        });
        ctx.setRecreatedStates(&names);
        step_->produce(ctx,
                       [&](const Row& row) { emitRow(ctx, seen, next, rowIndex, row, consume); });
        ctx.setRecreatedStates(nullptr);
        b.call("flern_rt_recreate_states", Type::Void, {b.context(), recreatedSlots});
        b.call("flern_rt_buffer_advance", Type::Void, {working, next});
      });
  // Row counters add up over the iterations (EXPLAIN ANALYZE); everything else starts afresh.
  const auto& slotNames = ctx.module().slotNames;
  for (const auto& name : names) {
    if (name.rfind(RowCounter::kSlotPrefix, 0) == 0) continue;
    for (size_t i = 0; i < slotNames.size(); ++i)
      if (slotNames[i] == name) recreated->push_back(static_cast<int64_t>(i));
  }
}

} // namespace flern::ir

#include "ir/ops/hash_aggregate.h"

#include "ir/ops/aggregate_state.h"
#include "ir/runtime/query_context.h"

namespace flern::ir {

//===-- Construction ------------------------------------------------------------------------===//

static std::vector<SqlType> outputTypesOf(const std::vector<BoundExprPtr>& keys,
                                          const std::vector<AggregateSpec>& aggregates) {
  std::vector<SqlType> types;
  for (const auto& key : keys)
    types.push_back(key->type);
  for (const auto& aggregate : aggregates)
    types.push_back(aggregate.type);
  return types;
}

HashAggregate::HashAggregate(PhysicalOperatorPtr child, std::vector<BoundExprPtr> groupKeys,
                             std::vector<AggregateSpec> aggregates)
    : PhysicalOperator(outputTypesOf(groupKeys, aggregates)), child_(std::move(child)),
      groupKeys_(std::move(groupKeys)), aggregates_(std::move(aggregates)) {}

std::string HashAggregate::explain() const {
  std::string text = groupKeys_.empty() ? "Aggregate:" : "Hash Aggregate:";
  for (size_t i = 0; i < aggregates_.size(); ++i)
    text += (i ? ", " : " ") + aggregates_[i].toString();
  if (!groupKeys_.empty()) {
    text += " group by";
    for (size_t i = 0; i < groupKeys_.size(); ++i)
      text += (i ? ", " : " ") + groupKeys_[i]->toString();
  }
  return text;
}

std::vector<SqlType> HashAggregate::stateTypes() const {
  std::vector<SqlType> types;
  for (const auto& key : groupKeys_)
    types.push_back(key->type);
  for (const auto& aggregate : aggregates_)
    for (const auto& type : aggregateStateTypes(aggregate))
      types.push_back(type);
  return types;
}

size_t HashAggregate::accumulatorField(size_t aggregate) const {
  size_t field = groupKeys_.size();
  for (size_t i = 0; i < aggregate; ++i)
    field += aggregateStateTypes(aggregates_[i]).size();
  return field;
}

//===-- State: initialize, update, finalize (per aggregate in aggregate_state) ---------------===//

void HashAggregate::initializeState(CodegenContext& ctx, Value state,
                                    const RowLayout& layout) const {
  for (size_t i = 0; i < aggregates_.size(); ++i)
    initializeAggregate(ctx, aggregates_[i], state, layout, accumulatorField(i));
}

void HashAggregate::updateState(CodegenContext& ctx, Value state, const RowLayout& layout,
                                const Row& row) const {
  for (size_t i = 0; i < aggregates_.size(); ++i)
    updateAggregate(ctx, aggregates_[i], state, layout, accumulatorField(i), row);
}

Row HashAggregate::finalizeState(CodegenContext& ctx, Value state, const RowLayout& layout) const {
  Row out;
  for (size_t k = 0; k < groupKeys_.size(); ++k)
    out.push_back(ctx.loadField(state, layout, k));
  for (size_t i = 0; i < aggregates_.size(); ++i)
    out.push_back(finalizeAggregate(ctx, aggregates_[i], state, layout, accumulatorField(i)));
  return out;
}

//===-- Produce -----------------------------------------------------------------------------===//

void HashAggregate::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  RowLayout layout(stateTypes());

  if (groupKeys_.empty()) {
    // One group that exists even without input rows: count() = 0, sum() = NULL.
    Value state = ctx.state(ctx.uniqueName("agg_state"), [size = layout.size] {
      return std::shared_ptr<void>(new char[size](),
                                   [](void* p) { delete[] static_cast<char*>(p); });
    });
    initializeState(ctx, state, layout);
    child_->produce(ctx, [&](const Row& row) { updateState(ctx, state, layout, row); });
    consume(finalizeState(ctx, state, layout));
    return;
  }

  Value table = ctx.state(ctx.uniqueName("agg_ht"),
                          [size = layout.size] { return std::make_shared<HashTable>(size); });
  child_->produce(ctx, [&](const Row& row) {
    Row keys;
    for (const auto& key : groupKeys_)
      keys.push_back(ctx.eval(*key, row));
    Value hash = ctx.hashValues(keys);
    // GROUP BY puts nulls in one group.
    Value found = ctx.findNullSafeEntry(table, hash, layout, keys);
    b.ifThen(b.compare(OpCode::Eq, b.load(Type::Ptr, found), b.nullPtr()), [&] {
      Value entry = b.emit(OpCode::HashTableInsert, Type::Ptr, {table, hash});
      for (size_t k = 0; k < keys.size(); ++k) {
        Value value =
            keys[k].value.type == Type::I1 ? b.cast(keys[k].value, Type::I8) : keys[k].value;
        b.store(b.offset(entry, layout.valueOffsets[k]), value);
        b.store(b.offset(entry, layout.nullOffsets[k]), b.cast(keys[k].isNull, Type::I8));
      }
      initializeState(ctx, entry, layout);
      b.store(found, entry);
    });
    updateState(ctx, b.load(Type::Ptr, found), layout, row);
  });
  Value groups = b.emit(OpCode::HashTableSize, Type::I64, {table});
  b.forRange(b.constI64(0), groups, [&](Value i) {
    Value entry = b.emit(OpCode::HashTableEntryAt, Type::Ptr, {table, i});
    consume(finalizeState(ctx, entry, layout));
  });
}

} // namespace flern::ir

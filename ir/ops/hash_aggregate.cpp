#include "ir/ops/hash_aggregate.h"

#include "ir/runtime/query_context.h"

#include <limits>

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

/// The accumulator type of an aggregate: sums of integers widen (int4 -> int8, int8 -> numeric).
static SqlType accumulatorType(const AggregateSpec& aggregate) {
  switch (aggregate.kind) {
  case AggregateKind::CountStar:
  case AggregateKind::Count:
    return SqlType::int64();
  case AggregateKind::Avg:
    if (aggregate.arg->type.id == TypeId::Float64 || aggregate.arg->type.id == TypeId::Float32)
      return SqlType::float64();
    if (aggregate.arg->type.id == TypeId::Interval) return SqlType::interval();
    return SqlType::numeric(0, aggregate.arg->type.id == TypeId::Numeric ? aggregate.arg->type.scale
                                                                         : 0);
  default:
    return aggregate.type;
  }
}

std::vector<SqlType> HashAggregate::stateTypes() const {
  std::vector<SqlType> types;
  for (const auto& key : groupKeys_)
    types.push_back(key->type);
  for (const auto& aggregate : aggregates_) {
    types.push_back(accumulatorType(aggregate));
    if (aggregate.kind == AggregateKind::Avg) types.push_back(SqlType::int64());
  }
  return types;
}

size_t HashAggregate::accumulatorField(size_t aggregate) const {
  size_t field = groupKeys_.size();
  for (size_t i = 0; i < aggregate; ++i)
    field += aggregates_[i].kind == AggregateKind::Avg ? 2 : 1;
  return field;
}

//===-- State: initialize, update, finalize -------------------------------------------------===//

/// a + b for REAL and DOUBLE PRECISION sums: an infinite sum of finite values is an overflow
/// (22003), as PostgreSQL's float4pl/float8pl check.
static Value floatSum(CodegenContext& ctx, Value a, Value b) {
  Builder& builder = ctx.b();
  Value sum = builder.add(a, b);
  auto isInf = [&](Value v) {
    double inf = std::numeric_limits<double>::infinity();
    Value pos =
        v.type == Type::F32 ? builder.constF32(static_cast<float>(inf)) : builder.constF64(inf);
    Value neg =
        v.type == Type::F32 ? builder.constF32(static_cast<float>(-inf)) : builder.constF64(-inf);
    return builder.logicalOr(builder.compare(OpCode::Eq, v, pos),
                             builder.compare(OpCode::Eq, v, neg));
  };
  Value overflow =
      builder.logicalAnd(isInf(sum), builder.logicalNot(builder.logicalOr(isInf(a), isInf(b))));
  builder.ifThen(overflow, [&] { builder.raise("22003", "value out of range: overflow"); });
  return sum;
}

void HashAggregate::initializeState(CodegenContext& ctx, Value state,
                                    const RowLayout& layout) const {
  Builder& b = ctx.b();
  for (size_t i = 0; i < aggregates_.size(); ++i) {
    size_t field = accumulatorField(i);
    const auto kind = aggregates_[i].kind;
    // Counts start at 0; every other accumulator starts null (no input seen).
    bool startsNull = kind != AggregateKind::CountStar && kind != AggregateKind::Count;
    b.store(b.offset(state, layout.valueOffsets[field]), ctx.zeroOf(layout.types[field]));
    b.store(b.offset(state, layout.nullOffsets[field]), b.constI8(startsNull ? 1 : 0));
    if (kind == AggregateKind::Avg) {
      b.store(b.offset(state, layout.valueOffsets[field + 1]), b.constI64(0));
      b.store(b.offset(state, layout.nullOffsets[field + 1]), b.constI8(0));
    }
  }
}

void HashAggregate::updateState(CodegenContext& ctx, Value state, const RowLayout& layout,
                                const Row& row) const {
  Builder& b = ctx.b();
  for (size_t i = 0; i < aggregates_.size(); ++i) {
    const AggregateSpec& aggregate = aggregates_[i];
    size_t field = accumulatorField(i);
    Value valueAddress = b.offset(state, layout.valueOffsets[field]);
    Value nullAddress = b.offset(state, layout.nullOffsets[field]);
    const SqlType accType = layout.types[field];
    // FILTER (WHERE ...): the row counts for this aggregate only when the condition is true.
    Value included =
        aggregate.filter ? ctx.isTrue(ctx.eval(*aggregate.filter, row)) : b.constI1(true);
    if (aggregate.kind == AggregateKind::CountStar) {
      b.ifThen(included, [&] {
        b.store(valueAddress, b.add(b.load(Type::I64, valueAddress), b.constI64(1)));
      });
      continue;
    }
    SqlValue input = ctx.eval(*aggregate.arg, row);
    input.isNull = b.logicalOr(input.isNull, b.logicalNot(included));
    b.ifThen(b.logicalNot(input.isNull), [&] {
      SqlValue current = ctx.loadField(state, layout, field);
      Value updated;
      switch (aggregate.kind) {
      case AggregateKind::Count:
        updated = b.add(current.value, b.constI64(1));
        break;
      case AggregateKind::Sum:
      case AggregateKind::Avg: {
        SqlValue addend = ctx.coerce(input, accType);
        if (accType.id == TypeId::Numeric && accType.scale == kDynamicScale)
          updated = b.call("flern_rt_numeric_arith", Type::I128,
                           {b.context(), current.value, addend.value, b.constI32('+'),
                            b.constI32(kDynamicScale), b.constI32(kDynamicScale)});
        else if (accType.id == TypeId::Float64 || accType.id == TypeId::Float32)
          updated = floatSum(ctx, current.value, addend.value);
        else if (accType.id == TypeId::Interval) // months, days, microseconds apart
          updated = b.call("flern_rt_interval_pl", Type::I128,
                           {b.context(), current.value, addend.value, b.constI32(1)});
        else
          updated = b.emitWith(OpCode::AddChecked, addend.value.type, {current.value, addend.value},
                               [&](Op& op) {
                                 op.text = accType.id == TypeId::Int64 ? "bigint out of range"
                                                                       : "numeric field overflow";
                               });
        if (aggregate.kind == AggregateKind::Avg) {
          Value countAddress = b.offset(state, layout.valueOffsets[field + 1]);
          b.store(countAddress, b.add(b.load(Type::I64, countAddress), b.constI64(1)));
        }
        break;
      }
      case AggregateKind::Min:
      case AggregateKind::Max: {
        Value order = ctx.compareValues(input, current);
        // Intervals that compare equal can differ ('1 mon', '30 days'): PostgreSQL's
        // interval_smaller/larger then keep the later input.
        bool tiesReplace = input.type.id == TypeId::Interval;
        OpCode code = aggregate.kind == AggregateKind::Min
                          ? (tiesReplace ? OpCode::Le : OpCode::Lt)
                          : (tiesReplace ? OpCode::Ge : OpCode::Gt);
        Value better = b.compare(code, order, b.constI32(0));
        updated = b.select(b.logicalOr(current.isNull, better), input.value, current.value);
        break;
      }
      case AggregateKind::CountStar:
        break;
      }
      Value stored = updated.type == Type::I1 ? b.cast(updated, Type::I8) : updated;
      b.store(valueAddress, stored);
      b.store(nullAddress, b.constI8(0));
    });
  }
}

Row HashAggregate::finalizeState(CodegenContext& ctx, Value state, const RowLayout& layout) const {
  Builder& b = ctx.b();
  Row out;
  for (size_t k = 0; k < groupKeys_.size(); ++k)
    out.push_back(ctx.loadField(state, layout, k));
  for (size_t i = 0; i < aggregates_.size(); ++i) {
    const AggregateSpec& aggregate = aggregates_[i];
    size_t field = accumulatorField(i);
    SqlValue accumulator = ctx.loadField(state, layout, field);
    if (aggregate.kind != AggregateKind::Avg) {
      out.push_back(ctx.coerce(accumulator, aggregate.type));
      continue;
    }
    Value count = b.load(Type::I64, b.offset(state, layout.valueOffsets[field + 1]));
    Value empty = b.compare(OpCode::Eq, count, b.constI64(0));
    Value average;
    if (aggregate.type.id == TypeId::Float64) {
      average = b.binary(OpCode::Div, accumulator.value,
                         b.cast(b.select(empty, b.constI64(1), count), Type::F64));
    } else if (aggregate.type.id == TypeId::Interval) { // interval_avg: sum / count as float8
      average = b.call("flern_rt_interval_mul", Type::I128,
                       {b.context(), accumulator.value,
                        b.cast(b.select(empty, b.constI64(1), count), Type::F64), b.constI32(1)});
    } else {
      average = b.call("flern_rt_numeric_div", Type::I128,
                       {b.context(), accumulator.value, b.constI32(accumulator.type.scale),
                        b.cast(b.select(empty, b.constI64(1), count), Type::I128), b.constI32(0),
                        b.constI32(0)});
    }
    out.push_back({b.select(empty, ctx.zeroOf(aggregate.type), average), empty, aggregate.type});
  }
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
    Value found = b.var(Type::Ptr);
    b.store(found, b.nullPtr());
    Value cursor = b.var(Type::Ptr);
    b.store(cursor, b.emit(OpCode::HashTableFind, Type::Ptr, {table, hash}));
    b.whileLoop([&] { return b.compare(OpCode::Ne, b.load(Type::Ptr, cursor), b.nullPtr()); },
                [&] {
                  Value entry = b.load(Type::Ptr, cursor);
                  b.store(cursor, b.emit(OpCode::HashTableNext, Type::Ptr, {entry}));
                  Value sameHash = b.compare(
                      OpCode::Eq, b.emit(OpCode::HashTableHashOf, Type::I64, {entry}), hash);
                  b.ifThen(sameHash, [&] {
                    // GROUP BY puts nulls in one group: keys match when both are null or both
                    // equal.
                    Value equal = b.constI1(true);
                    for (size_t k = 0; k < keys.size(); ++k) {
                      SqlValue stored = ctx.loadField(entry, layout, k);
                      Value bothNull = b.logicalAnd(keys[k].isNull, stored.isNull);
                      Value bothValues =
                          b.logicalAnd(b.logicalNot(keys[k].isNull), b.logicalNot(stored.isNull));
                      Value same = b.logicalOr(
                          bothNull, b.logicalAnd(bothValues, ctx.equalValues(keys[k], stored)));
                      equal = b.logicalAnd(equal, same);
                    }
                    b.ifThen(equal, [&] {
                      b.store(found, entry);
                      b.store(cursor, b.nullPtr());
                    });
                  });
                });
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

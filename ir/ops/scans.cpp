#include "ir/ops/scans.h"

#include "storage/statistics.h"

namespace flern::ir {

//===-- TableScan ---------------------------------------------------------------------------===//

TableScan::TableScan(std::string table, std::vector<SqlType> types, std::vector<bool> notNull,
                     std::vector<ZoneFilter> zoneFilters)
    : PhysicalOperator(std::move(types)), table_(std::move(table)), notNull_(std::move(notNull)),
      zoneFilters_(std::move(zoneFilters)) {}

std::string TableScan::explain() const {
  std::string text = label_.empty() ? "Seq Scan on " + table_ : label_;
  for (size_t i = 0; i < zoneFilters_.size(); ++i)
    text += (i == 0 ? " (zone filter: " : " AND ") +
            ("#" + std::to_string(zoneFilters_[i].column)) + " " + zoneFilters_[i].op + " " +
            zoneFilters_[i].constant->toString();
  return zoneFilters_.empty() ? text : text + ")";
}

Value TableScan::chunkMayMatch(CodegenContext& ctx, Value buffer, Value chunk) const {
  using storage::ZoneMap;
  Builder& b = ctx.b();
  Value mayMatch = b.var(Type::I1);
  b.store(mayMatch, b.constI1(true));
  // Zone maps that do not describe the chunk's current rows (it grew) prove nothing.
  Value zones = b.call("flern_rt_buffer_chunk_zones", Type::Ptr, {buffer, chunk});
  b.ifThen(b.compare(OpCode::Ne, zones, b.nullPtr()), [&] {
    Value all = b.constI1(true);
    for (const auto& filter : zoneFilters_) {
      const SqlType& type = outputTypes()[filter.column];
      Value zone = b.offset(zones, filter.column * static_cast<int64_t>(sizeof(ZoneMap)));
      Value allNull = b.compare(
          OpCode::Ne, b.load(Type::I8, b.offset(zone, ZoneMap::kAllNullOffset)), b.constI8(0));
      Value ordered = b.compare(
          OpCode::Ne, b.load(Type::I8, b.offset(zone, ZoneMap::kOrderedOffset)), b.constI8(0));
      SqlValue low{b.load(irType(type), b.offset(zone, ZoneMap::kMinOffset)), b.constI1(false),
                   type};
      SqlValue high{b.load(irType(type), b.offset(zone, ZoneMap::kMaxOffset)), b.constI1(false),
                    type};
      SqlValue constant = ctx.constant(*filter.constant);
      // Some value in [low, high] can satisfy `value op constant` exactly when:
      Value zero = b.constI32(0);
      Value inRange;
      if (filter.op == "=")
        inRange = b.logicalAnd(b.compare(OpCode::Le, ctx.compareValues(low, constant), zero),
                               b.compare(OpCode::Ge, ctx.compareValues(high, constant), zero));
      else if (filter.op == "<")
        inRange = b.compare(OpCode::Lt, ctx.compareValues(low, constant), zero);
      else if (filter.op == "<=")
        inRange = b.compare(OpCode::Le, ctx.compareValues(low, constant), zero);
      else if (filter.op == ">")
        inRange = b.compare(OpCode::Gt, ctx.compareValues(high, constant), zero);
      else
        inRange = b.compare(OpCode::Ge, ctx.compareValues(high, constant), zero);
      // Unordered zone maps (NaN, ...) cannot rule a chunk out; all-null ones always do.
      Value passes =
          b.logicalAnd(b.logicalNot(allNull), b.logicalOr(b.logicalNot(ordered), inRange));
      all = b.logicalAnd(all, passes);
    }
    b.store(mayMatch, all);
  });
  return b.load(Type::I1, mayMatch);
}

void TableScan::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  Value buffer = ctx.externalState(slotName(table_));
  Value chunkCount = b.call("flern_rt_buffer_chunk_count", Type::I64, {buffer});
  b.forRange(b.constI64(0), chunkCount, [&](Value chunk) {
    if (!zoneFilters_.empty()) {
      b.ifThen(
          b.logicalNot(chunkMayMatch(ctx, buffer, chunk)),
          [&] { b.call("flern_rt_note_chunk_skipped", Type::Void, {b.context()}); },
          [&] { scanChunk(ctx, buffer, chunk, consume); });
      return;
    }
    scanChunk(ctx, buffer, chunk, consume);
  });
}

void TableScan::scanChunk(CodegenContext& ctx, Value buffer, Value chunk,
                          const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  const auto& types = outputTypes();
  const int64_t columnCount = static_cast<int64_t>(types.size());
  {
    Value rows = b.call("flern_rt_buffer_chunk_rows", Type::I64, {buffer, chunk});
    Value pointers = b.call("flern_rt_buffer_chunk_columns", Type::Ptr, {buffer, chunk});
    std::vector<Value> data, nulls;
    for (int64_t c = 0; c < columnCount; ++c) {
      data.push_back(b.load(Type::Ptr, b.offset(pointers, c * 8)));
      nulls.push_back(b.load(Type::Ptr, b.offset(pointers, (columnCount + c) * 8)));
    }
    // Columns the consumers never read are loaded here too; LLVM removes those dead loads.
    b.forRange(b.constI64(0), rows, [&](Value row) {
      Row values;
      for (int64_t c = 0; c < columnCount; ++c) {
        Type type = irType(types[c]);
        Type stored = type == Type::I1 ? Type::I8 : type;
        int64_t width = types[c].id == TypeId::Bool ? 1 : types[c].byteWidth();
        Value value = b.load(stored, b.offset(data[c], b.mul(row, b.constI64(width))));
        if (type == Type::I1) value = b.compare(OpCode::Ne, value, b.constI8(0));
        Value isNull = b.constI1(false);
        if (!notNull_[c]) {
          isNull = b.compare(OpCode::Ne, b.load(Type::I8, b.offset(nulls[c], row)), b.constI8(0));
          value = b.select(isNull, ctx.zeroOf(types[c]), value);
        }
        values.push_back({value, isNull, types[c]});
      }
      consume(values);
    });
  }
}

//===-- GenerateSeries ----------------------------------------------------------------------===//

GenerateSeries::GenerateSeries(BoundExprPtr start, BoundExprPtr stop, SqlType type)
    : PhysicalOperator({type}), start_(std::move(start)), stop_(std::move(stop)) {}

namespace {

std::vector<SqlType> withLast(std::vector<SqlType> types, SqlType last) {
  types.push_back(last);
  return types;
}

} // namespace

GenerateSeries::GenerateSeries(PhysicalOperatorPtr input, BoundExprPtr start, BoundExprPtr stop,
                               SqlType type)
    : PhysicalOperator(withLast(input->outputTypes(), type)), input_(std::move(input)),
      start_(std::move(start)), stop_(std::move(stop)) {}

std::vector<const PhysicalOperator*> GenerateSeries::children() const {
  if (!input_) return {};
  return {input_.get()};
}

void GenerateSeries::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  if (!input_) {
    produceSeries(ctx, {}, consume);
    return;
  }
  input_->produce(ctx, [&](const Row& row) { produceSeries(ctx, row, consume); });
}

void GenerateSeries::produceSeries(CodegenContext& ctx, const Row& input,
                                   const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  SqlValue start = ctx.eval(*start_, input);
  SqlValue stop = ctx.eval(*stop_, input);
  // A null bound yields no rows, as in PostgreSQL.
  Value anyNull = b.logicalOr(start.isNull, stop.isNull);
  b.ifThen(b.logicalNot(anyNull), [&] {
    Value first = b.cast(start.value, Type::I64);
    Value last = b.cast(stop.value, Type::I64);
    // Counts up to `last` inclusive without computing last + 1, which overflows at the
    // type's largest value.
    Value current = b.var(Type::I64);
    Value done = b.var(Type::I1);
    b.store(current, first);
    b.store(done, b.compare(OpCode::Gt, first, last));
    SqlType type = outputTypes().back();
    b.whileLoop([&] { return b.logicalNot(b.load(Type::I1, done)); },
                [&] {
                  Value value = b.load(Type::I64, current);
                  Row row = input;
                  row.push_back({b.cast(value, irType(type)), b.constI1(false), type});
                  consume(row);
                  Value reached = b.compare(OpCode::Eq, value, last);
                  b.store(done, reached);
                  b.store(current, b.select(reached, value, b.add(value, b.constI64(1))));
                });
  });
}

//===-- ValuesScan --------------------------------------------------------------------------===//

ValuesScan::ValuesScan(std::vector<std::vector<BoundExprPtr>> rows, std::vector<SqlType> types)
    : PhysicalOperator(std::move(types)), rows_(std::move(rows)) {}

void ValuesScan::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  for (const auto& exprs : rows_) {
    Row row;
    for (size_t i = 0; i < exprs.size(); ++i)
      row.push_back(ctx.coerce(ctx.eval(*exprs[i], {}), outputTypes()[i]));
    consume(row);
  }
}

} // namespace flern::ir

#include "ir/ops/scans.h"

namespace flern::ir {

//===-- TableScan ---------------------------------------------------------------------------===//

TableScan::TableScan(std::string table, std::vector<SqlType> types, std::vector<bool> notNull)
    : PhysicalOperator(std::move(types)), table_(std::move(table)), notNull_(std::move(notNull)) {}

void TableScan::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  const auto& types = outputTypes();
  const int64_t columnCount = static_cast<int64_t>(types.size());
  Value buffer = ctx.externalState(slotName(table_));
  Value chunkCount = b.call("flern_rt_buffer_chunk_count", Type::I64, {buffer});
  b.forRange(b.constI64(0), chunkCount, [&](Value chunk) {
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
  });
}

//===-- GenerateSeries ----------------------------------------------------------------------===//

GenerateSeries::GenerateSeries(BoundExprPtr start, BoundExprPtr stop, SqlType type)
    : PhysicalOperator({type}), start_(std::move(start)), stop_(std::move(stop)) {}

void GenerateSeries::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  SqlValue start = ctx.eval(*start_, {});
  SqlValue stop = ctx.eval(*stop_, {});
  // A null bound yields no rows, as in PostgreSQL.
  Value anyNull = b.logicalOr(start.isNull, stop.isNull);
  b.ifThen(b.logicalNot(anyNull), [&] {
    Value begin = b.cast(start.value, Type::I64);
    Value end = b.add(b.cast(stop.value, Type::I64), b.constI64(1));
    SqlType type = outputTypes()[0];
    b.forRange(begin, end, [&](Value i) {
      consume({{b.cast(i, irType(type)), b.constI1(false), type}});
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

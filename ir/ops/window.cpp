#include "ir/ops/window.h"

#include "ir/ops/window_codegen.h"
#include "ir/runtime/query_context.h"

namespace flern::ir {

//===-- Construction ------------------------------------------------------------------------===//

static std::vector<SqlType> outputTypesOf(const PhysicalOperator& child,
                                          const std::vector<WindowExpr>& functions) {
  std::vector<SqlType> types = child.outputTypes();
  for (const auto& function : functions)
    types.push_back(function.type);
  return types;
}

Window::Window(PhysicalOperatorPtr child, std::vector<WindowExpr> functions)
    : PhysicalOperator(outputTypesOf(*child, functions)), child_(std::move(child)),
      functions_(std::move(functions)) {}

std::string Window::explain() const {
  std::string text = "Window:";
  for (size_t i = 0; i < functions_.size(); ++i)
    text += (i ? ", " : " ") + functions_[i].toString();
  return text;
}

//===-- Row storage -------------------------------------------------------------------------===//

static std::vector<SqlType> storedTypes(const std::vector<SqlType>& input,
                                        const std::vector<WindowExpr>& functions) {
  std::vector<SqlType> types = input;
  const WindowExpr& window = functions.front();
  for (const auto& key : window.partitionKeys)
    types.push_back(key->type);
  for (const auto& key : window.orderKeys)
    types.push_back(key.expr->type);
  for (const auto& function : functions)
    for (const auto& arg : function.args)
      types.push_back(arg->type);
  for (const auto& function : functions)
    types.push_back(function.type);
  return types;
}

WindowCodegen::WindowCodegen(CodegenContext& ctx, const std::vector<SqlType>& inputTypes,
                             const std::vector<WindowExpr>& functions)
    : ctx_(ctx), inputWidth_(inputTypes.size()), functions_(functions),
      types_(storedTypes(inputTypes, functions)), layout_(types_) {
  partitionField_ = inputWidth_;
  orderField_ = partitionField_ + functions.front().partitionKeys.size();
  size_t field = orderField_ + functions.front().orderKeys.size();
  for (const auto& function : functions) {
    argField_.push_back(field);
    field += function.args.size();
  }
  resultField_ = field;
}

Row WindowCodegen::storedRow(const Row& input) {
  Row stored = input;
  const WindowExpr& window = functions_.front();
  for (const auto& key : window.partitionKeys)
    stored.push_back(ctx_.eval(*key, input));
  for (const auto& key : window.orderKeys)
    stored.push_back(ctx_.eval(*key.expr, input));
  for (const auto& function : functions_)
    for (const auto& arg : function.args)
      stored.push_back(ctx_.eval(*arg, input));
  for (const auto& function : functions_)
    stored.push_back(ctx_.nullValue(function.type));
  return stored;
}

std::string WindowCodegen::emitComparator() {
  std::string name = ctx_.uniqueName("window_compare");
  const WindowExpr& window = functions_.front();
  // Partitions only need their rows together: ascending, nulls last.
  std::vector<SortKey> keys;
  for (const auto& key : window.partitionKeys)
    keys.push_back({key, false, false});
  for (const auto& key : window.orderKeys)
    keys.push_back(key);
  ctx_.emitComparator(name, [&](Value left, Value right) {
    Builder& b = ctx_.b();
    Value result = b.var(Type::I32);
    b.store(result, b.constI32(0));
    for (size_t k = 0; k < keys.size(); ++k) {
      b.ifThen(b.compare(OpCode::Eq, b.load(Type::I32, result), b.constI32(0)), [&] {
        SqlValue a = ctx_.loadField(left, layout_, partitionField_ + k);
        SqlValue c = ctx_.loadField(right, layout_, partitionField_ + k);
        Value order = ctx_.compareValues(a, c);
        if (keys[k].descending) order = b.sub(b.constI32(0), order);
        Value nullOrder = b.sub(b.cast(a.isNull, Type::I32), b.cast(c.isNull, Type::I32));
        if (keys[k].nullsFirst) nullOrder = b.sub(b.constI32(0), nullOrder);
        b.store(result, b.select(b.logicalOr(a.isNull, c.isNull), nullOrder, order));
      });
    }
    b.emit(OpCode::Yield, Type::Void, {b.load(Type::I32, result)});
  });
  return name;
}

Value WindowCodegen::rowAt(Value index) {
  return ctx_.b().emit(OpCode::SortRowAt, Type::Ptr, {buffer_, index});
}

SqlValue WindowCodegen::arg(Value row, size_t function, size_t index) {
  return ctx_.loadField(row, layout_, argField_[function] + index);
}

SqlValue WindowCodegen::result(Value row, size_t function) {
  return ctx_.loadField(row, layout_, resultField_ + function);
}

void WindowCodegen::storeResult(Value row, size_t function, const SqlValue& value) {
  Builder& b = ctx_.b();
  size_t field = resultField_ + function;
  Value stored = value.value.type == Type::I1 ? b.cast(value.value, Type::I8) : value.value;
  b.store(b.offset(row, layout_.valueOffsets[field]), stored);
  b.store(b.offset(row, layout_.nullOffsets[field]), b.cast(value.isNull, Type::I8));
}

Value WindowCodegen::sameKeys(Value a, Value c, size_t first, size_t count) {
  Builder& b = ctx_.b();
  Value same = b.constI1(true);
  for (size_t k = first; k < first + count; ++k) {
    SqlValue x = ctx_.loadField(a, layout_, k);
    SqlValue y = ctx_.loadField(c, layout_, k);
    // Nulls are peers of each other and belong to one partition.
    Value bothNull = b.logicalAnd(x.isNull, y.isNull);
    Value bothValues = b.logicalAnd(b.logicalNot(x.isNull), b.logicalNot(y.isNull));
    Value equal = b.compare(OpCode::Eq, ctx_.compareValues(x, y), b.constI32(0));
    same = b.logicalAnd(same, b.logicalOr(bothNull, b.logicalAnd(bothValues, equal)));
  }
  return same;
}

Value WindowCodegen::runEnd(Value start, Value limit, size_t first, size_t count) {
  Builder& b = ctx_.b();
  if (count == 0) return limit;
  Value end = b.var(Type::I64);
  b.store(end, limit);
  Value next = b.var(Type::I64);
  b.store(next, b.add(start, b.constI64(1)));
  Value startRow = rowAt(start);
  b.whileLoop(
      [&] { return b.compare(OpCode::Lt, b.load(Type::I64, next), b.load(Type::I64, end)); },
      [&] {
        Value at = b.load(Type::I64, next);
        b.ifThen(
            sameKeys(startRow, rowAt(at), first, count),
            [&] { b.store(next, b.add(at, b.constI64(1))); }, [&] { b.store(end, at); });
      });
  return b.load(Type::I64, end);
}

void WindowCodegen::forEachRow(Value ps, Value pe,
                               const std::function<void(Value, Value, Value, Value)>& body) {
  Builder& b = ctx_.b();
  Value groupStart = b.var(Type::I64), groupEnd = b.var(Type::I64), group = b.var(Type::I64);
  b.store(groupStart, ps);
  b.store(groupEnd, ps);
  b.store(group, b.constI64(0));
  b.forRange(ps, pe, [&](Value j) {
    b.ifThen(b.compare(OpCode::Ge, j, b.load(Type::I64, groupEnd)), [&] {
      b.store(groupStart, j);
      b.store(group, b.add(b.load(Type::I64, group), b.constI64(1)));
      b.store(groupEnd, runEnd(j, pe, orderField_, functions_.front().orderKeys.size()));
    });
    body(j, b.load(Type::I64, groupStart), b.load(Type::I64, groupEnd), b.load(Type::I64, group));
  });
}

//===-- Ranking and offset functions --------------------------------------------------------===//

void WindowCodegen::computeFunction(size_t function, Value ps, Value pe) {
  Builder& b = ctx_.b();
  const WindowExpr& expr = functions_[function];
  if (isWindowAggregate(expr.kind)) return computeAggregate(function, ps, pe);
  switch (expr.kind) {
  case WindowFunctionKind::FirstValue:
  case WindowFunctionKind::LastValue:
  case WindowFunctionKind::NthValue:
    return computeValueFunction(function, ps, pe);
  case WindowFunctionKind::Ntile:
    return computeNtile(function, ps, pe);
  default:
    break;
  }
  Value rows = b.sub(pe, ps);
  forEachRow(ps, pe, [&](Value j, Value gs, Value ge, Value group) {
    Value value;
    switch (expr.kind) {
    case WindowFunctionKind::RowNumber:
      value = b.add(b.sub(j, ps), b.constI64(1));
      break;
    case WindowFunctionKind::Rank:
      value = b.add(b.sub(gs, ps), b.constI64(1));
      break;
    case WindowFunctionKind::DenseRank:
      value = group;
      break;
    case WindowFunctionKind::PercentRank: {
      // (rank - 1) / (rows - 1), 0 for a one-row partition.
      Value single = b.compare(OpCode::Le, rows, b.constI64(1));
      Value divisor =
          b.cast(b.select(single, b.constI64(1), b.sub(rows, b.constI64(1))), Type::F64);
      Value ratio = b.binary(OpCode::Div, b.cast(b.sub(gs, ps), Type::F64), divisor);
      value = b.select(single, b.constF64(0), ratio);
      break;
    }
    case WindowFunctionKind::CumeDist:
      value = b.binary(OpCode::Div, b.cast(b.sub(ge, ps), Type::F64), b.cast(rows, Type::F64));
      break;
    case WindowFunctionKind::Lag:
    case WindowFunctionKind::Lead:
      computeOffset(function, ps, pe, j);
      return;
    default:
      internalError("window function without code generation");
    }
    storeResult(rowAt(j), function, {value, b.constI1(false), expr.type});
  });
}

void WindowCodegen::computeNtile(size_t function, Value ps, Value pe) {
  Builder& b = ctx_.b();
  // The bucket count is read from the partition's first row, as PostgreSQL does.
  SqlValue buckets = arg(rowAt(ps), function, 0);
  b.ifThen(b.logicalAnd(b.logicalNot(buckets.isNull),
                        b.compare(OpCode::Le, buckets.value, b.constI32(0))),
           [&] { b.raise("22014", "argument of ntile must be greater than zero"); });
  Value k = b.select(buckets.isNull, b.constI64(1), b.cast(buckets.value, Type::I64));
  Value rows = b.sub(pe, ps);
  // The first rows % k buckets hold one row more than the others.
  Value small = b.binary(OpCode::Div, rows, k);
  Value remainder = b.binary(OpCode::Rem, rows, k);
  Value big = b.add(small, b.constI64(1));
  Value bigRows = b.mul(remainder, big);
  b.forRange(ps, pe, [&](Value j) {
    Value r = b.sub(j, ps);
    Value inBig = b.compare(OpCode::Lt, r, bigRows);
    Value safeSmall = b.select(b.compare(OpCode::Eq, small, b.constI64(0)), b.constI64(1), small);
    Value bucket = b.select(inBig, b.binary(OpCode::Div, r, big),
                            b.add(remainder, b.binary(OpCode::Div, b.sub(r, bigRows), safeSmall)));
    storeResult(rowAt(j), function,
                {b.select(buckets.isNull, b.constI64(0), b.add(bucket, b.constI64(1))),
                 buckets.isNull, functions_[function].type});
  });
}

void WindowCodegen::computeOffset(size_t function, Value ps, Value pe, Value j) {
  Builder& b = ctx_.b();
  const WindowExpr& expr = functions_[function];
  Value current = rowAt(j);
  // lag(x [, offset [, default]]): offset and default are the current row's.
  SqlValue offset = expr.args.size() > 1
                        ? arg(current, function, 1)
                        : SqlValue{b.constI32(1), b.constI1(false), SqlType::int32()};
  Value distance = b.cast(offset.value, Type::I64);
  Value target = expr.kind == WindowFunctionKind::Lag ? b.sub(j, distance) : b.add(j, distance);
  Value inside = b.logicalAnd(b.compare(OpCode::Ge, target, ps), b.compare(OpCode::Lt, target, pe));
  Value out = b.var(irType(expr.type));
  Value outNull = b.var(Type::I1);
  SqlValue fallback = expr.args.size() > 2 ? arg(current, function, 2) : ctx_.nullValue(expr.type);
  b.store(out, fallback.value);
  b.store(outNull, fallback.isNull);
  b.ifThen(b.logicalAnd(inside, b.logicalNot(offset.isNull)), [&] {
    SqlValue value = arg(rowAt(target), function, 0);
    b.store(out, value.value);
    b.store(outNull, value.isNull);
  });
  // A null offset gives null, whatever the default.
  Value isNull = b.logicalOr(b.load(Type::I1, outNull), offset.isNull);
  Value value = b.select(isNull, ctx_.zeroOf(expr.type), b.load(irType(expr.type), out));
  storeResult(current, function, {value, isNull, expr.type});
}

void WindowCodegen::computeAll(Value buffer, Value count) {
  Builder& b = ctx_.b();
  buffer_ = buffer;
  // PostgreSQL checks the frame offsets before it reads a row, so even without rows.
  for (size_t f = 0; f < functions_.size(); ++f)
    checkFrameOffsets(f);
  Value next = b.var(Type::I64);
  b.store(next, b.constI64(0));
  const size_t partitionKeys = functions_.front().partitionKeys.size();
  b.whileLoop([&] { return b.compare(OpCode::Lt, b.load(Type::I64, next), count); },
              [&] {
                Value ps = b.load(Type::I64, next);
                Value pe = runEnd(ps, count, partitionField_, partitionKeys);
                for (size_t f = 0; f < functions_.size(); ++f)
                  computeFunction(f, ps, pe);
                b.store(next, pe);
              });
}

//===-- Produce -----------------------------------------------------------------------------===//

void Window::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  WindowCodegen gen(ctx, child_->outputTypes(), functions_);
  Value buffer = ctx.state(ctx.uniqueName("window"), [size = gen.layout().size] {
    return std::make_shared<SortBuffer>(size);
  });
  child_->produce(ctx, [&](const Row& row) {
    ctx.storeRow(b.emit(OpCode::SortAppend, Type::Ptr, {buffer}), gen.layout(), gen.storedRow(row));
  });
  const WindowExpr& window = functions_.front();
  if (!window.partitionKeys.empty() || !window.orderKeys.empty()) {
    std::string comparator = gen.emitComparator();
    b.emitWith(OpCode::SortRun, Type::Void, {buffer}, [&](Op& op) { op.name = comparator; });
  }
  Value count = b.emit(OpCode::SortSize, Type::I64, {buffer});
  gen.computeAll(buffer, count);
  b.forRange(b.constI64(0), count, [&](Value i) {
    Value row = b.emit(OpCode::SortRowAt, Type::Ptr, {buffer, i});
    Row out;
    for (size_t c = 0; c < gen.inputWidth(); ++c)
      out.push_back(ctx.loadField(row, gen.layout(), c));
    for (size_t f = 0; f < functions_.size(); ++f)
      out.push_back(gen.result(row, f));
    consume(out);
  });
}

} // namespace flern::ir

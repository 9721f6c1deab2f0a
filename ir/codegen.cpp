#include "ir/codegen.h"

#include "ir/codegen_util.h"

#include "common/error.h"
#include "common/stack_depth.h"

#include <cmath>
#include <limits>

namespace flern::ir {

Type irType(const SqlType& type) {
  switch (type.id) {
  case TypeId::Bool:
    return Type::I1;
  case TypeId::Int16:
    return Type::I16;
  case TypeId::Int32:
  case TypeId::Date:
    return Type::I32;
  case TypeId::Int64:
  case TypeId::Timestamp:
  case TypeId::TimestampTz:
    return Type::I64;
  case TypeId::Float32:
    return Type::F32;
  case TypeId::Float64:
    return Type::F64;
  case TypeId::Numeric:
  case TypeId::Interval:
    return Type::I128;
  case TypeId::Text:
  case TypeId::Varchar:
  case TypeId::Char:
  case TypeId::Unknown:
    return Type::Str;
  }
  return Type::Str;
}

RowLayout::RowLayout(std::vector<SqlType> fieldTypes, int64_t headerBytes)
    : types(std::move(fieldTypes)) {
  int64_t offset = headerBytes;
  for (const auto& type : types) {
    int64_t width = type.id == TypeId::Bool ? 1 : type.byteWidth();
    int64_t align = std::min<int64_t>(width, 8);
    offset = (offset + align - 1) / align * align;
    valueOffsets.push_back(offset);
    offset += width;
  }
  for (size_t i = 0; i < types.size(); ++i)
    nullOffsets.push_back(offset++);
  size = (offset + 7) / 8 * 8;
}

CodegenContext::CodegenContext(Module& module, Function& function) : module_(module) {
  builders_.push_back(std::make_unique<Builder>(module, function));
}

Value CodegenContext::state(const std::string& name, StateFactory factory) {
  factories_[name] = std::move(factory);
  if (recreated_) {
    recreated_->push_back(name);
    return b().slot(name, /*reloaded=*/true);
  }
  return b().slot(name);
}

Value CodegenContext::externalState(const std::string& name) {
  return b().slot(name);
}

std::string CodegenContext::uniqueName(const std::string& prefix) {
  return prefix + std::to_string(nameCounter_++);
}

void CodegenContext::emitComparator(const std::string& name,
                                    const std::function<void(Value, Value)>& body) {
  auto function = std::make_unique<Function>();
  function->name = name;
  function->isComparator = true;
  function->contextArg = function->valueCount++;
  function->secondArg = function->valueCount++;
  Function& ref = *function;
  module_.functions.push_back(std::move(function));
  builders_.push_back(std::make_unique<Builder>(module_, ref));
  body({ref.contextArg, Type::Ptr}, {ref.secondArg, Type::Ptr});
  builders_.pop_back();
}

Value CodegenContext::zeroOf(const SqlType& type) {
  switch (irType(type)) {
  case Type::I1:
    return b().constI1(false);
  case Type::I16:
    return b().constant(Type::I16, 0);
  case Type::I32:
    return b().constI32(0);
  case Type::I64:
    return b().constI64(0);
  case Type::F32:
    return b().constF32(0);
  case Type::F64:
    return b().constF64(0);
  case Type::I128:
    return b().constI128(0);
  default:
    return b().constStr("");
  }
}

Value CodegenContext::payloadUnlessNull(Value value, Value isNull, const SqlType& type) {
  if (type.isString() || type.id == TypeId::Unknown) return value; // parsed only when not null
  return b().select(isNull, zeroOf(type), value);
}

SqlValue CodegenContext::nullValue(const SqlType& type) {
  return {zeroOf(type), b().constI1(true), type};
}

SqlValue CodegenContext::constant(const BoundExpr& expr) {
  const SqlType& type = expr.type;
  if (expr.isNull) return nullValue(type);
  Value notNull = b().constI1(false);
  switch (type.id) {
  case TypeId::Bool:
    return {b().constI1(expr.intValue != 0), notNull, type};
  case TypeId::Int32:
  case TypeId::Date:
    return {b().constI32(static_cast<int32_t>(expr.intValue)), notNull, type};
  case TypeId::Int16:
    return {b().constant(Type::I16, expr.intValue), notNull, type};
  case TypeId::Int64:
  case TypeId::Timestamp:
  case TypeId::TimestampTz:
    return {b().constI64(expr.intValue), notNull, type};
  case TypeId::Float32:
    return {b().constF32(static_cast<float>(expr.floatValue)), notNull, type};
  case TypeId::Float64:
    return {b().constF64(expr.floatValue), notNull, type};
  case TypeId::Numeric:
  case TypeId::Interval:
    return {b().constI128(expr.numericValue), notNull, type};
  default:
    return {b().constStr(expr.stringValue), notNull, type};
  }
}

Value CodegenContext::rescale(Value value, int from, int to) {
  if (from == to) return value;
  if (to > from && from != kDynamicScale && to - from <= 38)
    return b().emitWith(OpCode::MulChecked, Type::I128,
                        {value, b().constI128(pow10i128(to - from))},
                        [](Op& op) { op.text = "numeric field overflow"; });
  return b().call("flern_rt_numeric_rescale", Type::I128,
                  {b().context(), value, b().constI32(from), b().constI32(to)});
}

SqlValue CodegenContext::coerce(const SqlValue& value, const SqlType& to) {
  return cast(value, to, false);
}

/// Text (or an untyped literal) parsed into `to`; nullopt for the types that take another path.
std::optional<SqlValue> CodegenContext::castFromText(const SqlValue& in, const SqlType& to) {
  Builder& b = this->b();
  auto result = [&](Value v) { return SqlValue{v, in.isNull, to}; };
  auto checkPrecision = [&](Value v) {
    if (to.precision > 0)
      b.call("flern_rt_check_numeric_precision", Type::Void,
             {b.context(), v, b.constI32(to.precision), b.constI32(to.scale)});
  };
  Value ctx = b.context();
  switch (to.id) {
  case TypeId::Int32:
    return result(guarded(*this, in.isNull, Type::I32, b.constI32(0), [&] {
      return b.cast(b.call("flern_rt_parse_i64", Type::I64, {ctx, in.value, b.constI32(32)}),
                    Type::I32);
    }));
  case TypeId::Int64:
    return result(guarded(*this, in.isNull, Type::I64, b.constI64(0), [&] {
      return b.call("flern_rt_parse_i64", Type::I64, {ctx, in.value, b.constI32(64)});
    }));
  case TypeId::Float64:
    return result(guarded(*this, in.isNull, Type::F64, b.constF64(0), [&] {
      return b.call("flern_rt_parse_f64", Type::F64, {ctx, in.value});
    }));
  case TypeId::Numeric: {
    Value v = guarded(*this, in.isNull, Type::I128, b.constI128(0), [&] {
      return b.call("flern_rt_parse_numeric", Type::I128, {ctx, in.value, b.constI32(to.scale)});
    });
    checkPrecision(v);
    return result(v);
  }
  case TypeId::Date:
    return result(guarded(*this, in.isNull, Type::I32, b.constI32(0), [&] {
      return b.call("flern_rt_parse_date", Type::I32, {ctx, in.value});
    }));
  case TypeId::Bool:
    return result(guarded(*this, in.isNull, Type::I1, b.constI1(false), [&] {
      return b.cast(b.call("flern_rt_parse_bool", Type::I32, {ctx, in.value}), Type::I1);
    }));
  default:
    break;
  }
  return std::nullopt;
}

/// A value of a non-string type as text, as PostgreSQL's output functions write it.
SqlValue CodegenContext::castToText(const SqlValue& in, const SqlType& to, bool explicitCast) {
  Builder& b = this->b();
  const TypeId from = in.type.id;
  auto result = [&](Value v) { return SqlValue{v, in.isNull, to}; };
  Value ctx = b.context();
  Value text;
  switch (from) {
  case TypeId::Bool:
    text = b.select(in.value, b.constStr("true"), b.constStr("false"));
    break;
  case TypeId::Int32:
  case TypeId::Int64:
    text = guarded(*this, in.isNull, Type::Str, b.constStr(""), [&] {
      return b.call("flern_rt_i64_to_text", Type::Str, {ctx, b.cast(in.value, Type::I64)});
    });
    break;
  case TypeId::Float64:
    text = guarded(*this, in.isNull, Type::Str, b.constStr(""), [&] {
      return b.call("flern_rt_f64_to_text", Type::Str, {ctx, in.value});
    });
    break;
  case TypeId::Numeric:
    text = guarded(*this, in.isNull, Type::Str, b.constStr(""), [&] {
      return b.call("flern_rt_numeric_to_text", Type::Str,
                    {ctx, in.value, b.constI32(in.type.scale)});
    });
    break;
  case TypeId::Date:
    text = guarded(*this, in.isNull, Type::Str, b.constStr(""), [&] {
      return b.call("flern_rt_date_to_text", Type::Str, {ctx, in.value});
    });
    break;
  default:
    internalError("unexpected cast to text");
  }
  if (to.id == TypeId::Varchar && to.length > 0)
    return cast({text, in.isNull, SqlType::text()}, to, explicitCast);
  return result(text);
}

SqlValue CodegenContext::cast(const SqlValue& input, const SqlType& to, bool explicitCast) {
  // Range and precision checks below test the payload, which must not be a null's leftover.
  const SqlValue in{payloadUnlessNull(input.value, input.isNull, input.type), input.isNull,
                    input.type};
  if (auto extended = castExtended(in, to, explicitCast)) return *extended;
  Builder& b = this->b();
  const TypeId from = in.type.id;
  auto result = [&](Value v) { return SqlValue{v, in.isNull, to}; };
  auto checkRange = [&](Value wide, Type wideType, int64_t low, int64_t high) {
    Value tooLow = b.compare(OpCode::Lt, wide, b.constant(wideType, low));
    Value tooHigh = b.compare(OpCode::Gt, wide, b.constant(wideType, high));
    b.ifThen(b.logicalOr(tooLow, tooHigh), [&] { b.raise("22003", outOfRangeMessage(to.id)); });
  };
  auto checkPrecision = [&](Value v) {
    if (to.precision > 0)
      b.call("flern_rt_check_numeric_precision", Type::Void,
             {b.context(), v, b.constI32(to.precision), b.constI32(to.scale)});
  };

  if (to.id == TypeId::Char && !(from == TypeId::Char && in.type.length == to.length)) {
    // Into CHAR(n): strings are padded (or checked/truncated); other types go through text.
    SqlValue text = from == TypeId::Char || in.type.isString() || from == TypeId::Unknown
                        ? in
                        : cast(in, SqlType::text(), explicitCast);
    Value padded = guarded(*this, text.isNull, Type::Str, b.constStr(""), [&] {
      return b.call("flern_rt_to_char", Type::Str,
                    {b.context(), text.value, b.constI64(to.length), b.constI32(explicitCast)});
    });
    return result(padded);
  }
  if (from == TypeId::Char && to.id != TypeId::Char) {
    // Out of CHAR: trailing blanks are not part of the value.
    SqlValue trimmed{b.call("flern_rt_rtrim", Type::Str, {in.value}), in.isNull, SqlType::text()};
    return cast(trimmed, to, explicitCast);
  }
  auto limitLength = [&]() {
    // Strings into VARCHAR(n): an explicit cast truncates, an assignment raises 22001.
    if (explicitCast)
      return result(
          b.call("flern_rt_truncate_varchar", Type::Str, {in.value, b.constI64(to.length)}));
    b.call("flern_rt_check_varchar", Type::Void, {b.context(), in.value, b.constI64(to.length)});
    return result(in.value);
  };
  if (from == to.id) {
    if (from == TypeId::Numeric && in.type.scale != to.scale) {
      Value v = rescale(in.value, in.type.scale, to.scale);
      checkPrecision(v);
      return result(v);
    }
    if (from == TypeId::Numeric && to.precision > 0 && in.type.precision != to.precision)
      checkPrecision(in.value);
    if (to.id == TypeId::Varchar && to.length > 0 &&
        (in.type.length == 0 || in.type.length > to.length))
      return limitLength();
    return result(in.value);
  }
  bool fromString = in.type.isString() || from == TypeId::Unknown;
  if (fromString && to.isString())
    return to.id == TypeId::Varchar && to.length > 0 ? limitLength() : result(in.value);
  if (fromString)
    if (auto parsed = castFromText(in, to)) return *parsed;
  if (to.isString()) return castToText(in, to, explicitCast);
  switch (to.id) {
  case TypeId::Int32:
    if (from == TypeId::Int64) {
      checkRange(in.value, Type::I64, INT32_MIN, INT32_MAX);
      return result(b.cast(in.value, Type::I32));
    }
    if (from == TypeId::Bool) return result(b.cast(in.value, Type::I32));
    [[fallthrough]];
  case TypeId::Int64: {
    Type target = irType(to);
    if (from == TypeId::Int32) return result(b.cast(in.value, Type::I64));
    if (from == TypeId::Float64) {
      Value rounded = b.call("llvm.rint.f64", Type::F64, {in.value});
      double high = to.id == TypeId::Int32 ? 2147483647.0 : 9223372036854775807.0;
      double low = to.id == TypeId::Int32 ? -2147483648.0 : -9223372036854775808.0;
      Value bad = b.logicalOr(b.compare(OpCode::Lt, rounded, b.constF64(low)),
                              b.compare(OpCode::Ge, rounded, b.constF64(high + 1)));
      b.ifThen(bad, [&] { b.raise("22003", outOfRangeMessage(to.id)); });
      return result(b.cast(rounded, target));
    }
    if (from == TypeId::Numeric) {
      Value whole = rescale(in.value, in.type.scale, 0);
      int64_t low = to.id == TypeId::Int32 ? INT32_MIN : INT64_MIN;
      int64_t high = to.id == TypeId::Int32 ? INT32_MAX : INT64_MAX;
      Value tooLow = b.compare(OpCode::Lt, whole, b.constI128(low));
      Value tooHigh = b.compare(OpCode::Gt, whole, b.constI128(high));
      b.ifThen(b.logicalOr(tooLow, tooHigh), [&] { b.raise("22003", outOfRangeMessage(to.id)); });
      return result(b.cast(whole, target));
    }
    break;
  }
  case TypeId::Float64:
    if (from == TypeId::Int32 || from == TypeId::Int64) return result(b.cast(in.value, Type::F64));
    if (from == TypeId::Numeric)
      return result(
          b.call("flern_rt_numeric_to_f64", Type::F64, {in.value, b.constI32(in.type.scale)}));
    break;
  case TypeId::Numeric:
    if (from == TypeId::Int32 || from == TypeId::Int64) {
      Value v = rescale(b.cast(in.value, Type::I128), 0, to.scale);
      checkPrecision(v);
      return result(v);
    }
    if (from == TypeId::Float64) {
      Value v = guarded(*this, in.isNull, Type::I128, b.constI128(0), [&] {
        return b.call("flern_rt_f64_to_numeric", Type::I128,
                      {b.context(), in.value, b.constI32(to.scale)});
      });
      checkPrecision(v);
      return result(v);
    }
    break;
  case TypeId::Bool:
    if (from == TypeId::Int32) return result(b.compare(OpCode::Ne, in.value, b.constI32(0)));
    break;
  default:
    break;
  }
  internalError("no cast from " + in.type.name() + " to " + to.name());
}

SqlValue CodegenContext::eval(const BoundExpr& expr, const Row& row) {
  checkStackDepth();
  Builder& b = this->b();
  switch (expr.kind) {
  case BoundKind::Column:
    FLERN_ASSERT(expr.index >= 0 && static_cast<size_t>(expr.index) < row.size(),
                 "column index outside the input row");
    return row[expr.index];
  case BoundKind::Constant:
    return constant(expr);
  case BoundKind::Arith:
    return arith(expr, row);
  case BoundKind::Negate: {
    SqlValue a = eval(*expr.args[0], row);
    a.value = payloadUnlessNull(a.value, a.isNull, a.type);
    return {negate(a), a.isNull, expr.type};
  }
  case BoundKind::Compare:
    return compare(expr, row);
  case BoundKind::And:
  case BoundKind::Or:
  case BoundKind::Not:
    return logical(expr, row);
  case BoundKind::IsNull:
  case BoundKind::IsNotNull: {
    SqlValue a = eval(*expr.args[0], row);
    Value v = expr.kind == BoundKind::IsNull ? a.isNull : b.logicalNot(a.isNull);
    return {v, b.constI1(false), expr.type};
  }
  case BoundKind::Cast:
    return cast(eval(*expr.args[0], row), expr.type, !expr.assignment);
  case BoundKind::Case:
    return caseWhen(expr, row, 0);
  case BoundKind::Like: {
    SqlValue s = eval(*expr.args[0], row);
    SqlValue pattern = eval(*expr.args[1], row);
    Value isNull = b.logicalOr(s.isNull, pattern.isNull);
    Value match = b.compare(
        OpCode::Ne, b.call("flern_rt_like", Type::I32, {s.value, pattern.value}), b.constI32(0));
    if (expr.negated) match = b.logicalNot(match);
    return {b.logicalAnd(match, b.logicalNot(isNull)), isNull, expr.type};
  }
  case BoundKind::Function:
    return function(expr, row);
  case BoundKind::Predict:
    return predict(expr, row);
  case BoundKind::AggregateRef:
  case BoundKind::WindowRef:
  case BoundKind::Subquery: // unnesting replaces every subquery before code generation
    break;
  }
  internalError("unknown expression kind");
}

Value CodegenContext::compareValues(const SqlValue& a, const SqlValue& c) {
  Builder& b = this->b();
  if (a.type.id == TypeId::Char || c.type.id == TypeId::Char)
    return b.call("flern_rt_bpchar_cmp", Type::I32, {a.value, c.value});
  if (a.type.isString() || a.type.id == TypeId::Unknown)
    return b.call("flern_rt_str_cmp", Type::I32, {a.value, c.value});
  Value x = orderKey(a), y = orderKey(c);
  if (a.type.id == TypeId::Numeric && a.type.scale != c.type.scale) {
    if (a.type.scale == kDynamicScale || c.type.scale == kDynamicScale)
      return b.call("flern_rt_numeric_cmp", Type::I32,
                    {a.value, b.constI32(a.type.scale), c.value, b.constI32(c.type.scale)});
    int scale = std::max(a.type.scale, c.type.scale);
    x = rescale(x, a.type.scale, scale);
    y = rescale(y, c.type.scale, scale);
  } else if (a.type.id == TypeId::Numeric && a.type.scale == kDynamicScale) {
    return b.call("flern_rt_numeric_cmp", Type::I32,
                  {a.value, b.constI32(a.type.scale), c.value, b.constI32(c.type.scale)});
  }
  Value less = b.compare(OpCode::Lt, x, y);
  Value greater = b.compare(OpCode::Gt, x, y);
  if (isFloat(x.type)) {
    // NaN equals NaN and sorts above every number, as PostgreSQL's float8_cmp.
    Value xNaN = b.compare(OpCode::Ne, x, x), yNaN = b.compare(OpCode::Ne, y, y);
    greater = b.logicalOr(greater, b.logicalAnd(xNaN, b.logicalNot(yNaN)));
    less = b.logicalOr(less, b.logicalAnd(yNaN, b.logicalNot(xNaN)));
  }
  return b.sub(b.cast(greater, Type::I32), b.cast(less, Type::I32));
}

Value CodegenContext::equalValues(const SqlValue& a, const SqlValue& c) {
  Builder& b = this->b();
  if (a.type.id == TypeId::Char || c.type.id == TypeId::Char)
    return b.compare(OpCode::Eq, b.call("flern_rt_bpchar_cmp", Type::I32, {a.value, c.value}),
                     b.constI32(0));
  if (a.type.isString() || a.type.id == TypeId::Unknown)
    return b.compare(OpCode::Ne, b.call("flern_rt_str_eq", Type::I32, {a.value, c.value}),
                     b.constI32(0));
  if (a.type.id == TypeId::Numeric &&
      (a.type.scale != c.type.scale || a.type.scale == kDynamicScale))
    return b.compare(OpCode::Eq, compareValues(a, c), b.constI32(0));
  Value x = orderKey(a), y = orderKey(c);
  if (isFloat(x.type)) // NaN equals NaN (float8_eq), so NaNs group and join together
    return b.logicalOr(b.compare(OpCode::Eq, x, y),
                       b.logicalAnd(b.compare(OpCode::Ne, x, x), b.compare(OpCode::Ne, y, y)));
  return b.compare(OpCode::Eq, x, y);
}

SqlValue CodegenContext::compare(const BoundExpr& expr, const Row& row) {
  Builder& b = this->b();
  SqlValue a = eval(*expr.args[0], row);
  SqlValue c = eval(*expr.args[1], row);
  Value isNull = b.logicalOr(a.isNull, c.isNull);
  std::string op = expr.name;
  // IS [NOT] DISTINCT FROM: two nulls are equal, a null and a value differ; never null.
  const bool distinctFrom = op == "IS DISTINCT FROM" || op == "IS NOT DISTINCT FROM";
  const bool distinctNegated = op == "IS DISTINCT FROM";
  if (distinctFrom) op = "=";
  Value result;
  bool dynamicNumeric = a.type.id == TypeId::Numeric &&
                        (a.type.scale == kDynamicScale || c.type.scale == kDynamicScale);
  if (!a.type.isString() && a.type.id != TypeId::Unknown && !dynamicNumeric) {
    OpCode code = op == "="    ? OpCode::Eq
                  : op == "<>" ? OpCode::Ne
                  : op == "<"  ? OpCode::Lt
                  : op == "<=" ? OpCode::Le
                  : op == ">"  ? OpCode::Gt
                               : OpCode::Ge;
    Value x = orderKey(a), y = orderKey(c);
    if (a.type.id == TypeId::Numeric && a.type.scale != c.type.scale) {
      // Align static scales inline: the common `price > 100` costs one multiply, not a call.
      int scale = std::max(a.type.scale, c.type.scale);
      x = rescale(x, a.type.scale, scale);
      y = rescale(y, c.type.scale, scale);
    }
    result = b.compare(code, x, y);
  } else if (op == "=" || op == "<>") {
    result = equalValues(a, c);
    if (op == "<>") result = b.logicalNot(result);
  } else {
    Value order = compareValues(a, c);
    OpCode code = op == "<"    ? OpCode::Lt
                  : op == "<=" ? OpCode::Le
                  : op == ">"  ? OpCode::Gt
                               : OpCode::Ge;
    result = b.compare(code, order, b.constI32(0));
  }
  if (distinctFrom) {
    Value bothNull = b.logicalAnd(a.isNull, c.isNull);
    Value same = b.logicalOr(bothNull, b.logicalAnd(result, b.logicalNot(isNull)));
    return {distinctNegated ? b.logicalNot(same) : same, b.constI1(false), expr.type};
  }
  return {b.logicalAnd(result, b.logicalNot(isNull)), isNull, expr.type};
}

SqlValue CodegenContext::logical(const BoundExpr& expr, const Row& row) {
  Builder& b = this->b();
  if (expr.kind == BoundKind::Not) {
    SqlValue a = eval(*expr.args[0], row);
    return {b.logicalAnd(b.logicalNot(a.value), b.logicalNot(a.isNull)), a.isNull, expr.type};
  }
  // Three-valued logic: for AND a known false wins over null; for OR a known true does.
  bool isAnd = expr.kind == BoundKind::And;
  SqlValue acc = eval(*expr.args[0], row);
  for (size_t i = 1; i < expr.args.size(); ++i) {
    SqlValue next = eval(*expr.args[i], row);
    Value decided;
    if (isAnd)
      decided = b.logicalOr(b.logicalAnd(b.logicalNot(acc.value), b.logicalNot(acc.isNull)),
                            b.logicalAnd(b.logicalNot(next.value), b.logicalNot(next.isNull)));
    else
      decided = b.logicalOr(acc.value, next.value);
    Value isNull = b.logicalAnd(b.logicalNot(decided), b.logicalOr(acc.isNull, next.isNull));
    Value value = isAnd ? b.logicalAnd(b.logicalNot(decided), b.logicalNot(isNull)) : decided;
    acc = {value, isNull, expr.type};
  }
  return acc;
}

SqlValue CodegenContext::caseWhen(const BoundExpr& expr, const Row& row, size_t index) {
  Builder& b = this->b();
  Type type = irType(expr.type);
  Value valueSlot = b.var(type);
  Value nullSlot = b.var(Type::I1);
  // Branches evaluate lazily, so CASE WHEN x = 0 THEN 0 ELSE 1 / x END never divides by zero.
  std::function<void(size_t)> emitFrom = [&](size_t i) {
    if (i + 1 >= expr.args.size()) {
      SqlValue otherwise = coerce(eval(*expr.args[i], row), expr.type);
      b.store(valueSlot, otherwise.value);
      b.store(nullSlot, otherwise.isNull);
      return;
    }
    // A null condition is not true whatever its value slot holds (a cast of a null integer
    // to boolean leaves the placeholder's truth there).
    Value condition = isTrue(eval(*expr.args[i], row));
    b.ifThen(
        condition,
        [&] {
          SqlValue then = coerce(eval(*expr.args[i + 1], row), expr.type);
          b.store(valueSlot, then.value);
          b.store(nullSlot, then.isNull);
        },
        [&] { emitFrom(i + 2); });
  };
  emitFrom(index);
  return {b.load(type, valueSlot), b.load(Type::I1, nullSlot), expr.type};
}

SqlValue CodegenContext::predict(const BoundExpr& expr, const Row& row) {
  // A linear model as tensor ops with its weights folded in as constants:
  // y = W x + b, W of shape [1 x k]. jit/ lowers the small static shapes to scalar code.
  Builder& b = this->b();
  const ModelWeights& model = *expr.model;
  const int64_t k = static_cast<int64_t>(expr.args.size());
  std::vector<Value> features;
  Value isNull = b.constI1(false);
  for (const auto& arg : expr.args) {
    SqlValue feature = eval(*arg, row);
    features.push_back(feature.value);
    isNull = b.logicalOr(isNull, feature.isNull);
  }
  Value x = b.emitWith(OpCode::TensorFromScalars, Type::Tensor, features,
                       [&](Op& op) { op.shape = {k}; });
  Value weights = b.emitWith(OpCode::TensorConst, Type::Tensor, {}, [&](Op& op) {
    op.shape = {1, k};
    op.tensorData = model.coefficients;
  });
  Value bias = b.emitWith(OpCode::TensorConst, Type::Tensor, {}, [&](Op& op) {
    op.shape = {1};
    op.tensorData = {model.intercept};
  });
  Value product =
      b.emitWith(OpCode::TensorMatVec, Type::Tensor, {weights, x}, [&](Op& op) { op.shape = {1}; });
  Value sum =
      b.emitWith(OpCode::TensorAdd, Type::Tensor, {product, bias}, [&](Op& op) { op.shape = {1}; });
  Value y = b.emitWith(OpCode::TensorExtract, Type::F64, {sum}, [](Op& op) { op.imm = 0; });
  return {b.select(isNull, b.constF64(0), y), isNull, expr.type};
}

Value CodegenContext::isTrue(const SqlValue& predicate) {
  return b().logicalAnd(predicate.value, b().logicalNot(predicate.isNull));
}

Value CodegenContext::findNullSafeEntry(Value table, Value hash, const RowLayout& layout,
                                        const Row& keys) {
  Builder& b = this->b();
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
                  Value equal = b.constI1(true);
                  for (size_t k = 0; k < keys.size(); ++k) {
                    SqlValue stored = loadField(entry, layout, k);
                    Value bothNull = b.logicalAnd(keys[k].isNull, stored.isNull);
                    Value bothValues =
                        b.logicalAnd(b.logicalNot(keys[k].isNull), b.logicalNot(stored.isNull));
                    Value same = b.logicalOr(
                        bothNull, b.logicalAnd(bothValues, equalValues(keys[k], stored)));
                    equal = b.logicalAnd(equal, same);
                  }
                  b.ifThen(equal, [&] {
                    b.store(found, entry);
                    b.store(cursor, b.nullPtr());
                  });
                });
              });
  return found;
}

Value CodegenContext::hashValues(const Row& values) {
  Builder& b = this->b();
  Value hash = b.constI64(0x2545F4914F6CDD1DLL);
  for (const auto& v : values) {
    Value key;
    switch (v.value.type) {
    case Type::Str:
      key = b.call(v.type.id == TypeId::Char ? "flern_rt_bpchar_hash" : "flern_rt_str_hash",
                   Type::I64, {v.value});
      break;
    case Type::F64: {
      // Hash the bit pattern (normalizing -0.0 to 0.0 so that equal values hash alike).
      Value bits = b.var(Type::F64);
      b.store(bits, b.add(v.value, b.constF64(0.0)));
      key = b.load(Type::I64, bits);
      break;
    }
    case Type::F32: {
      Value bits = b.var(Type::F32);
      b.store(bits, b.add(v.value, b.constF32(0.0f)));
      key = b.cast(b.load(Type::I32, bits), Type::I64);
      break;
    }
    case Type::I128:
      if (v.type.id == TypeId::Interval) {
        // Equal intervals ('1 mon', '30 days') share their span, so hash that.
        Value span = orderKey(v);
        key = b.binary(OpCode::Xor, b.cast(span, Type::I64),
                       b.cast(b.binary(OpCode::ShrU, span, b.constI128(64)), Type::I64));
        break;
      }
      key = v.type.scale == kDynamicScale ? b.call("flern_rt_numeric_hash", Type::I64, {v.value})
                                          : b.cast(v.value, Type::I64);
      break;
    default:
      key = b.cast(v.value, Type::I64);
      break;
    }
    key = b.select(v.isNull, b.constI64(0x51afd7ed558ccdLL), key);
    hash = b.mul(b.binary(OpCode::Xor, hash, key),
                 b.constI64(static_cast<int64_t>(0x9E3779B97F4A7C15ULL)));
    hash = b.binary(OpCode::Xor, hash, b.binary(OpCode::ShrU, hash, b.constI64(29)));
  }
  return hash;
}

void CodegenContext::storeRow(Value base, const RowLayout& layout, const Row& row) {
  Builder& b = this->b();
  for (size_t i = 0; i < row.size(); ++i) {
    Value value = row[i].value;
    if (value.type == Type::I1) value = b.cast(value, Type::I8);
    b.store(b.offset(base, layout.valueOffsets[i]), value);
    b.store(b.offset(base, layout.nullOffsets[i]), b.cast(row[i].isNull, Type::I8));
  }
}

SqlValue CodegenContext::loadField(Value base, const RowLayout& layout, size_t i) {
  Builder& b = this->b();
  Type type = irType(layout.types[i]);
  Type stored = type == Type::I1 ? Type::I8 : type;
  Value value = b.load(stored, b.offset(base, layout.valueOffsets[i]));
  if (type == Type::I1) value = b.compare(OpCode::Ne, value, b.constI8(0));
  Value isNull =
      b.compare(OpCode::Ne, b.load(Type::I8, b.offset(base, layout.nullOffsets[i])), b.constI8(0));
  return {value, isNull, layout.types[i]};
}

Row CodegenContext::loadRow(Value base, const RowLayout& layout) {
  Row row;
  for (size_t i = 0; i < layout.types.size(); ++i)
    row.push_back(loadField(base, layout, i));
  return row;
}

} // namespace flern::ir

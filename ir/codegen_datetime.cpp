// Code generation for SMALLINT, REAL, TIMESTAMP, TIMESTAMPTZ and INTERVAL: casts to and from
// them, REAL arithmetic with PostgreSQL's overflow checks, date/time arithmetic and functions.
#include "common/datetime.h"
#include "common/error.h"
#include "ir/codegen.h"
#include "ir/codegen_util.h"

#include <limits>

namespace flern::ir {

namespace {

bool isExtended(TypeId id) {
  return id == TypeId::Int16 || id == TypeId::Float32 || id == TypeId::Timestamp ||
         id == TypeId::TimestampTz || id == TypeId::Interval;
}

bool isTimestamp(TypeId id) {
  return id == TypeId::Timestamp || id == TypeId::TimestampTz;
}

// First day PostgreSQL's timestamps cannot reach (294277-01-01), in days since 2000-01-01.
constexpr int32_t kEndTimestampDays = 106741034;

} // namespace

Value CodegenContext::orderKey(const SqlValue& value) {
  if (value.type.id != TypeId::Interval) return value.value;
  Builder& b = this->b();
  Value micros = b.cast(b.cast(value.value, Type::I64), Type::I128);
  Value days =
      b.cast(b.cast(b.binary(OpCode::ShrU, value.value, b.constI128(64)), Type::I32), Type::I128);
  Value months =
      b.cast(b.cast(b.binary(OpCode::ShrU, value.value, b.constI128(96)), Type::I32), Type::I128);
  Value allDays = b.add(days, b.mul(months, b.constI128(30)));
  return b.add(micros, b.mul(allDays, b.constI128(kUsecPerDay)));
}

std::optional<SqlValue> CodegenContext::castExtended(const SqlValue& in, const SqlType& to,
                                                     bool explicitCast) {
  const TypeId from = in.type.id;
  if (!isExtended(from) && !isExtended(to.id)) return std::nullopt;
  if (from == TypeId::Char || to.id == TypeId::Char) return std::nullopt; // via text
  Builder& b = this->b();
  auto result = [&](Value v) { return SqlValue{v, in.isNull, to}; };
  if (from == to.id) return result(in.value);
  Value ctx = b.context();
  auto call = [&](Type type, const char* function, std::vector<Value> args) {
    return guarded(*this, in.isNull, type,
                   zeroOf(SqlType{type == Type::Str   ? TypeId::Text
                                  : type == Type::I16 ? TypeId::Int16
                                  : type == Type::F32 ? TypeId::Float32
                                  : type == Type::I64 ? TypeId::Int64
                                                      : TypeId::Numeric}),
                   [&] { return b.call(function, type, args); });
  };
  if (in.type.isString() || from == TypeId::Unknown) {
    switch (to.id) {
    case TypeId::Int16:
      return result(guarded(*this, in.isNull, Type::I16, zeroOf(to), [&] {
        return b.cast(b.call("flern_rt_parse_i64", Type::I64, {ctx, in.value, b.constI32(16)}),
                      Type::I16);
      }));
    case TypeId::Float32:
      return result(call(Type::F32, "flern_rt_parse_f32", {ctx, in.value}));
    case TypeId::Timestamp:
    case TypeId::TimestampTz:
      return result(call(Type::I64, "flern_rt_parse_timestamp",
                         {ctx, in.value, b.constI32(to.id == TypeId::TimestampTz)}));
    case TypeId::Interval:
      return result(
          call(Type::I128, "flern_rt_parse_interval", {ctx, in.value, b.constI32(to.length)}));
    default:
      return std::nullopt;
    }
  }
  if (to.isString()) {
    Value text;
    switch (from) {
    case TypeId::Int16:
      return cast({b.cast(in.value, Type::I32), in.isNull, SqlType::int32()}, to, explicitCast);
    case TypeId::Float32:
      text = call(Type::Str, "flern_rt_f32_to_text", {ctx, in.value});
      break;
    case TypeId::Timestamp:
    case TypeId::TimestampTz:
      text = call(Type::Str, "flern_rt_timestamp_to_text",
                  {ctx, in.value, b.constI32(from == TypeId::TimestampTz)});
      break;
    case TypeId::Interval:
      text = call(Type::Str, "flern_rt_interval_to_text", {ctx, in.value});
      break;
    default:
      return std::nullopt;
    }
    if (to.id == TypeId::Varchar && to.length > 0)
      return cast({text, in.isNull, SqlType::text()}, to, explicitCast);
    return result(text);
  }
  auto raiseIf = [&](Value condition, const char* state, const char* message) {
    b.ifThen(b.logicalAnd(condition, b.logicalNot(in.isNull)), [&] { b.raise(state, message); });
  };
  if (from == TypeId::Int16) {
    if (to.id == TypeId::Float32) return result(b.cast(in.value, Type::F32));
    return cast({b.cast(in.value, Type::I32), in.isNull, SqlType::int32()}, to, explicitCast);
  }
  if (to.id == TypeId::Int16) {
    const char* message = outOfRangeMessage(TypeId::Int16);
    if (from == TypeId::Int32 || from == TypeId::Int64) {
      Type wide = irType(in.type);
      raiseIf(b.logicalOr(b.compare(OpCode::Lt, in.value, b.constant(wide, INT16_MIN)),
                          b.compare(OpCode::Gt, in.value, b.constant(wide, INT16_MAX))),
              "22003", message);
      return result(b.cast(in.value, Type::I16));
    }
    if (from == TypeId::Float32 || from == TypeId::Float64) {
      Value wide = from == TypeId::Float32 ? b.cast(in.value, Type::F64) : in.value;
      Value rounded = b.call("llvm.rint.f64", Type::F64, {wide});
      // Written as "not inside" so that NaN fails too.
      Value inside = b.logicalAnd(b.compare(OpCode::Ge, rounded, b.constF64(-32768.0)),
                                  b.compare(OpCode::Lt, rounded, b.constF64(32768.0)));
      raiseIf(b.logicalNot(inside), "22003", message);
      return result(b.cast(b.select(inside, rounded, b.constF64(0)), Type::I16));
    }
    if (from == TypeId::Numeric) {
      Value whole = rescale(in.value, in.type.scale, 0);
      raiseIf(b.logicalOr(b.compare(OpCode::Lt, whole, b.constI128(INT16_MIN)),
                          b.compare(OpCode::Gt, whole, b.constI128(INT16_MAX))),
              "22003", message);
      return result(b.cast(whole, Type::I16));
    }
    return std::nullopt;
  }
  if (from == TypeId::Float32) {
    if (to.id == TypeId::Float64) return result(b.cast(in.value, Type::F64));
    if (to.id == TypeId::Numeric) {
      Value v = call(Type::I128, "flern_rt_f32_to_numeric", {ctx, in.value, b.constI32(to.scale)});
      if (to.precision > 0)
        b.call("flern_rt_check_numeric_precision", Type::Void,
               {ctx, v, b.constI32(to.precision), b.constI32(to.scale)});
      return result(v);
    }
    return cast({b.cast(in.value, Type::F64), in.isNull, SqlType::float64()}, to, explicitCast);
  }
  if (to.id == TypeId::Float32) {
    if (from == TypeId::Int32 || from == TypeId::Int64) return result(b.cast(in.value, Type::F32));
    if (from == TypeId::Numeric)
      return result(
          b.call("flern_rt_numeric_to_f32", Type::F32, {in.value, b.constI32(in.type.scale)}));
    if (from == TypeId::Float64) {
      Value narrow = b.cast(in.value, Type::F32);
      auto isInf = [&](Value v, Type type) {
        double inf = std::numeric_limits<double>::infinity();
        Value pos = type == Type::F32 ? b.constF32(static_cast<float>(inf)) : b.constF64(inf);
        Value neg = type == Type::F32 ? b.constF32(static_cast<float>(-inf)) : b.constF64(-inf);
        return b.logicalOr(b.compare(OpCode::Eq, v, pos), b.compare(OpCode::Eq, v, neg));
      };
      raiseIf(b.logicalAnd(isInf(narrow, Type::F32), b.logicalNot(isInf(in.value, Type::F64))),
              "22003", "value out of range: overflow");
      raiseIf(b.logicalAnd(b.compare(OpCode::Eq, narrow, b.constF32(0)),
                           b.compare(OpCode::Ne, in.value, b.constF64(0))),
              "22003", "value out of range: underflow");
      return result(narrow);
    }
    return std::nullopt;
  }
  if (from == TypeId::Date && isTimestamp(to.id)) {
    raiseIf(b.compare(OpCode::Ge, in.value, b.constI32(kEndTimestampDays)), "22008",
            "date out of range for timestamp");
    return result(b.mul(b.cast(in.value, Type::I64), b.constI64(kUsecPerDay)));
  }
  if (isTimestamp(from) && to.id == TypeId::Date) {
    // Floor division: the day a timestamp before 2000-01-01 falls in.
    Value day = b.constI64(kUsecPerDay);
    Value quotient = b.binary(OpCode::Div, in.value, day);
    Value negativeRest = b.compare(OpCode::Lt, b.binary(OpCode::Rem, in.value, day), b.constI64(0));
    return result(b.cast(b.sub(quotient, b.cast(negativeRest, Type::I64)), Type::I32));
  }
  if (isTimestamp(from) && isTimestamp(to.id)) return result(in.value); // TimeZone is UTC
  return std::nullopt;
}

SqlValue CodegenContext::float32Arith(char op, const SqlValue& a, const SqlValue& c, Value isNull) {
  Builder& b = this->b();
  const SqlType type = SqlType::float32();
  auto isInf = [&](Value v) {
    float inf = std::numeric_limits<float>::infinity();
    return b.logicalOr(b.compare(OpCode::Eq, v, b.constF32(inf)),
                       b.compare(OpCode::Eq, v, b.constF32(-inf)));
  };
  auto isZero = [&](Value v) { return b.compare(OpCode::Eq, v, b.constF32(0)); };
  auto raiseIf = [&](Value condition, const char* message) {
    b.ifThen(b.logicalAnd(condition, b.logicalNot(isNull)), [&] { b.raise("22003", message); });
  };
  Value r;
  if (op == '/' || op == '%') {
    b.ifThen(b.logicalAnd(isZero(c.value), b.logicalNot(isNull)),
             [&] { b.raise("22012", "division by zero"); });
    Value divisor = b.select(isNull, b.constF32(1), c.value);
    r = b.binary(op == '/' ? OpCode::Div : OpCode::Rem, a.value, divisor);
    if (op == '/') {
      raiseIf(b.logicalAnd(isInf(r), b.logicalNot(isInf(a.value))), "value out of range: overflow");
      raiseIf(b.logicalAnd(b.logicalAnd(isZero(r), b.logicalNot(isZero(a.value))),
                           b.logicalNot(isInf(c.value))),
              "value out of range: underflow");
    }
    return {r, isNull, type};
  }
  r = op == '+'   ? b.add(a.value, c.value)
      : op == '-' ? b.sub(a.value, c.value)
                  : b.mul(a.value, c.value);
  // PostgreSQL's float4pl/mi/mul: an infinite result from finite inputs is an overflow.
  raiseIf(b.logicalAnd(isInf(r), b.logicalNot(b.logicalOr(isInf(a.value), isInf(c.value)))),
          "value out of range: overflow");
  if (op == '*')
    raiseIf(b.logicalAnd(isZero(r), b.logicalNot(b.logicalOr(isZero(a.value), isZero(c.value)))),
            "value out of range: underflow");
  return {r, isNull, type};
}

SqlValue CodegenContext::datetimeArith(const BoundExpr& expr, const SqlValue& a, const SqlValue& c,
                                       Value isNull) {
  Builder& b = this->b();
  const char op = expr.name[0];
  Value ctx = b.context();
  Value sign = b.constI32(op == '-' ? -1 : 1);
  auto call = [&](Type type, const char* function, std::vector<Value> args) {
    return SqlValue{guarded(*this, isNull, type, zeroOf(expr.type),
                            [&] { return b.call(function, type, args); }),
                    isNull, expr.type};
  };
  TypeId left = a.type.id, right = c.type.id;
  if (isTimestamp(left) && right == TypeId::Interval)
    return call(Type::I64, "flern_rt_timestamp_pl_interval", {ctx, a.value, c.value, sign});
  if (isTimestamp(left) && isTimestamp(right) && op == '-')
    return call(Type::I128, "flern_rt_timestamp_mi", {ctx, a.value, c.value});
  if (left == TypeId::Interval && right == TypeId::Interval)
    return call(Type::I128, "flern_rt_interval_pl", {ctx, a.value, c.value, sign});
  if (left == TypeId::Interval && right == TypeId::Float64 && (op == '*' || op == '/'))
    return call(Type::I128, "flern_rt_interval_mul",
                {ctx, a.value, c.value, b.constI32(op == '/')});
  internalError("no date/time operator " + a.type.name() + " " + expr.name + " " + c.type.name());
}

std::optional<SqlValue> CodegenContext::datetimeFunction(const BoundExpr& expr, const Row& row) {
  const std::string& name = expr.name;
  if (name != "extract" && name != "date_part" && name != "date_trunc" && name != "to_char" &&
      name != "make_date")
    return std::nullopt;
  Builder& b = this->b();
  Value ctx = b.context();
  std::vector<SqlValue> args;
  Value isNull = b.constI1(false);
  for (const auto& arg : expr.args) {
    args.push_back(eval(*arg, row));
    isNull = b.logicalOr(isNull, args.back().isNull);
  }
  auto call = [&](Type type, const char* function, std::vector<Value> callArgs) {
    return SqlValue{guarded(*this, isNull, type, zeroOf(expr.type),
                            [&] { return b.call(function, type, callArgs); }),
                    isNull, expr.type};
  };
  if (name == "make_date")
    return call(Type::I32, "flern_rt_make_date",
                {ctx, args[0].value, args[1].value, args[2].value});
  if (name == "to_char")
    return call(
        Type::Str, "flern_rt_format_timestamp",
        {ctx, args[0].value, args[1].value, b.constI32(args[0].type.id == TypeId::TimestampTz)});
  Value field = args[0].value;
  const SqlValue& source = args[1];
  if (name == "date_trunc") {
    if (source.type.id == TypeId::Interval)
      return call(Type::I128, "flern_rt_interval_trunc", {field, source.value});
    return call(Type::I64, "flern_rt_date_trunc", {ctx, field, source.value});
  }
  Value wide = source.type.id == TypeId::Interval ? source.value : b.cast(source.value, Type::I128);
  Value kind = b.constI32(datetimeKindCode(source.type.id));
  if (name == "extract") return call(Type::I128, "flern_rt_extract", {ctx, field, kind, wide});
  return call(Type::F64, "flern_rt_date_part", {ctx, field, kind, wide});
}

} // namespace flern::ir

// Code generation of arithmetic: + - * / % and unary minus on int4, int8, float8 and NUMERIC,
// with every error PostgreSQL raises (22003 overflow, 22012 division by zero) checked in the
// generated code, so that no input can make it trap or wrap.
#include "common/error.h"
#include "ir/codegen.h"
#include "ir/codegen_util.h"

#include <limits>

namespace flern::ir {

Value CodegenContext::negate(const SqlValue& a) {
  Builder& b = this->b();
  if (a.type.id == TypeId::Float64 || a.type.id == TypeId::Float32)
    return b.unary(OpCode::Neg, a.value);
  if (a.type.id == TypeId::Interval)
    return guarded(*this, a.isNull, Type::I128, b.constI128(0), [&] {
      return b.call("flern_rt_interval_neg", Type::I128, {b.context(), a.value});
    });
  auto checkedSub = [&](Value x, Value y) {
    return b.emitWith(OpCode::SubChecked, a.value.type, {x, y},
                      [&](Op& op) { op.text = outOfRangeMessage(a.type.id); });
  };
  if (a.type.id == TypeId::Numeric && a.type.scale == kDynamicScale) {
    // Packed digits * 256 + scale: the negation is scale - digits * 256, not -packed.
    Value scale = b.binary(OpCode::And, a.value, b.constI128(0xff));
    return checkedSub(scale, b.sub(a.value, scale));
  }
  return checkedSub(zeroOf(a.type), a.value);
}

SqlValue CodegenContext::arith(const BoundExpr& expr, const Row& row) {
  Builder& b = this->b();
  SqlValue a = eval(*expr.args[0], row);
  SqlValue c = eval(*expr.args[1], row);
  Value isNull = b.logicalOr(a.isNull, c.isNull);
  // With either side null the result is null: both payloads become zero, so that no overflow
  // check fires on them (nor on the zero result when a later operation checks it).
  a.value = payloadUnlessNull(a.value, isNull, a.type);
  c.value = payloadUnlessNull(c.value, isNull, c.type);
  const SqlType& type = expr.type;
  const char op = expr.name[0];
  if (a.type.id == TypeId::Timestamp || a.type.id == TypeId::TimestampTz ||
      a.type.id == TypeId::Interval)
    return datetimeArith(expr, a, c, isNull);
  if (type.id == TypeId::Float32) return float32Arith(op, a, c, isNull);
  if (a.type.isString()) { // || concatenation
    Value v = guarded(*this, isNull, Type::Str, b.constStr(""), [&] {
      return b.call("flern_rt_str_concat", Type::Str, {b.context(), a.value, c.value});
    });
    return {v, isNull, type};
  }
  auto divisorZero = [&](Value divisor) {
    Value zero = b.compare(OpCode::Eq, divisor, zeroOf(c.type));
    b.ifThen(b.logicalAnd(zero, b.logicalNot(isNull)),
             [&] { b.raise("22012", "division by zero"); });
  };
  switch (type.id) {
  case TypeId::Int16:
  case TypeId::Int32:
  case TypeId::Int64: {
    const char* overflow = outOfRangeMessage(type.id);
    auto checked = [&](OpCode code) {
      return b.emitWith(code, a.value.type, {a.value, c.value}, [&](Op& o) { o.text = overflow; });
    };
    if (op == '+') return {checked(OpCode::AddChecked), isNull, type};
    if (op == '-') return {checked(OpCode::SubChecked), isNull, type};
    if (op == '*') return {checked(OpCode::MulChecked), isNull, type};
    divisorZero(c.value);
    Type irT = irType(type);
    Value one = b.constant(irT, 1);
    Value minusOne = b.constant(irT, -1);
    Value safeDivisor = b.select(b.compare(OpCode::Eq, c.value, zeroOf(c.type)), one, c.value);
    Value minValue = b.constant(irT, type.id == TypeId::Int16   ? INT16_MIN
                                     : type.id == TypeId::Int32 ? INT32_MIN
                                                                : INT64_MIN);
    Value isMinByMinusOne = b.logicalAnd(b.compare(OpCode::Eq, a.value, minValue),
                                         b.compare(OpCode::Eq, safeDivisor, minusOne));
    if (op == '/') {
      b.ifThen(isMinByMinusOne, [&] { b.raise("22003", overflow); });
      return {b.binary(OpCode::Div, a.value, safeDivisor), isNull, type};
    }
    safeDivisor = b.select(isMinByMinusOne, one, safeDivisor);
    return {b.binary(OpCode::Rem, a.value, safeDivisor), isNull, type};
  }
  case TypeId::Float64: {
    // PostgreSQL's float8 checks: an infinite result from finite input overflows, a zero
    // product or quotient of non-zero input underflows (both 22003); no float8 % exists.
    if (op == '/') divisorZero(c.value);
    Value safeDivisor = op == '/' ? b.select(isNull, b.constF64(1), c.value) : c.value;
    OpCode code = op == '+'   ? OpCode::Add
                  : op == '-' ? OpCode::Sub
                  : op == '*' ? OpCode::Mul
                              : OpCode::Div;
    Value result = b.binary(code, a.value, safeDivisor);
    auto isInfinite = [&](Value x) {
      return b.compare(OpCode::Eq, b.call("llvm.fabs.f64", Type::F64, {x}),
                       b.constF64(std::numeric_limits<double>::infinity()));
    };
    auto nonZero = [&](Value x) { return b.compare(OpCode::Ne, x, b.constF64(0)); };
    Value finiteInput = b.logicalNot(isInfinite(a.value));
    if (op != '/') finiteInput = b.logicalAnd(finiteInput, b.logicalNot(isInfinite(c.value)));
    b.ifThen(b.logicalAnd(isInfinite(result), finiteInput),
             [&] { b.raise("22003", "value out of range: overflow"); });
    if (op == '*' || op == '/') {
      Value zeroFromNonZero =
          b.logicalAnd(b.compare(OpCode::Eq, result, b.constF64(0)), nonZero(a.value));
      zeroFromNonZero = b.logicalAnd(
          zeroFromNonZero, op == '*' ? nonZero(c.value) : b.logicalNot(isInfinite(c.value)));
      b.ifThen(zeroFromNonZero, [&] { b.raise("22003", "value out of range: underflow"); });
    }
    return {result, isNull, type};
  }
  case TypeId::Numeric: {
    auto checked = [&](OpCode code, Value x, Value y) {
      return b.emitWith(code, Type::I128, {x, y},
                        [](Op& o) { o.text = "value overflows numeric format"; });
    };
    if (op == '/' || op == '%') {
      Value v = guarded(*this, isNull, Type::I128, b.constI128(0), [&] {
        return b.call("flern_rt_numeric_div", Type::I128,
                      {b.context(), a.value, b.constI32(a.type.scale), c.value,
                       b.constI32(c.type.scale), b.constI32(op == '%')});
      });
      return {v, isNull, type};
    }
    if (type.scale == kDynamicScale)
      return {b.call("flern_rt_numeric_arith", Type::I128,
                     {b.context(), a.value, c.value, b.constI32(op), b.constI32(a.type.scale),
                      b.constI32(c.type.scale)}),
              isNull, type};
    if (op == '+' || op == '-') {
      Value x = rescale(a.value, a.type.scale, type.scale);
      Value y = rescale(c.value, c.type.scale, type.scale);
      return {checked(op == '+' ? OpCode::AddChecked : OpCode::SubChecked, x, y), isNull, type};
    }
    Value product = checked(OpCode::MulChecked, a.value, c.value);
    return {rescale(product, a.type.scale + c.type.scale, type.scale), isNull, type};
  }
  case TypeId::Date: {
    // date + integer / date - integer, in 64 bits and then checked against PostgreSQL's date
    // range (julian day 0, 4714-11-24 BC, up to 5874897-12-31), as date_pli / date_mii: 22008.
    constexpr int64_t kFirstDay = -2451545, kEndDay = 2145031949; // days since 2000-01-01
    Value wide = b.binary(op == '+' ? OpCode::Add : OpCode::Sub, b.cast(a.value, Type::I64),
                          b.cast(c.value, Type::I64));
    Value outside = b.logicalOr(b.compare(OpCode::Lt, wide, b.constI64(kFirstDay)),
                                b.compare(OpCode::Ge, wide, b.constI64(kEndDay)));
    b.ifThen(outside, [&] { b.raise("22008", "date out of range"); }); // payloads zeroed if null
    return {b.cast(wide, Type::I32), isNull, type};
  }
  default:
    break;
  }
  internalError("arithmetic on " + type.name());
}

} // namespace flern::ir

#include "ir/ops/aggregate_state.h"

#include "ir/runtime/aggregate_functions.h"

#include <limits>

namespace flern::ir {

namespace {

bool isFloat(const SqlType& type) {
  return type.id == TypeId::Float64 || type.id == TypeId::Float32;
}

bool isStatistical(AggregateKind kind) {
  return kind == AggregateKind::VarSamp || kind == AggregateKind::VarPop ||
         kind == AggregateKind::StddevSamp || kind == AggregateKind::StddevPop;
}

/// sum's and avg's accumulator: sums of integers widen (int4 -> int8, int8 -> numeric).
SqlType accumulatorType(const AggregateSpec& aggregate) {
  switch (aggregate.kind) {
  case AggregateKind::CountStar:
  case AggregateKind::Count:
    return SqlType::int64();
  case AggregateKind::Avg:
    if (isFloat(aggregate.arg->type)) return SqlType::float64();
    if (aggregate.arg->type.id == TypeId::Interval) return SqlType::interval();
    return SqlType::numeric(0, aggregate.arg->type.id == TypeId::Numeric ? aggregate.arg->type.scale
                                                                         : 0);
  default:
    return aggregate.type;
  }
}

/// The exact sums of the statistical aggregates: sum(x) at the input's scale (integers at 0),
/// sum(x^2) at twice that; per-value-scale NUMERIC inputs keep per-value-scale sums.
std::pair<SqlType, SqlType> exactSumTypes(const SqlType& input) {
  if (input.id != TypeId::Numeric) return {SqlType::numeric(0, 0), SqlType::numeric(0, 0)};
  if (input.scale == kDynamicScale)
    return {SqlType::numeric(0, kDynamicScale), SqlType::numeric(0, kDynamicScale)};
  return {SqlType::numeric(0, input.scale), SqlType::numeric(0, 2 * input.scale)};
}

Value isInfinite(Builder& b, Value v) {
  double inf = std::numeric_limits<double>::infinity();
  return b.logicalOr(b.compare(OpCode::Eq, v, b.constF64(inf)),
                     b.compare(OpCode::Eq, v, b.constF64(-inf)));
}

/// a + b for REAL and DOUBLE PRECISION sums: an infinite sum of finite values is an overflow
/// (22003), as PostgreSQL's float4pl/float8pl check.
Value floatSum(CodegenContext& ctx, Value a, Value b) {
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

Value checkedAdd(Builder& b, Value x, Value y, const char* message) {
  return b.emitWith(OpCode::AddChecked, x.type, {x, y}, [&](Op& op) { op.text = message; });
}

struct Fields {
  CodegenContext& ctx;
  Value state;
  const RowLayout& layout;
  size_t first;

  Value address(size_t i) const { return ctx.b().offset(state, layout.valueOffsets[first + i]); }
  SqlValue load(size_t i) const { return ctx.loadField(state, layout, first + i); }
  void store(size_t i, Value value) const {
    Builder& b = ctx.b();
    b.store(address(i), value.type == Type::I1 ? b.cast(value, Type::I8) : value);
    b.store(b.offset(state, layout.nullOffsets[first + i]), b.constI8(0));
  }
};

void updateSum(const Fields& f, const AggregateSpec& aggregate, const SqlValue& input) {
  CodegenContext& ctx = f.ctx;
  Builder& b = ctx.b();
  SqlValue current = f.load(0);
  const SqlType accType = current.type;
  SqlValue addend = ctx.coerce(input, accType);
  Value updated;
  if (accType.id == TypeId::Numeric && accType.scale == kDynamicScale)
    updated = b.call("flern_rt_numeric_arith", Type::I128,
                     {b.context(), current.value, addend.value, b.constI32('+'),
                      b.constI32(kDynamicScale), b.constI32(kDynamicScale)});
  else if (isFloat(accType))
    updated = floatSum(ctx, current.value, addend.value);
  else if (accType.id == TypeId::Interval) // months, days, microseconds apart
    updated = b.call("flern_rt_interval_pl", Type::I128,
                     {b.context(), current.value, addend.value, b.constI32(1)});
  else
    updated =
        checkedAdd(b, current.value, addend.value,
                   accType.id == TypeId::Int64 ? "bigint out of range" : "numeric field overflow");
  f.store(0, updated);
  if (aggregate.kind == AggregateKind::Avg)
    f.store(1, b.add(b.load(Type::I64, f.address(1)), b.constI64(1)));
}

void updateMinMax(const Fields& f, const AggregateSpec& aggregate, const SqlValue& input) {
  Builder& b = f.ctx.b();
  SqlValue current = f.load(0);
  Value order = f.ctx.compareValues(input, current);
  // Intervals that compare equal can differ ('1 mon', '30 days'): PostgreSQL's
  // interval_smaller/larger then keep the later input.
  bool tiesReplace = input.type.id == TypeId::Interval;
  OpCode code = aggregate.kind == AggregateKind::Min ? (tiesReplace ? OpCode::Le : OpCode::Lt)
                                                     : (tiesReplace ? OpCode::Ge : OpCode::Gt);
  Value better = b.compare(code, order, b.constI32(0));
  f.store(0, b.select(b.logicalOr(current.isNull, better), input.value, current.value));
}

void updateBool(const Fields& f, const AggregateSpec& aggregate, const SqlValue& input) {
  Builder& b = f.ctx.b();
  SqlValue current = f.load(0);
  Value combined = aggregate.kind == AggregateKind::BoolAnd
                       ? b.logicalAnd(current.value, input.value)
                       : b.logicalOr(current.value, input.value);
  f.store(0, b.select(current.isNull, input.value, combined));
}

/// Exact inputs: count, sum(x), sum(x^2), all exact (PostgreSQL's int2/int4 accumulate in
/// 128-bit integers and int8/numeric in numeric, so its results are exact too).
void updateExactVariance(const Fields& f, const SqlValue& input) {
  CodegenContext& ctx = f.ctx;
  Builder& b = ctx.b();
  auto [sumType, squareType] = exactSumTypes(input.type);
  f.store(0, b.add(b.load(Type::I64, f.address(0)), b.constI64(1)));
  Value sum = f.load(1).value, squares = f.load(2).value;
  const char* overflow = "value overflows numeric format";
  if (sumType.scale == kDynamicScale) {
    auto arith = [&](Value x, Value y, char op) {
      return b.call("flern_rt_numeric_arith", Type::I128,
                    {b.context(), x, y, b.constI32(op), b.constI32(kDynamicScale),
                     b.constI32(kDynamicScale)});
    };
    f.store(1, arith(sum, input.value, '+'));
    f.store(2, arith(squares, arith(input.value, input.value, '*'), '+'));
    return;
  }
  Value x = ctx.coerce(input, sumType).value;
  // An integer's square always fits 128 bits; a NUMERIC's may not.
  Value square =
      input.type.id == TypeId::Numeric
          ? b.emitWith(OpCode::MulChecked, Type::I128, {x, x}, [&](Op& op) { op.text = overflow; })
          : b.mul(x, x);
  f.store(1, checkedAdd(b, sum, x, overflow));
  f.store(2, checkedAdd(b, squares, square, overflow));
}

/// Float inputs: Youngs-Cramer (count, sum, sum of squared deviations), as PostgreSQL's
/// float8_accum, so that results match it bit for bit.
void updateFloatVariance(const Fields& f, const SqlValue& input) {
  CodegenContext& ctx = f.ctx;
  Builder& b = ctx.b();
  Value x = ctx.coerce(input, SqlType::float64()).value;
  Value n = f.load(0).value, sum = f.load(1).value, deviations = f.load(2).value;
  Value newN = b.add(n, b.constF64(1));
  Value newSum = b.add(sum, x);
  Value nan = b.constF64(std::numeric_limits<double>::quiet_NaN());
  Value first = b.compare(OpCode::Eq, n, b.constF64(0));
  Value deviation = b.sub(b.mul(x, newN), newSum);
  // At the first row the product is 0 and the quotient meaningless: `first` discards it.
  Value later =
      b.add(deviations, b.binary(OpCode::Div, b.mul(deviation, deviation), b.mul(newN, n)));
  Value laterInfinite = b.logicalOr(isInfinite(b, newSum), isInfinite(b, later));
  Value inputInfinite = b.logicalOr(isInfinite(b, sum), isInfinite(b, x));
  b.ifThen(
      b.logicalAnd(b.logicalNot(first), b.logicalAnd(laterInfinite, b.logicalNot(inputInfinite))),
      [&] { b.raise("22003", "value out of range: overflow"); });
  Value firstNotFinite = b.logicalOr(b.compare(OpCode::Ne, x, x), isInfinite(b, x));
  Value updated = b.select(first, b.select(firstNotFinite, nan, deviations),
                           b.select(laterInfinite, nan, later));
  f.store(0, newN);
  f.store(1, newSum);
  f.store(2, updated);
}

void updateStringAgg(const Fields& f, const AggregateSpec& aggregate, const SqlValue& input,
                     const Row& row) {
  CodegenContext& ctx = f.ctx;
  Builder& b = ctx.b();
  SqlValue current = f.load(0);
  // A null delimiter adds nothing, as in PostgreSQL.
  SqlValue delimiter = ctx.eval(*aggregate.arg2, row);
  f.store(0, b.call("flern_rt_string_agg_append", Type::Str,
                    {b.context(), b.cast(current.isNull, Type::I32), current.value, delimiter.value,
                     input.value}));
}

int32_t varianceFlags(AggregateKind kind) {
  int32_t flags = 0;
  if (kind == AggregateKind::VarSamp || kind == AggregateKind::StddevSamp) flags |= kVarianceSample;
  if (kind == AggregateKind::StddevSamp || kind == AggregateKind::StddevPop)
    flags |= kVarianceStddev;
  return flags;
}

SqlValue finalizeVariance(const Fields& f, const AggregateSpec& aggregate) {
  CodegenContext& ctx = f.ctx;
  Builder& b = ctx.b();
  const int32_t flags = varianceFlags(aggregate.kind);
  const bool sample = flags & kVarianceSample;
  if (isFloat(aggregate.arg->type)) {
    Value n = f.load(0).value;
    Value isNull = b.compare(sample ? OpCode::Le : OpCode::Eq, n, b.constF64(sample ? 1 : 0));
    Value result =
        b.call("flern_rt_float_variance", Type::F64, {n, f.load(2).value, b.constI32(flags)});
    return {b.select(isNull, b.constF64(0), result), isNull, aggregate.type};
  }
  Value n = f.load(0).value;
  Value isNull = b.compare(sample ? OpCode::Le : OpCode::Eq, n, b.constI64(sample ? 1 : 0));
  auto [sumType, squareType] = exactSumTypes(aggregate.arg->type);
  Value result =
      b.call("flern_rt_numeric_variance", Type::I128,
             {b.context(), f.load(1).value, f.load(2).value, n, b.constI32(sumType.scale),
              b.constI32(squareType.scale), b.constI32(flags)});
  return {b.select(isNull, b.constI128(0), result), isNull, aggregate.type};
}

SqlValue finalizeAvg(const Fields& f, const AggregateSpec& aggregate) {
  Builder& b = f.ctx.b();
  SqlValue accumulator = f.load(0);
  Value count = b.load(Type::I64, f.address(1));
  Value empty = b.compare(OpCode::Eq, count, b.constI64(0));
  Value divisor = b.select(empty, b.constI64(1), count);
  Value average;
  if (aggregate.type.id == TypeId::Float64) {
    average = b.binary(OpCode::Div, accumulator.value, b.cast(divisor, Type::F64));
  } else if (aggregate.type.id == TypeId::Interval) { // interval_avg: sum / count as float8
    average = b.call("flern_rt_interval_mul", Type::I128,
                     {b.context(), accumulator.value, b.cast(divisor, Type::F64), b.constI32(1)});
  } else {
    average = b.call("flern_rt_numeric_div", Type::I128,
                     {b.context(), accumulator.value, b.constI32(accumulator.type.scale),
                      b.cast(divisor, Type::I128), b.constI32(0), b.constI32(0)});
  }
  return {b.select(empty, f.ctx.zeroOf(aggregate.type), average), empty, aggregate.type};
}

} // namespace

std::vector<SqlType> aggregateStateTypes(const AggregateSpec& aggregate) {
  if (aggregate.kind == AggregateKind::Avg) return {accumulatorType(aggregate), SqlType::int64()};
  if (isStatistical(aggregate.kind)) {
    if (isFloat(aggregate.arg->type))
      return {SqlType::float64(), SqlType::float64(), SqlType::float64()};
    auto [sumType, squareType] = exactSumTypes(aggregate.arg->type);
    return {SqlType::int64(), sumType, squareType};
  }
  return {accumulatorType(aggregate)};
}

void initializeAggregate(CodegenContext& ctx, const AggregateSpec& aggregate, Value state,
                         const RowLayout& layout, size_t field) {
  Builder& b = ctx.b();
  const auto kind = aggregate.kind;
  // Counts and the statistical aggregates' sums start at 0; every other accumulator starts
  // null (no input seen).
  bool startsNull =
      kind != AggregateKind::CountStar && kind != AggregateKind::Count && !isStatistical(kind);
  size_t count = aggregateStateTypes(aggregate).size();
  for (size_t i = 0; i < count; ++i) {
    bool isNull = startsNull && i == 0;
    b.store(b.offset(state, layout.valueOffsets[field + i]), ctx.zeroOf(layout.types[field + i]));
    b.store(b.offset(state, layout.nullOffsets[field + i]), b.constI8(isNull ? 1 : 0));
  }
}

void updateAggregate(CodegenContext& ctx, const AggregateSpec& aggregate, Value state,
                     const RowLayout& layout, size_t field, const Row& row) {
  Builder& b = ctx.b();
  Fields f{ctx, state, layout, field};
  // FILTER (WHERE ...): the row counts for this aggregate only when the condition is true.
  Value included =
      aggregate.filter ? ctx.isTrue(ctx.eval(*aggregate.filter, row)) : b.constI1(true);
  if (aggregate.kind == AggregateKind::CountStar) {
    b.ifThen(included, [&] { f.store(0, b.add(b.load(Type::I64, f.address(0)), b.constI64(1))); });
    return;
  }
  SqlValue input = ctx.eval(*aggregate.arg, row);
  input.isNull = b.logicalOr(input.isNull, b.logicalNot(included));
  b.ifThen(b.logicalNot(input.isNull), [&] {
    switch (aggregate.kind) {
    case AggregateKind::CountStar:
    case AggregateKind::Count:
      f.store(0, b.add(b.load(Type::I64, f.address(0)), b.constI64(1)));
      break;
    case AggregateKind::Sum:
    case AggregateKind::Avg:
      updateSum(f, aggregate, input);
      break;
    case AggregateKind::Min:
    case AggregateKind::Max:
      updateMinMax(f, aggregate, input);
      break;
    case AggregateKind::BoolAnd:
    case AggregateKind::BoolOr:
      updateBool(f, aggregate, input);
      break;
    case AggregateKind::VarSamp:
    case AggregateKind::VarPop:
    case AggregateKind::StddevSamp:
    case AggregateKind::StddevPop:
      if (isFloat(input.type))
        updateFloatVariance(f, input);
      else
        updateExactVariance(f, input);
      break;
    case AggregateKind::StringAgg:
      updateStringAgg(f, aggregate, input, row);
      break;
    }
  });
}

SqlValue finalizeAggregate(CodegenContext& ctx, const AggregateSpec& aggregate, Value state,
                           const RowLayout& layout, size_t field) {
  Fields f{ctx, state, layout, field};
  if (aggregate.kind == AggregateKind::Avg) return finalizeAvg(f, aggregate);
  if (isStatistical(aggregate.kind)) return finalizeVariance(f, aggregate);
  return ctx.coerce(f.load(0), aggregate.type);
}

} // namespace flern::ir

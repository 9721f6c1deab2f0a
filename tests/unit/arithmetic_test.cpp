// Every arithmetic operator on every numeric type, at the types' extreme values, through the
// real code generator (CodegenContext::eval), LLVM lowering and the JIT: the generated code must
// give PostgreSQL's result or raise PostgreSQL's SQLSTATE, never trap or wrap. The operands come
// from run-time memory so that LLVM cannot fold the checks away.
#include "ir/codegen.h"
#include "ir/runtime/query_context.h"
#include "jit/jit.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <climits>
#include <cstring>
#include <tuple>
#include <variant>

using namespace flern;

namespace {

/// A value of any numeric type as 16 bytes (the widest representation, NUMERIC's i128).
struct Slot {
  alignas(16) unsigned char bytes[16] = {};
};

template <typename T> Slot slotOf(T value) {
  Slot slot;
  std::memcpy(slot.bytes, &value, sizeof value);
  return slot;
}

/// What running an expression gave: the value's 16 bytes, or the SQLSTATE it raised.
struct Outcome {
  std::optional<SqlState> error;
  std::string message;
  Slot value;
  bool isNull = false;

  template <typename T> T as() const {
    T result;
    std::memcpy(&result, value.bytes, sizeof result);
    return result;
  }
};

/// Compiles `expr` over columns 0 and 1 (of `types`) and runs it on `inputs`.
Outcome evaluate(const ir::BoundExprPtr& expr, const std::vector<SqlType>& types,
                 std::vector<Slot> inputs, const std::vector<bool>& nulls = {}) {
  ir::Module module;
  module.entry = "query";
  auto function = std::make_unique<ir::Function>();
  function->name = "query";
  function->contextArg = function->valueCount++;
  {
    ir::CodegenContext ctx(module, *function);
    ir::Builder& b = ctx.b();
    ir::Value in = b.slot("in");
    ir::Value out = b.slot("out");
    ir::Row row;
    for (size_t i = 0; i < types.size(); ++i)
      row.push_back({b.load(ir::irType(types[i]), b.offset(in, static_cast<int64_t>(16 * i))),
                     b.constI1(i < nulls.size() && nulls[i]), types[i]});
    ir::SqlValue result = ctx.eval(*expr, row);
    b.store(out, result.value);
    b.store(b.offset(out, 16), b.cast(result.isNull, ir::Type::I8));
    b.ret();
  }
  module.functions.push_back(std::move(function));

  static auto engine = jit::JitEngine::create();
  auto compiled = engine->compile(module);
  struct {
    Slot value;
    uint8_t isNull = 0;
  } output;
  void* slots[] = {inputs.data(), &output};
  ir::QueryContext context;
  context.slots = slots;
  std::jmp_buf jump;
  context.errorJump = &jump;
  Outcome outcome;
  if (setjmp(jump) == 0) {
    compiled->entry()(&context);
    outcome.value = output.value;
    outcome.isNull = output.isNull != 0;
  } else {
    outcome.error = context.error->state();
    outcome.message = context.error->message();
  }
  return outcome;
}

ir::BoundExprPtr binary(char op, const SqlType& left, const SqlType& right, const SqlType& result) {
  auto expr = std::make_shared<ir::BoundExpr>();
  expr->kind = ir::BoundKind::Arith;
  expr->name = std::string(1, op);
  expr->type = result;
  expr->args = {ir::makeColumn(0, left), ir::makeColumn(1, right)};
  return expr;
}

ir::BoundExprPtr unary(ir::BoundKind kind, const std::string& name, const SqlType& type) {
  auto expr = std::make_shared<ir::BoundExpr>();
  expr->kind = kind;
  expr->name = name;
  expr->type = type;
  expr->args = {ir::makeColumn(0, type)};
  return expr;
}

template <typename T> Outcome run(char op, const SqlType& type, T a, T b) {
  return evaluate(binary(op, type, type, type), {type, type}, {slotOf(a), slotOf(b)});
}

void expectError(const Outcome& outcome, SqlState state, const std::string& message) {
  ASSERT_TRUE(outcome.error.has_value()) << "expected " << message;
  EXPECT_EQ(*outcome.error, state);
  EXPECT_EQ(outcome.message, message);
}

template <typename T> void expectValue(const Outcome& outcome, T expected) {
  ASSERT_FALSE(outcome.error.has_value()) << outcome.message;
  EXPECT_EQ(outcome.as<T>(), expected);
}

/// The checks every integer type shares, with its limits and PostgreSQL's message.
template <typename T> void checkIntegerType(const SqlType& type, const std::string& overflow) {
  constexpr T kMax = std::numeric_limits<T>::max(), kMin = std::numeric_limits<T>::min();
  SCOPED_TRACE(type.name());
  expectError(run<T>('+', type, kMax, 1), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<T>('+', type, kMin, -1), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<T>('-', type, kMin, 1), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<T>('-', type, 0, kMin), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<T>('*', type, kMax, 2), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<T>('*', type, kMin, -1), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<T>('/', type, kMin, -1), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<T>('/', type, 1, 0), SqlState::DivisionByZero, "division by zero");
  expectError(run<T>('%', type, 1, 0), SqlState::DivisionByZero, "division by zero");
  expectError(run<T>('/', type, kMin, 0), SqlState::DivisionByZero, "division by zero");
  expectValue<T>(run<T>('%', type, kMin, -1), 0);
  expectValue<T>(run<T>('+', type, kMax - 1, 1), kMax);
  expectValue<T>(run<T>('-', type, kMin + 1, 1), kMin);
  expectValue<T>(run<T>('*', type, kMin / 2, 2), kMin);
  expectValue<T>(run<T>('/', type, kMin, 1), kMin);
  expectValue<T>(run<T>('/', type, kMax, -1), -kMax);
  expectValue<T>(run<T>('/', type, -7, 2), -3); // truncation toward zero
  expectValue<T>(run<T>('%', type, -7, 2), -1); // the dividend's sign
  expectValue<T>(run<T>('%', type, kMax, kMin), kMax);
  auto negate = unary(ir::BoundKind::Negate, "-", type);
  auto abs = unary(ir::BoundKind::Function, "abs", type);
  expectError(evaluate(negate, {type}, {slotOf(kMin)}), SqlState::NumericValueOutOfRange, overflow);
  expectError(evaluate(abs, {type}, {slotOf(kMin)}), SqlState::NumericValueOutOfRange, overflow);
  expectValue<T>(evaluate(negate, {type}, {slotOf(kMax)}), -kMax);
  expectValue<T>(evaluate(abs, {type}, {slotOf(kMin + 1)}), kMax);
}

} // namespace

TEST(Arithmetic, Int4) {
  checkIntegerType<int32_t>(SqlType::int32(), "integer out of range");
}

TEST(Arithmetic, Int8) {
  checkIntegerType<int64_t>(SqlType::int64(), "bigint out of range");
}

TEST(Arithmetic, Float8) {
  const SqlType type = SqlType::float64();
  const std::string overflow = "value out of range: overflow";
  const std::string underflow = "value out of range: underflow";
  const double inf = std::numeric_limits<double>::infinity();
  expectError(run<double>('+', type, DBL_MAX, DBL_MAX), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<double>('-', type, -DBL_MAX, DBL_MAX), SqlState::NumericValueOutOfRange,
              overflow);
  expectError(run<double>('*', type, DBL_MAX, 2), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<double>('/', type, DBL_MAX, 0.5), SqlState::NumericValueOutOfRange, overflow);
  expectError(run<double>('*', type, DBL_MIN, DBL_MIN), SqlState::NumericValueOutOfRange,
              underflow);
  expectError(run<double>('/', type, DBL_MIN, DBL_MAX), SqlState::NumericValueOutOfRange,
              underflow);
  expectError(run<double>('/', type, 1, 0), SqlState::DivisionByZero, "division by zero");
  expectError(run<double>('/', type, 0, -0.0), SqlState::DivisionByZero, "division by zero");
  // Infinite input is no overflow, and a zero from a zero factor no underflow.
  expectValue<double>(run<double>('*', type, inf, 2), inf);
  expectValue<double>(run<double>('+', type, -inf, 1), -inf);
  expectValue<double>(run<double>('/', type, 1, inf), 0.0);
  expectValue<double>(run<double>('*', type, 0, DBL_MIN), 0.0);
  expectValue<double>(run<double>('-', type, DBL_MAX, DBL_MAX), 0.0);
  expectValue<double>(run<double>('/', type, 7, 2), 3.5);
  expectValue<double>(evaluate(unary(ir::BoundKind::Negate, "-", type), {type}, {slotOf(-DBL_MAX)}),
                      DBL_MAX);
}

TEST(Arithmetic, NumericWithStaticScale) {
  // numeric(38,0) and numeric(38,2): the digits are 128-bit integers scaled by 10^scale.
  const SqlType whole = SqlType::numeric(38, 0), cents = SqlType::numeric(38, 2);
  const __int128 kMax = ~(__int128(1) << 127), kMin = __int128(1) << 127;
  expectError(run<__int128>('+', whole, kMax, 1), SqlState::NumericValueOutOfRange,
              "value overflows numeric format");
  expectError(run<__int128>('-', whole, kMin, 1), SqlState::NumericValueOutOfRange,
              "value overflows numeric format");
  expectError(evaluate(binary('*', whole, whole, whole), {whole, whole},
                       {slotOf(kMax / 2), slotOf(__int128(3))}),
              SqlState::NumericValueOutOfRange, "value overflows numeric format");
  expectError(evaluate(unary(ir::BoundKind::Negate, "-", whole), {whole}, {slotOf(kMin)}),
              SqlState::NumericValueOutOfRange, "numeric field overflow");
  // 1.50 * 2.25 = 3.3750 at scale 4; 1.50 + 2 (scale 0 rescaled to 2) = 3.50.
  expectValue<__int128>(evaluate(binary('*', cents, cents, SqlType::numeric(0, 4)), {cents, cents},
                                 {slotOf(__int128(150)), slotOf(__int128(225))}),
                        33750);
  expectValue<__int128>(evaluate(binary('+', cents, whole, cents), {cents, whole},
                                 {slotOf(__int128(150)), slotOf(__int128(2))}),
                        350);
  // Rescaling the integer side to scale 2 overflows before the addition does.
  expectError(evaluate(binary('+', cents, whole, cents), {cents, whole},
                       {slotOf(__int128(0)), slotOf(kMax / 10)}),
              SqlState::NumericValueOutOfRange, "numeric field overflow");
  const SqlType quotient = SqlType::numeric(0, kDynamicScale);
  expectError(evaluate(binary('/', whole, whole, quotient), {whole, whole},
                       {slotOf(__int128(1)), slotOf(__int128(0))}),
              SqlState::DivisionByZero, "division by zero");
  expectError(evaluate(binary('%', whole, whole, quotient), {whole, whole},
                       {slotOf(__int128(1)), slotOf(__int128(0))}),
              SqlState::DivisionByZero, "division by zero");
  // 10 / 3 = 3.3333333333333333 (PostgreSQL's scale 16), packed as digits * 256 + scale.
  expectValue<__int128>(evaluate(binary('/', whole, whole, quotient), {whole, whole},
                                 {slotOf(__int128(10)), slotOf(__int128(3))}),
                        packNumeric(33333333333333333LL, 16));
  // 1 / 10^29 needs 49 decimal places while computing: long division, not 10^49 in 128 bits.
  expectValue<__int128>(evaluate(binary('/', whole, whole, quotient), {whole, whole},
                                 {slotOf(__int128(1)), slotOf(pow10i128(29))}),
                        packNumeric(pow10i128(19), 48));
}

TEST(Arithmetic, NumericWithPerValueScale) {
  // Per-value scale: digits * 256 + scale, whose digits must stay below 2^119.
  const SqlType type = SqlType::numeric(0, kDynamicScale);
  const __int128 big = (__int128(1) << 118) + 1;
  expectError(run<__int128>('*', type, packNumeric(big, 0), packNumeric(2, 0)),
              SqlState::NumericValueOutOfRange, "value overflows numeric format");
  expectError(run<__int128>('+', type, packNumeric(big, 0), packNumeric(big, 0)),
              SqlState::NumericValueOutOfRange, "value overflows numeric format");
  expectError(run<__int128>('-', type, packNumeric(-big, 1), packNumeric(big, 0)),
              SqlState::NumericValueOutOfRange, "value overflows numeric format");
  expectError(run<__int128>('/', type, packNumeric(5, 1), packNumeric(0, 3)),
              SqlState::DivisionByZero, "division by zero");
  expectError(run<__int128>('%', type, packNumeric(5, 1), packNumeric(0, 0)),
              SqlState::DivisionByZero, "division by zero");
  // 2.5 - 0.75 = 1.75; 2.5 * -0.75 = -1.875; -7.5 % 2 = -1.5
  expectValue<__int128>(run<__int128>('-', type, packNumeric(25, 1), packNumeric(75, 2)),
                        packNumeric(175, 2));
  expectValue<__int128>(run<__int128>('*', type, packNumeric(25, 1), packNumeric(-75, 2)),
                        packNumeric(-1875, 3));
  expectValue<__int128>(run<__int128>('%', type, packNumeric(-75, 1), packNumeric(2, 0)),
                        packNumeric(-15, 1));
  // Negation flips the digits and keeps the scale byte (the bug behind -AVG(x)).
  auto negate = unary(ir::BoundKind::Negate, "-", type);
  expectValue<__int128>(evaluate(negate, {type}, {slotOf(packNumeric(25, 1))}),
                        packNumeric(-25, 1));
  expectValue<__int128>(evaluate(negate, {type}, {slotOf(packNumeric(-3, 7))}), packNumeric(3, 7));
  auto abs = unary(ir::BoundKind::Function, "abs", type);
  expectValue<__int128>(evaluate(abs, {type}, {slotOf(packNumeric(-25, 1))}), packNumeric(25, 1));
  expectValue<__int128>(evaluate(abs, {type}, {slotOf(packNumeric(0, 3))}), packNumeric(0, 3));
}

TEST(Arithmetic, NullPayloadsAreNotChecked) {
  // A null's payload is whatever its producer left (an outer join's missing row): at the type's
  // limit it must neither raise nor leak into the result, which is null (findings F18, F26).
  const SqlType int4 = SqlType::int32(), int8 = SqlType::int64(), float8 = SqlType::float64();
  const SqlType whole = SqlType::numeric(38, 0), perValue = SqlType::numeric(0, kDynamicScale);
  auto nullOnLeft = [](const ir::BoundExprPtr& expr, const SqlType& type, Slot a, Slot b) {
    Outcome outcome = evaluate(expr, {type, type}, {a, b}, {true, false});
    EXPECT_FALSE(outcome.error.has_value()) << outcome.message;
    EXPECT_TRUE(outcome.isNull);
    return outcome;
  };
  for (char op : {'+', '-', '*', '/', '%'}) {
    SCOPED_TRACE(op);
    nullOnLeft(binary(op, int4, int4, int4), int4, slotOf(INT32_MIN), slotOf(-1));
    nullOnLeft(binary(op, int8, int8, int8), int8, slotOf(INT64_MIN), slotOf(int64_t{-1}));
    nullOnLeft(binary(op, whole, whole, op == '/' ? perValue : whole), whole,
               slotOf(~(__int128(1) << 127)), slotOf(__int128(-7)));
    nullOnLeft(binary(op, perValue, perValue, perValue), perValue,
               slotOf(packNumeric((__int128(1) << 118) + 1, 3)), slotOf(packNumeric(-9, 0)));
    if (op != '%')
      nullOnLeft(binary(op, float8, float8, float8), float8, slotOf(1e308),
                 slotOf(op == '/' ? 1e-308 : 1e308));
  }
  // The null result's payload is zero, so an operation checking it next does not raise either.
  auto nested = std::make_shared<ir::BoundExpr>(*binary('-', int4, int4, int4));
  nested->args[0] = binary('-', int4, int4, int4); // (null - max) - max
  Outcome twice = evaluate(nested, {int4, int4}, {slotOf(0), slotOf(INT32_MAX)}, {true, false});
  EXPECT_FALSE(twice.error.has_value()) << twice.message;
  EXPECT_TRUE(twice.isNull);
  Outcome negated =
      evaluate(unary(ir::BoundKind::Negate, "-", int8), {int8}, {slotOf(INT64_MIN)}, {true});
  EXPECT_FALSE(negated.error.has_value()) << negated.message;
  EXPECT_TRUE(negated.isNull);
  // Casts with range checks: bigint to integer, numeric to numeric(2,1).
  auto cast = [](const SqlType& from, const SqlType& to) {
    auto expr = std::make_shared<ir::BoundExpr>();
    expr->kind = ir::BoundKind::Cast;
    expr->type = to;
    expr->args = {ir::makeColumn(0, from)};
    return expr;
  };
  for (auto [expr, type, slot] :
       {std::tuple{cast(int8, int4), int8, slotOf(INT64_MAX)},
        std::tuple{cast(whole, SqlType::numeric(2, 1)), whole, slotOf(__int128(100))},
        std::tuple{cast(float8, int4), float8, slotOf(1e10)}}) {
    Outcome outcome = evaluate(expr, {type}, {slot}, {true});
    EXPECT_FALSE(outcome.error.has_value()) << outcome.message;
    EXPECT_TRUE(outcome.isNull);
  }
}

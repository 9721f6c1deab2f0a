// Code generation of the math builtins: float8 versions inline (LLVM intrinsics) or through
// runtime calls that raise PostgreSQL's errors, NUMERIC versions on the scaled 128-bit digits.
#include "common/error.h"
#include "ir/codegen.h"
#include "ir/codegen_util.h"
#include "ir/runtime/math_functions.h"

#include <map>

namespace flern::ir {

namespace {

/// Float8 functions with error checks, by name (MathOp codes shared with the runtime).
const std::map<std::string, MathOp>& mathOps() {
  static const std::map<std::string, MathOp> ops = {
      {"sqrt", MathOp::Sqrt},   {"exp", MathOp::Exp}, {"ln", MathOp::Ln},
      {"log10", MathOp::Log10}, {"log", MathOp::Log}, {"power", MathOp::Power},
  };
  return ops;
}

} // namespace

SqlValue CodegenContext::mathFunction(const BoundExpr& expr, const std::vector<SqlValue>& args) {
  Builder& b = this->b();
  const std::string& name = expr.name;
  const SqlValue& a = args[0];
  Value isNull = a.isNull;
  for (const auto& arg : args)
    isNull = b.logicalOr(isNull, arg.isNull);
  auto result = [&](Value v) { return SqlValue{v, isNull, expr.type}; };
  // Runtime calls are made for non-null input only.
  auto call = [&](const char* symbol, Type type, std::vector<Value> operands) {
    return guarded(*this, isNull, type, zeroOf(expr.type),
                   [&] { return b.call(symbol, type, operands); });
  };
  bool isFloat = a.type.id == TypeId::Float64;
  bool dynamic = a.type.id == TypeId::Numeric && a.type.scale == kDynamicScale;
  if (name == "abs") {
    if (isFloat) return result(b.call("llvm.fabs.f64", Type::F64, {a.value}));
    // A packed NUMERIC is negative exactly when its digits are (the scale byte is below 256).
    Value negative = b.compare(OpCode::Lt, a.value, zeroOf(a.type));
    return result(b.select(negative, negate(a), a.value));
  }
  if (name == "sign") {
    if (isFloat) {
      Value positive = b.compare(OpCode::Gt, a.value, b.constF64(0));
      Value negative = b.compare(OpCode::Lt, a.value, b.constF64(0));
      return result(
          b.select(positive, b.constF64(1), b.select(negative, b.constF64(-1), b.constF64(0))));
    }
    // Packed zero is 0 * 256 + scale, so positive packed values start at 256.
    Value positive = b.compare(OpCode::Ge, a.value, b.constI128(dynamic ? 256 : 1));
    Value negative = b.compare(OpCode::Lt, a.value, b.constI128(0));
    return result(
        b.select(positive, b.constI128(1), b.select(negative, b.constI128(-1), b.constI128(0))));
  }
  if (name == "round" || name == "trunc") {
    if (isFloat) // PostgreSQL's round(float8) is rint: halves go to the even neighbour
      return result(
          b.call(name == "round" ? "llvm.rint.f64" : "llvm.trunc.f64", Type::F64, {a.value}));
    Value digits = args.size() == 2 ? b.cast(args[1].value, Type::I64) : b.constI64(0);
    return result(call(
        "flern_rt_numeric_round", Type::I128,
        {b.context(), a.value, b.constI32(a.type.scale), digits, b.constI32(name == "trunc")}));
  }
  if (name == "floor" || name == "ceil") {
    if (isFloat)
      return result(
          b.call(name == "floor" ? "llvm.floor.f64" : "llvm.ceil.f64", Type::F64, {a.value}));
    return result(call("flern_rt_numeric_floor", Type::I128,
                       {a.value, b.constI32(a.type.scale), b.constI32(name == "ceil")}));
  }
  auto op = mathOps().find(name);
  if (op == mathOps().end()) internalError("unknown math function " + name);
  MathOp mathOp = name == "log" && args.size() == 1 ? MathOp::Log10 : op->second;
  Value code = b.constI32(static_cast<int32_t>(mathOp));
  if (isFloat) {
    Value y = args.size() == 2 ? args[1].value : b.constF64(0);
    return result(call("flern_rt_f64_math", Type::F64, {b.context(), code, a.value, y}));
  }
  Value y = args.size() == 2 ? args[1].value : b.constI128(0);
  int32_t scaleY = args.size() == 2 ? args[1].type.scale : 0;
  return result(
      call("flern_rt_numeric_math", Type::I128,
           {b.context(), a.value, y, code, b.constI32(a.type.scale), b.constI32(scaleY)}));
}

} // namespace flern::ir

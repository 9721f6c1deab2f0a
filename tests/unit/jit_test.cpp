// IR building, its text form, lowering to LLVM and execution of compiled code.
#include "ir/builder.h"
#include "ir/runtime/query_context.h"
#include "jit/jit.h"

#include <gtest/gtest.h>

#include <functional>

using namespace flern;

namespace {

/// An empty module with its query function, built by `body`.
std::unique_ptr<ir::Module> queryModule(const std::function<void(ir::Builder&)>& body) {
  auto module = std::make_unique<ir::Module>();
  module->entry = "query";
  auto function = std::make_unique<ir::Function>();
  function->name = "query";
  function->contextArg = function->valueCount++;
  ir::Builder b(*module, *function);
  body(b);
  b.ret();
  module->functions.push_back(std::move(function));
  return module;
}

/// Compiles and runs a module whose only slot is `out`.
void runWithSlot(const ir::Module& module, void* out) {
  auto engine = jit::JitEngine::create();
  auto compiled = engine->compile(module);
  void* slots[] = {out};
  ir::QueryContext context;
  context.slots = slots;
  compiled->entry()(&context);
}

/// A module whose query sums i*i over the odd i in [0, n) into slot "out" (an int64): a loop,
/// a branch and a mutable variable.
std::unique_ptr<ir::Module> sumOfOddSquares(int64_t n) {
  return queryModule([n](ir::Builder& b) {
    ir::Value out = b.slot("out");
    ir::Value total = b.var(ir::Type::I64);
    b.store(total, b.constI64(0));
    b.forRange(b.constI64(0), b.constI64(n), [&](ir::Value i) {
      ir::Value odd =
          b.compare(ir::OpCode::Ne, b.binary(ir::OpCode::Rem, i, b.constI64(2)), b.constI64(0));
      b.ifThen(odd, [&] { b.store(total, b.add(b.load(ir::Type::I64, total), b.mul(i, i))); });
    });
    b.store(out, b.load(ir::Type::I64, total));
  });
}

int64_t run(jit::JitEngine& engine, const ir::Module& module) {
  auto compiled = engine.compile(module);
  int64_t result = -1;
  void* slots[] = {&result};
  ir::QueryContext context;
  context.slots = slots;
  compiled->entry()(&context);
  return result;
}

} // namespace

TEST(Ir, TextForm) {
  auto module = sumOfOddSquares(10);
  std::string text = ir::print(*module);
  EXPECT_NE(text.find("state @out = slot 0"), std::string::npos);
  EXPECT_NE(text.find("for %"), std::string::npos);
  EXPECT_NE(text.find("mul"), std::string::npos);
}

TEST(Jit, CompilesAndRuns) {
  auto engine = jit::JitEngine::create();
  EXPECT_EQ(run(*engine, *sumOfOddSquares(1000)), 166666500); // 500 * 999 * 1001 / 3
  // Two queries at once in the same JIT: names must not clash.
  auto first = engine->compile(*sumOfOddSquares(3));
  EXPECT_EQ(run(*engine, *sumOfOddSquares(4)), 10); // 1 + 9
  auto stats = first->stats();
  EXPECT_GT(stats.llvmInstructions, 0u);
  EXPECT_GT(stats.totalMs(), 0);
}

TEST(Jit, OverflowCheckRaisesThroughTheContext) {
  auto module = queryModule([](ir::Builder& b) {
    ir::Value sum =
        b.emitWith(ir::OpCode::AddChecked, ir::Type::I32, {b.constI32(2147483647), b.constI32(1)},
                   [](ir::Op& op) { op.text = "integer out of range"; });
    b.store(b.slot("out"), b.cast(sum, ir::Type::I64));
  });
  auto engine = jit::JitEngine::create();
  auto compiled = engine->compile(*module);
  int64_t result = 0;
  void* slots[] = {&result};
  ir::QueryContext context;
  context.slots = slots;
  std::jmp_buf jump;
  context.errorJump = &jump;
  if (setjmp(jump) == 0) {
    compiled->entry()(&context);
    FAIL() << "overflow not detected";
  }
  ASSERT_TRUE(context.error.has_value());
  EXPECT_EQ(context.error->state(), SqlState::NumericValueOutOfRange);
  EXPECT_EQ(context.error->message(), "integer out of range");
}

/// A tensor constant of `shape`.
ir::Value tensorConst(ir::Builder& b, std::vector<int64_t> shape, std::vector<double> data) {
  return b.emitWith(ir::OpCode::TensorConst, ir::Type::Tensor, {}, [&](ir::Op& op) {
    op.shape = shape;
    op.tensorData = data;
  });
}

/// Stores elements [0, count) of `tensor` as doubles at the `out` slot.
void storeElements(ir::Builder& b, ir::Value tensor, int count) {
  ir::Value out = b.slot("out");
  for (int i = 0; i < count; ++i)
    b.store(b.offset(out, 8 * i), b.emitWith(ir::OpCode::TensorExtract, ir::Type::F64, {tensor},
                                             [&](ir::Op& op) { op.imm = i; }));
}

TEST(Jit, TensorMatVecWithFoldedWeights) {
  auto module = queryModule([](ir::Builder& b) {
    ir::Value x = b.emitWith(ir::OpCode::TensorFromScalars, ir::Type::Tensor,
                             {b.constF64(2), b.constF64(3)}, [](ir::Op& op) { op.shape = {2}; });
    ir::Value y = b.emitWith(ir::OpCode::TensorMatVec, ir::Type::Tensor,
                             {tensorConst(b, {2, 2}, {1, 2, -1, 0.5}), x},
                             [](ir::Op& op) { op.shape = {2}; });
    ir::Value r = b.emitWith(ir::OpCode::TensorRelu, ir::Type::Tensor, {y},
                             [](ir::Op& op) { op.shape = {2}; });
    storeElements(b, r, 2);
  });
  double result[2] = {0, 0};
  runWithSlot(*module, result);
  EXPECT_DOUBLE_EQ(result[0], 8); // 1*2 + 2*3
  EXPECT_DOUBLE_EQ(result[1], 0); // relu(-2 + 1.5)
}

TEST(Jit, TensorMatMul) {
  // [1 2; 3 4] x [5; 6] as a 2x1 matrix product, then elementwise times [2; 0.5] plus [1; 1].
  auto module = queryModule([](ir::Builder& b) {
    ir::Value x = b.emitWith(ir::OpCode::TensorFromScalars, ir::Type::Tensor,
                             {b.constF64(5), b.constF64(6)}, [](ir::Op& op) {
                               op.shape = {2, 1};
                             });
    ir::Value product = b.emitWith(ir::OpCode::TensorMatMul, ir::Type::Tensor,
                                   {tensorConst(b, {2, 2}, {1, 2, 3, 4}), x}, [](ir::Op& op) {
                                     op.shape = {2, 1};
                                   });
    ir::Value scaled = b.emitWith(ir::OpCode::TensorMul, ir::Type::Tensor,
                                  {product, tensorConst(b, {2, 1}, {2, 0.5})}, [](ir::Op& op) {
                                    op.shape = {2, 1};
                                  });
    ir::Value shifted = b.emitWith(ir::OpCode::TensorAdd, ir::Type::Tensor,
                                   {scaled, tensorConst(b, {2, 1}, {1, 1})}, [](ir::Op& op) {
                                     op.shape = {2, 1};
                                   });
    storeElements(b, shifted, 2);
  });
  double result[2] = {0, 0};
  runWithSlot(*module, result);
  EXPECT_DOUBLE_EQ(result[0], (1 * 5 + 2 * 6) * 2 + 1);
  EXPECT_DOUBLE_EQ(result[1], (3 * 5 + 4 * 6) * 0.5 + 1);
}

#include "ir/ops/sinks.h"

#include "ir/ops/cte.h"
#include "ir/ops/row_counter.h"

#include <cmath>

namespace flern::ir {

void ResultSink::emit(CodegenContext& ctx, const PhysicalOperator& root) {
  Builder& b = ctx.b();
  Value buffer = ctx.externalState(kSlot);
  Value rowIndexSlot = b.var(Type::I64);
  root.produce(
      ctx, [&](const Row& row) { appendRow(ctx, buffer, root.outputTypes(), row, rowIndexSlot); });
  b.ret();
}

void TrainSink::emit(CodegenContext& ctx, const PhysicalOperator& root) {
  Builder& b = ctx.b();
  Value state = ctx.externalState(kSlot);
  const auto& types = root.outputTypes();
  const int64_t features = static_cast<int64_t>(types.size()) - 1;
  root.produce(ctx, [&](const Row& row) {
    // Rows with a null feature or target are skipped, as the training query would see them.
    Value anyNull = b.constI1(false);
    for (const auto& value : row)
      anyNull = b.logicalOr(anyNull, value.isNull);
    b.ifThen(b.logicalNot(anyNull), [&] {
      std::vector<Value> x = {b.constF64(1.0)};
      for (int64_t i = 0; i < features; ++i)
        x.push_back(ctx.coerce(row[i], SqlType::float64()).value);
      Value vector = b.emitWith(OpCode::TensorFromScalars, Type::Tensor, x,
                                [&](Op& op) { op.shape = {features + 1}; });
      Value target = ctx.coerce(row[features], SqlType::float64()).value;
      b.emit(OpCode::TensorGramAccumulate, Type::Void, {state, vector, target});
    });
  });
  b.ret();
}

std::vector<std::string> explainTree(const PhysicalOperator& root, const RowCounts* actual) {
  std::vector<std::string> lines;
  std::function<void(const PhysicalOperator&, int, const int64_t*)> walk =
      [&](const PhysicalOperator& op, int depth, const int64_t* produced) {
        // A counter is not an operator of the plan: it annotates the one it wraps.
        if (const auto* counter = dynamic_cast<const RowCounter*>(&op)) {
          const int64_t* count = nullptr;
          if (actual)
            if (auto it = actual->find(counter->slot()); it != actual->end()) count = &it->second;
          walk(counter->counted(), depth, count);
          return;
        }
        std::string line =
            (depth == 0 ? "" : std::string((depth - 1) * 6 + 2, ' ') + "->  ") + op.explain();
        if (op.estimatedRows() >= 0)
          line +=
              "  (rows=" + std::to_string(static_cast<int64_t>(std::llround(op.estimatedRows())));
        if (produced)
          line += (op.estimatedRows() >= 0 ? " actual=" : "  (actual=") + std::to_string(*produced);
        if (op.estimatedRows() >= 0 || produced) line += ")";
        lines.push_back(line);
        for (const auto* child : op.children())
          walk(*child, depth + 1, nullptr);
      };
  walk(root, 0, nullptr);
  return lines;
}

} // namespace flern::ir

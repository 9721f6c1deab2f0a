#include "planner/executor.h"

#include "common/error.h"
#include "ir/ops/row_counter.h"
#include "ir/ops/sinks.h"
#include "ir/runtime/query_context.h"

#include <chrono>
#include <csetjmp>
#include <tuple>

namespace flern::planner {

std::unique_ptr<ir::Module> Executor::generate(const ir::PhysicalOperator& root, SinkKind sink,
                                               std::map<std::string, ir::StateFactory>& factories) {
  auto module = std::make_unique<ir::Module>();
  module->entry = "query";
  auto function = std::make_unique<ir::Function>();
  function->name = "query";
  function->contextArg = function->valueCount++;
  ir::Function& query = *function;
  module->functions.push_back(std::move(function));
  ir::CodegenContext ctx(*module, query);
  if (sink == SinkKind::Result)
    ir::ResultSink::emit(ctx, root);
  else
    ir::TrainSink::emit(ctx, root);
  factories = ctx.stateFactories();
  return module;
}

namespace {

/// Calls generated code; errors it raises come back through longjmp and are rethrown here.
/// Kept free of objects with destructors between setjmp and the call.
bool callGenerated(void (*entry)(void*), ir::QueryContext* context) {
  std::jmp_buf jump;
  context->errorJump = &jump;
  ir::setCurrentQuery(context);
  if (setjmp(jump) != 0) {
    ir::setCurrentQuery(nullptr);
    return false;
  }
  entry(context);
  ir::setCurrentQuery(nullptr);
  return true;
}

} // namespace

Execution Executor::run(const ir::PhysicalOperator& root, const TableBindings& tables,
                        SinkKind sink) {
  std::map<std::string, ir::StateFactory> factories;
  auto module = generate(root, sink, factories);
  std::shared_ptr<jit::CompiledQuery> compiled = jit_.compile(*module);

  Execution execution;
  execution.compile = compiled->stats();
  auto context = std::make_shared<ir::QueryContext>();
  std::vector<std::shared_ptr<void>> owned;
  std::vector<void*> slots;
  std::map<size_t, size_t> ownedAt; ///< position in `owned` of each factory-made slot's object
  std::vector<std::shared_ptr<storage::Table>> usedTables;
  if (sink == SinkKind::Result) {
    std::vector<SqlType> types = root.outputTypes();
    execution.rows = std::make_unique<storage::ColumnarBuffer>(types);
  } else {
    int64_t k = static_cast<int64_t>(root.outputTypes().size()); // features + intercept
    execution.trainState.assign(k * k + k + 1, 0.0);
  }
  for (const auto& name : module->slotNames) {
    if (name == ir::ResultSink::kSlot) {
      slots.push_back(execution.rows.get());
    } else if (name == ir::TrainSink::kSlot) {
      slots.push_back(execution.trainState.data());
    } else if (auto table = tables.find(name); table != tables.end()) {
      usedTables.push_back(table->second);
      slots.push_back(&table->second->data());
    } else if (auto factory = factories.find(name); factory != factories.end()) {
      owned.push_back(factory->second());
      slots.push_back(owned.back().get());
      ownedAt[slots.size() - 1] = owned.size() - 1;
    } else {
      internalError("no run-time state for slot " + name);
    }
  }
  context->slots = slots.data();
  context->recreateState = [&](int64_t slot) {
    auto& object = owned.at(ownedAt.at(slot));
    object = factories.at(module->slotNames[slot])();
    slots[slot] = object.get();
  };

  auto start = std::chrono::steady_clock::now();
  bool ok = callGenerated(compiled->entry(), context.get());
  context->recreateState = nullptr; // it refers to this frame's locals
  execution.executeMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!ok) throw *context->error;
  for (size_t i = 0; i < module->slotNames.size(); ++i)
    if (module->slotNames[i].rfind(ir::RowCounter::kSlotPrefix, 0) == 0)
      execution.rowCounts[module->slotNames[i]] = *static_cast<int64_t*>(slots[i]);
  execution.chunksSkipped = context->chunksSkipped;
  // Result strings may point into tables, the query's arena, or constants of the compiled code.
  execution.keepAlive = std::make_shared<
      std::tuple<decltype(context), decltype(usedTables), std::shared_ptr<jit::CompiledQuery>>>(
      context, std::move(usedTables), compiled);
  return execution;
}

} // namespace flern::planner

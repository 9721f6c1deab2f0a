#include "server/database.h"

#include "common/error.h"
#include "ir/ops/streaming.h"
#include "planner/executor.h"
#include "planner/planner.h"

#include <cstdio>
#include <map>

namespace flern::server {

using namespace planner;

namespace {

std::string formatMs(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", ms);
  return buffer;
}

} // namespace

StatementResult Database::executeSelect(const ast::SelectStmt& select) {
  Binder binder({tables_, models_});
  PlannedQuery query = planQuery(binder, binder.bindQuery(select));
  Executor executor(*jit_);
  Execution execution = executor.run(*query.physical, query.bindings, SinkKind::Result);
  StatementResult result;
  result.returnsRows = true;
  result.columnNames = query.bound.columnNames;
  result.columnTypes = query.physical->outputTypes();
  result.commandTag = "SELECT " + std::to_string(execution.rows->rowCount());
  result.rows = std::move(execution.rows);
  result.keepAlive = execution.keepAlive;
  return result;
}

StatementResult Database::explain(const ast::Statement& statement) {
  const ast::Statement& inner = *statement.explained;
  if (inner.kind != ast::StmtKind::Select)
    throw Error(SqlState::FeatureNotSupported, "EXPLAIN is supported for SELECT only");
  Binder binder({tables_, models_});
  PlannedQuery query = planQuery(binder, binder.bindQuery(*inner.select), statement.explainAnalyze);
  auto& plan = query.physical;
  auto& bindings = query.bindings;
  StatementResult result;
  result.returnsRows = true;
  result.columnNames = {"QUERY PLAN"};
  result.columnTypes = {SqlType::text()};
  result.textRows = ir::explainTree(*plan);
  if (statement.explainVerbose) {
    result.textRows.push_back("Optimized logical plan:");
    for (const auto& line : explainLogical(*query.optimized))
      result.textRows.push_back("  " + line);
  }
  auto appendLines = [&](const std::string& title, const std::string& text) {
    result.textRows.push_back(title);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      result.textRows.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  };
  if (statement.explainIr || statement.explainLlvm) {
    std::map<std::string, ir::StateFactory> factories;
    auto module = Executor::generate(*plan, SinkKind::Result, factories);
    if (statement.explainIr) appendLines("Flern IR:", ir::print(*module));
    if (statement.explainLlvm) appendLines("LLVM IR (optimized):", jit_->llvmText(*module));
  }
  if (statement.explainAnalyze) {
    Executor executor(*jit_);
    Execution execution = executor.run(*plan, bindings, SinkKind::Result);
    const auto& compile = execution.compile;
    // The plan again, now with the rows each operator produced.
    auto analyzed = ir::explainTree(*plan, &execution.rowCounts);
    std::copy(analyzed.begin(), analyzed.end(), result.textRows.begin());
    result.textRows.push_back("Rows: " + std::to_string(execution.rows->rowCount()));
    result.textRows.push_back("Compile Time: " + formatMs(compile.totalMs()) + " (lower " +
                              formatMs(compile.lowerMs) + ", optimize " +
                              formatMs(compile.optimizeMs) + ", machine code " +
                              formatMs(compile.codegenMs) + ", " +
                              std::to_string(compile.llvmInstructions) + " LLVM instructions)");
    result.textRows.push_back("Execution Time: " + formatMs(execution.executeMs));
    result.textRows.push_back("Chunks Skipped: " + std::to_string(execution.chunksSkipped));
  }
  result.commandTag = "EXPLAIN";
  return result;
}

} // namespace flern::server

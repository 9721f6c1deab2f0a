// Runs a physical plan: generates the query's IR, compiles it with the JIT, binds the run-time
// state slots (tables, result buffer, hash tables ...) and calls the native code.
#pragma once

#include "ir/ops/physical_operator.h"
#include "jit/jit.h"
#include "planner/physical_planner.h"

#include <memory>
#include <vector>

namespace flern::planner {

enum class SinkKind { Result, Train };

/// What one execution produced; keeps alive everything its rows point into.
struct Execution {
  std::unique_ptr<storage::ColumnarBuffer> rows; ///< SinkKind::Result
  std::vector<double> trainState;                ///< SinkKind::Train
  jit::CompileStats compile;
  double executeMs = 0;
  int64_t chunksSkipped = 0;       ///< by the scans' zone filters
  std::shared_ptr<void> keepAlive; ///< what the rows' strings point into: tables, arena, code
  ir::RowCounts rowCounts;         ///< rows each counted operator produced (EXPLAIN ANALYZE)
};

class Executor {
public:
  explicit Executor(jit::JitEngine& jit) : jit_(jit) {}

  /// Generates the IR module for a plan (text form via ir::print).
  static std::unique_ptr<ir::Module> generate(const ir::PhysicalOperator& root, SinkKind sink,
                                              std::map<std::string, ir::StateFactory>& factories);
  /// Compiles and runs `root`. Raises the query's error, if any.
  Execution run(const ir::PhysicalOperator& root, const TableBindings& tables, SinkKind sink);

private:
  jit::JitEngine& jit_;
};

} // namespace flern::planner

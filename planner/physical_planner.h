// Optimized logical plan -> physical operator tree. Each logical operator maps to the code
// generators of ir/ops; column ids become positions in the physical rows.
#pragma once

#include "ir/ops/physical_operator.h"
#include "planner/logical/logical_operator.h"

#include <map>

namespace flern::planner {

/// The tables a plan reads, by the state slot its scans use.
using TableBindings = std::map<std::string, std::shared_ptr<storage::Table>>;

/// The physical plan of `root`, producing its columns in order. With `countRows` every
/// operator's output is counted at run time (EXPLAIN ANALYZE).
ir::PhysicalOperatorPtr planPhysical(const LogicalOperator& root, TableBindings& tables,
                                     bool countRows = false);

} // namespace flern::planner

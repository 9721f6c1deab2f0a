// The planner's entry point: a bound query through the optimizer to its physical plan.
#pragma once

#include "planner/binder.h"
#include "planner/logical/logical_operator.h"
#include "planner/physical_planner.h"

namespace flern::planner {

/// A query from binding to its physical plan.
struct PlannedQuery {
  BoundQuery bound;
  LogicalPtr optimized;   ///< after every optimizer rule (EXPLAIN VERBOSE shows it)
  TableBindings bindings; ///< the tables the physical plan scans
  ir::PhysicalOperatorPtr physical;
};

/// Optimizes `bound` (which `binder` made, and which hands out fresh column ids to rules) and
/// plans it physically; `countRows` wraps operators in row counters for EXPLAIN ANALYZE.
PlannedQuery planQuery(Binder& binder, BoundQuery bound, bool countRows = false);

} // namespace flern::planner

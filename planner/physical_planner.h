// Logical query -> physical operator tree: pushes single-relation predicates down to their
// scans, orders inner joins greedily into hash joins (largest input probes, smaller inputs are
// built), then places aggregation, projection, DISTINCT, sort and limit.
#pragma once

#include "ir/ops/physical_operator.h"
#include "planner/logical_plan.h"

#include <map>

namespace flern::planner {

/// The tables a plan reads, by the state slot its scans use.
using TableBindings = std::map<std::string, std::shared_ptr<storage::Table>>;

ir::PhysicalOperatorPtr planQuery(const LogicalQuery& query, TableBindings& tables);

} // namespace flern::planner

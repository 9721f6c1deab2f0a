// The logical optimizer: a sequence of rewrite rules, one per file in this folder, each a
// function from plan to plan. Rules build new operators and never change shared ones.
//
// Order (optimizer.cpp): constant folding, predicate pushdown, subquery unnesting (physical
// planning cannot run a Subquery expression), folding again (unnesting exposes the subqueries'
// expressions), pushdown again, outer-join simplification and pushdown, join ordering (which
// needs the filters already at their scans to estimate well), projection pruning, and the
// cardinality estimates EXPLAIN shows.
#pragma once

#include "planner/logical/logical_operator.h"

#include <functional>

namespace flern::planner {

/// What rules may need from the statement: fresh column ids.
struct OptimizerContext {
  std::function<ColumnId()> newColumnId;
};

/// Runs every rule.
LogicalPtr optimize(const LogicalPtr& plan, OptimizerContext& context);

/// Turns every Subquery expression into a join (Neumann and Kemper, "Unnesting Arbitrary
/// Queries", BTW 2015): semi/anti joins for top-level EXISTS/IN/NOT EXISTS, mark joins for
/// boolean subqueries elsewhere, single joins for scalar subqueries; correlated subqueries are
/// decorrelated so that no per-row evaluation remains. Raises 0A000 for what it cannot unnest.
LogicalPtr unnestSubqueries(const LogicalPtr& plan, OptimizerContext& context);
/// Moves filter conjuncts as far down as they can go: through projections, into join
/// conditions and join inputs where the join kind allows, and factors conjuncts common to all
/// branches of an OR out of it.
LogicalPtr pushDownPredicates(const LogicalPtr& plan, OptimizerContext& context);
/// Turns outer joins into inner (or left) joins when a condition above rejects the rows the
/// outer join would add with nulls.
LogicalPtr simplifyOuterJoins(const LogicalPtr& plan, OptimizerContext& context);
/// Reorders trees of inner joins by dynamic programming over connected subgraphs (DPccp) with
/// estimated cardinalities, greedily above a size limit; never a cross product where a
/// predicate connects the inputs.
LogicalPtr orderJoins(const LogicalPtr& plan, OptimizerContext& context);
/// Leaves in each operator's output only the columns operators above use (narrow hash-table
/// entries and sort rows).
LogicalPtr pruneProjections(const LogicalPtr& plan, OptimizerContext& context);
/// Folds constant expressions as PostgreSQL's planner does (raising the errors it raises at plan
/// time), simplifies AND / OR / NOT / CASE, and replaces operators that provably produce no rows
/// by an empty Values.
LogicalPtr foldConstants(const LogicalPtr& plan, OptimizerContext& context);
/// The expression alone.
ir::BoundExprPtr foldConstants(const ir::BoundExprPtr& expr);
/// Fills in estimatedRows on every operator.
void estimateCardinalities(const LogicalOperator& plan);

} // namespace flern::planner

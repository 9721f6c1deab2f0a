// Rule: outer-join simplification. A filter right above an outer join whose condition cannot
// be true for a row the join padded with nulls (it "rejects nulls" of that side) makes the
// padding useless: LEFT becomes INNER, FULL becomes LEFT or RIGHT (or INNER). Predicate
// pushdown runs before this rule, so such filters sit directly on their join, and again after
// it, to push them further into the now inner join.
#include "common/stack_depth.h"
#include "planner/optimizer/optimizer.h"
#include "planner/optimizer/rule_utilities.h"

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

/// Whether `expr` is null whenever every column of `side` is: it reaches such a column only
/// through operators that return null for a null input.
bool strictIn(const BoundExprPtr& expr, const LogicalOperator& side) {
  switch (expr->kind) {
  case BoundKind::Column:
    return side.positionOf(expr->index) >= 0;
  case BoundKind::Arith:
  case BoundKind::Negate:
  case BoundKind::Cast:
  case BoundKind::Like:
    for (const auto& arg : expr->args)
      if (strictIn(arg, side)) return true;
    return false;
  case BoundKind::Compare:
    if (expr->name.rfind("IS ", 0) == 0) return false;
    for (const auto& arg : expr->args)
      if (strictIn(arg, side)) return true;
    return false;
  default:
    return false;
  }
}

/// Whether a filter `predicate` is never true on a row whose `side` columns are all null.
bool rejectsNulls(const BoundExprPtr& predicate, const LogicalOperator& side) {
  switch (predicate->kind) {
  case BoundKind::And:
    for (const auto& arg : predicate->args)
      if (rejectsNulls(arg, side)) return true;
    return false;
  case BoundKind::Or:
    for (const auto& arg : predicate->args)
      if (!rejectsNulls(arg, side)) return false;
    return true;
  case BoundKind::IsNotNull:
    return strictIn(predicate->args[0], side);
  case BoundKind::Not:
    return (predicate->args[0]->kind == BoundKind::Compare ||
            predicate->args[0]->kind == BoundKind::Like) &&
           strictIn(predicate->args[0], side);
  case BoundKind::Compare:
  case BoundKind::Like:
    return strictIn(predicate, side);
  default:
    return false;
  }
}

LogicalPtr simplify(const LogicalPtr& op) {
  checkStackDepth();
  auto copy = std::make_shared<LogicalOperator>(*op);
  for (auto& child : copy->children)
    child = simplify(child);
  if (copy->kind != LogicalKind::Filter) return copy;
  const LogicalPtr& input = copy->children[0];
  if (input->kind != LogicalKind::Join) return copy;
  JoinKind kind = input->joinKind;
  if (kind != JoinKind::Left && kind != JoinKind::Right && kind != JoinKind::Full) return copy;
  bool leftPadded = kind == JoinKind::Right || kind == JoinKind::Full;
  bool rightPadded = kind == JoinKind::Left || kind == JoinKind::Full;
  for (const auto& predicate : copy->predicates) {
    if (rightPadded && rejectsNulls(predicate, *input->children[1])) rightPadded = false;
    if (leftPadded && rejectsNulls(predicate, *input->children[0])) leftPadded = false;
  }
  JoinKind simplified = leftPadded && rightPadded ? JoinKind::Full
                        : leftPadded              ? JoinKind::Right
                        : rightPadded             ? JoinKind::Left
                                                  : JoinKind::Inner;
  if (simplified == kind) return copy;
  auto join = std::make_shared<LogicalOperator>(*input);
  join->joinKind = simplified;
  join->columns = outputColumnsOfJoin(*join);
  copy->children = {join};
  return copy;
}

} // namespace

LogicalPtr simplifyOuterJoins(const LogicalPtr& plan, OptimizerContext&) {
  return simplify(plan);
}

} // namespace flern::planner

#include "planner/optimizer/optimizer.h"

namespace flern::planner {

LogicalPtr optimize(const LogicalPtr& plan, OptimizerContext& context) {
  // Pushdown first too: subqueries are unnested against inputs already filtered and joined.
  LogicalPtr result = foldConstants(plan, context);
  result = pushDownPredicates(result, context);
  result = unnestSubqueries(result, context);
  result = foldConstants(result, context);
  result = pushDownPredicates(result, context);
  result = simplifyOuterJoins(result, context);
  result = pushDownPredicates(result, context);
  result = orderJoins(result, context);
  result = pruneProjections(result, context);
  estimateCardinalities(*result);
  return result;
}

} // namespace flern::planner

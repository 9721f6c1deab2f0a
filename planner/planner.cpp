#include "planner/planner.h"

#include "planner/optimizer/optimizer.h"

namespace flern::planner {

PlannedQuery planQuery(Binder& binder, BoundQuery bound, bool countRows) {
  PlannedQuery planned;
  OptimizerContext context{[&binder] { return binder.newColumnId(); }};
  planned.optimized = optimize(bound.plan, context);
  planned.physical = planPhysical(*planned.optimized, planned.bindings, countRows);
  planned.bound = std::move(bound);
  return planned;
}

} // namespace flern::planner

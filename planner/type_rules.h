// What the binder's files share beyond planner/expr_typing.h: aggregate lookup and the
// checks of constant clauses.
#pragma once

#include "planner/expr_typing.h"

#include <optional>
#include <string>

namespace flern::planner::typing {

std::optional<ir::AggregateKind> aggregateKind(const std::string& name);
bool containsAggregate(const ir::BoundExprPtr& expr);
int64_t constantInteger(const ir::BoundExprPtr& expr, const char* clause);

} // namespace flern::planner::typing

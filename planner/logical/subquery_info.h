// The planner's side of ir::SubqueryInfo: a subquery expression as the binder leaves it, until
// unnesting replaces it by a join.
#pragma once

#include "parser/ast.h"
#include "planner/logical/logical_operator.h"

namespace flern::ir {

struct SubqueryInfo {
  planner::LogicalPtr plan; ///< one output column, except for EXISTS
  ast::SubLinkKind kind = ast::SubLinkKind::Scalar;
  std::string op; ///< comparison of ANY / ALL; the expression's args[0] is its left side
  /// Columns of enclosing queries the plan refers to (correlated references).
  std::vector<planner::ColumnId> correlated;
};

} // namespace flern::ir

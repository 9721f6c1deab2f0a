// The binder's subquery expressions: EXISTS, scalar subqueries, IN / ANY / ALL. Each becomes a
// Subquery expression holding the subquery's plan; unnesting later turns it into a join.
#include "common/error.h"
#include "planner/binder.h"
#include "planner/logical/subquery_info.h"
#include "planner/type_rules.h"

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;
using namespace typing;

BoundExprPtr Binder::bindSubquery(const ast::Expr& expr, const Scope& scope,
                                  AggregateContext& aggregates) {
  // The subquery's names resolve in its own FROM first, then in this query's scope.
  ++subqueryDepth_;
  BlockResult block;
  try {
    block = resolveUnknownColumns(bindBlock(*expr.subquery, &scope));
  } catch (...) {
    --subqueryDepth_;
    throw;
  }
  --subqueryDepth_;
  auto info = std::make_shared<ir::SubqueryInfo>();
  info->kind = expr.subLink;
  info->op = expr.text == "!=" ? "<>" : expr.text;
  info->correlated = block.outerReferences;
  // Columns of this query's enclosing blocks that the subquery uses are this block's
  // references too (bindColumn recorded them already on every scope in between).
  auto node = makeNode(BoundKind::Subquery, SqlType::boolean(), expr.location);
  node->index = newColumnId(); // distinguishes subqueries in expression texts
  // IN / ANY / ALL compare one operand, or each member of a row, with the subquery's columns.
  const size_t width = block.plan->columns.size();
  const size_t operands = expr.subLink == ast::SubLinkKind::Exists   ? width
                          : expr.subLink == ast::SubLinkKind::Scalar ? 1
                                                                     : expr.args.size();
  if (width != operands)
    throw Error(SqlState::SyntaxError,
                width > operands ? "subquery has too many columns" : "subquery has too few columns",
                expr.location + 1);
  switch (expr.subLink) {
  case ast::SubLinkKind::Exists:
    break;
  case ast::SubLinkKind::Scalar: {
    SqlType type = block.plan->columns[0].type;
    node->type = type.id == TypeId::Unknown ? SqlType::text() : type;
    break;
  }
  case ast::SubLinkKind::Any:
  case ast::SubLinkKind::All:
    block.plan = bindQuantifiedOperands(expr, info->op, block, scope, aggregates, *node);
    break;
  }
  info->plan = block.plan;
  node->subquery = info;
  return node;
}

LogicalPtr Binder::bindQuantifiedOperands(const ast::Expr& expr, const std::string& op,
                                          const BlockResult& block, const Scope& scope,
                                          AggregateContext& aggregates, BoundExpr& node) {
  bool row = expr.args.size() > 1;
  bool comparison = op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
  if (!comparison || (row && op != "=" && op != "<>"))
    throw Error(SqlState::FeatureNotSupported,
                "operator " + op + " with " + (row ? "a row value and " : "") +
                    "ANY/ALL (subquery) is not supported",
                expr.location + 1);
  // Each subquery column converts to its comparison type inside the subquery.
  std::vector<BoundExprPtr> columns;
  std::vector<LogicalColumn> converted;
  bool conversions = false;
  for (size_t i = 0; i < expr.args.size(); ++i) {
    BoundExprPtr left = bind(*expr.args[i], scope, aggregates);
    BoundExprPtr right = columnRef(block.plan->columns[i]);
    auto type = commonType(left->type, right->type);
    if (!type)
      throw Error(SqlState::UndefinedFunction, operatorText(op, left, right), expr.location + 1)
          .withHint("No operator matches the given name and argument types. You might need to "
                    "add explicit type casts.");
    if (type->id == TypeId::Unknown) type = SqlType::text();
    node.args.push_back(implicitCast(left, *type));
    conversions = conversions || !(right->type == *type);
    columns.push_back(implicitCast(right, *type));
    converted.push_back({newColumnId(), *type, block.names[i], false});
  }
  if (!conversions) return block.plan;
  auto project = std::make_shared<LogicalOperator>();
  project->kind = LogicalKind::Project;
  project->children = {block.plan};
  project->expressions = columns;
  project->columns = converted;
  return project;
}

} // namespace flern::planner

#include "planner/optimizer/rule_utilities.h"

#include "common/stack_depth.h"

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

void forEachExpression(const LogicalOperator& op, bool recurse,
                       const std::function<void(const BoundExprPtr&)>& fn) {
  checkStackDepth();
  if (recurse)
    for (const auto& child : op.children)
      forEachExpression(*child, true, fn);
  auto each = [&](const std::vector<BoundExprPtr>& exprs) {
    for (const auto& expr : exprs)
      if (expr) fn(expr);
  };
  each(op.predicates);
  each(op.expressions);
  each(op.groupKeys);
  for (const auto& row : op.rows)
    each(row);
  for (const auto& aggregate : op.aggregates)
    ir::forEachAggregateExpression(aggregate, fn);
  for (const auto& key : op.sortKeys)
    fn(key.expr);
  for (const auto& window : op.windows) {
    each(window.args);
    each(window.partitionKeys);
    for (const auto& key : window.orderKeys)
      fn(key.expr);
  }
  if (op.mark.comparison) fn(op.mark.comparison);
  if (op.seriesStart) fn(op.seriesStart);
  if (op.seriesStop) fn(op.seriesStop);
}

std::vector<LogicalColumn> outputColumnsOfJoin(const LogicalOperator& join) {
  const auto& left = join.children[0]->columns;
  const auto& right = join.children[1]->columns;
  std::vector<LogicalColumn> columns = left;
  auto nullable = [](std::vector<LogicalColumn> side) {
    for (auto& column : side)
      column.notNull = false;
    return side;
  };
  switch (join.joinKind) {
  case JoinKind::Semi:
  case JoinKind::Anti:
    return columns;
  case JoinKind::Mark:
    columns.push_back({join.mark.column, SqlType::boolean(), "mark", false});
    return columns;
  case JoinKind::Inner: {
    columns.insert(columns.end(), right.begin(), right.end());
    return columns;
  }
  case JoinKind::Left:
  case JoinKind::Single: {
    auto r = nullable(right);
    columns.insert(columns.end(), r.begin(), r.end());
    if (join.joinKind == JoinKind::Single && join.matched)
      columns.push_back({*join.matched, SqlType::boolean(), "matched", true});
    return columns;
  }
  case JoinKind::Right: {
    columns = nullable(left);
    columns.insert(columns.end(), right.begin(), right.end());
    return columns;
  }
  case JoinKind::Full: {
    columns = nullable(left);
    auto r = nullable(right);
    columns.insert(columns.end(), r.begin(), r.end());
    return columns;
  }
  }
  return columns;
}

LogicalPtr makeJoin(JoinKind kind, LogicalPtr left, LogicalPtr right,
                    std::vector<BoundExprPtr> predicates) {
  auto join = std::make_shared<LogicalOperator>();
  join->kind = LogicalKind::Join;
  join->joinKind = kind;
  join->children = {std::move(left), std::move(right)};
  join->predicates = std::move(predicates);
  join->columns = outputColumnsOfJoin(*join);
  return join;
}

LogicalPtr makeFilter(LogicalPtr input, std::vector<BoundExprPtr> predicates) {
  auto filter = std::make_shared<LogicalOperator>();
  filter->kind = LogicalKind::Filter;
  filter->columns = input->columns;
  filter->children = {std::move(input)};
  filter->predicates = std::move(predicates);
  return filter;
}

LogicalPtr makeProjection(LogicalPtr input, const std::vector<BoundExprPtr>& expressions,
                          OptimizerContext& context, std::vector<LogicalColumn> columns) {
  auto project = std::make_shared<LogicalOperator>();
  project->kind = LogicalKind::Project;
  project->children = {std::move(input)};
  project->expressions = expressions;
  if (columns.empty())
    for (const auto& expr : expressions)
      columns.push_back({context.newColumnId(), expr->type, expr->name, false});
  project->columns = std::move(columns);
  return project;
}

std::vector<BoundExprPtr> columnRefs(const std::vector<LogicalColumn>& columns) {
  std::vector<BoundExprPtr> refs;
  for (const auto& column : columns)
    refs.push_back(columnRef(column));
  return refs;
}

namespace {

std::shared_ptr<BoundExpr> node(BoundKind kind, SqlType type) {
  auto expr = std::make_shared<BoundExpr>();
  expr->kind = kind;
  expr->type = type;
  return expr;
}

} // namespace

BoundExprPtr makeComparison(const std::string& op, BoundExprPtr a, BoundExprPtr b) {
  auto expr = node(BoundKind::Compare, SqlType::boolean());
  expr->name = op;
  expr->args = {std::move(a), std::move(b)};
  return expr;
}

BoundExprPtr makeNot(BoundExprPtr arg) {
  auto expr = node(BoundKind::Not, SqlType::boolean());
  expr->args = {std::move(arg)};
  return expr;
}

BoundExprPtr makeAnd(std::vector<BoundExprPtr> args) {
  if (args.size() == 1) return args[0];
  auto expr = node(BoundKind::And, SqlType::boolean());
  expr->args = std::move(args);
  return expr;
}

BoundExprPtr makeOr(std::vector<BoundExprPtr> args) {
  if (args.size() == 1) return args[0];
  auto expr = node(BoundKind::Or, SqlType::boolean());
  expr->args = std::move(args);
  return expr;
}

BoundExprPtr makeCase(BoundExprPtr condition, BoundExprPtr then, BoundExprPtr otherwise) {
  auto expr = node(BoundKind::Case, then->type);
  if (!(otherwise->type == then->type)) otherwise = ir::makeCast(otherwise, then->type);
  expr->args = {std::move(condition), std::move(then), std::move(otherwise)};
  return expr;
}

BoundExprPtr makeInt64Constant(int64_t value) {
  auto expr = node(BoundKind::Constant, SqlType::int64());
  expr->intValue = value;
  return expr;
}

BoundExprPtr makeBoolConstant(bool value) {
  auto expr = node(BoundKind::Constant, SqlType::boolean());
  expr->intValue = value;
  return expr;
}

BoundExprPtr makeNullConstant(const SqlType& type) {
  auto expr = node(BoundKind::Constant, type);
  expr->isNull = true;
  return expr;
}

bool isNullConstant(const BoundExprPtr& expr) {
  return expr->kind == BoundKind::Constant && expr->isNull;
}

bool isBoolConstant(const BoundExprPtr& expr, bool value) {
  return expr->kind == BoundKind::Constant && !expr->isNull && expr->type.id == TypeId::Bool &&
         (expr->intValue != 0) == value;
}

BoundExprPtr foldNulls(const BoundExprPtr& expr) {
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  bool anyNull = false;
  for (auto& arg : copy->args) {
    arg = foldNulls(arg);
    anyNull = anyNull || isNullConstant(arg);
  }
  bool strict = expr->kind == BoundKind::Arith || expr->kind == BoundKind::Negate ||
                (expr->kind == BoundKind::Compare && expr->name.rfind("IS ", 0) != 0) ||
                expr->kind == BoundKind::Cast;
  if (strict && anyNull) return makeNullConstant(expr->type);
  return copy;
}

void splitConjuncts(const BoundExprPtr& expr, std::vector<BoundExprPtr>& out) {
  if (expr->kind == BoundKind::And) {
    for (const auto& arg : expr->args)
      splitConjuncts(arg, out);
    return;
  }
  out.push_back(expr);
}

std::set<ColumnId> columnsOf(const BoundExprPtr& expr) {
  std::vector<ColumnId> ids;
  collectColumnIds(expr, ids);
  return {ids.begin(), ids.end()};
}

bool boundBy(const BoundExprPtr& expr, const LogicalOperator& op) {
  for (ColumnId id : columnsOf(expr))
    if (op.positionOf(id) < 0) return false;
  return true;
}

} // namespace flern::planner

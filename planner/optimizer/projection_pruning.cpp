// Rule: projection pruning. Every operator passes on only the columns some operator above
// still uses: scans get a projection of the columns the query reads, joins and aggregates ask
// their inputs for their keys, conditions and outputs only. A hash join stores its build rows
// whole, so this decides how wide its hash table entries are.
#include "common/stack_depth.h"
#include "planner/optimizer/optimizer.h"
#include "planner/optimizer/rule_utilities.h"

namespace flern::planner {

using ir::BoundExprPtr;

namespace {

using Required = std::set<ColumnId>;

void addColumns(const BoundExprPtr& expr, Required& required) {
  if (!expr) return;
  for (ColumnId id : columnsOf(expr))
    required.insert(id);
}

/// A projection of `op` to the columns in `required`, or `op` when it has no others.
LogicalPtr keepOnly(const LogicalPtr& op, const Required& required) {
  std::vector<LogicalColumn> kept;
  for (const auto& column : op->columns)
    if (required.count(column.id)) kept.push_back(column);
  if (kept.size() == op->columns.size()) return op;
  auto project = std::make_shared<LogicalOperator>();
  project->kind = LogicalKind::Project;
  project->children = {op};
  project->columns = kept;
  project->expressions = columnRefs(kept);
  project->estimatedRows = op->estimatedRows;
  return project;
}

LogicalPtr prune(const LogicalPtr& op, const Required& required) {
  checkStackDepth();
  auto copy = std::make_shared<LogicalOperator>(*op);
  switch (op->kind) {
  case LogicalKind::Get:
  case LogicalKind::CteScan:
    return keepOnly(op, required);
  case LogicalKind::Values:
    return op;
  case LogicalKind::Series: {
    if (op->children.empty()) return op;
    Required below = required;
    addColumns(op->seriesStart, below);
    addColumns(op->seriesStop, below);
    copy->children = {prune(op->children[0], below)};
    copy->columns = copy->children[0]->columns;
    copy->columns.push_back(op->columns.back());
    return copy;
  }
  case LogicalKind::Filter: {
    Required below = required;
    for (const auto& predicate : op->predicates)
      addColumns(predicate, below);
    copy->children = {prune(op->children[0], below)};
    copy->columns = copy->children[0]->columns;
    return copy;
  }
  case LogicalKind::Project: {
    Required below;
    copy->expressions.clear();
    copy->columns.clear();
    for (size_t i = 0; i < op->columns.size(); ++i) {
      if (!required.count(op->columns[i].id)) continue;
      copy->expressions.push_back(op->expressions[i]);
      copy->columns.push_back(op->columns[i]);
      addColumns(op->expressions[i], below);
    }
    copy->children = {prune(op->children[0], below)};
    return copy;
  }
  case LogicalKind::Join: {
    Required below = required;
    for (const auto& predicate : op->predicates)
      addColumns(predicate, below);
    addColumns(op->mark.comparison, below);
    copy->children = {prune(op->children[0], below), prune(op->children[1], below)};
    copy->columns = outputColumnsOfJoin(*copy);
    return copy;
  }
  case LogicalKind::Aggregate: {
    Required below;
    for (const auto& key : op->groupKeys)
      addColumns(key, below);
    for (const auto& aggregate : op->aggregates)
      ir::forEachAggregateExpression(
          aggregate, [&](const ir::BoundExprPtr& expr) { addColumns(expr, below); });
    copy->children = {prune(op->children[0], below)};
    return copy;
  }
  case LogicalKind::Sort: {
    Required below = required;
    for (const auto& key : op->sortKeys)
      addColumns(key.expr, below);
    copy->children = {prune(op->children[0], below)};
    copy->columns = copy->children[0]->columns;
    return copy;
  }
  case LogicalKind::Window: {
    // Window values nobody uses are not computed; without any, the Window goes away.
    Required below = required;
    // The window values are the last columns (rules may have widened the input since).
    const size_t width = op->columns.size() - op->windows.size();
    copy->windows.clear();
    std::vector<LogicalColumn> windowColumns;
    for (size_t i = 0; i < op->windows.size(); ++i) {
      if (!required.count(op->columns[width + i].id)) continue;
      const ir::WindowExpr& window = op->windows[i];
      copy->windows.push_back(window);
      windowColumns.push_back(op->columns[width + i]);
      for (const auto& arg : window.args)
        addColumns(arg, below);
      for (const auto& key : window.partitionKeys)
        addColumns(key, below);
      for (const auto& key : window.orderKeys)
        addColumns(key.expr, below);
    }
    LogicalPtr child = prune(op->children[0], below);
    if (copy->windows.empty()) return child;
    copy->children = {child};
    copy->columns = child->columns;
    copy->columns.insert(copy->columns.end(), windowColumns.begin(), windowColumns.end());
    return copy;
  }
  case LogicalKind::Limit:
    copy->children = {prune(op->children[0], required)};
    copy->columns = copy->children[0]->columns;
    return copy;
  case LogicalKind::CteMaterialize: {
    // Readers find the producer's columns by position: it keeps all of them.
    auto ids = op->children[0]->columnIds();
    copy->children = {prune(op->children[0], Required(ids.begin(), ids.end())),
                      prune(op->children[1], required)};
    copy->columns = copy->children[1]->columns;
    return copy;
  }
  case LogicalKind::SetOperation:
  case LogicalKind::RecursiveUnion:
    // Rows are compared whole: the inputs keep all their columns.
    for (auto& child : copy->children) {
      auto ids = child->columnIds();
      child = prune(child, Required(ids.begin(), ids.end()));
    }
    return copy;
  }
  return op;
}

} // namespace

LogicalPtr pruneProjections(const LogicalPtr& plan, OptimizerContext&) {
  auto ids = plan->columnIds();
  LogicalPtr pruned = prune(plan, Required(ids.begin(), ids.end()));
  // The client sees the same columns in the same order.
  if (pruned->columnIds() == ids) return pruned;
  auto project = std::make_shared<LogicalOperator>();
  project->kind = LogicalKind::Project;
  project->children = {pruned};
  project->columns = plan->columns;
  project->expressions = columnRefs(plan->columns);
  return project;
}

} // namespace flern::planner

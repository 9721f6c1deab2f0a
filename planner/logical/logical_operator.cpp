#include "planner/logical/logical_operator.h"

#include "common/error.h"
#include "common/stack_depth.h"
#include "planner/logical/subquery_info.h"

#include <cmath>
#include <map>

namespace flern::planner {

std::vector<ColumnId> LogicalOperator::columnIds() const {
  std::vector<ColumnId> ids;
  ids.reserve(columns.size());
  for (const auto& column : columns)
    ids.push_back(column.id);
  return ids;
}

int LogicalOperator::positionOf(ColumnId id) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].id == id) return static_cast<int>(i);
  return -1;
}

std::vector<SqlType> BoundQuery::types() const {
  std::vector<SqlType> types;
  for (const auto& column : plan->columns)
    types.push_back(column.type);
  return types;
}

void appendConjuncts(const ir::BoundExprPtr& predicate, std::vector<ir::BoundExprPtr>& out) {
  if (predicate->kind == ir::BoundKind::And) {
    for (const auto& arg : predicate->args)
      appendConjuncts(arg, out);
    return;
  }
  out.push_back(predicate);
}

void collectColumnIds(const ir::BoundExprPtr& expr, std::vector<ColumnId>& out) {
  if (!expr) return;
  if (expr->kind == ir::BoundKind::Column) out.push_back(expr->index);
  for (const auto& arg : expr->args)
    collectColumnIds(arg, out);
  // A subquery's correlated references are references of the expression that holds it.
  if (expr->kind == ir::BoundKind::Subquery)
    for (ColumnId id : expr->subquery->correlated)
      out.push_back(id);
}

ir::BoundExprPtr
substituteColumns(const ir::BoundExprPtr& expr,
                  const std::function<ir::BoundExprPtr(const ir::BoundExpr& column)>& replacement) {
  checkStackDepth();
  if (expr->kind == ir::BoundKind::Column) {
    if (auto replaced = replacement(*expr)) return replaced;
    return expr;
  }
  std::shared_ptr<ir::BoundExpr> copy;
  for (size_t i = 0; i < expr->args.size(); ++i) {
    ir::BoundExprPtr arg = substituteColumns(expr->args[i], replacement);
    if (arg == expr->args[i]) continue;
    if (!copy) copy = std::make_shared<ir::BoundExpr>(*expr);
    copy->args[i] = std::move(arg);
  }
  if (expr->kind == ir::BoundKind::Subquery) {
    // Renaming a column the subquery refers to renames it inside the subquery's plan too.
    std::map<ColumnId, ColumnId> renames;
    for (ColumnId id : expr->subquery->correlated) {
      ir::BoundExpr probe;
      probe.kind = ir::BoundKind::Column;
      probe.index = id;
      if (auto replaced = replacement(probe)) {
        if (replaced->kind != ir::BoundKind::Column)
          internalError("a column a subquery refers to may only be renamed");
        if (replaced->index != id) renames[id] = replaced->index;
      }
    }
    if (!renames.empty()) {
      auto info = std::make_shared<ir::SubqueryInfo>(*expr->subquery);
      info->plan = renameColumns(info->plan, renames);
      for (auto& id : info->correlated)
        if (renames.count(id)) id = renames[id];
      if (!copy) copy = std::make_shared<ir::BoundExpr>(*expr);
      copy->subquery = info;
    }
  }
  return copy ? copy : expr;
}

LogicalPtr mapExpressions(const LogicalPtr& op,
                          const std::function<ir::BoundExprPtr(const ir::BoundExprPtr&)>& map,
                          bool recurse) {
  checkStackDepth();
  auto copy = std::make_shared<LogicalOperator>(*op);
  if (recurse)
    for (auto& child : copy->children)
      child = mapExpressions(child, map, true);
  auto mapAll = [&](std::vector<ir::BoundExprPtr>& exprs) {
    for (auto& expr : exprs)
      if (expr) expr = map(expr);
  };
  mapAll(copy->predicates);
  mapAll(copy->expressions);
  mapAll(copy->groupKeys);
  for (auto& row : copy->rows)
    mapAll(row);
  for (auto& aggregate : copy->aggregates)
    ir::mapAggregateExpressions(aggregate, map);
  for (auto& key : copy->sortKeys)
    key.expr = map(key.expr);
  for (auto& window : copy->windows) {
    mapAll(window.args);
    mapAll(window.partitionKeys);
    for (auto& key : window.orderKeys)
      key.expr = map(key.expr);
  }
  if (copy->mark.comparison) copy->mark.comparison = map(copy->mark.comparison);
  if (copy->seriesStart) copy->seriesStart = map(copy->seriesStart);
  if (copy->seriesStop) copy->seriesStop = map(copy->seriesStop);
  return copy;
}

LogicalPtr renameColumns(const LogicalPtr& op, const std::map<ColumnId, ColumnId>& renames) {
  return mapExpressions(op, [&](const ir::BoundExprPtr& expr) {
    return substituteColumns(expr, [&](const ir::BoundExpr& column) -> ir::BoundExprPtr {
      auto it = renames.find(column.index);
      if (it == renames.end()) return nullptr;
      auto renamed = std::make_shared<ir::BoundExpr>(column);
      renamed->index = it->second;
      return renamed;
    });
  });
}

namespace {

class FreshIdCloner {
public:
  explicit FreshIdCloner(const std::function<ColumnId()>& newId) : newId_(newId) {}

  LogicalPtr clone(const LogicalPtr& op) {
    checkStackDepth();
    auto copy = std::make_shared<LogicalOperator>(*op);
    for (auto& child : copy->children)
      child = clone(child);
    // Pass-through columns were renamed by the children; the rest are defined here.
    for (auto& column : copy->columns) {
      auto it = renames_.find(column.id);
      if (it != renames_.end()) {
        column.id = it->second;
        continue;
      }
      ColumnId fresh = newId_();
      renames_[column.id] = fresh;
      column.id = fresh;
    }
    if (copy->matched) copy->matched = renames_.at(*copy->matched);
    if (copy->mark.column >= 0) copy->mark.column = renames_.at(copy->mark.column);
    return mapExpressions(
        copy, [&](const ir::BoundExprPtr& expr) { return cloneExpr(expr); },
        /*recurse=*/false);
  }

private:
  ir::BoundExprPtr cloneExpr(const ir::BoundExprPtr& expr) {
    if (expr->kind == ir::BoundKind::Column) {
      auto it = renames_.find(expr->index);
      if (it == renames_.end()) return expr;
      auto copy = std::make_shared<ir::BoundExpr>(*expr);
      copy->index = it->second;
      return copy;
    }
    auto copy = std::make_shared<ir::BoundExpr>(*expr);
    for (auto& arg : copy->args)
      arg = cloneExpr(arg);
    if (expr->kind == ir::BoundKind::Subquery) {
      auto info = std::make_shared<ir::SubqueryInfo>(*expr->subquery);
      info->plan = clone(info->plan);
      for (auto& id : info->correlated)
        if (renames_.count(id)) id = renames_[id];
      copy->subquery = info;
    }
    return copy;
  }

  const std::function<ColumnId()>& newId_;
  std::map<ColumnId, ColumnId> renames_;
};

} // namespace

LogicalPtr cloneWithFreshIds(const LogicalPtr& op, const std::function<ColumnId()>& newId) {
  FreshIdCloner cloner(newId);
  return cloner.clone(op);
}

ir::BoundExprPtr columnRef(const LogicalColumn& column) {
  auto expr = std::make_shared<ir::BoundExpr>();
  expr->kind = ir::BoundKind::Column;
  expr->index = column.id;
  expr->type = column.type;
  expr->name = column.name;
  return expr;
}

namespace {

const char* joinKindName(JoinKind kind) {
  switch (kind) {
  case JoinKind::Inner:
    return "Inner";
  case JoinKind::Left:
    return "Left";
  case JoinKind::Right:
    return "Right";
  case JoinKind::Full:
    return "Full";
  case JoinKind::Semi:
    return "Semi";
  case JoinKind::Anti:
    return "Anti";
  case JoinKind::Mark:
    return "Mark";
  case JoinKind::Single:
    return "Single";
  }
  return "?";
}

std::string listText(const std::vector<ir::BoundExprPtr>& exprs, const char* separator) {
  std::string text;
  for (size_t i = 0; i < exprs.size(); ++i)
    text += (i ? separator : "") + exprs[i]->toString();
  return text;
}

std::string describe(const LogicalOperator& op) {
  switch (op.kind) {
  case LogicalKind::Get:
    return "Get " + op.table->name() + (op.alias != op.table->name() ? " " + op.alias : "");
  case LogicalKind::Values:
    return "Values (" + std::to_string(op.rows.size()) + " rows)";
  case LogicalKind::Series:
    return "Series";
  case LogicalKind::Filter:
    return "Filter " + listText(op.predicates, " AND ");
  case LogicalKind::Project:
    return "Project " + listText(op.expressions, ", ");
  case LogicalKind::Join: {
    std::string text = std::string(joinKindName(op.joinKind)) + " Join";
    if (!op.predicates.empty()) text += " ON " + listText(op.predicates, " AND ");
    if (op.joinKind == JoinKind::Mark && op.mark.comparison)
      text += " MARK " + op.mark.comparison->toString();
    return text;
  }
  case LogicalKind::Aggregate: {
    std::string text = "Aggregate";
    if (!op.groupKeys.empty()) text += " BY " + listText(op.groupKeys, ", ");
    for (size_t i = 0; i < op.aggregates.size(); ++i)
      text += (i ? ", " : ": ") + op.aggregates[i].toString();
    return text;
  }
  case LogicalKind::Sort: {
    std::string text = "Sort";
    for (size_t i = 0; i < op.sortKeys.size(); ++i)
      text += (i ? ", " : " ") + op.sortKeys[i].expr->toString() +
              (op.sortKeys[i].descending ? " DESC" : "");
    return text;
  }
  case LogicalKind::Limit:
    return "Limit " + (op.limit ? std::to_string(*op.limit) : std::string("ALL")) +
           (op.offset ? " OFFSET " + std::to_string(op.offset) : "");
  case LogicalKind::SetOperation: {
    const char* name = op.setKind == SetOperationKind::Union       ? "Union"
                       : op.setKind == SetOperationKind::Intersect ? "Intersect"
                                                                   : "Except";
    return std::string(name) + (op.setAll ? " All" : "");
  }
  case LogicalKind::Window: {
    std::string text = "Window";
    for (size_t i = 0; i < op.windows.size(); ++i)
      text += (i ? ", " : ": ") + op.windows[i].toString();
    return text;
  }
  case LogicalKind::CteMaterialize:
    return "CTE " + op.alias;
  case LogicalKind::CteScan:
    return "CTE Scan on " + op.alias + (op.workingTable ? " (working table)" : "");
  case LogicalKind::RecursiveUnion:
    return std::string("Recursive Union") + (op.setAll ? " All" : "") + " " + op.alias;
  }
  return "?";
}

void explainInto(const LogicalOperator& op, int depth, std::vector<std::string>& lines) {
  std::string line = depth == 0 ? "" : std::string(depth * 4 - 2, ' ') + "->  ";
  line += describe(op);
  if (op.estimatedRows >= 0)
    line += "  (rows=" + std::to_string(static_cast<int64_t>(std::llround(op.estimatedRows))) + ")";
  lines.push_back(line);
  for (const auto& child : op.children)
    explainInto(*child, depth + 1, lines);
}

} // namespace

std::vector<std::string> explainLogical(const LogicalOperator& root) {
  std::vector<std::string> lines;
  explainInto(root, 0, lines);
  return lines;
}

} // namespace flern::planner

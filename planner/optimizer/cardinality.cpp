// Cardinality estimation: rows per operator from table statistics (exact row counts; distinct
// counts, null fractions, min and max per column from loads and ANALYZE), with the
// textbook independence assumptions (selectivities of conjuncts multiply; an equi-join keeps
// 1 / max(distinct values of the two keys) of the cross product).
#include "planner/optimizer/cardinality.h"

#include "common/stack_depth.h"
#include "planner/optimizer/rule_utilities.h"

#include <algorithm>
#include <cmath>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

void CardinalityModel::registerColumns(const LogicalOperator& op) {
  checkStackDepth();
  if (op.kind == LogicalKind::Get) {
    storage::TableStatistics statistics = op.table->statistics();
    for (size_t i = 0; i < op.columns.size(); ++i) {
      ColumnFacts facts;
      facts.rows = static_cast<double>(statistics.rows);
      size_t column = static_cast<size_t>(op.tableColumns[i]);
      if (column < statistics.columns.size()) {
        const auto& stats = statistics.columns[column];
        // No distinct count yet (a table never analyzed): assume a key.
        facts.distinct = stats.distinct > 0 ? stats.distinct : facts.rows;
        facts.nullFraction = stats.nullFraction;
        facts.min = stats.min;
        facts.max = stats.max;
      } else {
        facts.distinct = facts.rows;
      }
      columns_[op.columns[i].id] = facts;
    }
  }
  for (const auto& child : op.children)
    registerColumns(*child);
}

double CardinalityModel::distinct(ColumnId id, double rows) const {
  auto it = columns_.find(id);
  if (it == columns_.end()) return std::max(1.0, rows);
  return std::max(1.0, std::min(it->second.distinct, std::max(rows, 1.0)));
}

namespace {

const BoundExpr* stripCast(const BoundExprPtr& expr) {
  const BoundExpr* e = expr.get();
  while (e->kind == BoundKind::Cast)
    e = e->args[0].get();
  return e;
}

std::optional<double> constantAsDouble(const BoundExpr& expr) {
  if (expr.kind != BoundKind::Constant || expr.isNull) return std::nullopt;
  switch (expr.type.id) {
  case TypeId::Int32:
  case TypeId::Int64:
  case TypeId::Date:
    return static_cast<double>(expr.intValue);
  case TypeId::Float64:
    return expr.floatValue;
  case TypeId::Numeric:
    if (expr.type.scale < 0) return std::nullopt;
    return static_cast<double>(expr.numericValue) / std::pow(10.0, expr.type.scale);
  default:
    return std::nullopt;
  }
}

} // namespace

double CardinalityModel::selectivity(const BoundExprPtr& predicate, double rows) const {
  switch (predicate->kind) {
  case BoundKind::And: {
    double s = 1;
    for (const auto& arg : predicate->args)
      s *= selectivity(arg, rows);
    return s;
  }
  case BoundKind::Or: {
    double miss = 1;
    for (const auto& arg : predicate->args)
      miss *= 1 - selectivity(arg, rows);
    return 1 - miss;
  }
  case BoundKind::Not:
    return 1 - selectivity(predicate->args[0], rows);
  case BoundKind::Like:
    return predicate->negated ? 0.9 : 0.1;
  case BoundKind::IsNull: {
    const BoundExpr* arg = stripCast(predicate->args[0]);
    if (arg->kind == BoundKind::Column && columns_.count(arg->index))
      return std::max(columns_.at(arg->index).nullFraction, 0.001);
    return 0.05;
  }
  case BoundKind::IsNotNull:
    return 0.95;
  case BoundKind::Compare:
    return compareSelectivity(*predicate, rows);
  default:
    return 0.5;
  }
}

double CardinalityModel::compareSelectivity(const BoundExpr& compare, double rows) const {
  const BoundExpr* a = stripCast(compare.args[0]);
  const BoundExpr* b = stripCast(compare.args[1]);
  if (a->kind != BoundKind::Column) std::swap(a, b);
  const std::string& op = compare.name;
  if (a->kind != BoundKind::Column) return op == "=" ? 0.1 : 0.33;
  if (b->kind == BoundKind::Column) {
    // Two columns of one input: as an equi-join would.
    if (op == "=") return 1.0 / std::max(distinct(a->index, rows), distinct(b->index, rows));
    return 0.33;
  }
  if (op == "=" || op == "IS NOT DISTINCT FROM") return 1.0 / distinct(a->index, rows);
  if (op == "<>") return 1.0 - 1.0 / distinct(a->index, rows);
  // A range against a constant: the fraction of [min, max] it keeps.
  auto value = constantAsDouble(*b);
  auto it = columns_.find(a->index);
  if (!value || it == columns_.end() || !it->second.min || !it->second.max ||
      *it->second.max <= *it->second.min)
    return 0.33;
  double low = *it->second.min, high = *it->second.max;
  double fraction = (*value - low) / (high - low);
  bool columnFirst = stripCast(compare.args[0])->kind == BoundKind::Column;
  bool less = (op == "<" || op == "<=") == columnFirst;
  double s = less ? fraction : 1 - fraction;
  return std::clamp(s, 0.0005, 1.0);
}

double CardinalityModel::joinRows(const LogicalOperator& join, double left, double right) const {
  double rows = left * right;
  for (const auto& predicate : join.predicates) {
    const BoundExpr* a = stripCast(predicate->args.empty() ? predicate : predicate->args[0]);
    const BoundExpr* b = predicate->args.size() < 2 ? nullptr : stripCast(predicate->args[1]);
    if (predicate->kind == BoundKind::Compare && b && a->kind == BoundKind::Column &&
        b->kind == BoundKind::Column &&
        (predicate->name == "=" || predicate->name == "IS NOT DISTINCT FROM")) {
      rows /= std::max(distinct(a->index, left), distinct(b->index, right));
      continue;
    }
    rows *= selectivity(predicate, rows);
  }
  return std::max(rows, 1.0);
}

double CardinalityModel::estimate(const LogicalOperator& op) {
  checkStackDepth();
  std::vector<double> children;
  for (const auto& child : op.children) {
    children.push_back(estimate(*child));
    // A CTE's readers see its producer's rows; a working table first the non-recursive term's.
    if (children.size() == 1 &&
        (op.kind == LogicalKind::CteMaterialize || op.kind == LogicalKind::RecursiveUnion))
      cteRows_[op.cteIndex] = children[0];
  }
  double rows = 1;
  switch (op.kind) {
  case LogicalKind::Get:
    rows = static_cast<double>(op.table->data().rowCount());
    break;
  case LogicalKind::Values:
    rows = static_cast<double>(op.rows.size());
    break;
  case LogicalKind::Series:
    // PostgreSQL's guess for a set-returning function of unknown size is 1000 rows; per input
    // row of a LATERAL call, 10.
    rows = children.empty() ? 1000 : 10;
    if (op.seriesStart->kind == BoundKind::Constant && op.seriesStop->kind == BoundKind::Constant)
      rows = std::max(0.0, static_cast<double>(op.seriesStop->intValue) -
                               static_cast<double>(op.seriesStart->intValue) + 1);
    if (!children.empty()) rows *= children[0];
    break;
  case LogicalKind::Filter:
    rows = children[0];
    for (const auto& predicate : op.predicates)
      rows *= selectivity(predicate, children[0]);
    break;
  case LogicalKind::Project:
  case LogicalKind::Sort:
  case LogicalKind::Window:
    rows = children[0];
    break;
  case LogicalKind::Limit:
    rows = std::max(0.0, children[0] - static_cast<double>(op.offset));
    if (op.limit) rows = std::min(rows, static_cast<double>(*op.limit));
    break;
  case LogicalKind::Join:
    switch (op.joinKind) {
    case JoinKind::Inner:
      rows = joinRows(op, children[0], children[1]);
      break;
    case JoinKind::Left:
    case JoinKind::Single:
      rows = std::max(children[0], joinRows(op, children[0], children[1]));
      break;
    case JoinKind::Right:
      rows = std::max(children[1], joinRows(op, children[0], children[1]));
      break;
    case JoinKind::Full:
      rows = std::max(children[0] + children[1], joinRows(op, children[0], children[1]));
      break;
    case JoinKind::Semi:
    case JoinKind::Anti:
      rows = children[0] * 0.5;
      break;
    case JoinKind::Mark:
      rows = children[0];
      break;
    }
    break;
  case LogicalKind::Aggregate: {
    rows = 1;
    for (const auto& key : op.groupKeys) {
      const BoundExpr* k = stripCast(key);
      rows *= k->kind == BoundKind::Column ? distinct(k->index, children[0]) : 10;
    }
    if (!op.groupKeys.empty()) rows = std::min(rows, children[0]);
    break;
  }
  case LogicalKind::SetOperation:
    rows = op.setKind == SetOperationKind::Union ? children[0] + children[1] : children[0];
    break;
  case LogicalKind::CteMaterialize:
    rows = children[1];
    break;
  case LogicalKind::CteScan: {
    auto it = cteRows_.find(op.cteIndex);
    rows = it == cteRows_.end() ? 1000 : it->second;
    break;
  }
  case LogicalKind::RecursiveUnion:
    // The number of iterations is unknown: assume ten of the recursive term's size.
    rows = children[0] + 10 * children[1];
    break;
  }
  op.estimatedRows = std::max(rows, op.kind == LogicalKind::Limit ? 0.0 : 1.0);
  return op.estimatedRows;
}

void estimateCardinalities(const LogicalOperator& plan) {
  CardinalityModel model;
  model.registerColumns(plan);
  model.estimate(plan);
}

} // namespace flern::planner

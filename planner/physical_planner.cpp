#include "planner/physical_planner.h"

#include "common/error.h"
#include "common/stack_depth.h"
#include "ir/ops/cte.h"
#include "ir/ops/hash_aggregate.h"
#include "ir/ops/hash_join.h"
#include "ir/ops/row_counter.h"
#include "ir/ops/scans.h"
#include "ir/ops/set_operations.h"
#include "ir/ops/sort.h"
#include "ir/ops/streaming.h"
#include "ir/ops/window.h"
#include "planner/zone_filters.h"

#include <algorithm>
#include <atomic>
#include <set>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

/// A physical subtree and where each logical column sits in its rows.
struct Planned {
  ir::PhysicalOperatorPtr op;
  std::map<ColumnId, int> positions;
};

/// Replaces column ids by positions in a physical row.
BoundExprPtr remap(const BoundExprPtr& expr, const std::map<ColumnId, int>& positions) {
  return substituteColumns(expr, [&](const BoundExpr& column) -> BoundExprPtr {
    auto it = positions.find(column.index);
    if (it == positions.end())
      internalError("column " + column.name + " (#" + std::to_string(column.index) +
                    ") is not produced below its use");
    auto copy = std::make_shared<BoundExpr>(column);
    copy->index = it->second;
    return copy;
  });
}

std::map<ColumnId, int> positionsOf(const LogicalOperator& op) {
  std::map<ColumnId, int> positions;
  for (size_t i = 0; i < op.columns.size(); ++i)
    positions[op.columns[i].id] = static_cast<int>(i);
  return positions;
}

BoundExprPtr conjunction(const std::vector<BoundExprPtr>& parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return parts[0];
  auto node = std::make_shared<BoundExpr>();
  node->kind = BoundKind::And;
  node->type = SqlType::boolean();
  node->args = parts;
  return node;
}

/// A projection whose every expression is a reference to one of its input's columns.
bool passesColumnsOn(const LogicalOperator& project) {
  for (size_t i = 0; i < project.expressions.size(); ++i)
    if (project.expressions[i]->kind != BoundKind::Column ||
        project.expressions[i]->index != project.columns[i].id)
      return false;
  return true;
}

bool refersOnlyTo(const BoundExprPtr& expr, const std::map<ColumnId, int>& positions) {
  std::vector<ColumnId> ids;
  collectColumnIds(expr, ids);
  for (ColumnId id : ids)
    if (!positions.count(id)) return false;
  return !ids.empty();
}

/// The literal under an optional cast: what a VALUES cell holds after binding.
const BoundExpr* literalOf(const BoundExprPtr& cell) {
  if (cell->kind == BoundKind::Constant) return cell.get();
  if (cell->kind == BoundKind::Cast && cell->args[0]->kind == BoundKind::Constant)
    return cell->args[0].get();
  return nullptr;
}

void storeLiteral(storage::ColumnVector& column, int64_t row, const BoundExpr& literal) {
  column.nulls()[row] = literal.isNull;
  if (literal.isNull) return;
  InputValue value;
  value.integer = literal.intValue;
  value.floating = literal.floatValue;
  value.numeric = literal.numericValue;
  value.text = literal.stringValue;
  column.store(row, value);
}

/// Long VALUES lists of literals become a constant table scanned by one compiled loop (with the
/// column's cast applied per row) instead of one unrolled block of code per row. Needs every
/// cell of a column to be a literal of one type under the same cast.
ir::PhysicalOperatorPtr constantValues(const LogicalOperator& values, TableBindings& tables) {
  constexpr size_t kUnrollLimit = 16;
  const auto& rows = values.rows;
  if (rows.size() < kUnrollLimit) return nullptr;
  size_t width = values.columns.size();
  std::vector<SqlType> columnTypes;
  for (const auto& column : values.columns)
    columnTypes.push_back(column.type);
  std::vector<SqlType> literalTypes(width);
  for (size_t c = 0; c < width; ++c) {
    for (size_t r = 0; r < rows.size(); ++r) {
      const BoundExpr* literal = literalOf(rows[r][c]);
      if (!literal || (literal->isNull ? false : literal->type.id == TypeId::Unknown))
        return nullptr;
      bool sameShape = rows[r][c]->kind == rows[0][c]->kind && rows[r][c]->type == rows[0][c]->type;
      if (!sameShape || (r > 0 && !literal->isNull && !literalOf(rows[0][c])->isNull &&
                         !(literal->type == literalOf(rows[0][c])->type)))
        return nullptr;
      if (!literal->isNull) literalTypes[c] = literal->type;
    }
    if (literalTypes[c].id == TypeId::Unknown) literalTypes[c] = columnTypes[c]; // all nulls
  }
  static std::atomic<uint64_t> counter{0};
  std::string name = "*VALUES*" + std::to_string(counter++);
  std::vector<storage::ColumnDef> columns;
  for (size_t c = 0; c < width; ++c)
    columns.push_back({"column" + std::to_string(c + 1), literalTypes[c], false});
  auto table = std::make_shared<storage::Table>(name, columns);
  for (const auto& row : rows) {
    int64_t index;
    storage::Chunk& chunk = table->data().reserveRow(index);
    for (size_t c = 0; c < width; ++c)
      storeLiteral(chunk.columns[c], index, *literalOf(row[c]));
  }
  tables[ir::TableScan::slotName(name)] = table;
  ir::PhysicalOperatorPtr scan =
      std::make_unique<ir::TableScan>(name, literalTypes, std::vector<bool>(width, false));
  std::vector<BoundExprPtr> projections;
  for (size_t c = 0; c < width; ++c) {
    BoundExprPtr column = ir::makeColumn(static_cast<int>(c), literalTypes[c]);
    if (rows[0][c]->kind == BoundKind::Cast) {
      auto cast = std::make_shared<BoundExpr>(*rows[0][c]);
      cast->args[0] = column;
      column = cast;
    }
    projections.push_back(ir::makeCast(column, columnTypes[c]));
  }
  return std::make_unique<ir::Projection>(std::move(scan), projections);
}

} // namespace

class PhysicalPlanner {
public:
  PhysicalPlanner(TableBindings& tables, bool countRows) : tables_(tables), countRows_(countRows) {}

  Planned plan(const LogicalOperator& op) {
    Planned planned = planOperator(op);
    if (planned.op->estimatedRows() < 0) planned.op->setEstimatedRows(op.estimatedRows);
    if (countRows_)
      planned.op = std::make_unique<ir::RowCounter>(
          std::move(planned.op), ir::RowCounter::kSlotPrefix + std::to_string(counters_++));
    return planned;
  }

private:
  Planned planOperator(const LogicalOperator& op) {
    checkStackDepth();
    switch (op.kind) {
    case LogicalKind::Get:
      return planGet(op);
    case LogicalKind::Values:
      return planValues(op);
    case LogicalKind::Series: {
      SqlType type = op.columns.back().type;
      if (op.children.empty())
        return {std::make_unique<ir::GenerateSeries>(op.seriesStart, op.seriesStop, type),
                positionsOf(op)};
      Planned input = plan(*op.children[0]);
      int width = static_cast<int>(input.op->outputTypes().size());
      Planned series{std::make_unique<ir::GenerateSeries>(
                         std::move(input.op), remap(op.seriesStart, input.positions),
                         remap(op.seriesStop, input.positions), type),
                     input.positions};
      series.positions[op.columns.back().id] = width;
      return series;
    }
    case LogicalKind::Filter: {
      // Conditions right above a scan (through projections that only pass columns on) also
      // let the scan skip chunks whose zone maps rule them out.
      const LogicalOperator* below = op.children[0].get();
      while (below->kind == LogicalKind::Project && passesColumnsOn(*below))
        below = below->children[0].get();
      if (below->kind == LogicalKind::Get) zonePredicates_ = &op.predicates;
      Planned child = plan(*op.children[0]);
      zonePredicates_ = nullptr;
      for (const auto& predicate : op.predicates)
        child.op =
            std::make_unique<ir::Filter>(std::move(child.op), remap(predicate, child.positions));
      return child;
    }
    case LogicalKind::Project: {
      Planned child = plan(*op.children[0]);
      std::vector<BoundExprPtr> expressions;
      for (const auto& expr : op.expressions)
        expressions.push_back(remap(expr, child.positions));
      return {std::make_unique<ir::Projection>(std::move(child.op), expressions), positionsOf(op)};
    }
    case LogicalKind::Join:
      return planJoin(op);
    case LogicalKind::Aggregate:
      return planAggregate(op);
    case LogicalKind::Sort: {
      Planned child = plan(*op.children[0]);
      std::vector<ir::SortKey> keys = op.sortKeys;
      for (auto& key : keys)
        key.expr = remap(key.expr, child.positions);
      child.op = std::make_unique<ir::Sort>(std::move(child.op), keys);
      return child;
    }
    case LogicalKind::Limit: {
      Planned child = plan(*op.children[0]);
      child.op = std::make_unique<ir::Limit>(std::move(child.op), op.limit.value_or(-1), op.offset);
      return child;
    }
    case LogicalKind::SetOperation:
      return planSetOperation(op);
    case LogicalKind::Window:
      return planWindow(op);
    case LogicalKind::CteMaterialize:
    case LogicalKind::RecursiveUnion:
      return planCte(op);
    case LogicalKind::CteScan: {
      auto buffer = cteBuffers_.find(op.cteIndex);
      if (buffer == cteBuffers_.end()) internalError("CTE scan before its producer");
      const auto& types = buffer->second->columnTypes();
      auto scan = std::make_unique<ir::TableScan>(buffer->second->name(), types,
                                                  std::vector<bool>(types.size(), false));
      scan->setLabel((op.workingTable ? "WorkTable Scan on " : "CTE Scan on ") + op.alias);
      Planned planned{std::move(scan), {}};
      for (size_t i = 0; i < op.columns.size(); ++i)
        planned.positions[op.columns[i].id] = op.tableColumns[i];
      return planned;
    }
    }
    internalError("logical operator without a physical plan");
  }

  Planned planGet(const LogicalOperator& op) {
    const auto& table = op.table;
    tables_[ir::TableScan::slotName(table->name())] = table;
    std::vector<SqlType> types;
    std::vector<bool> notNull;
    for (const auto& column : table->columns()) {
      types.push_back(column.type);
      notNull.push_back(column.notNull);
    }
    auto scan = std::make_unique<ir::TableScan>(table->name(), types, notNull);
    Planned planned;
    for (size_t i = 0; i < op.columns.size(); ++i)
      planned.positions[op.columns[i].id] = op.tableColumns[i];
    if (zonePredicates_) {
      std::vector<BoundExprPtr> overScan;
      for (const auto& predicate : *zonePredicates_)
        if (refersOnlyTo(predicate, planned.positions))
          overScan.push_back(remap(predicate, planned.positions));
      scan->setZoneFilters(zoneFilters(types, overScan));
      zonePredicates_ = nullptr;
    }
    planned.op = std::move(scan);
    return planned;
  }

  Planned planValues(const LogicalOperator& op) {
    if (auto scan = constantValues(op, tables_)) return {std::move(scan), positionsOf(op)};
    std::vector<SqlType> types;
    for (const auto& column : op.columns)
      types.push_back(column.type);
    return {std::make_unique<ir::ValuesScan>(op.rows, types), positionsOf(op)};
  }

  Planned planJoin(const LogicalOperator& op);
  Planned planAggregate(const LogicalOperator& op);
  Planned planDistinctAggregates(const LogicalOperator& op);
  /// One aggregation of `op`'s input computing the aggregates `members` (all plain, or all
  /// DISTINCT over one argument): group keys first, then those aggregates.
  Planned planAggregateFamily(const LogicalOperator& op, const std::vector<size_t>& members);
  Planned planSetOperation(const LogicalOperator& op);
  Planned planWindow(const LogicalOperator& op);
  /// CteMaterialize and RecursiveUnion: their buffers are tables bound for this execution.
  Planned planCte(const LogicalOperator& op);
  /// A new buffer for the rows of `op`, registered for the CteScans of `cteIndex`.
  std::string cteBuffer(const LogicalOperator& op, const char* kind, int cteIndex);
  /// `planned` with its columns in the order of `op`'s columns.
  ir::PhysicalOperatorPtr inColumnOrder(const LogicalOperator& op, Planned planned);

  TableBindings& tables_;
  std::map<int, std::shared_ptr<storage::Table>> cteBuffers_; ///< by cteIndex
  /// Conditions of a filter directly above the Get being planned, for its zone filters.
  const std::vector<BoundExprPtr>* zonePredicates_ = nullptr;
  bool countRows_;
  int counters_ = 0;
};

namespace {

BoundExprPtr makeCompare(const char* op, BoundExprPtr a, BoundExprPtr b) {
  auto node = std::make_shared<BoundExpr>();
  node->kind = BoundKind::Compare;
  node->type = SqlType::boolean();
  node->name = op;
  node->args = {std::move(a), std::move(b)};
  return node;
}

BoundExprPtr makeInt64(int64_t value) {
  auto node = std::make_shared<BoundExpr>();
  node->kind = BoundKind::Constant;
  node->type = SqlType::int64();
  node->intValue = value;
  return node;
}

bool isEquality(const BoundExprPtr& expr) {
  return expr->kind == BoundKind::Compare &&
         (expr->name == "=" || expr->name == "IS NOT DISTINCT FROM");
}

bool refersNone(const BoundExprPtr& expr, const std::map<ColumnId, int>& positions) {
  std::vector<ColumnId> ids;
  collectColumnIds(expr, ids);
  for (ColumnId id : ids)
    if (positions.count(id)) return false;
  return true;
}

ir::HashJoinKind physicalKind(JoinKind kind) {
  switch (kind) {
  case JoinKind::Inner:
    return ir::HashJoinKind::Inner;
  case JoinKind::Left:
  case JoinKind::Right:
    return ir::HashJoinKind::Left;
  case JoinKind::Full:
    return ir::HashJoinKind::Full;
  case JoinKind::Semi:
    return ir::HashJoinKind::Semi;
  case JoinKind::Anti:
    return ir::HashJoinKind::Anti;
  case JoinKind::Mark:
    return ir::HashJoinKind::Mark;
  case JoinKind::Single:
    return ir::HashJoinKind::Single;
  }
  return ir::HashJoinKind::Inner;
}

} // namespace

Planned PhysicalPlanner::planWindow(const LogicalOperator& op) {
  // One Window operator (one sort) per distinct window, chained; each appends its columns.
  Planned planned = plan(*op.children[0]);
  // The window values are the last columns (rules may have widened the input since).
  const size_t width = op.columns.size() - op.windows.size();
  std::vector<bool> done(op.windows.size(), false);
  for (size_t i = 0; i < op.windows.size(); ++i) {
    if (done[i]) continue;
    std::string window = op.windows[i].windowText();
    std::vector<ir::WindowExpr> functions;
    std::vector<ColumnId> ids;
    for (size_t k = i; k < op.windows.size(); ++k) {
      if (done[k] || op.windows[k].windowText() != window) continue;
      done[k] = true;
      ir::WindowExpr function = op.windows[k];
      for (auto& arg : function.args)
        arg = remap(arg, planned.positions);
      for (auto& key : function.partitionKeys)
        key = remap(key, planned.positions);
      for (auto& key : function.orderKeys)
        key.expr = remap(key.expr, planned.positions);
      functions.push_back(std::move(function));
      ids.push_back(op.columns[width + k].id);
    }
    int position = static_cast<int>(planned.op->outputTypes().size());
    for (ColumnId id : ids)
      planned.positions[id] = position++;
    planned.op = std::make_unique<ir::Window>(std::move(planned.op), std::move(functions));
    planned.op->setEstimatedRows(op.estimatedRows);
  }
  return planned;
}

Planned PhysicalPlanner::planJoin(const LogicalOperator& op) {
  // The right input is built into the hash table; a right join is a left join turned around.
  bool swapped = op.joinKind == JoinKind::Right;
  Planned probe = plan(*op.children[swapped ? 1 : 0]);
  Planned build = plan(*op.children[swapped ? 0 : 1]);
  const int probeWidth = static_cast<int>(probe.op->outputTypes().size());
  const int buildWidth = static_cast<int>(build.op->outputTypes().size());
  std::map<ColumnId, int> combined = probe.positions;
  for (auto [id, position] : build.positions)
    combined[id] = probeWidth + position;

  ir::HashJoinSpec spec;
  spec.kind = physicalKind(op.joinKind);
  std::vector<BoundExprPtr> residual;
  for (const auto& predicate : op.predicates) {
    if (isEquality(predicate)) {
      const BoundExprPtr& a = predicate->args[0];
      const BoundExprPtr& b = predicate->args[1];
      const BoundExprPtr* probeSide = nullptr;
      const BoundExprPtr* buildSide = nullptr;
      if (refersOnlyTo(a, probe.positions) && refersOnlyTo(b, build.positions)) {
        probeSide = &a;
        buildSide = &b;
      } else if (refersOnlyTo(b, probe.positions) && refersOnlyTo(a, build.positions)) {
        probeSide = &b;
        buildSide = &a;
      }
      if (probeSide) {
        spec.probeKeys.push_back(remap(*probeSide, probe.positions));
        spec.buildKeys.push_back(remap(*buildSide, build.positions));
        spec.nullSafe.push_back(predicate->name != "=");
        continue;
      }
    }
    residual.push_back(remap(predicate, combined));
  }
  if (op.joinKind == JoinKind::Mark && op.mark.comparison) {
    const BoundExprPtr& comparison = op.mark.comparison;
    const BoundExprPtr& x = comparison->args[0];
    const BoundExprPtr& y = comparison->args[1];
    bool uncorrelated = spec.probeKeys.empty() && residual.empty();
    if (uncorrelated && comparison->name == "=" && refersNone(x, build.positions) &&
        refersNone(y, probe.positions)) {
      spec.probeKeys.push_back(remap(x, probe.positions));
      spec.buildKeys.push_back(remap(y, build.positions));
      spec.nullSafe.push_back(false);
      spec.markOnLastKey = true;
    } else {
      spec.markComparison = remap(comparison, combined);
    }
  }
  spec.residual = conjunction(residual);

  Planned joined;
  joined.op = std::make_unique<ir::HashJoin>(std::move(probe.op), std::move(build.op), spec);
  joined.positions = probe.positions;
  switch (op.joinKind) {
  case JoinKind::Semi:
  case JoinKind::Anti:
    break;
  case JoinKind::Mark:
    joined.positions[op.mark.column] = probeWidth;
    break;
  default:
    joined.positions = combined;
    if (op.matched) joined.positions[*op.matched] = probeWidth + buildWidth;
  }
  return joined;
}

Planned PhysicalPlanner::planAggregate(const LogicalOperator& op) {
  bool anyDistinctOrOrdered = false;
  for (const auto& aggregate : op.aggregates)
    anyDistinctOrOrdered = anyDistinctOrOrdered || aggregate.distinct || !aggregate.orderBy.empty();
  if (anyDistinctOrOrdered) return planDistinctAggregates(op);
  Planned child = plan(*op.children[0]);
  std::vector<BoundExprPtr> keys;
  for (const auto& key : op.groupKeys)
    keys.push_back(remap(key, child.positions));
  std::vector<ir::AggregateSpec> aggregates = op.aggregates;
  for (auto& aggregate : aggregates)
    ir::mapAggregateExpressions(
        aggregate, [&](const BoundExprPtr& expr) { return remap(expr, child.positions); });
  return {std::make_unique<ir::HashAggregate>(std::move(child.op), keys, aggregates),
          positionsOf(op)};
}

Planned PhysicalPlanner::planAggregateFamily(const LogicalOperator& op,
                                             const std::vector<size_t>& members) {
  Planned child = plan(*op.children[0]);
  std::vector<BoundExprPtr> keys;
  for (const auto& key : op.groupKeys)
    keys.push_back(remap(key, child.positions));
  std::vector<ir::AggregateSpec> aggregates;
  for (size_t i : members) {
    ir::AggregateSpec aggregate = op.aggregates[i];
    ir::mapAggregateExpressions(
        aggregate, [&](const BoundExprPtr& expr) { return remap(expr, child.positions); });
    aggregates.push_back(aggregate);
  }
  ir::PhysicalOperatorPtr input = std::move(child.op);
  const ir::AggregateSpec first = aggregates[0];
  std::vector<ir::SortKey> order;
  for (size_t i = 0; i < first.orderBy.size(); ++i)
    order.push_back({first.orderBy[i], first.orderDescending[i], first.orderNullsFirst[i]});
  if (first.distinct) {
    // agg(DISTINCT x [, d]) [FILTER (WHERE f)] GROUP BY k == agg(x [, d]) FILTER (WHERE f)
    // over SELECT DISTINCT k, x [, d], f: the filter stays a key rather than a WHERE, so that a
    // group whose rows it all rejects still appears (and joins the other families).
    std::vector<BoundExprPtr> innerKeys = keys;
    innerKeys.push_back(first.arg);
    if (first.arg2) innerKeys.push_back(first.arg2);
    if (first.filter) innerKeys.push_back(first.filter);
    input = std::make_unique<ir::HashAggregate>(std::move(input), innerKeys,
                                                std::vector<ir::AggregateSpec>{});
    for (size_t i = 0; i < keys.size(); ++i)
      keys[i] = ir::makeColumn(static_cast<int>(i), keys[i]->type);
    BoundExprPtr arg = ir::makeColumn(static_cast<int>(keys.size()), first.arg->type);
    BoundExprPtr arg2 =
        first.arg2 ? ir::makeColumn(static_cast<int>(keys.size()) + 1, first.arg2->type) : nullptr;
    // The binder admits only arguments as ORDER BY keys under DISTINCT.
    for (auto& key : order)
      key.expr = key.expr->toString() == first.arg->toString() ? arg : arg2;
    BoundExprPtr filter =
        first.filter ? ir::makeColumn(static_cast<int>(innerKeys.size()) - 1, first.filter->type)
                     : nullptr;
    for (auto& aggregate : aggregates) {
      aggregate.distinct = false;
      aggregate.filter = filter;
      aggregate.arg = arg;
      aggregate.arg2 = arg2;
    }
  }
  // agg(x ORDER BY o): the aggregation sees its input's rows in order and keeps that order
  // within every group.
  if (!order.empty()) input = std::make_unique<ir::Sort>(std::move(input), order);
  for (auto& aggregate : aggregates) {
    aggregate.orderBy.clear();
    aggregate.orderDescending.clear();
    aggregate.orderNullsFirst.clear();
  }
  Planned family;
  family.op = std::make_unique<ir::HashAggregate>(std::move(input), keys, aggregates);
  return family;
}

Planned PhysicalPlanner::planDistinctAggregates(const LogicalOperator& op) {
  // Aggregates fall into families computed separately: the plain ones, one per distinct
  // argument (and FILTER and ORDER BY), and one per ORDER BY; the families' results are joined
  // on the group keys.
  std::vector<std::vector<size_t>> families;
  std::vector<std::string> familyKeys;
  for (size_t i = 0; i < op.aggregates.size(); ++i) {
    const auto& aggregate = op.aggregates[i];
    std::string order;
    for (size_t k = 0; k < aggregate.orderBy.size(); ++k)
      order += aggregate.orderBy[k]->toString() + (aggregate.orderDescending[k] ? " d" : " a") +
               (aggregate.orderNullsFirst[k] ? "f, " : "l, ");
    std::string key =
        aggregate.distinct
            ? "distinct " + aggregate.arg->toString() + " " +
                  (aggregate.arg2 ? aggregate.arg2->toString() : std::string()) + " " +
                  (aggregate.filter ? aggregate.filter->toString() : std::string()) + " " + order
        : order.empty() ? std::string("plain")
                        : "ordered " + order;
    auto it = std::find(familyKeys.begin(), familyKeys.end(), key);
    if (it == familyKeys.end()) {
      familyKeys.push_back(key);
      families.emplace_back();
      it = familyKeys.end() - 1;
    }
    families[it - familyKeys.begin()].push_back(i);
  }
  const size_t keyCount = op.groupKeys.size();
  Planned result = planAggregateFamily(op, families[0]);
  // Where each aggregate lands in the joined row.
  std::vector<int> aggregatePosition(op.aggregates.size());
  int width = static_cast<int>(keyCount);
  for (size_t m = 0; m < families[0].size(); ++m)
    aggregatePosition[families[0][m]] = width++;
  for (size_t f = 1; f < families.size(); ++f) {
    Planned next = planAggregateFamily(op, families[f]);
    ir::HashJoinSpec spec;
    for (size_t k = 0; k < keyCount; ++k) {
      spec.probeKeys.push_back(ir::makeColumn(static_cast<int>(k), op.columns[k].type));
      spec.buildKeys.push_back(ir::makeColumn(static_cast<int>(k), op.columns[k].type));
      spec.nullSafe.push_back(true);
    }
    int offset = width;
    width += static_cast<int>(next.op->outputTypes().size());
    for (size_t m = 0; m < families[f].size(); ++m)
      aggregatePosition[families[f][m]] = offset + static_cast<int>(keyCount + m);
    result.op = std::make_unique<ir::HashJoin>(std::move(result.op), std::move(next.op), spec);
  }
  std::vector<BoundExprPtr> columns;
  for (size_t k = 0; k < keyCount; ++k)
    columns.push_back(ir::makeColumn(static_cast<int>(k), op.columns[k].type));
  for (size_t i = 0; i < op.aggregates.size(); ++i)
    columns.push_back(ir::makeColumn(aggregatePosition[i], op.columns[keyCount + i].type));
  return {std::make_unique<ir::Projection>(std::move(result.op), columns), positionsOf(op)};
}

Planned PhysicalPlanner::planSetOperation(const LogicalOperator& op) {
  Planned left = plan(*op.children[0]);
  Planned right = plan(*op.children[1]);
  const size_t width = op.columns.size();
  std::vector<SqlType> types;
  for (const auto& column : op.columns)
    types.push_back(column.type);
  auto inputColumns = [&](const Planned& input, const LogicalOperator& logical) {
    std::vector<BoundExprPtr> columns;
    for (size_t i = 0; i < width; ++i)
      columns.push_back(ir::makeColumn(input.positions.at(logical.columns[i].id), types[i]));
    return columns;
  };
  std::vector<BoundExprPtr> leftColumns = inputColumns(left, *op.children[0]);
  std::vector<BoundExprPtr> rightColumns = inputColumns(right, *op.children[1]);
  std::vector<BoundExprPtr> allKeys;
  for (size_t i = 0; i < width; ++i)
    allKeys.push_back(ir::makeColumn(static_cast<int>(i), types[i]));

  if (op.setKind == SetOperationKind::Union) {
    std::vector<ir::PhysicalOperatorPtr> inputs;
    inputs.push_back(std::make_unique<ir::Projection>(std::move(left.op), leftColumns));
    inputs.push_back(std::make_unique<ir::Projection>(std::move(right.op), rightColumns));
    ir::PhysicalOperatorPtr result = std::make_unique<ir::Append>(std::move(inputs));
    if (!op.setAll)
      result = std::make_unique<ir::HashAggregate>(std::move(result), allKeys,
                                                   std::vector<ir::AggregateSpec>{});
    return {std::move(result), positionsOf(op)};
  }
  // INTERSECT / EXCEPT: count each distinct row's occurrences on both sides.
  leftColumns.push_back(makeInt64(0));
  rightColumns.push_back(makeInt64(1));
  std::vector<ir::PhysicalOperatorPtr> inputs;
  inputs.push_back(std::make_unique<ir::Projection>(std::move(left.op), leftColumns));
  inputs.push_back(std::make_unique<ir::Projection>(std::move(right.op), rightColumns));
  auto append = std::make_unique<ir::Append>(std::move(inputs));
  BoundExprPtr side = ir::makeColumn(static_cast<int>(width), SqlType::int64());
  std::vector<ir::AggregateSpec> counts(2);
  for (int s = 0; s < 2; ++s) {
    counts[s].kind = ir::AggregateKind::CountStar;
    counts[s].type = SqlType::int64();
    counts[s].filter = makeCompare("=", side, makeInt64(s));
  }
  ir::PhysicalOperatorPtr result =
      std::make_unique<ir::HashAggregate>(std::move(append), allKeys, counts);
  BoundExprPtr leftCount = ir::makeColumn(static_cast<int>(width), SqlType::int64());
  BoundExprPtr rightCount = ir::makeColumn(static_cast<int>(width) + 1, SqlType::int64());
  bool intersect = op.setKind == SetOperationKind::Intersect;
  if (op.setAll) {
    BoundExprPtr times;
    if (intersect) {
      auto least = std::make_shared<BoundExpr>();
      least->kind = BoundKind::Case;
      least->type = SqlType::int64();
      least->args = {makeCompare("<", leftCount, rightCount), leftCount, rightCount};
      times = least;
    } else {
      auto difference = std::make_shared<BoundExpr>();
      difference->kind = BoundKind::Arith;
      difference->name = "-";
      difference->type = SqlType::int64();
      difference->args = {leftCount, rightCount};
      times = difference;
    }
    return {std::make_unique<ir::RepeatRows>(std::move(result), times, width), positionsOf(op)};
  }
  result =
      std::make_unique<ir::Filter>(std::move(result), makeCompare(">", leftCount, makeInt64(0)));
  result = std::make_unique<ir::Filter>(
      std::move(result), makeCompare(intersect ? ">" : "=", rightCount, makeInt64(0)));
  return {std::make_unique<ir::Projection>(std::move(result), allKeys), positionsOf(op)};
}

ir::PhysicalOperatorPtr planPhysical(const LogicalOperator& root, TableBindings& tables,
                                     bool countRows) {
  PhysicalPlanner planner(tables, countRows);
  Planned planned = planner.plan(root);
  // The client sees the root's columns in order; physical positions may differ (joins).
  bool identity = planned.op->outputTypes().size() == root.columns.size();
  for (size_t i = 0; i < root.columns.size() && identity; ++i)
    identity = planned.positions.at(root.columns[i].id) == static_cast<int>(i);
  if (identity) return std::move(planned.op);
  std::vector<BoundExprPtr> columns;
  for (const auto& column : root.columns)
    columns.push_back(ir::makeColumn(planned.positions.at(column.id), column.type));
  return std::make_unique<ir::Projection>(std::move(planned.op), columns);
}

std::string PhysicalPlanner::cteBuffer(const LogicalOperator& op, const char* kind, int cteIndex) {
  static std::atomic<uint64_t> counter{0};
  std::string name = std::string("*") + kind + "*" + std::to_string(counter++);
  std::vector<storage::ColumnDef> columns;
  for (const auto& column : op.columns)
    columns.push_back({column.name, column.type, false});
  auto table = std::make_shared<storage::Table>(name, columns);
  tables_[ir::TableScan::slotName(name)] = table;
  if (cteIndex >= 0) cteBuffers_[cteIndex] = table;
  return name;
}

ir::PhysicalOperatorPtr PhysicalPlanner::inColumnOrder(const LogicalOperator& op, Planned planned) {
  bool identity = true;
  std::vector<BoundExprPtr> columns;
  for (size_t i = 0; i < op.columns.size(); ++i) {
    int position = planned.positions.at(op.columns[i].id);
    identity = identity && position == static_cast<int>(i);
    columns.push_back(ir::makeColumn(position, op.columns[i].type));
  }
  if (identity && planned.op->outputTypes().size() == columns.size()) return std::move(planned.op);
  return std::make_unique<ir::Projection>(std::move(planned.op), columns);
}

Planned PhysicalPlanner::planCte(const LogicalOperator& op) {
  const LogicalOperator& first = *op.children[0];
  if (op.kind == LogicalKind::CteMaterialize) {
    // The producer is planned (and its buffer registered) before the readers in the consumer.
    ir::PhysicalOperatorPtr producer = inColumnOrder(first, plan(first));
    std::string buffer = cteBuffer(first, "CTE", op.cteIndex);
    Planned consumer = plan(*op.children[1]);
    auto materialize = std::make_unique<ir::CteMaterialize>(
        op.alias, buffer, cteBuffers_[op.cteIndex]->columnTypes(), std::move(producer),
        std::move(consumer.op));
    return {std::move(materialize), consumer.positions};
  }
  std::string working = cteBuffer(op, "WORKING", op.cteIndex);
  std::string next = cteBuffer(op, "NEXT", -1);
  ir::PhysicalOperatorPtr start = inColumnOrder(first, plan(first));
  ir::PhysicalOperatorPtr step = inColumnOrder(*op.children[1], plan(*op.children[1]));
  auto recursion = std::make_unique<ir::RecursiveUnion>(
      op.alias, cteBuffers_[op.cteIndex]->columnTypes(), working, next, op.setAll, std::move(start),
      std::move(step));
  return {std::move(recursion), positionsOf(op)};
}

} // namespace flern::planner

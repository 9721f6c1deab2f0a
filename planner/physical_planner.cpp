#include "planner/physical_planner.h"

#include "common/error.h"
#include "ir/ops/hash_aggregate.h"
#include "ir/ops/hash_join.h"
#include "ir/ops/scans.h"
#include "ir/ops/sort.h"
#include "ir/ops/streaming.h"
#include "planner/zone_filters.h"

#include <atomic>
#include <set>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

/// Replaces FROM-row column indices by positions in a physical row.
BoundExprPtr remap(const BoundExprPtr& expr, const std::map<int, int>& positions) {
  if (expr->kind == BoundKind::Column) {
    auto it = positions.find(expr->index);
    FLERN_ASSERT(it != positions.end(), "column " + std::to_string(expr->index) + " not produced");
    auto copy = std::make_shared<BoundExpr>(*expr);
    copy->index = it->second;
    return copy;
  }
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  for (auto& arg : copy->args)
    arg = remap(arg, positions);
  return copy;
}

void collectColumns(const BoundExprPtr& expr, std::set<int>& columns) {
  if (expr->kind == BoundKind::Column) columns.insert(expr->index);
  for (const auto& arg : expr->args)
    collectColumns(arg, columns);
}

void splitConjuncts(const BoundExprPtr& expr, std::vector<BoundExprPtr>& out) {
  if (expr->kind == BoundKind::And) {
    for (const auto& arg : expr->args)
      splitConjuncts(arg, out);
    return;
  }
  out.push_back(expr);
}

/// A partial join result: its operator, the relations in it, and where FROM columns sit in it.
struct Component {
  ir::PhysicalOperatorPtr op;
  std::set<int> relations;
  std::map<int, int> positions;
  double rows = 0;
};

struct Conjunct {
  BoundExprPtr expr;
  std::set<int> relations;
  bool applied = false;
};

double estimateRows(const LogicalRelation& relation) {
  switch (relation.kind) {
  case LogicalRelation::Kind::Table:
    return static_cast<double>(relation.table->data().rowCount());
  case LogicalRelation::Kind::Series:
    if (relation.seriesStart->kind == BoundKind::Constant &&
        relation.seriesStop->kind == BoundKind::Constant)
      return std::max<double>(0, static_cast<double>(relation.seriesStop->intValue) -
                                     static_cast<double>(relation.seriesStart->intValue) + 1);
    return 1000;
  case LogicalRelation::Kind::Values:
    return static_cast<double>(relation.valueRows.size());
  case LogicalRelation::Kind::Subquery:
    return 1000;
  }
  return 1000;
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
ir::PhysicalOperatorPtr constantValues(const LogicalRelation& relation, TableBindings& tables) {
  constexpr size_t kUnrollLimit = 16;
  const auto& rows = relation.valueRows;
  if (rows.size() < kUnrollLimit) return nullptr;
  size_t width = relation.columnTypes.size();
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
    if (literalTypes[c].id == TypeId::Unknown)
      literalTypes[c] = relation.columnTypes[c]; // all nulls
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
    projections.push_back(ir::makeCast(column, relation.columnTypes[c]));
  }
  return std::make_unique<ir::Projection>(std::move(scan), projections);
}

ir::PhysicalOperatorPtr leafFor(const LogicalRelation& relation, TableBindings& tables) {
  switch (relation.kind) {
  case LogicalRelation::Kind::Table: {
    std::string slot = ir::TableScan::slotName(relation.table->name());
    tables[slot] = relation.table;
    return std::make_unique<ir::TableScan>(relation.table->name(), relation.columnTypes,
                                           relation.notNull);
  }
  case LogicalRelation::Kind::Series:
    return std::make_unique<ir::GenerateSeries>(relation.seriesStart, relation.seriesStop,
                                                relation.columnTypes[0]);
  case LogicalRelation::Kind::Values:
    if (auto scan = constantValues(relation, tables)) return scan;
    return std::make_unique<ir::ValuesScan>(relation.valueRows, relation.columnTypes);
  case LogicalRelation::Kind::Subquery:
    return planQuery(*relation.subquery, tables);
  }
  internalError("unknown relation kind");
}

/// If `conjunct` is left = right with one side over `inside` and the other over `candidate`,
/// returns (inside side, candidate side).
std::optional<std::pair<BoundExprPtr, BoundExprPtr>>
equiJoinSides(const BoundExprPtr& conjunct, const std::vector<int>& relationOf,
              const std::set<int>& inside, int candidate) {
  if (conjunct->kind != BoundKind::Compare || conjunct->name != "=") return std::nullopt;
  auto relationsOf = [&](const BoundExprPtr& side) {
    std::set<int> columns, relations;
    collectColumns(side, columns);
    for (int column : columns)
      relations.insert(relationOf[column]);
    return relations;
  };
  auto left = relationsOf(conjunct->args[0]);
  auto right = relationsOf(conjunct->args[1]);
  auto within = [](const std::set<int>& set, const std::set<int>& of) {
    if (set.empty()) return false;
    for (int r : set)
      if (!of.count(r)) return false;
    return true;
  };
  std::set<int> single = {candidate};
  if (within(left, inside) && within(right, single))
    return std::make_pair(conjunct->args[0], conjunct->args[1]);
  if (within(right, inside) && within(left, single))
    return std::make_pair(conjunct->args[1], conjunct->args[0]);
  return std::nullopt;
}

} // namespace

ir::PhysicalOperatorPtr planQuery(const LogicalQuery& query, TableBindings& tables) {
  // FROM column -> relation
  std::vector<int> relationOf;
  for (size_t r = 0; r < query.relations.size(); ++r)
    for (size_t c = 0; c < query.relations[r].columnTypes.size(); ++c)
      relationOf.push_back(static_cast<int>(r));

  std::vector<Conjunct> conjuncts;
  for (const auto& expr : query.conjuncts) {
    std::vector<BoundExprPtr> parts;
    splitConjuncts(expr, parts);
    for (auto& part : parts) {
      std::set<int> columns, relations;
      collectColumns(part, columns);
      for (int column : columns)
        relations.insert(relationOf[column]);
      conjuncts.push_back({part, relations});
    }
  }

  std::vector<Component> pending;
  for (size_t r = 0; r < query.relations.size(); ++r) {
    const LogicalRelation& relation = query.relations[r];
    Component component;
    component.op = leafFor(relation, tables);
    component.relations = {static_cast<int>(r)};
    for (size_t c = 0; c < relation.columnTypes.size(); ++c)
      component.positions[relation.firstColumn + static_cast<int>(c)] = static_cast<int>(c);
    component.rows = estimateRows(relation);
    auto* scan = dynamic_cast<ir::TableScan*>(component.op.get());
    std::vector<BoundExprPtr> pushed; // over the scan's row, for its zone filters
    for (auto& conjunct : conjuncts) {
      if (conjunct.relations == component.relations) {
        pushed.push_back(remap(conjunct.expr, component.positions));
        component.op = std::make_unique<ir::Filter>(std::move(component.op), pushed.back());
        conjunct.applied = true;
        component.rows *= 0.5;
      }
    }
    if (scan) scan->setZoneFilters(zoneFilters(relation.columnTypes, pushed));
    pending.push_back(std::move(component));
  }

  Component current;
  if (pending.empty()) {
    // SELECT without FROM: one empty row.
    current.op = std::make_unique<ir::ValuesScan>(std::vector<std::vector<BoundExprPtr>>{{}},
                                                  std::vector<SqlType>{});
  } else {
    size_t largest = 0;
    for (size_t i = 1; i < pending.size(); ++i)
      if (pending[i].rows > pending[largest].rows) largest = i;
    current = std::move(pending[largest]);
    pending.erase(pending.begin() + static_cast<long>(largest));
  }

  while (!pending.empty()) {
    // Prefer the smallest input connected by an equality; otherwise a cross product.
    int chosen = -1;
    for (size_t i = 0; i < pending.size(); ++i) {
      int relation = *pending[i].relations.begin();
      bool connected = false;
      for (auto& conjunct : conjuncts)
        if (!conjunct.applied &&
            equiJoinSides(conjunct.expr, relationOf, current.relations, relation))
          connected = true;
      if (connected && (chosen < 0 || pending[i].rows < pending[chosen].rows))
        chosen = static_cast<int>(i);
    }
    if (chosen < 0) {
      chosen = 0;
      for (size_t i = 1; i < pending.size(); ++i)
        if (pending[i].rows < pending[chosen].rows) chosen = static_cast<int>(i);
    }
    Component build = std::move(pending[chosen]);
    pending.erase(pending.begin() + chosen);
    int relation = *build.relations.begin();
    std::vector<BoundExprPtr> probeKeys, buildKeys;
    for (auto& conjunct : conjuncts) {
      if (conjunct.applied) continue;
      if (auto sides = equiJoinSides(conjunct.expr, relationOf, current.relations, relation)) {
        probeKeys.push_back(remap(sides->first, current.positions));
        buildKeys.push_back(remap(sides->second, build.positions));
        conjunct.applied = true;
      }
    }
    int probeWidth = static_cast<int>(current.op->outputTypes().size());
    Component joined;
    joined.op = std::make_unique<ir::HashJoin>(std::move(current.op), std::move(build.op),
                                               probeKeys, buildKeys);
    joined.relations = current.relations;
    joined.relations.insert(build.relations.begin(), build.relations.end());
    joined.positions = current.positions;
    for (auto [column, position] : build.positions)
      joined.positions[column] = probeWidth + position;
    joined.rows =
        probeKeys.empty() ? current.rows * build.rows : std::max(current.rows, build.rows);
    // Conditions that only now have all their relations apply right after this join.
    for (auto& conjunct : conjuncts) {
      if (conjunct.applied) continue;
      bool covered = true;
      for (int r : conjunct.relations)
        covered = covered && joined.relations.count(r);
      if (covered) {
        joined.op = std::make_unique<ir::Filter>(std::move(joined.op),
                                                 remap(conjunct.expr, joined.positions));
        conjunct.applied = true;
      }
    }
    current = std::move(joined);
  }
  for (auto& conjunct : conjuncts)
    if (!conjunct.applied) // conditions over no relation (constants)
      current.op = std::make_unique<ir::Filter>(std::move(current.op),
                                                remap(conjunct.expr, current.positions));

  ir::PhysicalOperatorPtr op = std::move(current.op);
  std::vector<BoundExprPtr> projections;
  if (query.aggregated) {
    std::vector<BoundExprPtr> keys;
    for (const auto& key : query.groupKeys)
      keys.push_back(remap(key, current.positions));
    std::vector<ir::AggregateSpec> aggregates = query.aggregates;
    for (auto& aggregate : aggregates)
      if (aggregate.arg) aggregate.arg = remap(aggregate.arg, current.positions);
    op = std::make_unique<ir::HashAggregate>(std::move(op), keys, aggregates);
    if (query.having) op = std::make_unique<ir::Filter>(std::move(op), query.having);
    projections = query.projections;
  } else {
    for (const auto& expr : query.projections)
      projections.push_back(remap(expr, current.positions));
  }
  op = std::make_unique<ir::Projection>(std::move(op), projections);
  if (query.distinct) {
    std::vector<BoundExprPtr> keys;
    for (size_t i = 0; i < projections.size(); ++i)
      keys.push_back(ir::makeColumn(static_cast<int>(i), projections[i]->type));
    op = std::make_unique<ir::HashAggregate>(std::move(op), keys, std::vector<ir::AggregateSpec>{});
  }
  if (!query.orderBy.empty()) op = std::make_unique<ir::Sort>(std::move(op), query.orderBy);
  if (query.limit || query.offset > 0)
    op = std::make_unique<ir::Limit>(std::move(op), query.limit.value_or(-1), query.offset);
  if (query.projections.size() > query.visibleColumns) {
    std::vector<BoundExprPtr> visible;
    for (size_t i = 0; i < query.visibleColumns; ++i)
      visible.push_back(ir::makeColumn(static_cast<int>(i), query.projections[i]->type));
    op = std::make_unique<ir::Projection>(std::move(op), visible);
  }
  return op;
}

} // namespace flern::planner

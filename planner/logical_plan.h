// The logical plan the binder produces: a select-project-join-aggregate block over FROM
// relations, with every expression bound (typed, names resolved). Expressions in `conjuncts`,
// `groupKeys` and aggregate arguments refer to the "FROM row": all relations' columns in FROM
// order. `having` and `projections` refer to the aggregate output (group keys, then aggregates)
// when there is aggregation, else to the FROM row. `orderBy` refers to the projection row.
#pragma once

#include "ir/expr.h"
#include "ir/ops/sort.h"
#include "storage/table.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flern::planner {

struct LogicalQuery;

struct LogicalRelation {
  enum class Kind { Table, Series, Values, Subquery } kind;
  std::string alias;
  std::vector<std::string> columnNames;
  std::vector<SqlType> columnTypes;
  std::vector<bool> notNull;
  std::shared_ptr<storage::Table> table;                ///< Table
  ir::BoundExprPtr seriesStart, seriesStop;             ///< Series
  std::vector<std::vector<ir::BoundExprPtr>> valueRows; ///< Values
  std::shared_ptr<LogicalQuery> subquery;               ///< Subquery
  int firstColumn = 0; ///< position of its first column in the FROM row
};

struct LogicalQuery {
  std::vector<LogicalRelation> relations;
  std::vector<ir::BoundExprPtr> conjuncts;
  bool aggregated = false;
  std::vector<ir::BoundExprPtr> groupKeys;
  std::vector<ir::AggregateSpec> aggregates;
  ir::BoundExprPtr having;
  std::vector<ir::BoundExprPtr> projections; ///< visible columns, then sort-only columns
  std::vector<std::string> columnNames;      ///< of the visible columns
  size_t visibleColumns = 0;
  bool distinct = false;
  std::vector<ir::SortKey> orderBy;
  std::optional<int64_t> limit;
  int64_t offset = 0;

  std::vector<SqlType> outputTypes() const;
};

} // namespace flern::planner

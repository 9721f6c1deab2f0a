// The cardinality model the optimizer's rules share: estimated rows of operators, selectivities
// of predicates, and distinct counts of columns.
#pragma once

#include "planner/logical/logical_operator.h"

#include <map>
#include <optional>

namespace flern::planner {

class CardinalityModel {
public:
  /// Learns the statistics of every table column `op`'s subtree reads.
  void registerColumns(const LogicalOperator& op);
  /// Estimated rows of `op` (stored into estimatedRows on the way).
  double estimate(const LogicalOperator& op);
  /// Fraction of `rows` input rows for which `predicate` holds.
  double selectivity(const ir::BoundExprPtr& predicate, double rows) const;
  /// Rows of an inner join of inputs of `left` and `right` rows under `join`'s predicates.
  double joinRows(const LogicalOperator& join, double left, double right) const;
  /// Distinct values of column `id` among `rows` rows.
  double distinct(ColumnId id, double rows) const;

private:
  struct ColumnFacts {
    double rows = 0;
    double distinct = 0;
    double nullFraction = 0;
    std::optional<double> min, max;
  };
  double compareSelectivity(const ir::BoundExpr& compare, double rows) const;

  std::map<ColumnId, ColumnFacts> columns_;
  std::map<int, double> cteRows_; ///< estimated rows of each CTE buffer, by cteIndex
};

} // namespace flern::planner

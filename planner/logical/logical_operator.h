// The logical algebra: a tree of relational operators whose columns have stable identities.
//
// Invariants:
// - Every column an operator produces has a ColumnId unique within the statement; expressions
//   (ir::BoundExpr, kind Column) refer to columns by that id, never by position, so rules can
//   move and reorder operators without renumbering anything.
// - An operator's expressions refer only to its children's output columns, except correlated
//   references: ids produced outside the subtree (by an enclosing query). Only the subquery plans
//   inside Subquery expressions and the inputs of dependent joins may hold them; unnesting
//   removes them before physical planning.
// - Operators are shared immutable nodes once built; rules build new nodes instead of mutating
//   ones that other parents may hold.
#pragma once

#include "ir/expr.h"
#include "ir/ops/sort.h"
#include "ir/window_function.h"
#include "storage/table.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flern::planner {

using ColumnId = int;

/// One output column of an operator.
struct LogicalColumn {
  ColumnId id;
  SqlType type;
  std::string name; ///< for EXPLAIN and error messages
  bool notNull = false;
};

enum class LogicalKind {
  Get,          ///< scan of a stored table
  Values,       ///< constant rows (VALUES, SELECT without FROM)
  Series,       ///< generate_series(start, stop)
  Filter,       ///< rows where every predicate is true
  Project,      ///< computes `expressions`, one per output column
  Join,         ///< see JoinKind; `predicates` is the join condition
  Aggregate,    ///< groups by `groupKeys`; output = key columns, then aggregate columns
  Sort,         ///< orders by `sortKeys` (expressions over the child's columns)
  Limit,        ///< OFFSET then LIMIT
  SetOperation, ///< UNION / INTERSECT / EXCEPT [ALL] of two children, by position
  Window,       ///< window functions; output = the child's columns, then one per `windows`
  /// A common table expression computed once: children are the producer and the consumer. The
  /// producer's rows fill buffer `cteIndex` before the consumer runs; output = the consumer's.
  CteMaterialize,
  /// Reads buffer `cteIndex` (a CteMaterialize's producer, or with `workingTable` the previous
  /// iteration's rows of a RecursiveUnion); `tableColumns` are positions in those rows.
  CteScan,
  /// WITH RECURSIVE: children are the non-recursive and the recursive term. The recursive term
  /// runs over the previous iteration's rows (its CteScan of `cteIndex`) until it produces none;
  /// without `setAll`, rows already produced are dropped.
  RecursiveUnion,
};

/// Join kinds. Semi, Anti, Mark and Single come from unnesting subqueries: their right input is
/// the subquery and their output is the left input's columns (plus the mark or single column).
enum class JoinKind {
  Inner,
  Left,
  Right,
  Full,
  Semi,   ///< left rows with at least one match
  Anti,   ///< left rows with no match
  Mark,   ///< left rows plus a boolean: matched (true), not matched (false), or unknown (null)
  Single, ///< left join that raises 21000 when a left row has more than one match
};

enum class SetOperationKind { Union, Intersect, Except };

struct LogicalOperator;
using LogicalPtr = std::shared_ptr<const LogicalOperator>;

/// How a Mark join decides its boolean: `markComparison` (if any) is the comparison of
/// "x op ANY (subquery)" whose nulls make the mark unknown instead of false.
struct MarkInfo {
  ColumnId column = -1;
  ir::BoundExprPtr comparison; ///< x op y, y over the right input; null for EXISTS
};

struct LogicalOperator {
  LogicalKind kind;
  std::vector<LogicalPtr> children;
  std::vector<LogicalColumn> columns; ///< output columns, in order

  // Get
  std::shared_ptr<storage::Table> table;
  std::string alias;
  std::vector<int> tableColumns; ///< table column index of each output column
  // Values: rows of expressions without column references
  std::vector<std::vector<ir::BoundExprPtr>> rows;
  // Series: no children, or one input (a LATERAL call whose bounds refer to the input's
  // columns): then the input's columns come first and each input row repeats per value.
  ir::BoundExprPtr seriesStart, seriesStop;
  // Filter (conjuncts) and Join (condition conjuncts)
  std::vector<ir::BoundExprPtr> predicates;
  // Project
  std::vector<ir::BoundExprPtr> expressions;
  // Join
  JoinKind joinKind = JoinKind::Inner;
  MarkInfo mark;                   ///< Mark joins
  std::optional<ColumnId> matched; ///< Single joins: a boolean column, true when a row matched
  // Aggregate
  std::vector<ir::BoundExprPtr> groupKeys;
  std::vector<ir::AggregateSpec> aggregates;
  // Sort
  std::vector<ir::SortKey> sortKeys;
  // Limit
  std::optional<int64_t> limit;
  int64_t offset = 0;
  // Window: each call has its own partition keys, order keys and frame
  std::vector<ir::WindowExpr> windows;
  // SetOperation
  SetOperationKind setKind = SetOperationKind::Union;
  bool setAll = false;
  // CteMaterialize, CteScan, RecursiveUnion (the name is in `alias`)
  int cteIndex = -1;
  bool workingTable = false;

  /// Estimated output rows, filled in by cardinality estimation (negative: not estimated).
  mutable double estimatedRows = -1;

  /// The ids of `columns`.
  std::vector<ColumnId> columnIds() const;
  /// Position of column `id` in `columns`, or -1.
  int positionOf(ColumnId id) const;
};

/// A bound statement's query: its plan and the names the client sees.
struct BoundQuery {
  LogicalPtr plan;                      ///< the root's columns are the result columns in order
  std::vector<std::string> columnNames; ///< one per result column
  std::vector<SqlType> types() const;
};

/// Appends the conjuncts of `predicate` (split at top-level ANDs) to `out`.
void appendConjuncts(const ir::BoundExprPtr& predicate, std::vector<ir::BoundExprPtr>& out);
/// Every column id an expression refers to.
void collectColumnIds(const ir::BoundExprPtr& expr, std::vector<ColumnId>& out);
/// Replaces column references by `replacement(id)` where it returns non-null.
ir::BoundExprPtr
substituteColumns(const ir::BoundExprPtr& expr,
                  const std::function<ir::BoundExprPtr(const ir::BoundExpr& column)>& replacement);
/// A copy of the tree with every expression of every operator replaced by `map(expression)`
/// (of `op` alone when not `recurse`).
LogicalPtr mapExpressions(const LogicalPtr& op,
                          const std::function<ir::BoundExprPtr(const ir::BoundExprPtr&)>& map,
                          bool recurse = true);
/// A copy of the tree with references to the keys of `renames` pointing at their values.
LogicalPtr renameColumns(const LogicalPtr& op, const std::map<ColumnId, ColumnId>& renames);
/// A copy of the tree (and of the subqueries in its expressions) in which every column it
/// defines has a new id from `newId`; references to columns defined outside stay as they are.
LogicalPtr cloneWithFreshIds(const LogicalPtr& op, const std::function<ColumnId()>& newId);
/// A reference to `column`.
ir::BoundExprPtr columnRef(const LogicalColumn& column);

/// The plan as indented lines for EXPLAIN (with estimated rows where known).
std::vector<std::string> explainLogical(const LogicalOperator& root);

} // namespace flern::planner

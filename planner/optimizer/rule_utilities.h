// Small constructors and walkers the optimizer rules share.
#pragma once

#include "planner/optimizer/optimizer.h"

#include <functional>
#include <set>

namespace flern::planner {

/// Calls `fn` on each expression of `op` (and of its subtree when `recurse`).
void forEachExpression(const LogicalOperator& op, bool recurse,
                       const std::function<void(const ir::BoundExprPtr&)>& fn);
/// The output columns a join of its kind produces from its children.
std::vector<LogicalColumn> outputColumnsOfJoin(const LogicalOperator& join);
LogicalPtr makeJoin(JoinKind kind, LogicalPtr left, LogicalPtr right,
                    std::vector<ir::BoundExprPtr> predicates);
LogicalPtr makeFilter(LogicalPtr input, std::vector<ir::BoundExprPtr> predicates);
/// A Project of `expressions`; into `columns` when given (pass-through ids), else new columns.
LogicalPtr makeProjection(LogicalPtr input, const std::vector<ir::BoundExprPtr>& expressions,
                          OptimizerContext& context, std::vector<LogicalColumn> columns = {});
std::vector<ir::BoundExprPtr> columnRefs(const std::vector<LogicalColumn>& columns);

ir::BoundExprPtr makeComparison(const std::string& op, ir::BoundExprPtr a, ir::BoundExprPtr b);
ir::BoundExprPtr makeNot(ir::BoundExprPtr arg);
ir::BoundExprPtr makeAnd(std::vector<ir::BoundExprPtr> args);
ir::BoundExprPtr makeOr(std::vector<ir::BoundExprPtr> args);
/// CASE WHEN condition THEN then ELSE otherwise END
ir::BoundExprPtr makeCase(ir::BoundExprPtr condition, ir::BoundExprPtr then,
                          ir::BoundExprPtr otherwise);
ir::BoundExprPtr makeInt64Constant(int64_t value);
ir::BoundExprPtr makeBoolConstant(bool value);
ir::BoundExprPtr makeNullConstant(const SqlType& type);
bool isNullConstant(const ir::BoundExprPtr& expr);
bool isBoolConstant(const ir::BoundExprPtr& expr, bool value);
/// Strict operators with a null constant operand are null (arithmetic, comparisons, casts).
ir::BoundExprPtr foldNulls(const ir::BoundExprPtr& expr);
/// The conjuncts of an AND tree.
void splitConjuncts(const ir::BoundExprPtr& expr, std::vector<ir::BoundExprPtr>& out);
/// The column ids `expr` refers to.
std::set<ColumnId> columnsOf(const ir::BoundExprPtr& expr);
/// Whether every column `expr` refers to is one of `op`'s output columns.
bool boundBy(const ir::BoundExprPtr& expr, const LogicalOperator& op);

} // namespace flern::planner

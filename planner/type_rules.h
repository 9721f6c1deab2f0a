// PostgreSQL's typing rules as the binder applies them: literal resolution, implicit casts,
// common types of operands and CASE branches. Shared by the binder's files.
#pragma once

#include "ir/expr.h"

#include <optional>
#include <string>

namespace flern::planner::typing {

std::shared_ptr<ir::BoundExpr> makeNode(ir::BoundKind kind, SqlType type, int location = -1);
ir::BoundExprPtr makeNull(SqlType type);
bool isUnknownLiteral(const ir::BoundExprPtr& expr);
/// Parses an untyped literal as `target` at bind time (PostgreSQL resolves 'abc' this way).
ir::BoundExprPtr coerceLiteral(const ir::BoundExprPtr& literal, const SqlType& target,
                               bool explicitCast = false);
/// 1 int4, 2 int8, 3 numeric, 4 float8; 0 for other types.
int numericRank(TypeId id);
/// Implicit conversion to `target` (literals parsed, constants folded, values cast).
ir::BoundExprPtr implicitCast(const ir::BoundExprPtr& expr, const SqlType& target);
/// The type both sides of a comparison or a CASE's branches convert to; nullopt when none.
std::optional<SqlType> commonType(const SqlType& a, const SqlType& b);
std::string operatorText(const std::string& op, const ir::BoundExprPtr& a,
                         const ir::BoundExprPtr& b);
std::optional<ir::AggregateKind> aggregateKind(const std::string& name);
bool containsAggregate(const ir::BoundExprPtr& expr);
int64_t constantInteger(const ir::BoundExprPtr& expr, const char* clause);

} // namespace flern::planner::typing

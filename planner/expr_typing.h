// Typing helpers shared by the expression and function binders: bound-node construction,
// PostgreSQL's resolution of untyped literals, numeric promotion and common types.
#pragma once

#include "ir/expr.h"

#include <optional>
#include <string>
#include <vector>

namespace flern::planner {

std::shared_ptr<ir::BoundExpr> makeNode(ir::BoundKind kind, SqlType type, int location = -1);
ir::BoundExprPtr makeNull(SqlType type);
/// A quoted literal or NULL whose type context has not decided yet.
bool isUnknownLiteral(const ir::BoundExprPtr& expr);
/// Parses an untyped literal as `target` at bind time (PostgreSQL resolves 'abc' this way).
ir::BoundExprPtr coerceLiteral(const ir::BoundExprPtr& literal, const SqlType& target,
                               bool explicitCast = false);
/// Promotion rank of the numeric types (int4 < int8 < numeric < float8); 0 for the others.
int numericRank(TypeId id);
/// A numeric constant converted to another numeric type at bind time; nullptr when not foldable.
ir::BoundExprPtr foldNumericCast(const ir::BoundExprPtr& expr, const SqlType& target);
/// Implicit conversion to `target` (literals parsed, constants folded, values cast).
ir::BoundExprPtr implicitCast(const ir::BoundExprPtr& expr, const SqlType& target);
/// "int4, text" for messages.
std::string typeListText(const std::vector<ir::BoundExprPtr>& args);
/// The type both sides of a comparison or a CASE's branches convert to; nullopt when none.
std::optional<SqlType> commonType(const SqlType& a, const SqlType& b);
/// One step of PostgreSQL's select_common_type for CASE branches, COALESCE, GREATEST, LEAST,
/// NULLIF and VALUES rows: an untyped NULL or literal takes the others' type (the caller makes
/// an all-untyped result text), and NUMERICs of different scales, or mixed with integers, keep
/// each value's own display scale as PostgreSQL's unconstrained numeric does. Nullopt when the
/// types cannot be matched.
std::optional<SqlType> unifyResultType(const SqlType& merged, const SqlType& next);
/// "operator does not exist: a op b".
std::string operatorText(const std::string& op, const ir::BoundExprPtr& a,
                         const ir::BoundExprPtr& b);

} // namespace flern::planner

// Binding of SMALLINT/REAL/TIMESTAMP/TIMESTAMPTZ/INTERVAL type names, date/time operators and
// functions with PostgreSQL 15's result types, and bind-time folding of their constants (so that
// `date '1998-12-01' - interval '90' day` is one constant the scan compares against).
#pragma once

#include "ir/expr.h"
#include "parser/ast.h"
#include "planner/expr_typing.h"

#include <optional>
#include <string>
#include <vector>

namespace flern::planner {

/// int2/smallint, float4/real, timestamp, timestamptz, interval [qualifier]; nullopt for others.
std::optional<SqlType> bindExtendedTypeName(const ast::TypeName& type);
/// date < timestamp < timestamptz promotion; nullopt when a or b is not one of them.
std::optional<SqlType> datetimeCommonType(const SqlType& a, const SqlType& b);
/// + - * / with a timestamp or interval operand, or date with interval; nullptr when none is.
ir::BoundExprPtr bindDatetimeArith(const std::string& op, ir::BoundExprPtr a, ir::BoundExprPtr b,
                                   int location);
/// -interval.
ir::BoundExprPtr negateInterval(const ir::BoundExprPtr& arg, int location);
/// A DATE expression compared with a TIMESTAMP constant at midnight compares as dates (the scan
/// then compares its column with a date constant); nullptr when the comparison is not one.
ir::BoundExprPtr compareDateWithMidnight(const std::string& op, const ir::BoundExprPtr& a,
                                         const ir::BoundExprPtr& b, int location);
/// extract, date_part, date_trunc, now/current_timestamp/current_date/localtimestamp,
/// make_date, to_char(timestamp, text); nullptr for other names or argument types.
ir::BoundExprPtr bindDatetimeFunction(const std::string& name, std::vector<ir::BoundExprPtr>& args,
                                      int location, int64_t statementTime);
bool isDatetimeFunction(const std::string& name);
/// `node` evaluated at bind time when it is a date/time cast, operator or function over
/// constants; otherwise `node` itself.
ir::BoundExprPtr foldDatetime(ir::BoundExprPtr node);

} // namespace flern::planner

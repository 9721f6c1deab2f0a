// Binding of scalar builtin functions (string, math, conditional) with PostgreSQL 15's
// resolution rules, argument conversions and result types.
#pragma once

#include "ir/expr.h"

#include <string>
#include <vector>

namespace flern::planner {

/// A call of the scalar builtin `name` on bound arguments; raises 42883 when no signature of
/// that name accepts them. `location` is the call's 0-based offset for errors.
ir::BoundExprPtr bindScalarFunction(const std::string& name, std::vector<ir::BoundExprPtr> args,
                                    int location);

/// `a op b` for the regular-expression match operators ~ ~* !~ !~*.
ir::BoundExprPtr bindRegexMatch(const std::string& op, ir::BoundExprPtr a, ir::BoundExprPtr b,
                                int location);

/// `arg COLLATE name`: Flern's strings compare as bytes, which is what the C, POSIX, ucs_basic
/// and default (C.UTF-8) collations do, so those are accepted and change nothing.
ir::BoundExprPtr bindCollate(ir::BoundExprPtr arg, const std::vector<std::string>& names,
                             int location);

} // namespace flern::planner

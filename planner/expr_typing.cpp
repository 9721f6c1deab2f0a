// Typing helpers shared by the expression and function binders: PostgreSQL's literal
// resolution, numeric promotion and common-type rules.
#include "planner/expr_typing.h"

#include "planner/datetime_binding.h"

#include "common/error.h"
#include "common/value_input.h"

#include <cmath>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

std::shared_ptr<BoundExpr> makeNode(BoundKind kind, SqlType type, int location) {
  auto node = std::make_shared<BoundExpr>();
  node->kind = kind;
  node->type = type;
  node->location = location;
  return node;
}

BoundExprPtr makeNull(SqlType type) {
  auto node = makeNode(BoundKind::Constant, type);
  node->isNull = true;
  return node;
}

bool isUnknownLiteral(const BoundExprPtr& expr) {
  return expr->kind == BoundKind::Constant && expr->type.id == TypeId::Unknown;
}

/// Parses an untyped literal as `target` at bind time (PostgreSQL resolves 'abc' this way).
BoundExprPtr coerceLiteral(const BoundExprPtr& literal, const SqlType& target, bool explicitCast) {
  if (literal->isNull) return makeNull(target);
  auto node = makeNode(BoundKind::Constant, target, literal->location);
  InputValue value;
  try {
    value = parseInput(literal->stringValue, target, explicitCast);
  } catch (Error& error) {
    // PostgreSQL points at the literal for syntax and range errors, not for length or
    // precision overflows.
    if (error.state() != SqlState::StringDataRightTruncation &&
        error.message() != "numeric field overflow")
      error.withPosition(literal->location + 1);
    throw;
  }
  switch (target.id) {
  case TypeId::Bool:
  case TypeId::Int16:
  case TypeId::Int32:
  case TypeId::Int64:
  case TypeId::Date:
  case TypeId::Timestamp:
  case TypeId::TimestampTz:
    node->intValue = value.integer;
    break;
  case TypeId::Float32:
  case TypeId::Float64:
    node->floatValue = value.floating;
    break;
  case TypeId::Numeric:
  case TypeId::Interval:
    node->numericValue = value.numeric;
    break;
  case TypeId::Unknown:
    node->type = SqlType::text();
    node->stringValue = std::move(value.text);
    break;
  default:
    node->stringValue = std::move(value.text);
  }
  return node;
}

int numericRank(TypeId id) {
  switch (id) {
  case TypeId::Int16:
    return 1;
  case TypeId::Int32:
    return 2;
  case TypeId::Int64:
    return 3;
  case TypeId::Numeric:
    return 4;
  case TypeId::Float32:
    return 5;
  case TypeId::Float64:
    return 6;
  default:
    return 0;
  }
}

/// A numeric constant converted to another numeric type at bind time, so that generated code
/// compares against a constant instead of converting per row; nullptr when not foldable.
BoundExprPtr foldNumericCast(const BoundExprPtr& expr, const SqlType& target) {
  if (expr->kind != BoundKind::Constant || !numericRank(expr->type.id) || !numericRank(target.id))
    return nullptr;
  if (expr->isNull) return makeNull(target);
  const SqlType& source = expr->type;
  if (source.id == TypeId::Numeric && source.scale == kDynamicScale) return nullptr;
  auto node = makeNode(BoundKind::Constant, target, expr->location);
  bool integer = source.id == TypeId::Int32 || source.id == TypeId::Int64;
  switch (target.id) {
  case TypeId::Int64:
    if (!integer) return nullptr;
    node->intValue = expr->intValue;
    return node;
  case TypeId::Float64:
    if (source.id == TypeId::Float64) return expr;
    node->floatValue =
        integer ? static_cast<double>(expr->intValue)
                : std::strtod(formatNumeric(expr->numericValue, source.scale).c_str(), nullptr);
    return node;
  case TypeId::Numeric: {
    if (source.id == TypeId::Float64) return nullptr;
    __int128 digits = integer ? static_cast<__int128>(expr->intValue) : expr->numericValue;
    int scale = integer ? 0 : source.scale;
    if (target.scale == kDynamicScale) {
      node->numericValue = packNumeric(digits, scale);
      return node;
    }
    // Rounds half away from zero like the run-time cast; values that do not fit the precision
    // are left to the run-time cast, which raises the error.
    node->numericValue = rescaleNumeric(digits, scale, target.scale);
    __int128 limit = target.precision > 0 ? pow10i128(target.precision) : 0;
    if (target.precision > 0 && (node->numericValue >= limit || node->numericValue <= -limit))
      return nullptr;
    return node;
  }
  default:
    return nullptr;
  }
}

/// Implicit conversion to `target` (literals parsed, constants folded, values cast).
BoundExprPtr implicitCast(const BoundExprPtr& expr, const SqlType& target) {
  if (isUnknownLiteral(expr)) return coerceLiteral(expr, target);
  if (expr->type == target) return expr;
  if (auto folded = foldNumericCast(expr, target)) return folded;
  return foldDatetime(ir::makeCast(expr, target));
}

std::string typeListText(const std::vector<BoundExprPtr>& args) {
  std::string text;
  for (size_t i = 0; i < args.size(); ++i)
    text += (i ? ", " : "") + args[i]->type.name();
  return text;
}

/// The type both sides of a comparison or a CASE's branches convert to; nullopt when none.
std::optional<SqlType> commonType(const SqlType& a, const SqlType& b) {
  // A literal next to CHAR(n) becomes unbounded CHAR (bpchar): compared without trailing blanks
  // and never rejected for its length.
  auto unbounded = [](const SqlType& t) {
    return t.id == TypeId::Char ? SqlType::character(0) : t;
  };
  if (a.id == TypeId::Unknown) return b.id == TypeId::Unknown ? SqlType::text() : unbounded(b);
  if (b.id == TypeId::Unknown) return unbounded(a);
  if (a.id == TypeId::Char && b.id == TypeId::Char)
    return a.length == b.length ? a : SqlType::character(0);
  // CHAR meets VARCHAR as bpchar (blank-insensitive), and TEXT as text, as in PostgreSQL.
  if ((a.id == TypeId::Char && b.id == TypeId::Varchar) ||
      (a.id == TypeId::Varchar && b.id == TypeId::Char))
    return SqlType::character(0);
  if (a.id == b.id) {
    if (a.id == TypeId::Numeric && a.scale != b.scale)
      return SqlType::numeric(0, (a.scale == kDynamicScale || b.scale == kDynamicScale)
                                     ? kDynamicScale
                                     : std::max(a.scale, b.scale));
    if (a.id == TypeId::Varchar && a.length != b.length) return SqlType::varchar(0);
    return a;
  }
  if (a.isString() && b.isString()) return SqlType::text();
  int rankA = numericRank(a.id), rankB = numericRank(b.id);
  if (rankA && rankB) {
    const SqlType& wider = rankA >= rankB ? a : b;
    if (wider.id == TypeId::Numeric) return SqlType::numeric(0, wider.scale);
    // real meets any other number as double precision (PostgreSQL picks float48 operators).
    if (wider.id == TypeId::Float32) return SqlType::float64();
    return wider;
  }
  if (a.id == TypeId::Interval && b.id == TypeId::Interval) return SqlType::interval();
  return datetimeCommonType(a, b);
}

std::optional<SqlType> unifyResultType(const SqlType& merged, const SqlType& next) {
  if (next.id == TypeId::Unknown) return merged;
  if (merged.id == TypeId::Unknown) return next.id == TypeId::Char ? SqlType::character(0) : next;
  // real stays real next to integers and numeric (but not next to double precision).
  bool realA = merged.id == TypeId::Float32, realB = next.id == TypeId::Float32;
  if ((realA && numericRank(next.id) && next.id != TypeId::Float64) ||
      (realB && numericRank(merged.id) && merged.id != TypeId::Float64))
    return SqlType::float32();
  auto common = commonType(merged, next);
  if (common && common->id == TypeId::Numeric && !(merged == next))
    return SqlType::numeric(0, kDynamicScale);
  return common;
}

std::string operatorText(const std::string& op, const BoundExprPtr& a, const BoundExprPtr& b) {
  return "operator does not exist: " + a->type.name() + " " + op + " " + b->type.name();
}

} // namespace flern::planner

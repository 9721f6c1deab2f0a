#include "planner/zone_filters.h"

#include <cmath>
#include <optional>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

/// The scan column under `expr` when only casts that cannot fail and keep the order lie between.
std::optional<int> columnUnderSafeCasts(const BoundExprPtr& expr,
                                        const std::vector<SqlType>& types) {
  if (expr->kind == BoundKind::Column) {
    if (expr->index < 0 || expr->index >= static_cast<int>(types.size())) return std::nullopt;
    if (!(types[expr->index] == expr->type)) return std::nullopt;
    return expr->index;
  }
  if (expr->kind != BoundKind::Cast) return std::nullopt;
  const SqlType& to = expr->type;
  const SqlType& from = expr->args[0]->type;
  bool safe = false;
  if (from.id == TypeId::Int32 && to.id == TypeId::Int64) safe = true;
  bool integer = from.id == TypeId::Int32 || from.id == TypeId::Int64;
  bool staticNumeric = from.id == TypeId::Numeric && from.scale != kDynamicScale;
  if ((integer || staticNumeric) && to.id == TypeId::Numeric && to.precision == 0 &&
      to.scale != kDynamicScale && to.scale >= (integer ? 0 : from.scale))
    safe = true;
  if (from.id == TypeId::Char && to.id == TypeId::Char &&
      (to.length == 0 || to.length >= from.length))
    safe = true;
  bool text = from.id == TypeId::Text || from.id == TypeId::Varchar;
  if (text && (to.id == TypeId::Text || (to.id == TypeId::Varchar && to.length == 0))) safe = true;
  if (!safe) return std::nullopt;
  return columnUnderSafeCasts(expr->args[0], types);
}

/// `op` with its sides swapped: 5 < x is x > 5.
std::string mirrored(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

/// A constant exactly representable in `grid` scale, or the neighbours it falls between.
struct Scaled {
  __int128 floor, ceil; // equal when exact
};

std::optional<Scaled> toScale(__int128 digits, int scale, int grid) {
  if (scale <= grid) {
    int shift = grid - scale;
    if (shift > 30) return std::nullopt;
    __int128 factor = pow10i128(shift);
    __int128 limit = pow10i128(37 - shift);
    if (digits >= limit || digits <= -limit) return std::nullopt;
    return Scaled{digits * factor, digits * factor};
  }
  __int128 factor = pow10i128(scale - grid);
  __int128 quotient = digits / factor; // truncates toward zero
  if (quotient * factor == digits) return Scaled{quotient, quotient};
  if (digits < 0) return Scaled{quotient - 1, quotient};
  return Scaled{quotient, quotient + 1};
}

/// `column op constant` over the column's own values: the constant converted to the column's
/// type, narrowing the op when it falls between two column values. nullopt when not possible.
std::optional<ir::ZoneFilter> convert(int column, const SqlType& type, std::string op,
                                      const BoundExpr& constant) {
  auto node = std::make_shared<BoundExpr>();
  node->kind = BoundKind::Constant;
  node->type = type;
  const SqlType& from = constant.type;
  if (type.isString()) {
    if (!from.isString() && from.id != TypeId::Unknown) return std::nullopt;
    // A CHAR constant makes the row comparison blank-insensitive, which TEXT bounds do not follow.
    if (type.id != TypeId::Char && from.id == TypeId::Char) return std::nullopt;
    node->stringValue = constant.stringValue;
    return ir::ZoneFilter{column, op, node};
  }
  if (type.id == TypeId::Date) {
    if (from.id != TypeId::Date) return std::nullopt;
    node->intValue = constant.intValue;
    return ir::ZoneFilter{column, op, node};
  }
  if (type.id == TypeId::Float64) {
    if (from.id != TypeId::Float64 || std::isnan(constant.floatValue)) return std::nullopt;
    node->floatValue = constant.floatValue;
    return ir::ZoneFilter{column, op, node};
  }
  // Integers and NUMERIC(p,s): both sides on the column's grid of 10^-scale.
  int grid;
  if (type.id == TypeId::Int32 || type.id == TypeId::Int64)
    grid = 0;
  else if (type.id == TypeId::Numeric && type.scale != kDynamicScale)
    grid = type.scale;
  else
    return std::nullopt;
  __int128 digits;
  int scale;
  if (from.id == TypeId::Int32 || from.id == TypeId::Int64) {
    digits = constant.intValue;
    scale = 0;
  } else if (from.id == TypeId::Numeric && from.scale != kDynamicScale) {
    digits = constant.numericValue;
    scale = from.scale;
  } else {
    return std::nullopt;
  }
  auto scaled = toScale(digits, scale, grid);
  if (!scaled) return std::nullopt;
  __int128 value = scaled->floor;
  if (scaled->floor != scaled->ceil) {
    if (op == "=") return std::nullopt; // no column value equals it; the row filter says so
    if (op == "<" || op == "<=") {
      op = "<=";
    } else {
      op = ">=";
      value = scaled->ceil;
    }
  }
  if (type.id == TypeId::Numeric) {
    node->numericValue = value;
    return ir::ZoneFilter{column, op, node};
  }
  // Beyond the column type's range: every value or none qualifies; leave it to the row filter.
  __int128 low = type.id == TypeId::Int32 ? INT32_MIN : INT64_MIN;
  __int128 high = type.id == TypeId::Int32 ? INT32_MAX : INT64_MAX;
  if (value < low || value > high) return std::nullopt;
  node->intValue = static_cast<int64_t>(value);
  return ir::ZoneFilter{column, op, node};
}

} // namespace

std::vector<ir::ZoneFilter> zoneFilters(const std::vector<SqlType>& columnTypes,
                                        const std::vector<BoundExprPtr>& conjuncts) {
  std::vector<ir::ZoneFilter> filters;
  for (const auto& conjunct : conjuncts) {
    if (conjunct->kind != BoundKind::Compare || conjunct->args.size() != 2) continue;
    std::string op = conjunct->name;
    if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") continue;
    const BoundExprPtr* side = &conjunct->args[0];
    const BoundExprPtr* value = &conjunct->args[1];
    if ((*side)->kind == BoundKind::Constant) {
      std::swap(side, value);
      op = mirrored(op);
    }
    if ((*value)->kind != BoundKind::Constant || (*value)->isNull) continue;
    auto column = columnUnderSafeCasts(*side, columnTypes);
    if (!column) continue;
    if (auto filter = convert(*column, columnTypes[*column], op, **value))
      filters.push_back(std::move(*filter));
  }
  return filters;
}

} // namespace flern::planner

#include "ir/expr.h"

#include "common/datetime.h"
#include "common/stack_depth.h"

namespace flern::ir {

BoundExprPtr makeColumn(int index, SqlType type) {
  auto expr = std::make_shared<BoundExpr>();
  expr->kind = BoundKind::Column;
  expr->index = index;
  expr->type = type;
  return expr;
}

BoundExprPtr makeCast(BoundExprPtr arg, SqlType to) {
  if (arg->type == to) return arg;
  auto expr = std::make_shared<BoundExpr>();
  expr->kind = BoundKind::Cast;
  expr->type = to;
  expr->args.push_back(std::move(arg));
  return expr;
}

std::string BoundExpr::toString() const {
  checkStackDepth();
  auto argText = [&](size_t i) { return args[i]->toString(); };
  switch (kind) {
  case BoundKind::Column:
    return "#" + std::to_string(index);
  case BoundKind::Constant:
    if (isNull) return "NULL";
    switch (type.id) {
    case TypeId::Bool:
      return intValue ? "true" : "false";
    case TypeId::Float64:
      return formatFloat64(floatValue);
    case TypeId::Float32:
      return formatFloat32(static_cast<float>(floatValue)) + "::real";
    case TypeId::Timestamp:
    case TypeId::TimestampTz:
      return "'" + formatTimestamp(intValue, type.id == TypeId::TimestampTz) + "'::" + type.name();
    case TypeId::Interval:
      return "'" + formatInterval(unpackInterval(numericValue)) + "'::interval";
    case TypeId::Numeric:
      return formatNumeric(numericValue, type.scale);
    case TypeId::Date:
      return "'" + formatDate(static_cast<int32_t>(intValue)) + "'::date";
    case TypeId::Text:
    case TypeId::Varchar:
    case TypeId::Char:
    case TypeId::Unknown:
      return "'" + stringValue + "'";
    default:
      return std::to_string(intValue);
    }
  case BoundKind::Arith:
  case BoundKind::Compare:
    return "(" + argText(0) + " " + name + " " + argText(1) + ")";
  case BoundKind::Negate:
    return "(-" + argText(0) + ")";
  case BoundKind::And:
  case BoundKind::Or: {
    std::string text = "(";
    for (size_t i = 0; i < args.size(); ++i)
      text += (i ? (kind == BoundKind::And ? " AND " : " OR ") : "") + argText(i);
    return text + ")";
  }
  case BoundKind::Not:
    return "(NOT " + argText(0) + ")";
  case BoundKind::IsNull:
    return "(" + argText(0) + " IS NULL)";
  case BoundKind::IsNotNull:
    return "(" + argText(0) + " IS NOT NULL)";
  case BoundKind::Cast:
    return argText(0) + "::" + type.name();
  case BoundKind::Case: {
    std::string text = "CASE";
    for (size_t i = 0; i + 1 < args.size(); i += 2)
      text += " WHEN " + argText(i) + " THEN " + argText(i + 1);
    return text + " ELSE " + argText(args.size() - 1) + " END";
  }
  case BoundKind::Like:
    return "(" + argText(0) + (negated ? " !~~ " : " ~~ ") + argText(1) + ")";
  case BoundKind::AggregateRef:
    return "agg#" + std::to_string(index);
  case BoundKind::WindowRef:
    return "window#" + std::to_string(index);
  case BoundKind::Subquery:
    return "(SubPlan " + std::to_string(index) + ")";
  case BoundKind::Function:
  case BoundKind::Predict: {
    std::string text = (kind == BoundKind::Predict ? "PREDICT(" + name + ", " : name + "(");
    for (size_t i = 0; i < args.size(); ++i)
      text += (i ? ", " : "") + argText(i);
    return text + ")";
  }
  }
  return "?";
}

SqlType aggregateResultType(AggregateKind kind, const SqlType& input) {
  switch (kind) {
  case AggregateKind::CountStar:
  case AggregateKind::Count:
    return SqlType::int64();
  case AggregateKind::Sum:
    if (input.id == TypeId::Int32 || input.id == TypeId::Int16) return SqlType::int64();
    if (input.id == TypeId::Float32) return SqlType::float32();
    if (input.id == TypeId::Interval) return SqlType::interval();
    if (input.id == TypeId::Int64) return SqlType::numeric(0, 0);
    if (input.id == TypeId::Numeric) return SqlType::numeric(0, input.scale);
    return SqlType::float64();
  case AggregateKind::Avg:
    if (input.id == TypeId::Float64 || input.id == TypeId::Float32) return SqlType::float64();
    if (input.id == TypeId::Interval) return SqlType::interval();
    return SqlType::numeric(0, kDynamicScale);
  case AggregateKind::Min:
  case AggregateKind::Max:
    return input;
  case AggregateKind::BoolAnd:
  case AggregateKind::BoolOr:
    return SqlType::boolean();
  case AggregateKind::VarSamp:
  case AggregateKind::VarPop:
  case AggregateKind::StddevSamp:
  case AggregateKind::StddevPop:
    // Exact inputs give an exact NUMERIC result, as PostgreSQL's numeric_var_samp and kin.
    if (input.id == TypeId::Float64 || input.id == TypeId::Float32) return SqlType::float64();
    return SqlType::numeric(0, kDynamicScale);
  case AggregateKind::StringAgg:
    return SqlType::text();
  }
  return input;
}

std::string AggregateSpec::toString() const {
  static const char* names[] = {"count",       "count",      "sum",       "avg",      "min",
                                "max",         "bool_and",   "bool_or",   "var_samp", "var_pop",
                                "stddev_samp", "stddev_pop", "string_agg"};
  std::string text = std::string(names[static_cast<int>(kind)]) + "(";
  if (kind == AggregateKind::CountStar)
    text += "*";
  else
    text += (distinct ? "DISTINCT " : "") + arg->toString();
  if (arg2) text += ", " + arg2->toString();
  for (size_t i = 0; i < orderBy.size(); ++i)
    text += (i ? ", " : " ORDER BY ") + orderBy[i]->toString() +
            (orderDescending[i] ? " DESC" : "") + (orderNullsFirst[i] ? " NULLS FIRST" : "");
  text += ")";
  if (filter) text += " FILTER (WHERE " + filter->toString() + ")";
  return text;
}

void mapAggregateExpressions(AggregateSpec& aggregate,
                             const std::function<BoundExprPtr(const BoundExprPtr&)>& map) {
  if (aggregate.arg) aggregate.arg = map(aggregate.arg);
  if (aggregate.arg2) aggregate.arg2 = map(aggregate.arg2);
  if (aggregate.filter) aggregate.filter = map(aggregate.filter);
  for (auto& key : aggregate.orderBy)
    key = map(key);
}

void forEachAggregateExpression(const AggregateSpec& aggregate,
                                const std::function<void(const BoundExprPtr&)>& visit) {
  if (aggregate.arg) visit(aggregate.arg);
  if (aggregate.arg2) visit(aggregate.arg2);
  if (aggregate.filter) visit(aggregate.filter);
  for (const auto& key : aggregate.orderBy)
    visit(key);
}

} // namespace flern::ir

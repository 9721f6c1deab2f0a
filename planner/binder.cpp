#include "planner/binder.h"

#include "planner/expr_typing.h"
#include "planner/function_binder.h"
#include "planner/type_rules.h"

#include "common/error.h"
#include "common/stack_depth.h"
#include "common/value_input.h"
#include "planner/datetime_binding.h"

#include <charconv>
#include <cmath>
#include <set>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace typing {

std::optional<ir::AggregateKind> aggregateKind(const std::string& name) {
  if (name == "count") return ir::AggregateKind::Count;
  if (name == "sum") return ir::AggregateKind::Sum;
  if (name == "avg") return ir::AggregateKind::Avg;
  if (name == "min") return ir::AggregateKind::Min;
  if (name == "max") return ir::AggregateKind::Max;
  if (name == "bool_and" || name == "every") return ir::AggregateKind::BoolAnd;
  if (name == "bool_or") return ir::AggregateKind::BoolOr;
  if (name == "var_samp" || name == "variance") return ir::AggregateKind::VarSamp;
  if (name == "var_pop") return ir::AggregateKind::VarPop;
  if (name == "stddev_samp" || name == "stddev") return ir::AggregateKind::StddevSamp;
  if (name == "stddev_pop") return ir::AggregateKind::StddevPop;
  if (name == "string_agg") return ir::AggregateKind::StringAgg;
  return std::nullopt;
}

bool containsAggregate(const BoundExprPtr& expr) {
  if (expr->kind == BoundKind::AggregateRef) return true;
  for (const auto& arg : expr->args)
    if (containsAggregate(arg)) return true;
  return false;
}

int64_t constantInteger(const BoundExprPtr& expr, const char* clause) {
  if (expr->kind != BoundKind::Constant || expr->isNull)
    throw Error(SqlState::FeatureNotSupported, std::string(clause) + " must be an integer constant",
                expr->location + 1);
  if (expr->type.id == TypeId::Int32 || expr->type.id == TypeId::Int64) return expr->intValue;
  throw Error(SqlState::DatatypeMismatch,
              std::string("argument of ") + clause + " must be type bigint, not type " +
                  expr->type.name(),
              expr->location + 1);
}

} // namespace typing

using namespace typing;

namespace {

/// PostgreSQL's FigureColnameInternal: a name and its strength (2 from a column or function,
/// 1 from a type name or "case", 0 for nothing).
int figureName(const ast::Expr& expr, std::string& name) {
  switch (expr.kind) {
  case ast::ExprKind::ColumnRef:
    name = expr.names.back();
    return 2;
  case ast::ExprKind::Function:
    name = expr.text;
    return 2;
  case ast::ExprKind::Collate:
    return figureName(*expr.args[0], name);
  case ast::ExprKind::GroupingFunc:
    name = "grouping";
    return 2;
  case ast::ExprKind::Cast: {
    int strength = figureName(*expr.args[0], name);
    if (strength <= 1) {
      name = expr.typeName.name;
      return 1;
    }
    return strength;
  }
  case ast::ExprKind::Subquery:
    if (expr.subLink == ast::SubLinkKind::Exists) {
      name = "exists";
      return 2;
    }
    // A scalar subquery is named after its single output column.
    if (expr.subLink == ast::SubLinkKind::Scalar && expr.subquery &&
        !expr.subquery->targets.empty()) {
      const ast::SelectTarget& target = expr.subquery->targets[0];
      if (!target.alias.empty()) {
        name = target.alias;
        return 2;
      }
      return figureName(*target.expr, name);
    }
    return 0;
  case ast::ExprKind::Case: {
    int strength = expr.hasElse ? figureName(*expr.args.back(), name) : 0;
    if (strength <= 1) {
      name = "case";
      return 1;
    }
    return strength;
  }
  default:
    return 0;
  }
}

} // namespace

std::string figureColumnName(const ast::Expr& expr) {
  std::string name;
  return figureName(expr, name) > 0 ? name : "?column?";
}

SqlType Binder::bindTypeName(const ast::TypeName& type) {
  const std::string& name = type.name;
  auto modifier = [&](size_t i, int fallback) {
    return i < type.modifiers.size() ? type.modifiers[i] : fallback;
  };
  if (auto datetime = bindExtendedTypeName(type)) return *datetime;
  if (name == "int4" || name == "integer" || name == "int") return SqlType::int32();
  if (name == "int8" || name == "bigint") return SqlType::int64();
  if (name == "float8" || name == "double precision") return SqlType::float64();
  if (name == "bool" || name == "boolean") return SqlType::boolean();
  if (name == "text") return SqlType::text();
  if (name == "varchar") return SqlType::varchar(modifier(0, 0));
  if (name == "bpchar" || name == "char" || name == "character")
    return SqlType::character(modifier(0, 1));
  if (name == "date") return SqlType::date();
  if (name == "numeric" || name == "decimal") {
    if (type.modifiers.empty())
      return SqlType::numeric(0, kDynamicScale); // unconstrained: each value keeps its scale
    int precision = modifier(0, 0), scale = modifier(1, 0);
    if (precision < 1 || precision > 38)
      throw Error(SqlState::InvalidParameterValue,
                  "NUMERIC precision " + std::to_string(precision) + " must be between 1 and 38",
                  type.location + 1);
    if (scale < 0 || scale > precision)
      throw Error(SqlState::InvalidParameterValue,
                  "NUMERIC scale " + std::to_string(scale) + " must be between 0 and precision " +
                      std::to_string(precision),
                  type.location + 1);
    return SqlType::numeric(precision, scale);
  }
  throw Error(SqlState::UndefinedObject, "type \"" + name + "\" does not exist", type.location + 1);
}

BoundExprPtr Binder::assignmentCast(BoundExprPtr expr, const SqlType& target,
                                    const std::string& column) {
  if (isUnknownLiteral(expr)) return coerceLiteral(expr, target);
  if (expr->type == target) return expr;
  if (auto folded = foldNumericCast(expr, target)) return folded;
  const SqlType& source = expr->type;
  bool compatible = source.id == target.id || (source.isString() && target.isString()) ||
                    (numericRank(source.id) && numericRank(target.id)) ||
                    (source.isDateTime() && target.isDateTime());
  if (!compatible)
    throw Error(SqlState::DatatypeMismatch,
                "column \"" + column + "\" is of type " + target.name() +
                    " but expression is of type " + source.name(),
                expr->location + 1)
        .withHint("You will need to rewrite or cast the expression.");
  auto cast = makeNode(BoundKind::Cast, target, expr->location);
  cast->args.push_back(std::move(expr));
  cast->assignment = true;
  return cast;
}

std::shared_ptr<storage::Table> Binder::modelsTable() const {
  std::vector<storage::ColumnDef> columns = {
      {"name", SqlType::text(), true},          {"algorithm", SqlType::text(), true},
      {"target", SqlType::text(), true},        {"features", SqlType::text(), true},
      {"coefficients", SqlType::text(), true},  {"intercept", SqlType::float64(), true},
      {"training_rows", SqlType::int64(), true}};
  auto table = std::make_shared<storage::Table>(kModelsRelation, columns);
  for (const auto& [name, model] : catalog_.models.models()) {
    int64_t row;
    storage::Chunk& chunk = table->data().reserveRow(row);
    auto setText = [&](int column, const std::string& text) {
      reinterpret_cast<StringRef*>(chunk.columns[column].data())[row] =
          chunk.columns[column].internString(text);
    };
    std::string features, coefficients;
    for (size_t i = 0; i < model->featureNames.size(); ++i) {
      features += (i ? ", " : "") + model->featureNames[i];
      coefficients += (i ? ", " : "") + formatFloat64(model->weights->coefficients[i]);
    }
    setText(0, model->name);
    setText(1, model->algorithm);
    setText(2, model->target);
    setText(3, features);
    setText(4, "{" + coefficients + "}");
    reinterpret_cast<double*>(chunk.columns[5].data())[row] = model->weights->intercept;
    reinterpret_cast<int64_t*>(chunk.columns[6].data())[row] = model->trainingRows;
  }
  return table;
}

//===-- Expressions -------------------------------------------------------------------------===//

BoundExprPtr Binder::bindCondition(const ast::Expr& expr, const Scope& scope,
                                   AggregateContext& aggregates, const char* clause) {
  BoundExprPtr bound = bind(expr, scope, aggregates);
  if (isUnknownLiteral(bound)) return coerceLiteral(bound, SqlType::boolean());
  if (bound->type.id != TypeId::Bool)
    throw Error(SqlState::DatatypeMismatch,
                std::string("argument of ") + clause + " must be type boolean, not type " +
                    bound->type.name(),
                expr.location + 1);
  return bound;
}

BoundExprPtr Binder::bindConstantExpr(const ast::Expr& expr) {
  Scope empty;
  AggregateContext none{nullptr, "this context"};
  return bind(expr, empty, none);
}

BoundExprPtr Binder::bind(const ast::Expr& expr, const Scope& scope, AggregateContext& aggregates) {
  checkStackDepth();
  using ast::ExprKind;
  switch (expr.kind) {
  case ExprKind::ColumnRef:
    return bindColumn(expr, scope);
  case ExprKind::Star:
    throw Error(SqlState::SyntaxError, "\"*\" is not allowed here", expr.location + 1);
  case ExprKind::IntConst:
  case ExprKind::NumConst:
  case ExprKind::StringConst:
  case ExprKind::BoolConst:
  case ExprKind::NullConst:
    return bindLiteral(expr);
  case ExprKind::Cast:
    return bindCast(expr, scope, aggregates);
  case ExprKind::Operator:
    return bindOperator(expr, scope, aggregates);
  case ExprKind::And:
  case ExprKind::Or:
  case ExprKind::Not: {
    BoundKind kind = expr.kind == ExprKind::And  ? BoundKind::And
                     : expr.kind == ExprKind::Or ? BoundKind::Or
                                                 : BoundKind::Not;
    const char* clause = expr.kind == ExprKind::And  ? "AND"
                         : expr.kind == ExprKind::Or ? "OR"
                                                     : "NOT";
    auto node = makeNode(kind, SqlType::boolean(), expr.location);
    for (const auto& arg : expr.args)
      node->args.push_back(bindCondition(*arg, scope, aggregates, clause));
    return node;
  }
  case ExprKind::IsNull:
  case ExprKind::IsNotNull: {
    auto node = makeNode(expr.kind == ExprKind::IsNull ? BoundKind::IsNull : BoundKind::IsNotNull,
                         SqlType::boolean(), expr.location);
    BoundExprPtr arg = bind(*expr.args[0], scope, aggregates);
    node->args.push_back(isUnknownLiteral(arg) ? coerceLiteral(arg, SqlType::text()) : arg);
    return node;
  }
  case ExprKind::Like: {
    BoundExprPtr value = bind(*expr.args[0], scope, aggregates);
    BoundExprPtr pattern = bind(*expr.args[1], scope, aggregates);
    for (auto* side : {&value, &pattern}) {
      if (isUnknownLiteral(*side)) *side = coerceLiteral(*side, SqlType::text());
      if (!(*side)->type.isString())
        throw Error(SqlState::UndefinedFunction, operatorText("~~", value, pattern),
                    expr.location + 1)
            .withHint("No operator matches the given name and argument types. You might need to "
                      "add explicit type casts.");
    }
    auto node = makeNode(BoundKind::Like, SqlType::boolean(), expr.location);
    node->negated = expr.text == "!~~";
    node->args = {value, pattern};
    return node;
  }
  case ExprKind::Case:
    return bindCase(expr, scope, aggregates);
  case ExprKind::Function:
    return bindFunction(expr, scope, aggregates);
  case ExprKind::Subquery:
    return bindSubquery(expr, scope, aggregates);
  case ExprKind::Collate:
    return bindCollate(bind(*expr.args[0], scope, aggregates), expr.names, expr.location);
  case ExprKind::GroupingFunc:
    return bindGroupingFunc(expr, scope, aggregates);
  case ExprKind::GroupingSet: // only GROUP BY has them, and binds them itself
    throw Error(SqlState::FeatureNotSupported, "grouping set outside GROUP BY", expr.location + 1);
  case ExprKind::Between:
    return bindBetween(expr, scope, aggregates);
  case ExprKind::InList:
    return bindInList(expr, scope, aggregates);
  }
  internalError("unhandled expression kind in binder");
}

BoundExprPtr Binder::bindLiteral(const ast::Expr& expr) {
  using ast::ExprKind;
  switch (expr.kind) {
  case ExprKind::IntConst: {
    auto node = makeNode(BoundKind::Constant, SqlType::int32(), expr.location);
    node->intValue = expr.intValue;
    return node;
  }
  case ExprKind::NumConst: {
    const std::string& text = expr.text;
    if (text.find_first_of(".eE") == std::string::npos) {
      int64_t value;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec == std::errc() && ptr == text.data() + text.size()) {
        // As PostgreSQL's make_const: a value that fits int4 is an integer (-2147483648 comes
        // here, negated while parsing as the digits alone did not fit).
        bool fits32 = value >= INT32_MIN && value <= INT32_MAX;
        auto node = makeNode(BoundKind::Constant, fits32 ? SqlType::int32() : SqlType::int64(),
                             expr.location);
        node->intValue = value;
        return node;
      }
    }
    int scale = std::max(literalScale(text), 0);
    if (auto e = text.find_first_of("eE"); e != std::string::npos)
      scale = std::max(0, scale - std::atoi(text.c_str() + e + 1));
    auto node = makeNode(BoundKind::Constant, SqlType::numeric(0, scale), expr.location);
    auto parsed = parseDecimal(text, scale);
    if (!parsed)
      throw Error(SqlState::NumericValueOutOfRange,
                  "numeric literal \"" + text + "\" is out of range", expr.location + 1);
    node->numericValue = *parsed;
    return node;
  }
  case ExprKind::StringConst: {
    auto node = makeNode(BoundKind::Constant, SqlType::unknown(), expr.location);
    node->stringValue = expr.text;
    return node;
  }
  case ExprKind::BoolConst: {
    auto node = makeNode(BoundKind::Constant, SqlType::boolean(), expr.location);
    node->intValue = expr.boolValue;
    return node;
  }
  case ExprKind::NullConst: {
    auto node = makeNode(BoundKind::Constant, SqlType::unknown(), expr.location);
    node->isNull = true;
    return node;
  }
  default:
    internalError("not a literal");
  }
}

BoundExprPtr Binder::bindCast(const ast::Expr& expr, const Scope& scope,
                              AggregateContext& aggregates) {
  SqlType target = bindTypeName(expr.typeName);
  if (target.id == TypeId::Float64 && expr.args[0]->kind == ast::ExprKind::NumConst) {
    // Read the digits as a double directly: 1e300::float8 is out of NUMERIC's range here.
    auto node = makeNode(BoundKind::Constant, target, expr.location);
    node->floatValue = std::strtod(expr.args[0]->text.c_str(), nullptr);
    return node;
  }
  BoundExprPtr arg = bind(*expr.args[0], scope, aggregates);
  if (isUnknownLiteral(arg)) {
    auto folded = std::const_pointer_cast<BoundExpr>(coerceLiteral(arg, target, true));
    folded->location = expr.location;
    return folded;
  }
  const SqlType& source = arg->type;
  bool castable = source.id == target.id || source.isString() || target.isString() ||
                  (numericRank(source.id) && numericRank(target.id)) ||
                  (source.id == TypeId::Bool && target.id == TypeId::Int32) ||
                  (source.id == TypeId::Int32 && target.id == TypeId::Bool) ||
                  (source.isDateTime() && target.isDateTime());
  if (!castable)
    throw Error(SqlState::CannotCoerce,
                "cannot cast type " + source.name() + " to " + target.name(), expr.location + 1);
  auto node = makeNode(BoundKind::Cast, target, expr.location);
  node->args.push_back(arg);
  return foldDatetime(node);
}

BoundExprPtr Binder::bindCase(const ast::Expr& expr, const Scope& scope,
                              AggregateContext& aggregates) {
  using ast::ExprKind;
  size_t first = expr.hasOperand ? 1 : 0;
  size_t pairsEnd = expr.args.size() - (expr.hasElse ? 1 : 0);
  BoundExprPtr operand = expr.hasOperand ? bind(*expr.args[0], scope, aggregates) : nullptr;
  std::vector<BoundExprPtr> conditions, results;
  for (size_t i = first; i + 1 < pairsEnd + 1 && i < pairsEnd; i += 2) {
    if (operand) {
      BoundExprPtr value = bind(*expr.args[i], scope, aggregates);
      auto type = commonType(operand->type, value->type);
      if (!type)
        throw Error(SqlState::UndefinedFunction, operatorText("=", operand, value),
                    expr.args[i]->location + 1);
      auto compare = makeNode(BoundKind::Compare, SqlType::boolean(), expr.args[i]->location);
      compare->name = "=";
      compare->args = {implicitCast(operand, *type), implicitCast(value, *type)};
      conditions.push_back(compare);
    } else {
      conditions.push_back(bindCondition(*expr.args[i], scope, aggregates, "CASE/WHEN"));
    }
    results.push_back(bind(*expr.args[i + 1], scope, aggregates));
  }
  results.push_back(expr.hasElse ? bind(*expr.args.back(), scope, aggregates)
                                 : makeNull(SqlType::unknown()));
  SqlType type = SqlType::unknown();
  for (const auto& result : results) {
    auto merged = unifyResultType(type, result->type);
    if (!merged)
      throw Error(SqlState::DatatypeMismatch,
                  "CASE types " + type.name() + " and " + result->type.name() +
                      " cannot be matched",
                  result->location + 1);
    type = *merged;
  }
  if (type.id == TypeId::Unknown) type = SqlType::text();
  auto node = makeNode(BoundKind::Case, type, expr.location);
  for (size_t i = 0; i < conditions.size(); ++i) {
    node->args.push_back(conditions[i]);
    node->args.push_back(implicitCast(results[i], type));
  }
  node->args.push_back(implicitCast(results.back(), type));
  return node;
}

/// a BETWEEN b AND c  ==  a >= b AND a <= c (NOT BETWEEN: a < b OR a > c)
BoundExprPtr Binder::bindBetween(const ast::Expr& expr, const Scope& scope,
                                 AggregateContext& aggregates) {
  using ast::ExprKind;
  // a BETWEEN b AND c  ==  a >= b AND a <= c
  auto makeCompare = [&](const char* op, const ast::Expr& left, const ast::Expr& right) {
    ast::Expr fake;
    fake.kind = ExprKind::Operator;
    fake.text = op;
    fake.location = expr.location;
    BoundExprPtr a = bind(left, scope, aggregates);
    BoundExprPtr b = bind(right, scope, aggregates);
    auto type = commonType(a->type, b->type);
    if (!type) throw Error(SqlState::UndefinedFunction, operatorText(op, a, b), expr.location + 1);
    auto node = makeNode(BoundKind::Compare, SqlType::boolean(), expr.location);
    node->name = op;
    node->args = {implicitCast(a, *type), implicitCast(b, *type)};
    return node;
  };
  auto node =
      makeNode(expr.negated ? BoundKind::Or : BoundKind::And, SqlType::boolean(), expr.location);
  node->args.push_back(makeCompare(expr.negated ? "<" : ">=", *expr.args[0], *expr.args[1]));
  node->args.push_back(makeCompare(expr.negated ? ">" : "<=", *expr.args[0], *expr.args[2]));
  return node;
}

/// a IN (b, c)  ==  a = b OR a = c (NOT IN: a <> b AND a <> c)
BoundExprPtr Binder::bindInList(const ast::Expr& expr, const Scope& scope,
                                AggregateContext& aggregates) {
  BoundExprPtr value = bind(*expr.args[0], scope, aggregates);
  auto node =
      makeNode(expr.negated ? BoundKind::And : BoundKind::Or, SqlType::boolean(), expr.location);
  for (size_t i = 1; i < expr.args.size(); ++i) {
    BoundExprPtr item = bind(*expr.args[i], scope, aggregates);
    auto type = commonType(value->type, item->type);
    if (!type)
      throw Error(SqlState::UndefinedFunction, operatorText("=", value, item),
                  expr.args[i]->location + 1);
    auto compare = makeNode(BoundKind::Compare, SqlType::boolean(), expr.args[i]->location);
    compare->name = expr.negated ? "<>" : "=";
    compare->args = {implicitCast(value, *type), implicitCast(item, *type)};
    node->args.push_back(compare);
  }
  return node;
}

BoundExprPtr Binder::bindOperator(const ast::Expr& expr, const Scope& scope,
                                  AggregateContext& aggregates) {
  std::string op = expr.text == "!=" ? "<>" : expr.text;
  if (expr.args.size() == 1) {
    BoundExprPtr arg = bind(*expr.args[0], scope, aggregates);
    if (op == "+") return arg;
    if (op == "-" && arg->type.id == TypeId::Interval) return negateInterval(arg, expr.location);
    if (op != "-" || !numericRank(arg->type.id))
      throw Error(SqlState::UndefinedFunction,
                  "operator does not exist: " + op + " " + arg->type.name(), expr.location + 1);
    // Fold negated constants, except the most negative integers: their negation is the
    // run-time 22003 error.
    bool minimum = (arg->type.id == TypeId::Int16 && arg->intValue == INT16_MIN) ||
                   (arg->type.id == TypeId::Int32 && arg->intValue == INT32_MIN) ||
                   (arg->type.id == TypeId::Int64 && arg->intValue == INT64_MIN);
    if (arg->kind == BoundKind::Constant && !arg->isNull && !minimum) {
      auto folded = std::make_shared<BoundExpr>(*arg);
      folded->intValue = -arg->intValue;
      folded->floatValue = -arg->floatValue;
      // A per-value-scale NUMERIC is packed as digits * 256 + scale: only the digits change sign.
      folded->numericValue =
          arg->type.id == TypeId::Numeric && arg->type.scale == kDynamicScale
              ? packNumeric(-packedDigits(arg->numericValue), packedScale(arg->numericValue))
              : -arg->numericValue;
      folded->location = expr.location;
      return folded;
    }
    auto node = makeNode(BoundKind::Negate, arg->type, expr.location);
    node->args.push_back(arg);
    return node;
  }
  BoundExprPtr a = bind(*expr.args[0], scope, aggregates);
  BoundExprPtr b = bind(*expr.args[1], scope, aggregates);
  auto fail = [&]() -> Error {
    return std::move(Error(SqlState::UndefinedFunction, operatorText(op, a, b), expr.location + 1)
                         .withHint("No operator matches the given name and argument types. You "
                                   "might need to add explicit type casts."));
  };
  bool comparison = op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=" ||
                    op == "IS DISTINCT FROM" || op == "IS NOT DISTINCT FROM";
  if (comparison) {
    auto type = commonType(a->type, b->type);
    if (!type || (type->id == TypeId::Bool && op != "=" && op != "<>" && false)) throw fail();
    auto node = makeNode(BoundKind::Compare, SqlType::boolean(), expr.location);
    node->name = op;
    node->args = {implicitCast(a, *type), implicitCast(b, *type)};
    if (auto asDates = compareDateWithMidnight(op, a, b, expr.location)) return asDates;
    return node;
  }
  if (op == "||") {
    auto node = makeNode(BoundKind::Arith, SqlType::text(), expr.location);
    node->name = op;
    node->args = {implicitCast(a, SqlType::text()), implicitCast(b, SqlType::text())};
    return node;
  }
  if (op == "~" || op == "~*" || op == "!~" || op == "!~*")
    return bindRegexMatch(op, a, b, expr.location);
  if (op != "+" && op != "-" && op != "*" && op != "/" && op != "%") throw fail();
  if (op == "%" && (a->type.id == TypeId::Float64 || b->type.id == TypeId::Float64 ||
                    a->type.id == TypeId::Float32 || b->type.id == TypeId::Float32))
    throw fail();
  if (auto datetime = bindDatetimeArith(op, a, b, expr.location)) return datetime;
  if (a->type.id == TypeId::Interval || b->type.id == TypeId::Interval ||
      a->type.id == TypeId::Timestamp || b->type.id == TypeId::Timestamp ||
      a->type.id == TypeId::TimestampTz || b->type.id == TypeId::TimestampTz)
    throw fail();
  // Dates: date +/- integer -> date, date - date -> integer.
  if (a->type.id == TypeId::Date || b->type.id == TypeId::Date) {
    if (isUnknownLiteral(a)) a = coerceLiteral(a, SqlType::date());
    if (isUnknownLiteral(b))
      b = coerceLiteral(b, b->type.id == TypeId::Unknown && a->type.id == TypeId::Date && op == "-"
                               ? SqlType::date()
                               : SqlType::int32());
    auto node = makeNode(BoundKind::Arith, SqlType::date(), expr.location);
    node->name = op;
    if (a->type.id == TypeId::Date && b->type.id == TypeId::Date && op == "-") {
      node->type = SqlType::int32();
      node->args = {a, b};
      return node;
    }
    // date +/- integer and integer + date take int4 (smallint widens to it); bigint does not
    // narrow implicitly, so date + bigint is 42883 as in PostgreSQL.
    auto isDays = [](const BoundExprPtr& e) {
      return e->type.id == TypeId::Int32 || e->type.id == TypeId::Int16;
    };
    auto days = [](const BoundExprPtr& e) {
      return e->type.id == TypeId::Int32 ? e : ir::makeCast(e, SqlType::int32());
    };
    if (a->type.id == TypeId::Date && isDays(b) && (op == "+" || op == "-")) {
      node->args = {a, days(b)};
      return node;
    }
    if (b->type.id == TypeId::Date && isDays(a) && op == "+") {
      node->args = {b, days(a)};
      return node;
    }
    throw fail();
  }
  if (isUnknownLiteral(a) && isUnknownLiteral(b)) throw fail();
  if (isUnknownLiteral(a)) a = coerceLiteral(a, b->type);
  if (isUnknownLiteral(b)) b = coerceLiteral(b, a->type);
  if (!numericRank(a->type.id) || !numericRank(b->type.id)) throw fail();
  SqlType type = *commonType(a->type, b->type);
  if (type.id == TypeId::Numeric) {
    // Integers join numeric arithmetic at scale 0; the result scale follows PostgreSQL.
    auto asNumeric = [](const BoundExprPtr& e) {
      return e->type.id == TypeId::Numeric ? e : implicitCast(e, SqlType::numeric(0, 0));
    };
    a = asNumeric(a);
    b = asNumeric(b);
    int sa = a->type.scale, sb = b->type.scale;
    bool dynamic = sa == kDynamicScale || sb == kDynamicScale || op == "/" || op == "%";
    int scale = dynamic ? kDynamicScale : op == "*" ? sa + sb : std::max(sa, sb);
    type = SqlType::numeric(0, scale);
  } else {
    a = implicitCast(a, type);
    b = implicitCast(b, type);
  }
  auto node = makeNode(BoundKind::Arith, type, expr.location);
  node->name = op;
  node->args = {a, b};
  return node;
}

BoundExprPtr Binder::bindFunction(const ast::Expr& expr, const Scope& scope,
                                  AggregateContext& aggregates) {
  std::string name = expr.text;
  if (expr.over) return bindWindowCall(expr, scope, aggregates);
  if (name == "predict") return bindPredict(expr, scope, aggregates);
  if (auto kind = aggregateKind(name)) return bindAggregate(expr, *kind, scope, aggregates);
  if (!expr.aggregateOrder.empty())
    throw Error(SqlState::WrongObjectType,
                "ORDER BY specified, but " + name + " is not an aggregate function",
                expr.location + 1);
  std::vector<BoundExprPtr> args;
  for (const auto& arg : expr.args)
    args.push_back(bind(*arg, scope, aggregates));
  if (auto datetime = bindDatetimeFunction(name, args, expr.location, statementTime()))
    return datetime;
  return bindScalarFunction(name, std::move(args), expr.location);
}

BoundExprPtr Binder::bindPredict(const ast::Expr& expr, const Scope& scope,
                                 AggregateContext& aggregates) {
  if (expr.args.empty() || expr.args[0]->kind != ast::ExprKind::ColumnRef ||
      expr.args[0]->names.size() != 1)
    throw Error(SqlState::SyntaxError, "PREDICT needs a model name as its first argument",
                expr.location + 1)
        .withHint("Write PREDICT(model_name, feature, ...).");
  const std::string& modelName = expr.args[0]->names[0];
  auto model = catalog_.models.find(modelName);
  if (!model)
    throw Error(SqlState::UndefinedObject, "model \"" + modelName + "\" does not exist",
                expr.args[0]->location + 1);
  size_t given = expr.args.size() - 1;
  if (given != model->featureNames.size())
    throw Error(SqlState::UndefinedFunction,
                "model \"" + modelName + "\" takes " + std::to_string(model->featureNames.size()) +
                    " features, but " + std::to_string(given) + " were given",
                expr.location + 1)
        .withDetail("The model was trained on (" + [&] {
          std::string names;
          for (size_t i = 0; i < model->featureNames.size(); ++i)
            names += (i ? ", " : "") + model->featureNames[i];
          return names;
        }() + ").");
  auto node = makeNode(BoundKind::Predict, SqlType::float64(), expr.location);
  node->name = modelName;
  node->model = model->weights;
  for (size_t i = 1; i < expr.args.size(); ++i) {
    BoundExprPtr feature = bind(*expr.args[i], scope, aggregates);
    if (isUnknownLiteral(feature)) feature = coerceLiteral(feature, SqlType::float64());
    if (!numericRank(feature->type.id))
      throw Error(SqlState::DatatypeMismatch,
                  "feature " + std::to_string(i) + " of model \"" + modelName +
                      "\" must be numeric, not type " + feature->type.name(),
                  expr.args[i]->location + 1);
    node->args.push_back(implicitCast(feature, SqlType::float64()));
  }
  return node;
}

} // namespace flern::planner

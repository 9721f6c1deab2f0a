#include "planner/binder.h"

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

namespace {

std::shared_ptr<BoundExpr> makeNode(BoundKind kind, SqlType type, int location = -1) {
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

} // namespace

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

namespace {

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

} // namespace

/// Implicit conversion to `target` (literals parsed, constants folded, values cast).
BoundExprPtr implicitCast(const BoundExprPtr& expr, const SqlType& target) {
  if (isUnknownLiteral(expr)) return coerceLiteral(expr, target);
  if (expr->type == target) return expr;
  if (auto folded = foldNumericCast(expr, target)) return folded;
  return foldDatetime(ir::makeCast(expr, target));
}

namespace {

std::string typeListText(const std::vector<BoundExprPtr>& args) {
  std::string text;
  for (size_t i = 0; i < args.size(); ++i)
    text += (i ? ", " : "") + args[i]->type.name();
  return text;
}

} // namespace

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

namespace {

std::string operatorText(const std::string& op, const BoundExprPtr& a, const BoundExprPtr& b) {
  return "operator does not exist: " + a->type.name() + " " + op + " " + b->type.name();
}

std::optional<ir::AggregateKind> aggregateKind(const std::string& name) {
  if (name == "count") return ir::AggregateKind::Count;
  if (name == "sum") return ir::AggregateKind::Sum;
  if (name == "avg") return ir::AggregateKind::Avg;
  if (name == "min") return ir::AggregateKind::Min;
  if (name == "max") return ir::AggregateKind::Max;
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

} // namespace

std::vector<SqlType> LogicalQuery::outputTypes() const {
  std::vector<SqlType> types;
  for (const auto& expr : projections)
    types.push_back(expr->type);
  return types;
}

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
  case ast::ExprKind::Cast: {
    int strength = figureName(*expr.args[0], name);
    if (strength <= 1) {
      name = expr.typeName.name;
      return 1;
    }
    return strength;
  }
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

//===-- FROM --------------------------------------------------------------------------------===//

void Binder::addRelation(LogicalRelation relation, LogicalQuery& query, Scope& scope) {
  for (const auto& existing : scope.relations)
    if (existing == relation.alias)
      throw Error(SqlState::DuplicateAlias,
                  "table name \"" + relation.alias + "\" specified more than once");
  relation.firstColumn = static_cast<int>(scope.columns.size());
  for (size_t i = 0; i < relation.columnNames.size(); ++i)
    scope.columns.push_back({relation.alias, relation.columnNames[i], relation.columnTypes[i],
                             relation.firstColumn + static_cast<int>(i)});
  scope.relations.push_back(relation.alias);
  query.relations.push_back(std::move(relation));
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

void Binder::bindFromItem(const ast::FromItem& item, LogicalQuery& query, Scope& scope) {
  using Kind = ast::FromItem::Kind;
  if (item.kind == Kind::Join) {
    if (item.joinType != "inner")
      throw Error(SqlState::FeatureNotSupported, "only inner joins are supported");
    bindFromItem(*item.left, query, scope);
    bindFromItem(*item.right, query, scope);
    if (item.joinCondition) {
      AggregateContext none{nullptr, "JOIN conditions"};
      query.conjuncts.push_back(bindCondition(*item.joinCondition, scope, none, "JOIN/ON"));
    }
    return;
  }
  LogicalRelation relation;
  if (item.kind == Kind::Table) {
    auto table = catalog_.tables.find(item.name);
    if (!table && item.name == kModelsRelation) table = modelsTable();
    if (!table)
      throw Error(SqlState::UndefinedTable, "relation \"" + item.name + "\" does not exist",
                  item.location + 1);
    relation.kind = LogicalRelation::Kind::Table;
    relation.table = table;
    relation.alias = item.alias.empty() ? item.name : item.alias;
    for (const auto& column : table->columns()) {
      relation.columnNames.push_back(column.name);
      relation.columnTypes.push_back(column.type);
      relation.notNull.push_back(column.notNull);
    }
  } else if (item.kind == Kind::Function) {
    if (item.name != "generate_series")
      throw Error(SqlState::UndefinedFunction, "function " + item.name + " does not exist",
                  item.location + 1);
    if (item.args.size() != 2)
      throw Error(SqlState::UndefinedFunction,
                  "function generate_series with " + std::to_string(item.args.size()) +
                      " arguments does not exist",
                  item.location + 1)
          .withHint("Flern supports generate_series(start, stop) over integers.");
    BoundExprPtr start = bindConstantExpr(*item.args[0]);
    BoundExprPtr stop = bindConstantExpr(*item.args[1]);
    auto type = commonType(start->type, stop->type);
    if (!type || (type->id != TypeId::Int32 && type->id != TypeId::Int64))
      throw Error(SqlState::UndefinedFunction,
                  "function generate_series(" + start->type.name() + ", " + stop->type.name() +
                      ") does not exist",
                  item.location + 1);
    relation.kind = LogicalRelation::Kind::Series;
    relation.seriesStart = implicitCast(start, *type);
    relation.seriesStop = implicitCast(stop, *type);
    relation.alias = item.alias.empty() ? "generate_series" : item.alias;
    relation.columnNames = {item.columnAliases.empty() ? relation.alias : item.columnAliases[0]};
    relation.columnTypes = {*type};
    relation.notNull = {true};
  } else {
    auto subquery = bindSelect(*item.subquery);
    relation.kind = LogicalRelation::Kind::Subquery;
    relation.alias = item.alias;
    for (size_t i = 0; i < subquery->visibleColumns; ++i) {
      relation.columnNames.push_back(i < item.columnAliases.size() ? item.columnAliases[i]
                                                                   : subquery->columnNames[i]);
      relation.columnTypes.push_back(subquery->projections[i]->type);
      relation.notNull.push_back(false);
    }
    relation.subquery = std::move(subquery);
  }
  addRelation(std::move(relation), query, scope);
}

//===-- Expressions -------------------------------------------------------------------------===//

BoundExprPtr Binder::bindColumn(const ast::Expr& expr, const Scope& scope) {
  const ScopeColumn* found = nullptr;
  if (expr.names.size() == 1) {
    for (const auto& column : scope.columns) {
      if (column.name != expr.names[0]) continue;
      if (found)
        throw Error(SqlState::AmbiguousColumn,
                    "column reference \"" + expr.names[0] + "\" is ambiguous", expr.location + 1);
      found = &column;
    }
    if (!found)
      throw Error(SqlState::UndefinedColumn, "column \"" + expr.names[0] + "\" does not exist",
                  expr.location + 1);
  } else {
    const std::string& relation = expr.names[expr.names.size() - 2];
    const std::string& name = expr.names.back();
    bool relationFound = false;
    for (const auto& column : scope.columns) {
      if (column.relation != relation) continue;
      relationFound = true;
      if (column.name == name) {
        found = &column;
        break;
      }
    }
    if (!relationFound)
      throw Error(SqlState::UndefinedTable,
                  "missing FROM-clause entry for table \"" + relation + "\"", expr.location + 1);
    if (!found)
      throw Error(SqlState::UndefinedColumn, "column " + relation + "." + name + " does not exist",
                  expr.location + 1);
  }
  auto node = makeNode(BoundKind::Column, found->type, expr.location);
  node->index = found->index;
  node->name = found->relation + "." + found->name;
  return node;
}

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
        auto node = makeNode(BoundKind::Constant, SqlType::int64(), expr.location);
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
  case ExprKind::Cast: {
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
  case ExprKind::Case: {
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
      auto merged = branchCommonType(type, result->type);
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
  case ExprKind::Function:
    return bindFunction(expr, scope, aggregates);
  case ExprKind::Between: {
    // a BETWEEN b AND c  ==  a >= b AND a <= c
    auto makeCompare = [&](const char* op, const ast::Expr& left, const ast::Expr& right) {
      ast::Expr fake;
      fake.kind = ExprKind::Operator;
      fake.text = op;
      fake.location = expr.location;
      BoundExprPtr a = bind(left, scope, aggregates);
      BoundExprPtr b = bind(right, scope, aggregates);
      auto type = commonType(a->type, b->type);
      if (!type)
        throw Error(SqlState::UndefinedFunction, operatorText(op, a, b), expr.location + 1);
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
  case ExprKind::InList: {
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
  }
  internalError("unhandled expression kind in binder");
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
    // A smallint or integer constant whose negation does not fit is left to the run-time
    // negation, which raises 22003.
    bool overflows = (arg->type.id == TypeId::Int16 && arg->intValue == INT16_MIN) ||
                     (arg->type.id == TypeId::Int32 && arg->intValue == INT32_MIN);
    if (arg->kind == BoundKind::Constant && !arg->isNull && !overflows) {
      // Fold negative literals so that -2147483648 stays an integer, as in PostgreSQL.
      auto folded = std::make_shared<BoundExpr>(*arg);
      folded->intValue = -arg->intValue;
      folded->floatValue = -arg->floatValue;
      folded->numericValue = -arg->numericValue;
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
  bool comparison = op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
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
  if (op != "+" && op != "-" && op != "*" && op != "/" && op != "%") throw fail();
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
    if (a->type.id == TypeId::Date &&
        (b->type.id == TypeId::Int32 || b->type.id == TypeId::Int64) && (op == "+" || op == "-")) {
      node->args = {a, ir::makeCast(b, SqlType::int32())};
      return node;
    }
    if (b->type.id == TypeId::Date && a->type.id == TypeId::Int32 && op == "+") {
      node->args = {b, a};
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
  if (name == "predict") return bindPredict(expr, scope, aggregates);
  if (auto kind = aggregateKind(name)) {
    if (!aggregates.aggregates)
      throw Error(SqlState::GroupingError,
                  aggregates.forbiddenIn ? std::string("aggregate functions are not allowed in ") +
                                               aggregates.forbiddenIn
                                         : std::string("aggregate function calls cannot be nested"),
                  expr.location + 1);
    if (expr.distinct)
      throw Error(SqlState::FeatureNotSupported, "aggregates with DISTINCT are not supported",
                  expr.location + 1);
    ir::AggregateSpec spec;
    if (expr.star) {
      if (*kind != ir::AggregateKind::Count)
        throw Error(SqlState::SyntaxError,
                    name + "(*) must be used to call a parameterless aggregate function",
                    expr.location + 1);
      spec.kind = ir::AggregateKind::CountStar;
    } else {
      if (expr.args.size() != 1)
        throw Error(SqlState::UndefinedFunction,
                    "function " + name + " with " + std::to_string(expr.args.size()) +
                        " arguments does not exist",
                    expr.location + 1);
      AggregateContext inner{nullptr, nullptr};
      BoundExprPtr arg = bind(*expr.args[0], scope, inner);
      if (isUnknownLiteral(arg))
        arg = coerceLiteral(arg, *kind == ir::AggregateKind::Count
                                     ? SqlType::text()
                                     : SqlType::numeric(0, kDynamicScale));
      bool numeric = numericRank(arg->type.id) != 0 || arg->type.id == TypeId::Interval;
      if ((*kind == ir::AggregateKind::Sum || *kind == ir::AggregateKind::Avg) && !numeric)
        throw Error(SqlState::UndefinedFunction,
                    "function " + name + "(" + arg->type.name() + ") does not exist",
                    expr.location + 1)
            .withHint("No function matches the given name and argument types. You might need "
                      "to add explicit type casts.");
      spec.kind = *kind;
      spec.arg = arg;
    }
    spec.type = ir::aggregateResultType(spec.kind, spec.arg ? spec.arg->type : SqlType::int64());
    std::string text = spec.toString();
    auto& list = *aggregates.aggregates;
    size_t index = list.size();
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i].toString() == text) index = i;
    if (index == list.size()) list.push_back(spec);
    auto node = makeNode(BoundKind::AggregateRef, spec.type, expr.location);
    node->index = static_cast<int>(index);
    return node;
  }
  std::vector<BoundExprPtr> args;
  for (const auto& arg : expr.args)
    args.push_back(bind(*arg, scope, aggregates));
  auto unknownFunction = [&]() -> Error {
    return std::move(Error(SqlState::UndefinedFunction,
                           "function " + name + "(" + typeListText(args) + ") does not exist",
                           expr.location + 1)
                         .withHint("No function matches the given name and argument types. You "
                                   "might need to add explicit type casts."));
  };
  if (name == "coalesce") {
    SqlType type = SqlType::unknown();
    for (const auto& arg : args) {
      auto merged = branchCommonType(type, arg->type);
      if (!merged)
        throw Error(SqlState::DatatypeMismatch,
                    "COALESCE types " + type.name() + " and " + arg->type.name() +
                        " cannot be matched",
                    arg->location + 1);
      type = *merged;
    }
    if (type.id == TypeId::Unknown) type = SqlType::text();
    auto node = makeNode(BoundKind::Function, type, expr.location);
    node->name = name;
    for (const auto& arg : args)
      node->args.push_back(implicitCast(arg, type));
    return node;
  }
  if (auto datetime = bindDatetimeFunction(name, args, expr.location, statementTime()))
    return datetime;
  if (isDatetimeFunction(name)) throw unknownFunction();
  if (args.size() != 1) throw unknownFunction();
  BoundExprPtr arg = args[0];
  if (name == "abs") {
    if (!numericRank(arg->type.id) || arg->type.id == TypeId::Numeric) throw unknownFunction();
    auto node = makeNode(BoundKind::Function, arg->type, expr.location);
    node->name = name;
    node->args = {arg};
    return node;
  }
  if (name == "length" || name == "char_length" || name == "upper" || name == "lower") {
    if (isUnknownLiteral(arg)) arg = coerceLiteral(arg, SqlType::text());
    if (!arg->type.isString()) throw unknownFunction();
    // CHAR's trailing blanks are not part of its value.
    if (arg->type.id == TypeId::Char) arg = ir::makeCast(arg, SqlType::text());
    SqlType type = (name == "upper" || name == "lower") ? SqlType::text() : SqlType::int32();
    auto node = makeNode(BoundKind::Function, type, expr.location);
    node->name = name;
    node->args = {arg};
    return node;
  }
  throw unknownFunction();
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

//===-- Grouping ----------------------------------------------------------------------------===//

BoundExprPtr Binder::resolveGrouping(const BoundExprPtr& expr, const LogicalQuery& query,
                                     const Scope& scope) {
  std::string text = expr->toString();
  for (size_t i = 0; i < query.groupKeys.size(); ++i)
    if (query.groupKeys[i]->toString() == text) {
      auto column = ir::makeColumn(static_cast<int>(i), expr->type);
      return column;
    }
  if (expr->kind == BoundKind::AggregateRef)
    return ir::makeColumn(static_cast<int>(query.groupKeys.size()) + expr->index, expr->type);
  if (expr->kind == BoundKind::Column)
    throw Error(SqlState::GroupingError,
                "column \"" + expr->name +
                    "\" must appear in the GROUP BY clause or be used in an aggregate function",
                expr->location + 1);
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  for (auto& arg : copy->args)
    arg = resolveGrouping(arg, query, scope);
  return copy;
}

//===-- SELECT ------------------------------------------------------------------------------===//

std::shared_ptr<LogicalQuery>
Binder::bindSelect(const ast::SelectStmt& select,
                   const std::vector<storage::ColumnDef>* insertTargets) {
  auto query = std::make_shared<LogicalQuery>();
  Scope scope;

  if (!select.values.empty()) {
    // VALUES (...), (...): one relation; column types unify across rows.
    LogicalRelation relation;
    relation.kind = LogicalRelation::Kind::Values;
    relation.alias = "*VALUES*";
    size_t width = select.values[0].size();
    std::vector<std::vector<BoundExprPtr>> rows;
    std::vector<SqlType> types(width, SqlType::unknown());
    for (const auto& row : select.values) {
      if (row.size() != width)
        throw Error(SqlState::SyntaxError, "VALUES lists must all be the same length",
                    row.empty() ? -1 : row[0]->location + 1);
      if (insertTargets && width > insertTargets->size())
        throw Error(SqlState::SyntaxError, "INSERT has more expressions than target columns",
                    row[insertTargets->size()]->location + 1);
      std::vector<BoundExprPtr> bound;
      for (size_t i = 0; i < width; ++i) {
        bound.push_back(bindConstantExpr(*row[i]));
        if (insertTargets)
          bound.back() =
              assignmentCast(bound.back(), (*insertTargets)[i].type, (*insertTargets)[i].name);
        auto merged = commonType(types[i], bound.back()->type);
        if (!merged)
          throw Error(SqlState::DatatypeMismatch,
                      "VALUES types " + types[i].name() + " and " + bound.back()->type.name() +
                          " cannot be matched",
                      row[i]->location + 1);
        types[i] = *merged;
      }
      rows.push_back(std::move(bound));
    }
    for (size_t i = 0; i < width; ++i) {
      relation.columnNames.push_back("column" + std::to_string(i + 1));
      relation.columnTypes.push_back(types[i]);
      relation.notNull.push_back(false);
    }
    relation.valueRows = std::move(rows);
    addRelation(std::move(relation), *query, scope);
    for (size_t i = 0; i < width; ++i) {
      query->projections.push_back(ir::makeColumn(static_cast<int>(i), types[i]));
      query->columnNames.push_back("column" + std::to_string(i + 1));
    }
    query->visibleColumns = width;
    return query;
  }

  for (const auto& item : select.from)
    bindFromItem(item, *query, scope);
  if (select.where) {
    AggregateContext none{nullptr, "WHERE"};
    query->conjuncts.push_back(bindCondition(*select.where, scope, none, "WHERE"));
  }

  AggregateContext aggregates{&query->aggregates, nullptr};
  // Targets, with * expanded.
  std::vector<BoundExprPtr> targets;
  for (const auto& target : select.targets) {
    if (target.expr->kind == ast::ExprKind::Star) {
      std::string relation = target.expr->names.empty() ? "" : target.expr->names.back();
      bool any = false;
      for (const auto& column : scope.columns) {
        if (!relation.empty() && column.relation != relation) continue;
        any = true;
        auto node = std::const_pointer_cast<BoundExpr>(ir::makeColumn(column.index, column.type));
        node->name = column.relation + "." + column.name;
        node->location = target.expr->location;
        targets.push_back(node);
        query->columnNames.push_back(column.name);
      }
      if (!any && !relation.empty())
        throw Error(SqlState::UndefinedTable,
                    "missing FROM-clause entry for table \"" + relation + "\"",
                    target.expr->location + 1);
      if (!any && relation.empty())
        throw Error(SqlState::SyntaxError, "SELECT * with no tables specified is not valid",
                    target.expr->location + 1);
      continue;
    }
    // Untyped literals stay unknown here: INSERT converts them to the column type, and a
    // query result sends them as text.
    targets.push_back(bind(*target.expr, scope, aggregates));
    query->columnNames.push_back(target.alias.empty() ? figureColumnName(*target.expr)
                                                      : target.alias);
  }

  // GROUP BY: expressions, output positions or output names.
  for (const auto& group : select.groupBy) {
    BoundExprPtr key;
    if (group->kind == ast::ExprKind::IntConst) {
      int64_t position = group->intValue;
      if (position < 1 || position > static_cast<int64_t>(targets.size()))
        throw Error(SqlState::InvalidColumnReference,
                    "GROUP BY position " + std::to_string(position) + " is not in select list",
                    group->location + 1);
      key = targets[position - 1];
      if (containsAggregate(key))
        throw Error(SqlState::GroupingError, "aggregate functions are not allowed in GROUP BY",
                    group->location + 1);
    } else {
      AggregateContext none{nullptr, "GROUP BY"};
      try {
        key = bind(*group, scope, none);
      } catch (const Error& error) {
        // An output column name is accepted where no input column has that name.
        bool matched = false;
        if (error.state() == SqlState::UndefinedColumn && group->kind == ast::ExprKind::ColumnRef &&
            group->names.size() == 1)
          for (size_t i = 0; i < targets.size(); ++i)
            if (query->columnNames[i] == group->names[0] && !containsAggregate(targets[i])) {
              key = targets[i];
              matched = true;
              break;
            }
        if (!matched) throw;
      }
    }
    query->groupKeys.push_back(key);
  }
  query->aggregated = !query->groupKeys.empty() || !query->aggregates.empty();

  BoundExprPtr having;
  if (select.having) {
    having = bindCondition(*select.having, scope, aggregates, "HAVING");
    query->aggregated = true;
  }

  // ORDER BY: output positions, output names, or expressions (added as hidden columns).
  std::vector<BoundExprPtr> orderExprs;
  std::vector<int> orderTargets;
  for (const auto& item : select.orderBy) {
    const ast::Expr& expr = *item.expr;
    int targetIndex = -1;
    if (expr.kind == ast::ExprKind::IntConst) {
      if (expr.intValue < 1 || expr.intValue > static_cast<int64_t>(targets.size()))
        throw Error(SqlState::InvalidColumnReference,
                    "ORDER BY position " + std::to_string(expr.intValue) + " is not in select list",
                    expr.location + 1);
      targetIndex = static_cast<int>(expr.intValue - 1);
    } else if (expr.kind == ast::ExprKind::ColumnRef && expr.names.size() == 1) {
      for (size_t i = 0; i < targets.size(); ++i) {
        if (query->columnNames[i] != expr.names[0]) continue;
        if (targetIndex >= 0 && targets[targetIndex]->toString() != targets[i]->toString())
          throw Error(SqlState::AmbiguousColumn, "ORDER BY \"" + expr.names[0] + "\" is ambiguous",
                      expr.location + 1);
        if (targetIndex < 0) targetIndex = static_cast<int>(i);
      }
    }
    orderTargets.push_back(targetIndex);
    orderExprs.push_back(targetIndex >= 0 ? nullptr : bind(expr, scope, aggregates));
  }
  query->aggregated = query->aggregated || !query->aggregates.empty();

  if (query->aggregated) {
    for (auto& target : targets)
      target = resolveGrouping(target, *query, scope);
    if (having) having = resolveGrouping(having, *query, scope);
    for (auto& expr : orderExprs)
      if (expr) expr = resolveGrouping(expr, *query, scope);
  }
  query->having = having;
  query->projections = targets;
  query->visibleColumns = targets.size();
  query->distinct = select.distinct;

  for (size_t i = 0; i < select.orderBy.size(); ++i) {
    int index = orderTargets[i];
    if (index < 0) {
      std::string text = orderExprs[i]->toString();
      for (size_t t = 0; t < query->projections.size(); ++t)
        if (query->projections[t]->toString() == text) index = static_cast<int>(t);
      if (index < 0) {
        if (select.distinct)
          throw Error(SqlState::InvalidColumnReference,
                      "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                      select.orderBy[i].expr->location + 1);
        index = static_cast<int>(query->projections.size());
        query->projections.push_back(orderExprs[i]);
      }
    }
    ir::SortKey key;
    key.expr = ir::makeColumn(index, query->projections[index]->type);
    key.descending = select.orderBy[i].descending;
    key.nullsFirst = select.orderBy[i].nullsFirst.value_or(key.descending);
    query->orderBy.push_back(key);
  }

  if (select.limit) {
    BoundExprPtr limit = bindConstantExpr(*select.limit);
    if (!(limit->kind == BoundKind::Constant && limit->isNull)) {
      query->limit = constantInteger(limit, "LIMIT");
      if (*query->limit < 0)
        throw Error(SqlState::InvalidRowCountInLimitClause, "LIMIT must not be negative");
    }
  }
  if (select.offset) {
    BoundExprPtr offset = bindConstantExpr(*select.offset);
    if (!(offset->kind == BoundKind::Constant && offset->isNull)) {
      query->offset = constantInteger(offset, "OFFSET");
      if (query->offset < 0)
        throw Error(SqlState::InvalidRowCountInResultOffsetClause, "OFFSET must not be negative");
    }
  }
  return query;
}

} // namespace flern::planner

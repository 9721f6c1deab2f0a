// Aggregate calls: argument typing per aggregate kind (PostgreSQL's signatures), DISTINCT,
// FILTER and ORDER BY inside the call. The call becomes an AggregateRef to the query block's
// list of aggregates; equal calls share one entry.
#include "planner/binder.h"

#include "common/error.h"
#include "planner/expr_typing.h"
#include "planner/type_rules.h"

namespace flern::planner {

using ir::AggregateKind;
using ir::BoundExprPtr;

namespace {

bool isStatistical(AggregateKind kind) {
  return kind == AggregateKind::VarSamp || kind == AggregateKind::VarPop ||
         kind == AggregateKind::StddevSamp || kind == AggregateKind::StddevPop;
}

bool isText(const SqlType& type) {
  return type.id == TypeId::Text || type.id == TypeId::Varchar || type.id == TypeId::Char;
}

/// The type an untyped literal argument takes, as PostgreSQL's candidate selection decides.
SqlType literalType(AggregateKind kind) {
  switch (kind) {
  case AggregateKind::Count:
  case AggregateKind::StringAgg:
    return SqlType::text();
  case AggregateKind::BoolAnd:
  case AggregateKind::BoolOr:
    return SqlType::boolean();
  case AggregateKind::VarSamp:
  case AggregateKind::VarPop:
  case AggregateKind::StddevSamp:
  case AggregateKind::StddevPop:
    return SqlType::float64(); // the preferred type of the numeric category
  default:
    return SqlType::numeric(0, kDynamicScale);
  }
}

/// Whether the aggregate has a signature for an argument of `type`.
bool accepts(AggregateKind kind, const SqlType& type) {
  switch (kind) {
  case AggregateKind::Sum:
  case AggregateKind::Avg:
    return numericRank(type.id) != 0 || type.id == TypeId::Interval;
  case AggregateKind::BoolAnd:
  case AggregateKind::BoolOr:
    return type.id == TypeId::Bool;
  case AggregateKind::StringAgg:
    return isText(type);
  default:
    return isStatistical(kind) ? numericRank(type.id) != 0 : true;
  }
}

[[noreturn]] void noSuchFunction(const std::string& name, const std::vector<BoundExprPtr>& args,
                                 int location) {
  throw Error(SqlState::UndefinedFunction,
              "function " + name + "(" + typeListText(args) + ") does not exist", location + 1)
      .withHint("No function matches the given name and argument types. You might need to add "
                "explicit type casts.");
}

} // namespace

BoundExprPtr Binder::bindAggregate(const ast::Expr& expr, AggregateKind kind, const Scope& scope,
                                   AggregateContext& aggregates) {
  const std::string& name = expr.text;
  if (!aggregates.aggregates)
    throw Error(SqlState::GroupingError,
                aggregates.forbiddenIn ? std::string("aggregate functions are not allowed in ") +
                                             aggregates.forbiddenIn
                                       : std::string("aggregate function calls cannot be nested"),
                expr.location + 1);
  ir::AggregateSpec spec;
  spec.distinct = expr.distinct;
  if (expr.filter) {
    AggregateContext inner{nullptr, "FILTER"};
    spec.filter = bindCondition(*expr.filter, scope, inner, "FILTER");
  }
  AggregateContext inner{nullptr, nullptr};
  if (expr.star) {
    if (kind != AggregateKind::Count)
      throw Error(SqlState::SyntaxError,
                  name + "(*) must be used to call a parameterless aggregate function",
                  expr.location + 1);
    spec.kind = AggregateKind::CountStar;
  } else {
    std::vector<BoundExprPtr> args;
    for (const auto& arg : expr.args)
      args.push_back(bind(*arg, scope, inner));
    size_t arity = kind == AggregateKind::StringAgg ? 2 : 1;
    if (args.size() != arity) noSuchFunction(name, args, expr.location);
    if (isUnknownLiteral(args[0])) args[0] = coerceLiteral(args[0], literalType(kind));
    if (!accepts(kind, args[0]->type)) noSuchFunction(name, args, expr.location);
    if (kind == AggregateKind::StringAgg) {
      if (isUnknownLiteral(args[1])) args[1] = coerceLiteral(args[1], SqlType::text());
      if (!isText(args[1]->type)) noSuchFunction(name, args, expr.location);
      // string_agg(text, text): CHAR and VARCHAR convert (CHAR loses its padding).
      for (auto& arg : args)
        arg = implicitCast(arg, SqlType::text());
      spec.arg2 = args[1];
    }
    spec.kind = kind;
    spec.arg = args[0];
  }
  for (const auto& item : expr.aggregateOrder) {
    BoundExprPtr key = bind(*item.expr, scope, inner);
    if (isUnknownLiteral(key)) key = implicitCast(key, SqlType::text());
    if (spec.distinct) {
      // Rows that DISTINCT merges must sort alike: the keys must be arguments.
      bool isArgument = (spec.arg && spec.arg->toString() == key->toString()) ||
                        (spec.arg2 && spec.arg2->toString() == key->toString());
      if (!isArgument)
        throw Error(SqlState::InvalidColumnReference,
                    "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument "
                    "list",
                    item.expr->location + 1);
    }
    spec.orderBy.push_back(key);
    spec.orderDescending.push_back(item.descending);
    spec.orderNullsFirst.push_back(item.nullsFirst.value_or(item.descending));
  }
  spec.type = ir::aggregateResultType(spec.kind, spec.arg ? spec.arg->type : SqlType::int64());
  std::string text = spec.toString();
  auto& list = *aggregates.aggregates;
  size_t index = list.size();
  // The same call twice is computed once; constants of different types print alike.
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].toString() == text && list[i].type == spec.type &&
        (!spec.arg || list[i].arg->type == spec.arg->type))
      index = i;
  if (index == list.size()) list.push_back(spec);
  auto node = makeNode(ir::BoundKind::AggregateRef, spec.type, expr.location);
  node->index = static_cast<int>(index);
  return node;
}

} // namespace flern::planner

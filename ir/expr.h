// Bound (typed, resolved) expressions: what the binder produces and the code generators consume.
#pragma once

#include "common/types.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace flern::ir {

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

enum class BoundKind {
  Column,   ///< input row field `index`
  Constant, ///< literal (see constant fields)
  Arith,    ///< op in "+-*/%": args[0] op args[1]
  Negate,
  Compare, ///< op in "= <> < <= > >="
  And,
  Or,
  Not,
  IsNull,
  IsNotNull,
  Cast,         ///< args[0] converted to `type`
  Case,         ///< args: when0, then0, when1, then1, ..., else (always present)
  Like,         ///< args[0] LIKE args[1]; negated for NOT LIKE
  Function,     ///< scalar builtin `name`
  Predict,      ///< model `name` applied to args (features); weights in modelWeights
  AggregateRef, ///< binder-internal: aggregate `index`, replaced before code generation
  WindowRef,    ///< binder-internal: window function call `index`, replaced by a Window column
  Subquery,     ///< planner-internal: see `subquery`; replaced by joins before code generation
};

/// A subquery used as an expression. Defined by the planner (it holds a logical plan); code
/// generation never sees one, because unnesting turns every subquery into a join.
struct SubqueryInfo;

/// A model as a PREDICT expression needs it: its weights are folded into the generated code.
struct ModelWeights {
  std::string algorithm;            ///< "linear_regression"
  std::vector<double> coefficients; ///< one per feature
  double intercept = 0;
};

struct BoundExpr {
  BoundKind kind;
  SqlType type;
  int index = -1;
  std::string name; ///< operator symbol, function or model name
  bool negated = false;
  bool assignment = false; ///< Cast for storing into a column: VARCHAR(n) overflow is an error
  std::vector<BoundExprPtr> args;
  // Constant payload
  bool isNull = false;
  int64_t intValue = 0; ///< Bool, Int32, Int64, Date
  double floatValue = 0;
  __int128 numericValue = 0; ///< scaled by 10^type.scale
  std::string stringValue;
  std::shared_ptr<const ModelWeights> model;
  std::shared_ptr<const SubqueryInfo> subquery; ///< Subquery
  int location = -1; ///< 0-based offset in the statement text, for errors

  /// Readable form for EXPLAIN.
  std::string toString() const;
};

BoundExprPtr makeColumn(int index, SqlType type);
BoundExprPtr makeCast(BoundExprPtr arg, SqlType to);

/// Aggregate functions computed by HashAggregate (their state code is in ir/ops/aggregate_state).
enum class AggregateKind {
  CountStar,
  Count,
  Sum,
  Avg,
  Min,
  Max,
  BoolAnd, ///< bool_and, every
  BoolOr,
  VarSamp, ///< var_samp, variance
  VarPop,
  StddevSamp, ///< stddev_samp, stddev
  StddevPop,
  StringAgg, ///< string_agg(text, delimiter)
};

/// The result type PostgreSQL gives an aggregate over `input` (count -> bigint, sum(int4) ->
/// bigint, sum(int8) -> numeric, avg(int) -> numeric ...).
SqlType aggregateResultType(AggregateKind kind, const SqlType& input);

struct AggregateSpec {
  AggregateKind kind;
  BoundExprPtr arg;      ///< null for CountStar
  BoundExprPtr arg2;     ///< string_agg's delimiter
  SqlType type;          ///< result type
  bool distinct = false; ///< over the distinct non-null values of arg
  BoundExprPtr filter;   ///< FILTER (WHERE ...): rows where it is not true are left out
  /// ORDER BY inside the call: the order in which rows reach the aggregate (string_agg).
  std::vector<BoundExprPtr> orderBy;
  std::vector<bool> orderDescending, orderNullsFirst;
  std::string toString() const;
};

/// Replaces each expression of the aggregate (argument, delimiter, FILTER, ORDER BY) by `map`'s.
void mapAggregateExpressions(AggregateSpec& aggregate,
                             const std::function<BoundExprPtr(const BoundExprPtr&)>& map);
/// Calls `visit` on each expression of the aggregate.
void forEachAggregateExpression(const AggregateSpec& aggregate,
                                const std::function<void(const BoundExprPtr&)>& visit);

} // namespace flern::ir
